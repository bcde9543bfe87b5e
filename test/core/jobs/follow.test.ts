// followJob against the fake Meta server over real HTTP: every job kind, partial and whole
// failures, the timeout, resuming, and throttled polls.
import { MemoryStore, followJob } from '../../../nodes/shared/core';
import { followSettings } from '../../helpers/followSettings';
import { MetaClient } from '../../../nodes/shared/transport';
import { useFakeMeta } from '../../../testing/fake-meta';

const CANARY = 'EAAcanary0000SECRET0000TOKEN';
const fake = useFakeMeta({ token: CANARY });

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

const settings = followSettings;

// Each test gets its own circuit breakers: one test's failing polls must not open another's breaker.
function deps(retry = { maxAttempts: 4, baseDelayMs: 1, maxDelayMs: 5, totalBudgetMs: 5_000 }, failureThreshold = 5) {
	const client = new MetaClient({
		baseUrl: fake.url,
		apiVersion: 'v24.0',
		accessToken: CANARY,
		retry,
		throttle: false,
		sleep,
		store: new MemoryStore(),
		breaker: { failureThreshold },
	});
	return { client, sleep, now: Date.now, secrets: [CANARY] };
}

test('async batch: 3 of 200 sub-requests fail → exactly those 3, with their indices, read once', async () => {
	const id = fake.createAsyncJob({ kind: 'async_batch', total: 200, failIndices: [7, 99, 180], completeAfterPolls: 3 });
	const followed = await followJob(id, settings(), deps());
	expect(followed.state).toBe('completed');
	expect(followed.polls).toBe(3);
	expect(followed.failures.map((f) => f.index)).toEqual([7, 99, 180]);
	expect(followed.failures[0].error).toMatchObject({ category: 'validation', code: 100, subcode: 1487390 });
	expect(followed.failures[0].id).toMatch(/^\d+$/);
	expect(followed.status).toMatchObject({ total: 200, succeeded: 197, failed: 3 });
	expect(followed.successes).toEqual([]);
	// Results were read page by page (100 per page), each page once.
	const pages = fake.requests.filter((r) => r.path.includes(`${id}/requests`));
	expect(pages).toHaveLength(2);
	expect(JSON.stringify(followed)).not.toContain(CANARY);
});

test('async batch with succeeded items: 200 results in batch order, none twice', async () => {
	const id = fake.createAsyncJob({ kind: 'async_batch', total: 200, failIndices: [0], completeAfterPolls: 1 });
	const followed = await followJob(id, settings({ withSucceeded: true }), deps());
	expect(followed.successes).toHaveLength(199);
	expect(followed.successes.map((s) => s.index)).toEqual(Array.from({ length: 199 }, (_, i) => i + 1));
	expect(new Set(followed.successes.map((s) => s.id)).size).toBe(199);
	expect(followed.successes[0].result).toEqual({ id: expect.any(String) });
});

test('async batch: a job that fails as a whole (every request canceled)', async () => {
	const id = fake.createAsyncJob({ kind: 'async_batch', total: 5, outcome: 'skipped', completeAfterPolls: 1 });
	const followed = await followJob(id, settings(), deps());
	expect(followed.state).toBe('failed');
	expect(followed.error?.message).toContain('canceled');
});

test('report run: completes, optionally with its rows; Job Failed is a failed job', async () => {
	const ok = fake.createAsyncJob({ kind: 'report_run', total: 30, completeAfterPolls: 2 });
	const done = await followJob(ok, settings({ kind: 'report_run', withSucceeded: true }), deps());
	expect(done.state).toBe('completed');
	expect(done.status).toMatchObject({ status: 'Job Completed', progress: 100 });
	expect(done.successes).toHaveLength(30);
	expect(done.successes[29]).toMatchObject({ index: 29, result: { impressions: expect.any(String) } });

	const failed = fake.createAsyncJob({ kind: 'report_run', outcome: 'failed', completeAfterPolls: 1 });
	const result = await followJob(failed, settings({ kind: 'report_run' }), deps());
	expect(result).toMatchObject({ state: 'failed', status: { status: 'Job Failed' } });
});

test('async session: FAILED carries the Meta error of result.error', async () => {
	const id = fake.createAsyncJob({
		kind: 'async_session',
		outcome: 'failed',
		completeAfterPolls: 2,
		failWith: { error: { message: 'Invalid OAuth access token', type: 'OAuthException', code: 190, fbtrace_id: 'T1' } },
	});
	const followed = await followJob(id, settings({ kind: 'async_session' }), deps());
	expect(followed.state).toBe('failed');
	expect(followed.error).toMatchObject({ category: 'auth', code: 190, asyncSessionId: id });
});

