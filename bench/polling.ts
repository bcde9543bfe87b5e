// Batch polling: polls made and detection delay of the Batch Status Poller's follow loop (real
// MetaClient, real HTTP to the fake server) for async jobs of varied length, against the ideal of
// one poll at the moment the job completes. Time is virtual: sleeps advance a clock shared by the
// client, the poller and the server, so a 20-minute job takes milliseconds.
import { followJob, type FollowSettings } from '../nodes/shared/core';
import { DEFAULT_POLL_SCHEDULE, DEFAULT_STATUS_MAPPING, type JobKind } from '../nodes/shared/core';
import { closeMetaPools, MetaClient } from '../nodes/shared/transport';
import { startFakeMeta } from '../testing/fake-meta';
import { round, type BenchReport, type Row } from './report';

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const LENGTHS_MS = [1 * SECOND, 5 * SECOND, 20 * SECOND, 45 * SECOND, 100 * SECOND, 270 * SECOND, 13 * MINUTE, 47 * MINUTE];
const KINDS: JobKind[] = ['report_run', 'async_batch'];

function duration(ms: number): string {
	return ms >= MINUTE ? `${round(ms / MINUTE, 1)} min` : `${round(ms / SECOND, 1)} s`;
}

export async function runPolling(): Promise<BenchReport> {
	let now = Date.UTC(2026, 0, 1);
	const clock = () => now;
	const sleep = async (ms: number) => {
		now += Math.max(0, ms);
	};
	const fake = await startFakeMeta({ clock });
	const client = new MetaClient({ baseUrl: fake.url, apiVersion: 'v24.0', accessToken: fake.token, sleep, now: clock });
	// The node's default schedule, with a timeout long enough to see the longest job end.
	const schedule = { ...DEFAULT_POLL_SCHEDULE, timeoutMs: 2 * 60 * MINUTE };
	const rows: Row[] = [];
	try {
		for (const kind of KINDS) {
			for (const lengthMs of LENGTHS_MS) {
				const id = fake.createAsyncJob({ kind, total: 20, failIndices: [3], completeAfterMs: lengthMs });
				const settings: FollowSettings = {
					kind,
					schedule,
					statusUrl: '',
					mapping: DEFAULT_STATUS_MAPPING,
					withSucceeded: false,
					sortBy: '',
					maxPages: 100,
				};
				const followed = await followJob(id, settings, { client, sleep, now: clock, secrets: [fake.token] });
				const job = fake.getJob(id)!;
				const delayMs = now - (job.completedAt ?? NaN);
				rows.push({
					job: kind,
					length: duration(lengthMs),
					state: followed.state,
					polls: job.polls,
					'ideal polls': 1,
					'detection delay': duration(delayMs),
					'delay / length %': round((100 * delayMs) / lengthMs, 1),
				});
			}
		}
	} finally {
		await closeMetaPools();
		await fake.close();
	}
	const worst = Math.max(...rows.map((r) => Number(r['delay / length %'])));
	return {
		name: 'polling',
		title: `Batch polling: the Batch Status Poller's default schedule (first poll at once, then every ${DEFAULT_POLL_SCHEDULE.initialMs / SECOND} s × ${DEFAULT_POLL_SCHEDULE.factor}, at most ${DEFAULT_POLL_SCHEDULE.maxIntervalMs / SECOND} s apart)`,
		rows,
		targets: [],
		notes: [
			'ideal: one poll, exactly when the job completes (delay 0); polls count status reads only, not the result pages',
			`worst detection delay relative to the job's length: ${worst} %`,
			'the node stops at its timeout (default 5 min) with the job on Still Running; here the timeout is raised to 2 h to see long jobs end',
		],
	};
}
