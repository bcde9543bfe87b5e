import {
	customItemFailures,
	DEFAULT_STATUS_MAPPING,
	orderRecords,
	parseJobStatus,
	pollDelay,
	statusPath,
	subRequestOutcome,
} from '../../../nodes/shared/core';

describe('parseJobStatus', () => {
	test('async batch: running until is_completed, progress from the counts', () => {
		expect(parseJobStatus('async_batch', { is_completed: false, total_count: 200, success_count: 50, error_count: 0, canceled_count: 0 })).toEqual({
			state: 'running',
			progress: 25,
			total: 200,
			succeeded: 50,
			failed: 0,
			status: 'in_progress',
		});
		expect(parseJobStatus('async_batch', { is_completed: true, total_count: 200, success_count: 197, error_count: 3 })).toMatchObject({
			state: 'completed',
			progress: 100,
			failed: 3,
		});
		expect(parseJobStatus('async_batch', { is_completed: true, total_count: 2, canceled_count: 2 }).state).toBe('failed');
	});

	test('report run: Job Completed / Job Failed / Job Skipped', () => {
		expect(parseJobStatus('report_run', { async_status: 'Job Running', async_percent_completion: 40 })).toEqual({
			state: 'running',
			progress: 40,
			status: 'Job Running',
		});
		expect(parseJobStatus('report_run', { async_status: 'Job Completed', async_percent_completion: 100 }).state).toBe('completed');
		expect(parseJobStatus('report_run', { async_status: 'Job Failed' }).state).toBe('failed');
		expect(parseJobStatus('report_run', { async_status: 'Job Skipped' })).toMatchObject({
			state: 'failed',
			failure: { success: false, message: 'The report run ended with "Job Skipped".' },
		});
	});

	test('async session: the FAILED body itself is the failure to classify', () => {
		const failed = { result: { error: { code: 100, message: 'x' } }, error_code: 100, status: 'FAILED', exception: 'x', id: '9' };
		expect(parseJobStatus('async_session', failed)).toEqual({ state: 'failed', status: 'FAILED', failure: failed });
		expect(parseJobStatus('async_session', { id: '9', status: 'IN_PROGRESS' }).state).toBe('running');
		expect(parseJobStatus('async_session', { id: '9', status: 'SUCCESS' }).state).toBe('completed');
	});

	test('custom: mapped fields, done and failed values, and 100 % without a status', () => {
		expect(parseJobStatus('custom', { status: 'processing', progress: 30, totalAds: 10, successfulAds: 3 })).toEqual({
			state: 'running',
			progress: 30,
			total: 10,
			succeeded: 3,
			status: 'processing',
		});
		expect(parseJobStatus('custom', { status: 'Partial', progress: 100, errors: [{}, {}] })).toMatchObject({ state: 'completed', failed: 2 });
		expect(parseJobStatus('custom', { status: 'failed', errorMessage: 'boom' })).toMatchObject({
			state: 'failed',
			failure: { success: false, message: 'boom' },
		});
		const mapping = { ...DEFAULT_STATUS_MAPPING, status: 'state.name', progress: 'state.pct' };
		expect(parseJobStatus('custom', { state: { name: 'done', pct: 100 } }, mapping).state).toBe('completed');
		expect(parseJobStatus('custom', { pct: 100 }, { ...mapping, progress: 'pct' }).state).toBe('completed');
	});

	test('an unexpected body is still running, never an exception', () => {
		for (const body of [null, 'x', 42, [], { foo: 1 }]) {
			for (const kind of ['async_batch', 'report_run', 'async_session', 'custom'] as const) {
				expect(parseJobStatus(kind, body).state).toBe('running');
			}
		}
	});
});

test('pollDelay grows by the factor up to the cap', () => {
	const schedule = { initialMs: 100, factor: 2, maxIntervalMs: 500, timeoutMs: 10_000 };
	expect([0, 1, 2, 3, 4].map((n) => pollDelay(n, schedule))).toEqual([100, 200, 400, 500, 500]);
});

describe('orderRecords', () => {
	test('orders by primary key then id (numeric ids beyond 2^53), each id once', () => {
		const records = [
			{ id: '120000000000000010', t: 'b' },
			{ id: '120000000000000002', t: 'b' },
			{ id: '99', t: 'c' },
			{ id: '120000000000000002', t: 'b' },
			{ id: '5', t: 'a' },
		];
		expect(orderRecords(records, 't').map((r) => r.id)).toEqual(['5', '120000000000000002', '120000000000000010', '99']);
		expect(orderRecords(records).map((r) => r.id)).toEqual(['5', '99', '120000000000000002', '120000000000000010']);
	});
});

test('subRequestOutcome', () => {
	const error = { error: { code: 100, message: 'bad creative' } };
	expect(subRequestOutcome({ id: '1', status: 'SUCCESS', result: { id: '2' } })).toEqual({ outcome: 'succeeded' });
	expect(subRequestOutcome({ id: '1', status: 'ERROR', result: error })).toEqual({ outcome: 'failed', failure: error });
	expect(subRequestOutcome({ id: '1', status: 'CANCELED' }).outcome).toBe('failed');
	expect(subRequestOutcome({ id: '1', status: 'IN_PROGRESS' }).outcome).toBe('pending');
});

test('customItemFailures keeps index order and ids', () => {
	const body = { errors: [{ index: 7, adId: 'b', code: 100 }, { index: 2, adId: 'a', code: 100 }] };
	expect(customItemFailures(body).map((f) => [f.index, f.id])).toEqual([
		[2, 'a'],
		[7, 'b'],
	]);
	expect(customItemFailures({})).toEqual([]);
});

test('statusPath', () => {
	expect(statusPath('/v1/batch-status/{id}', 'a b')).toBe('/v1/batch-status/a%20b');
	expect(statusPath('/v1/batch-status/:id', '42')).toBe('/v1/batch-status/42');
	expect(statusPath('/v1/jobs/{ID}/status', '$&')).toBe('/v1/jobs/%24%26/status');
	expect(statusPath('/v1/batch-status/', '42')).toBe('/v1/batch-status/42');
});