test('custom status URL: partial failure becomes per-item failures from the errors list', async () => {
	const id = fake.createAsyncJob({ kind: 'custom', total: 10, failIndices: [2, 5], completeAfterPolls: 2 });
	const followed = await followJob(id, settings({ kind: 'custom' }), deps());
	expect(followed.state).toBe('completed');
	expect(followed.status).toMatchObject({ status: 'partial', total: 10, succeeded: 8, failed: 2 });
	expect(followed.failures.map((f) => [f.index, typeof f.id])).toEqual([
		[2, 'string'],
		[5, 'string'],
	]);
	expect(followed.failures[0].error?.category).toBe('validation');
});

test('timeout: still running with progress, then a later run resumes to the end', async () => {
	const id = fake.createAsyncJob({ kind: 'async_batch', total: 20, completeAfterPolls: 6 });
	const first = await followJob(id, settings({ schedule: { initialMs: 1, factor: 1, maxIntervalMs: 1, timeoutMs: 0 } }), deps());
	expect(first).toMatchObject({ state: 'running', polls: 1 });
	expect(first.status?.progress).toBeGreaterThan(0);
	expect(first.status?.progress).toBeLessThan(100);
	const second = await followJob(id, settings(), deps());
	expect(second.state).toBe('completed');
	expect(fake.getJob(id)?.polls).toBe(6);
});

test('throttled polls are retried and never fail the job', async () => {
	const id = fake.createAsyncJob({ kind: 'async_batch', total: 4, failIndices: [1], completeAfterPolls: 2 });
	fake.addFault({ match: { path: `/${id}` }, times: 5, fault: { type: 'graphError', code: 17 } });
	// Two attempts per poll: some polls fail entirely; polling goes on until the job is done.
	const followed = await followJob(id, settings(), deps({ maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 2, totalBudgetMs: 5_000 }));
	expect(followed.state).toBe('completed');
	expect(followed.failures.map((f) => f.index)).toEqual([1]);
	expect(followed.lastPollError).toBeUndefined();
	expect(fake.requests.filter((r) => r.path.endsWith(`/${id}`)).length).toBeGreaterThanOrEqual(7);
});

test('a poll that cannot succeed (unknown job id) is a poll failure, not a hang', async () => {
	const followed = await followJob('424242424242', settings(), deps());
	expect(followed).toMatchObject({ state: 'poll_failed', polls: 1, error: { category: 'not_found' } });
});

test('polls that keep failing transiently end at the timeout as still running, with the last error', async () => {
	const id = fake.createAsyncJob({ kind: 'async_batch', total: 2, completeAfterPolls: 1 });
	fake.addFault({ match: { path: `/${id}` }, fault: { type: 'graphError', code: 2, isTransient: true } });
	const followed = await followJob(
		id,
		settings({ schedule: { initialMs: 2, factor: 1, maxIntervalMs: 2, timeoutMs: 40 } }),
		// A breaker threshold out of reach, so every poll reaches the server and fails there.
		deps({ maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 1, totalBudgetMs: 1_000 }, 1_000),
	);
	expect(followed.state).toBe('running');
	expect(followed.polls).toBeGreaterThan(1);
	expect(followed.lastPollError).toMatchObject({ category: 'server', code: 2 });
	expect(fake.getJob(id)?.polls).toBe(0);
});

test('a done job whose results cannot be read yet stays running with resultsPending, then resumes', async () => {
	const id = fake.createAsyncJob({ kind: 'async_batch', total: 3, failIndices: [2], completeAfterPolls: 1 });
	fake.addFault({ match: { path: `/${id}/requests` }, times: 1, fault: { type: 'graphError', code: 17 } });
	const retryOnce = { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 1, totalBudgetMs: 1_000 };
	const first = await followJob(id, settings(), deps(retryOnce));
	expect(first).toMatchObject({ state: 'running', resultsPending: true, lastPollError: { category: 'rate_limit' } });
	const second = await followJob(id, settings(), deps(retryOnce));
	expect(second.state).toBe('completed');
	expect(second.failures.map((f) => f.index)).toEqual([2]);
});

