// Batch polling: polls made and detection delay of the Batch Status Poller's follow loop (real
// MetaClient, real HTTP to the fake server) for async jobs of varied length, against the ideal of
// one poll at the moment the job completes. Each job runs twice, as two identical jobs: once with the
// loop as it is (progress-based prediction), once with its progress hidden from the loop, which then
// polls on the bare schedule (the baseline). Time is virtual: sleeps advance a clock shared by the
// client, the poller and the server, so a 20-minute job takes milliseconds.
import { followJob, type FollowSettings, type JobClient } from '../nodes/shared/core';
import { DEFAULT_POLL_SCHEDULE, DEFAULT_STATUS_MAPPING, type JobKind } from '../nodes/shared/core';
import { closeMetaPools, MetaClient } from '../nodes/shared/transport';
import { startFakeMeta } from '../testing/fake-meta';
import { percentile, round, type BenchReport, type Row } from './report';

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const LENGTHS_MS = [1 * SECOND, 5 * SECOND, 20 * SECOND, 45 * SECOND, 100 * SECOND, 270 * SECOND, 13 * MINUTE, 47 * MINUTE];
const KINDS: JobKind[] = ['report_run', 'async_batch'];
/** Jobs detected within this delay count as on time whatever their length. */
const FLOOR_MS = 2 * SECOND;

/** How a job's reported progress (report run, whole percents) runs over its length; the end is the fake's. */
type Shape = { name: string; reshape?: (linear: number) => number };
const SHAPES: Shape[] = [
	{ name: 'linear' },
	// Nothing, then everything: progress stops at 30 % until the job completes.
	{ name: 'stalls at 30 %', reshape: (p) => Math.min(p, 30) },
	// Slow start, fast end.
	{ name: 'accelerating', reshape: (p) => Math.floor((p * p) / 100) },
	// Fast start, slow end.
	{ name: 'decelerating', reshape: (p) => Math.floor(10 * Math.sqrt(p)) },
];
const NONLINEAR_LENGTHS_MS = [20 * SECOND, 100 * SECOND, 13 * MINUTE];

function duration(ms: number): string {
	return ms >= MINUTE ? `${round(ms / MINUTE, 1)} min` : `${round(ms / SECOND, 1)} s`;
}

/** The client with each running status answer's progress rewritten (reshape) or removed (baseline). */
function viewOf(client: JobClient, kind: JobKind, change: 'hide' | ((p: number) => number) | undefined): JobClient {
	if (!change) return client;
	return {
		paginate: (options, limits) => client.paginate(options, limits),
		async request(options) {
			const answer = await client.request(options);
			if (!answer.ok || typeof answer.body !== 'object' || answer.body === null) return answer;
			const body = { ...(answer.body as Record<string, unknown>) };
			if (kind === 'async_batch' && body.is_completed !== true) {
				// Progress comes from the counts: without the total there is none.
				if (change === 'hide') delete body.total_count;
			} else if (kind === 'report_run' && body.async_status !== 'Job Completed') {
				const p = Number(body.async_percent_completion);
				if (change === 'hide') delete body.async_percent_completion;
				else body.async_percent_completion = change(p);
			}
			return { ok: true, body };
		},
	};
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
	/** Follows a fresh job of this kind and length; its polls and detection delay. */
	const follow = async (kind: JobKind, lengthMs: number, change: 'hide' | ((p: number) => number) | undefined) => {
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
		const followed = await followJob(id, settings, { client: viewOf(client, kind, change), sleep, now: clock, secrets: [fake.token] });
		const job = fake.getJob(id)!;
		return { state: followed.state, polls: job.polls, delayMs: now - (job.completedAt ?? NaN) };
	};
	const measure = async (job: string, kind: JobKind, lengthMs: number, reshape?: (p: number) => number) => {
		const run = await follow(kind, lengthMs, reshape);
		const base = await follow(kind, lengthMs, 'hide');
		rows.push({
			job,
			length: duration(lengthMs),
			lengthS: round(lengthMs / SECOND, 1),
			state: run.state,
			polls: run.polls,
			baselinePolls: base.polls,
			'detection delay': duration(run.delayMs),
			delayPctOfLength: round((100 * run.delayMs) / lengthMs, 1),
			'baseline delay': duration(base.delayMs),
			baselineDelayPct: round((100 * base.delayMs) / lengthMs, 1),
			'within floor': run.delayMs <= FLOOR_MS,
		});
	};
	try {
		for (const kind of KINDS) for (const lengthMs of LENGTHS_MS) await measure(kind, kind, lengthMs);
		for (const shape of SHAPES.filter((s) => s.reshape)) {
			for (const lengthMs of NONLINEAR_LENGTHS_MS) await measure(`report_run (${shape.name})`, 'report_run', lengthMs, shape.reshape);
		}
	} finally {
		await closeMetaPools();
		await fake.close();
	}
	// Below the floor, any delay counts as on time (0 %).
	const pct = (list: Row[]) => list.map((r) => (r['within floor'] ? 0 : Number(r.delayPctOfLength)));
	const linear = rows.filter((r) => !String(r.job).includes('('));
	const median = percentile(pct(linear), 50);
	const worst = Math.max(...pct(linear));
	const rawMedian = percentile(linear.map((r) => Number(r.delayPctOfLength)), 50);
	const worstAll = Math.max(...pct(rows));
	const baselineWorst = Math.max(...rows.map((r) => Number(r.baselineDelayPct)));
	const extraPolls = rows.filter((r) => Number(r.polls) > Number(r.baselinePolls)).length;
	return {
		name: 'polling',
		title: `Batch polling: the Batch Status Poller's follow loop, predicting the end from the job's progress, against its default schedule alone (first poll at once, then every ${DEFAULT_POLL_SCHEDULE.initialMs / SECOND} s × ${DEFAULT_POLL_SCHEDULE.factor}, at most ${DEFAULT_POLL_SCHEDULE.maxIntervalMs / SECOND} s apart)`,
		rows,
		targets: [
			{ what: 'median detection delay ≤ 5 % of the length (linear jobs; ≤ 2 s counts as on time)', value: `${median} %`, met: median <= 5 },
			{ what: 'worst detection delay ≤ 15 % of the length (linear jobs; ≤ 2 s counts as on time)', value: `${worst} %`, met: worst <= 15 },
			{ what: 'no job polled more often than on the schedule alone', value: `${extraPolls} jobs with more polls`, met: extraPolls === 0 },
		],
		notes: [
			'ideal: one poll, exactly when the job completes (delay 0); polls count status reads only, not the result pages',
			'baseline: the same job (an identical one, created at the same virtual time) with its progress hidden from the loop, which then polls on the schedule alone',
			`detection delay relative to the job's length, linear jobs (delays ≤ 2 s count as 0): median ${median} % (${rawMedian} % counting every delay), worst ${worst} %; baseline worst ${baselineWorst} %`,
			`worst with the non-linear report runs (progress reshaped in the answers; the end is the fake's): ${worstAll} %`,
			'the node stops at its timeout (default 5 min) with the job on Still Running; here the timeout is raised to 2 h to see long jobs end',
		],
	};
}
