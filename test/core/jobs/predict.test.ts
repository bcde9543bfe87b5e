// followJob's progress-based polling against the fake Meta server on a virtual clock (sleeps advance
// it): a linear job is detected just after it ends with fewer polls than the schedule alone; a job
// without progress is polled exactly on the schedule; a job whose progress stalls, then jumps, is
// still detected within the schedule's bounds and with no more polls than the schedule alone.
import { DEFAULT_POLL_SCHEDULE, DEFAULT_STATUS_MAPPING, followJob, pollDelay, type FollowSettings, type JobClient, type JobKind } from '../../../nodes/shared/core';
import { closeMetaPools, MetaClient } from '../../../nodes/shared/transport';
import { startFakeMeta, type FakeMeta } from '../../../testing/fake-meta';

const SECOND = 1_000;
const schedule = { ...DEFAULT_POLL_SCHEDULE, timeoutMs: 60 * 60 * SECOND };
let now = Date.UTC(2026, 0, 1);
const clock = () => now;
let sleeps: number[] = [];
const sleep = async (ms: number) => {
	sleeps.push(ms);
	now += Math.max(0, ms);
};
let fake: FakeMeta;
let client: MetaClient;

beforeAll(async () => {
	fake = await startFakeMeta({ clock });
	client = new MetaClient({ baseUrl: fake.url, apiVersion: 'v24.0', accessToken: fake.token, sleep, now: clock, throttle: false });
});
afterAll(async () => {
	await closeMetaPools();
	await fake.close();
});
beforeEach(() => {
	sleeps = [];
});

/** Polls the schedule alone makes for a job of this length (first poll at once). */
function baselinePolls(lengthMs: number): number {
	let at = 0;
	let polls = 1;
	for (let n = 0; at < lengthMs; n++, polls++) at += pollDelay(n, schedule);
	return polls;
}

function settings(kind: JobKind): FollowSettings {
	return { kind, schedule, statusUrl: '', mapping: DEFAULT_STATUS_MAPPING, withSucceeded: false, sortBy: '', maxPages: 100 };
}

async function follow(kind: JobKind, lengthMs: number, jobClient: JobClient = client) {
	const id = fake.createAsyncJob({ kind, total: 20, completeAfterMs: lengthMs });
	const followed = await followJob(id, settings(kind), { client: jobClient, sleep, now: clock, secrets: [fake.token] });
	const job = fake.getJob(id)!;
	return { followed, polls: job.polls, delayMs: now - job.completedAt! };
}

test.each([
	['report_run', 45 * SECOND],
	['report_run', 100 * SECOND],
	['async_batch', 270 * SECOND],
	['report_run', 13 * 60 * SECOND],
] as const)('linear %s of %d ms: detected within 5 %% of its length, with fewer polls than the schedule', async (kind, lengthMs) => {
	const { followed, polls, delayMs } = await follow(kind, lengthMs);
	expect(followed.state).toBe('completed');
	expect(delayMs).toBeGreaterThanOrEqual(0);
	expect(delayMs).toBeLessThanOrEqual(Math.max(2 * SECOND, 0.05 * lengthMs));
	expect(polls).toBeLessThan(baselinePolls(lengthMs));
	expect(Math.max(...sleeps)).toBeLessThanOrEqual(schedule.maxIntervalMs);
});

test('a job without progress (Instagram container) is polled exactly on the schedule', async () => {
	const lengthMs = 100 * SECOND;
	const { followed, polls } = await follow('ig_container', lengthMs);
	expect(followed.state).toBe('completed');
	expect(polls).toBe(baselinePolls(lengthMs));
	expect(sleeps).toEqual(sleeps.map((_, n) => pollDelay(n, schedule)));
});

test('a job whose progress stalls at 30 %, then jumps to done: within the schedule’s bounds, no more polls', async () => {
	// The fake's report run, its progress capped at 30 % until it completes.
	const stalling: JobClient = {
		paginate: (options, limits) => client.paginate(options, limits),
		async request(options) {
			const answer = await client.request(options);
			if (!answer.ok) return answer;
			const body = { ...(answer.body as Record<string, unknown>) };
			if (body.async_status !== 'Job Completed') body.async_percent_completion = Math.min(30, Number(body.async_percent_completion));
			return { ok: true, body };
		},
	};
	for (const lengthMs of [20 * SECOND, 100 * SECOND, 600 * SECOND]) {
		sleeps = [];
		const { followed, polls, delayMs } = await follow('report_run', lengthMs, stalling);
		expect(followed.state).toBe('completed');
		expect(polls).toBeLessThanOrEqual(baselinePolls(lengthMs));
		expect(delayMs).toBeLessThanOrEqual(Math.min(schedule.maxIntervalMs, lengthMs));
		expect(Math.max(...sleeps)).toBeLessThanOrEqual(schedule.maxIntervalMs);
	}
});