test('Instagram container: IN_PROGRESS → FINISHED; ERROR and EXPIRED fail with their own classification', async () => {
	const ready = fake.createAsyncJob({ kind: 'ig_container', completeAfterPolls: 3 });
	const done = await followJob(ready, settings({ kind: 'ig_container' }), deps());
	expect(done).toMatchObject({ state: 'completed', polls: 3, status: { status: 'FINISHED', progress: 100 } });
	expect(fake.requests.filter((r) => r.path.endsWith(`/${ready}`)).map((r) => r.query.fields)).toEqual(Array(3).fill('id,status_code,status'));

	const broken = fake.createAsyncJob({ kind: 'ig_container', outcome: 'failed', completeAfterPolls: 2 });
	const failed = await followJob(broken, settings({ kind: 'ig_container' }), deps());
	expect(failed).toMatchObject({ state: 'failed', status: { status: 'ERROR' } });
	expect(failed.error).toMatchObject({
		category: 'validation',
		action: 'dead_letter',
		source: 'async_job',
		code: 'IG_CONTAINER_ERROR',
		subcode: 2207026,
		message: 'The Instagram media container ended in ERROR: Error: Media upload has failed with error code 2207026.',
	});

	const old = fake.createAsyncJob({ kind: 'ig_container', outcome: 'expired', completeAfterPolls: 1 });
	expect((await followJob(old, settings({ kind: 'ig_container' }), deps())).error).toMatchObject({ code: 'IG_CONTAINER_EXPIRED', category: 'validation' });
});

test('video: processing (with progress) → ready; error carries the processing phase error', async () => {
	const id = fake.createAsyncJob({ kind: 'video', completeAfterPolls: 4 });
	const done = await followJob(id, settings({ kind: 'video' }), deps());
	expect(done).toMatchObject({ state: 'completed', polls: 4, status: { status: 'ready', progress: 100 } });

	const bad = fake.createAsyncJob({ kind: 'video', outcome: 'failed', completeAfterPolls: 2 });
	const failed = await followJob(bad, settings({ kind: 'video' }), deps());
	expect(failed).toMatchObject({ state: 'failed', status: { status: 'error' } });
	expect(failed.error).toMatchObject({ code: 6000, message: expect.stringContaining('problem uploading your video file'), retryable: false });
	expect(['validation', 'server']).toContain(failed.error?.category);
});

test('catalog batch: started → finished; one failure per rejected product, warnings on the applied ones', async () => {
	const requests = [
		{ method: 'UPDATE', data: { id: 'sku-1', title: 'Mug', price: '9.99 EUR' } },
		{ method: 'UPDATE', data: { id: 'sku-2', title: 'Cup' } },
		{ method: 'UPDATE', data: { id: 'sku-3', title: 'Plate', price: '4.50 EUR' } },
		{ method: 'UPDATE', data: { id: 'sku-4', title: 'Bowl', price: '5.00 EUR' } },
	];
	const handle = fake.createAsyncJob({ kind: 'catalog_batch', total: 4, inputs: requests, catalogId: '777', failIndices: [3], warnIndices: [0], completeAfterPolls: 2 });
	const followed = await followJob(handle, settings({ kind: 'catalog_batch', withSucceeded: true }), deps(), { catalogId: '777', requests });
	expect(followed).toMatchObject({ state: 'completed', polls: 2, status: { status: 'finished', failed: 2, total: 4, succeeded: 2 } });
	expect(followed.failures.map((f) => [f.index, f.id, f.error?.category, f.error?.code])).toEqual([
		[1, 'sku-2', 'validation', 'CATALOG_ITEM_ERROR'],
		[3, 'sku-4', 'validation', 'CATALOG_ITEM_ERROR'],
	]);
	expect(followed.failures[0].error?.message).toBe('A required field is missing: price.');
	expect(followed.failures[0].input).toEqual(requests[1]);
	expect(followed.successes.map((s) => [s.index, s.id, s.warnings?.length ?? 0])).toEqual([
		[0, 'sku-1', 1],
		[2, 'sku-3', 0],
	]);
	const polls = fake.requests.filter((r) => r.path.endsWith('/777/check_batch_request_status'));
	expect(polls).toHaveLength(2);

	// The handle of another catalog is not found there: a poll failure, not a hang.
	const elsewhere = await followJob(handle, settings({ kind: 'catalog_batch' }), deps(), { catalogId: '778' });
	expect(elsewhere).toMatchObject({ state: 'poll_failed', error: { category: 'validation', code: 100 } });
});
