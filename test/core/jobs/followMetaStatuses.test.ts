// followJob against the fake Meta server on the statuses and fields Meta's SDKs and references
// list beyond the plain ones: AdAsyncRequest statuses (the business SDKs' Statuses), a failed
// AdReportRun's error fields, async sessions polled as Meta's guide does, Reels publishing,
// copyright checks and uploads never finished.
import { MemoryStore, followJob } from '../../../nodes/shared/core';
import { followSettings } from '../../helpers/followSettings';
import { MetaClient } from '../../../nodes/shared/transport';
import { useFakeMeta } from '../../../testing/fake-meta';

const CANARY = 'EAAcanary0000SECRET0000TOKEN';
const fake = useFakeMeta({ token: CANARY });
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

const settings = followSettings;

function deps() {
	const client = new MetaClient({
		baseUrl: fake.url,
		apiVersion: 'v24.0',
		accessToken: CANARY,
		retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 5, totalBudgetMs: 2_000 },
		throttle: false,
		sleep,
		store: new MemoryStore(),
	});
	return { client, sleep, now: Date.now, secrets: [CANARY] };
}

const polls = (id: string) => fake.requests.filter((r) => r.path.endsWith(`/${id}`));

test('async batch: each AdAsyncRequest status has its own outcome and reason; a failed request keeps its own Meta error', async () => {
	const id = fake.createAsyncJob({
		kind: 'async_batch',
		total: 8,
		failIndices: [0],
		itemStatuses: { 1: 'ERROR_DEPENDENCY', 2: 'ERROR_CONFLICTS', 3: 'USER_CANCELED', 4: 'CANCELED_DEPENDENCY', 5: 'PENDING_DEPENDENCY' },
		completeAfterPolls: 2,
	});
	const followed = await followJob(id, settings(), deps());
	expect(followed.state).toBe('completed');
	const byIndex = Object.fromEntries(followed.failures.map((f) => [f.index, f]));
	expect(Object.keys(byIndex).map(Number)).toEqual([0, 1, 2, 3, 4, 5]);
	// ERROR: Meta's own error, as before.
	expect(byIndex[0]).toMatchObject({ error: { category: 'validation', code: 100 } });
	expect(byIndex[0].status).toBeUndefined();
	// ERROR_DEPENDENCY and ERROR_CONFLICTS carry Meta's error in result: classified, with what the status adds.
	expect(byIndex[1]).toMatchObject({ status: 'ERROR_DEPENDENCY', error: { code: 100, meaning: expect.stringContaining('depends on failed') } });
	expect(byIndex[2]).toMatchObject({ status: 'ERROR_CONFLICTS', error: { code: 100, meaning: expect.stringContaining('same object') } });
	// Cancels have no error body: their own message.
	expect(byIndex[3]).toMatchObject({ status: 'USER_CANCELED', error: { message: 'The request was canceled by a user before it ran.', category: 'business' } });
	expect(byIndex[4]).toMatchObject({ status: 'CANCELED_DEPENDENCY', error: { message: expect.stringContaining('depends on was canceled') } });
	// Still waiting on a dependency when the set completed: not finished, said so.
	expect(byIndex[5]).toMatchObject({ status: 'PENDING_DEPENDENCY', error: { message: expect.stringContaining('status PENDING_DEPENDENCY') } });
	expect(followed.status).toMatchObject({ total: 8 });
	expect(JSON.stringify(followed)).not.toContain(CANARY);
});

test('report run: a failed run is classified from its error_code, error_subcode and user message', async () => {
	const id = fake.createAsyncJob({
		kind: 'report_run',
		outcome: 'failed',
		completeAfterPolls: 1,
		failWith: {
			error: {
				message: 'Please reduce the amount of data you are asking for, then retry your request',
				type: 'OAuthException',
				code: 1,
				error_subcode: 99,
				error_user_title: 'Too much data',
				error_user_msg: 'Ask for a shorter time range or fewer breakdowns.',
				fbtrace_id: 'AReportTrace1',
			},
		},
	});
	const followed = await followJob(id, settings({ kind: 'report_run' }), deps());
	expect(followed).toMatchObject({ state: 'failed', status: { status: 'Job Failed' } });
	expect(followed.error).toMatchObject({
		code: 1,
		subcode: 99,
		message: expect.stringContaining('reduce the amount of data'),
		userTitle: 'Too much data',
		userMessage: 'Ask for a shorter time range or fewer breakdowns.',
	});
	expect(polls(id)[0].query.fields).toContain('error_code');
});

test('async session: polled with id,status,result,percent_completed; NOT_STARTED and IN_PROGRESS run, COMPLETED parses result text', async () => {
	const id = fake.createAsyncJob({ kind: 'async_session', completeAfterPolls: 3 });
	const followed = await followJob(id, settings({ kind: 'async_session' }), deps());
	expect(followed).toMatchObject({ state: 'completed', polls: 3, status: { status: 'COMPLETED', progress: 100 } });
	expect(followed.status?.result).toEqual({ copied_ad_id: expect.stringMatching(/^\d+$/), success: true });
	expect(polls(id).map((r) => r.query.fields)).toEqual(Array(3).fill('id,status,result,percent_completed'));
});

test('video: a Reel ready but still publishing keeps polling until its publishing phase is complete', async () => {
	const id = fake.createAsyncJob({ kind: 'video', reel: true, completeAfterPolls: 2 });
	const followed = await followJob(id, settings({ kind: 'video' }), deps());
	expect(followed).toMatchObject({ state: 'completed', polls: 3, status: { status: 'ready' } });
});

test('video: a copyright check in error fails the job with its reason; an upload never finished stays running with a reason', async () => {
	const copyrighted = fake.createAsyncJob({ kind: 'video', videoProblem: 'copyright', completeAfterPolls: 1 });
	const failed = await followJob(copyrighted, settings({ kind: 'video' }), deps());
	expect(failed).toMatchObject({ state: 'failed', status: { status: 'ready (copyright error)' } });
	expect(failed.error).toMatchObject({ code: 1363130, message: expect.stringContaining('someone else owns'), meaning: expect.stringContaining('copyright') });

	const unfinished = fake.createAsyncJob({ kind: 'video', videoProblem: 'unfinished_upload' });
	const running = await followJob(unfinished, settings({ kind: 'video', schedule: { initialMs: 2, factor: 1.5, maxIntervalMs: 10, timeoutMs: 60 } }), deps());
	expect(running).toMatchObject({ state: 'running', status: { status: 'upload_complete', reason: expect.stringContaining('upload_phase=finish') } });
});
