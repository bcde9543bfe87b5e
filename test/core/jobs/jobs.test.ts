import {
	customItemFailures,
	DEFAULT_POLL_SCHEDULE,
	DEFAULT_STATUS_MAPPING,
	JOB_DEFINITIONS,
	JOB_KINDS,
	nextPollDelay,
	orderRecords,
	parseJobStatus,
	pollDelay,
	statusPath,
	type ProgressReading,
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
			for (const kind of JOB_KINDS) {
				expect(parseJobStatus(kind, body).state).toBe('running');
			}
		}
	});
});

describe('new job kinds', () => {
	test('Instagram container: IN_PROGRESS runs, FINISHED and PUBLISHED are done, ERROR and EXPIRED fail with a known category', () => {
		expect(parseJobStatus('ig_container', { id: '1', status_code: 'IN_PROGRESS', status: 'In Progress' })).toEqual({ state: 'running', status: 'IN_PROGRESS' });
		expect(parseJobStatus('ig_container', { status_code: 'FINISHED' })).toEqual({ state: 'completed', progress: 100, status: 'FINISHED' });
		expect(parseJobStatus('ig_container', { status_code: 'PUBLISHED' }).state).toBe('completed');

		const error = parseJobStatus('ig_container', { status_code: 'ERROR', status: 'Error: Media upload has failed with error code 2207026' });
		expect(error).toMatchObject({ state: 'failed', status: 'ERROR' });
		expect(error.hint?.always).toMatchObject({
			category: 'validation',
			action: 'dead_letter',
			code: 'IG_CONTAINER_ERROR',
			subcode: 2207026,
			meaning: 'Instagram does not support this video format.',
		});
		// A server-side subcode is worth a new container; an unknown one is still the media's fault.
		expect(parseJobStatus('ig_container', { status_code: 'ERROR', status: '2207001' }).hint?.always).toMatchObject({ category: 'server', retryable: true, action: 'retry' });
		expect(parseJobStatus('ig_container', { status_code: 'ERROR' }).hint?.always).toMatchObject({ category: 'validation', message: 'The Instagram media container ended in ERROR.' });

		const expired = parseJobStatus('ig_container', { status_code: 'EXPIRED' });
		expect(expired).toMatchObject({ state: 'failed', status: 'EXPIRED', hint: { always: { code: 'IG_CONTAINER_EXPIRED', action: 'dead_letter' } } });
		expect(JOB_DEFINITIONS.ig_container.poll('178414', {})).toEqual({ path: '/178414', query: { fields: 'id,status_code,status' } });
	});

	test('video: processing runs with its progress, ready is done, error fails with the phase errors', () => {
		expect(parseJobStatus('video', { status: { video_status: 'processing', processing_progress: 40 } })).toEqual({
			state: 'running',
			progress: 40,
			status: 'processing',
		});
		expect(parseJobStatus('video', { status: { video_status: 'ready' } })).toEqual({ state: 'completed', progress: 100, status: 'ready' });
		const failed = parseJobStatus('video', {
			status: {
				video_status: 'error',
				uploading_phase: { status: 'complete' },
				processing_phase: { status: 'error', errors: [{ code: 6000, message: 'There was a problem uploading your video file.' }, { code: 6001, message: 'Second problem.' }] },
			},
		});
		expect(failed).toMatchObject({ state: 'failed', status: 'error', failure: { error: { code: 6000, message: 'There was a problem uploading your video file.' } } });
		expect(failed.hint).toMatchObject({ ifUnknown: { category: 'validation' }, always: { details: 'There was a problem uploading your video file.\nSecond problem.' } });
		expect(parseJobStatus('video', { status: { video_status: 'expired' } })).toMatchObject({
			state: 'failed',
			failure: { success: false, message: 'The video upload expired before it was finished.' },
		});
		expect(JOB_DEFINITIONS.video.poll('99', {})).toEqual({ path: '/99', query: { fields: 'id,status' } });
	});

	const catalogBody = (status: string, errors: unknown[] = [], warnings: unknown[] = []) => ({
		data: [{ handle: 'h1', status, errors_total_count: errors.length, errors, warnings_total_count: warnings.length, warnings }],
	});

	test('catalog batch: polled on the catalog with the handle, asking for the full list of rejected requests; every running status runs, finished and error are done', () => {
		expect(JOB_DEFINITIONS.catalog_batch.poll('Ac+h/1=', { catalogId: '555' })).toEqual({
			path: '/555/check_batch_request_status',
			query: { handle: 'Ac+h/1=', load_ids_of_invalid_requests: 'true' },
		});
		// Before Meta registers the handle `data` is empty; then it names the stage it is in.
		expect(parseJobStatus('catalog_batch', { data: [] })).toEqual({ state: 'running' });
		for (const status of ['scheduled', 'dispatched', 'started', 'in_progress', 'a status from next year']) {
			expect(parseJobStatus('catalog_batch', catalogBody(status))).toEqual({ state: 'running', status });
		}
		const errors = [
			{ line: 1, id: 'sku-2', message: 'A required field is missing: price.' },
			{ line: 1, id: 'sku-2', message: 'Invalid image_link.' },
			{ line: 3, id: 'sku-4', message: 'A required field is missing: price.' },
		];
		const warnings = [{ line: 0, id: 'sku-1', message: 'google_product_category is missing' }];
		expect(parseJobStatus('catalog_batch', catalogBody('finished', errors, warnings))).toEqual({
			state: 'completed',
			progress: 100,
			status: 'finished',
			failed: 2,
			warnings,
		});
		// `error`: some requests may not have been processed. A partial result, not a failed job.
		expect(parseJobStatus('catalog_batch', catalogBody('error', errors.slice(2)))).toEqual({ state: 'completed', progress: 100, status: 'error', failed: 1 });
	});

	test('catalog batch results: errors is a sample; ids_of_invalid_requests names every rejected product, each on Failed', async () => {
		const requests = Array.from({ length: 30 }, (_, i) => ({ method: 'UPDATE', data: { id: `sku-${i}`, price: '1 EUR' } }));
		const rejected = requests.filter((_, i) => i % 2 === 1).map((r) => r.data.id);
		const sample = rejected.slice(0, 10).map((id) => ({ line: Number(id.slice(4)), id, message: 'A required field is missing: price.' }));
		const body = (extra: object, status = 'finished') => ({ data: [{ handle: 'h', status, errors_total_count: 15, errors: sample, ...extra }] });
		const results = async (b: object, withRequests = true) => {
			const out = await JOB_DEFINITIONS.catalog_batch.results!(
				{ jobId: 'h', body: b, mapping: DEFAULT_STATUS_MAPPING, target: withRequests ? { requests } : {}, withSucceeded: true },
				async () => [],
			);
			if (!Array.isArray(out)) throw new Error('no results');
			return out;
		};
		const outcome = (list: Awaited<ReturnType<typeof results>>, kind: string) => list.filter((o) => o.outcome === kind && !o.unconfirmed).map((o) => o.id);

		const listed = await results(body({ ids_of_invalid_requests: rejected }));
		expect(outcome(listed, 'failed')).toEqual(rejected);
		expect(outcome(listed, 'succeeded')).toHaveLength(15);
		// A product rejected outside the sample: named, its message says where to look.
		expect(listed.find((o) => o.id === 'sku-29')).toMatchObject({ outcome: 'failed', index: 29, hint: { always: { code: 'CATALOG_ITEM_ERROR' } } });
		expect((listed.find((o) => o.id === 'sku-29')!.failure as { message: string }).message).toMatch(/ids_of_invalid_requests.*not in the sample of 15/);

		// No list and a truncated sample: the ten sampled fail, nothing else is called applied.
		const sampled = await results(body({}));
		expect(outcome(sampled, 'failed')).toEqual(rejected.slice(0, 10));
		expect(outcome(sampled, 'succeeded')).toEqual([]);
		const unconfirmed = sampled.filter((o) => o.unconfirmed);
		expect(unconfirmed).toHaveLength(20);
		expect(unconfirmed[0]).toMatchObject({ outcome: 'failed', hint: { always: { code: 'CATALOG_ITEM_UNCONFIRMED', category: 'server', retryable: true } } });
		expect(unconfirmed[0].hint!.always!.message).toMatch(/sample of 10 error\(s\) of 15 and no ids_of_invalid_requests/);

		// A list that misses a product the errors name is no proof either.
		const short = await results(body({ ids_of_invalid_requests: rejected.slice(1) }));
		expect(short.filter((o) => o.unconfirmed)).toHaveLength(15);

		// Status error: the rejected fail; the others may not have been processed.
		const partial = await results(body({ ids_of_invalid_requests: rejected }, 'error'));
		expect(outcome(partial, 'failed')).toEqual(rejected);
		expect(partial.filter((o) => o.unconfirmed).map((o) => o.hint!.always!.message)[0]).toMatch(/status "error"/);
		expect(outcome(partial, 'succeeded')).toEqual([]);

		// Without the requests: the rejected by id, and one item that says the rest is unproven.
		const alone = await results(body({}, 'error'), false);
		expect(alone.filter((o) => o.unconfirmed)).toEqual([expect.objectContaining({ outcome: 'failed', hint: expect.anything() })]);
	});

	test('catalog batch results: one failure per product (its errors together), successes only from the sent requests, warnings on their product', async () => {
		const errors = [
			{ line: 1, id: 'sku-2', message: 'A required field is missing: price.' },
			{ line: 1, id: 'sku-2', message: 'Invalid image_link.' },
			{ line: 3, id: 'sku-4', message: 'A required field is missing: price.' },
		];
		const warnings = [
			{ line: 0, id: 'sku-1', message: 'google_product_category is missing' },
			{ line: 3, id: 'sku-4', message: 'description is short' },
		];
		const requests = ['sku-1', 'sku-2', 'sku-3', 'sku-4'].map((id) => ({ method: 'UPDATE', data: { id, price: '9.99 EUR' } }));
		const done = (target = {}) => ({ jobId: 'h1', body: catalogBody('finished', errors, warnings), mapping: DEFAULT_STATUS_MAPPING, target, withSucceeded: true });
		const read = async () => [];

		const known = await JOB_DEFINITIONS.catalog_batch.results!(done({ catalogId: '5', requests }), read);
		expect(Array.isArray(known) && known.map((o) => [o.outcome, o.index, o.id, o.warnings?.length ?? 0])).toEqual([
			['succeeded', 0, 'sku-1', 1],
			['failed', 1, 'sku-2', 0],
			['succeeded', 2, 'sku-3', 0],
			['failed', 3, 'sku-4', 1],
		]);
		const sku2 = Array.isArray(known) ? known[1] : undefined;
		expect(sku2).toMatchObject({
			input: requests[1],
			failure: { success: false, message: 'A required field is missing: price.; Invalid image_link.' },
			hint: { always: { category: 'validation', code: 'CATALOG_ITEM_ERROR', details: 'A required field is missing: price.\nInvalid image_link.' } },
		});
		expect(JOB_DEFINITIONS.catalog_batch.total!({ requests })).toBe(4);

		// Without the requests: the failures alone, indexed by Meta's line.
		const alone = await JOB_DEFINITIONS.catalog_batch.results!(done(), read);
		expect(Array.isArray(alone) && alone.map((o) => [o.outcome, o.index, o.id, o.input])).toEqual([
			['failed', 1, 'sku-2', undefined],
			['failed', 3, 'sku-4', undefined],
		]);
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

describe('nextPollDelay', () => {
	const schedule = DEFAULT_POLL_SCHEDULE;
	const at = (...pairs: Array<[number, number | undefined]>): ProgressReading[] => pairs.map(([atMs, progress]) => ({ atMs, progress }));

	test('without progress, or with progress that does not move: pollDelay exactly', () => {
		const times = [0, 2_000, 5_000, 9_500, 16_250];
		for (let n = 0; n < times.length; n++) {
			const none = times.slice(0, n + 1).map((atMs) => ({ atMs }));
			expect(nextPollDelay(none, schedule)).toBe(pollDelay(n, schedule));
			const stuck = times.slice(0, n + 1).map((atMs) => ({ atMs, progress: 0 }));
			expect(nextPollDelay(stuck, schedule)).toBe(pollDelay(n, schedule));
		}
		// A failed poll (no progress) after one reading: still one reading only.
		expect(nextPollDelay(at([0, 10], [2_000, undefined]), schedule)).toBe(pollDelay(1, schedule));
	});

	test('a linear job far from its end: the longest wait allowed (the time elapsed, at most maxIntervalMs)', () => {
		// 1 % per second, ends at 100 s; 40 s elapsed.
		expect(nextPollDelay(at([0, 0], [2_000, 2], [5_000, 5], [10_000, 10], [20_000, 20], [40_000, 40]), schedule)).toBe(40_000);
		// Later on, the cap is maxIntervalMs.
		expect(nextPollDelay(at([0, 0], [80_000, 20], [160_000, 40]), schedule)).toBe(60_000);
	});

	test('a linear job whose end is within reach: just after the latest end its readings allow', () => {
		// 80 % at 80 s: the rate is at least 79 % / 80 s, so it ends by 80 s + 20 / (79 / 80) s ≈ 100.25 s;
		// the margin is 0.5 % of 80 s = 400 ms.
		const latestEnd = 80_000 + 20 / (79 / 80_000);
		const delay = nextPollDelay(at([0, 0], [2_000, 2], [5_000, 5], [10_000, 10], [20_000, 20], [40_000, 40], [80_000, 80]), schedule);
		expect(delay).toBeCloseTo(latestEnd + 400 - 80_000, 6);
		// Counts of 20 items are rounded down to 5 %: a wider bound.
		const coarse = nextPollDelay(at([0, 0], [40_000, 40], [80_000, 80]), schedule, { resolution: 5 });
		expect(coarse).toBeCloseTo(80_000 + 20 / (75 / 80_000) + 400 - 80_000, 6);
	});

	test('the predicted end has passed: every 2 % of the time elapsed, at least 1 s', () => {
		expect(nextPollDelay(at([0, 0], [100_000, 50], [200_000, 99]), schedule, { nowMs: 210_000 })).toBe(4_200);
		expect(nextPollDelay(at([0, 0], [2_000, 20], [10_000, 99]), schedule, { nowMs: 11_000 })).toBe(1_000);
		// A schedule whose first wait is shorter than 1 s lowers the minimum to it.
		const fast = { initialMs: 2, factor: 1.5, maxIntervalMs: 10, timeoutMs: 1_000 };
		expect(nextPollDelay(at([0, 0], [2, 20], [10, 99]), fast, { nowMs: 11 })).toBe(2);
	});

	test('never a poll before the schedule’s poll of the same number', () => {
		// 99 % at 2 s: the job ends at about 2.02 s, but the schedule's third poll is at 2 s + 3 s.
		expect(nextPollDelay(at([0, 0], [2_000, 99]), schedule)).toBe(3_000);
	});

	// Follows a job with the given progress curve on a virtual clock: polls and detection delay.
	function simulate(lengthMs: number, progressAt: (t: number) => number, predict: boolean) {
		const readings: ProgressReading[] = [];
		let t = 0;
		for (;;) {
			readings.push({ atMs: t, progress: t >= lengthMs ? 100 : Math.floor(progressAt(t)) });
			if (t >= lengthMs) return { polls: readings.length, delayMs: t - lengthMs, readings };
			t += predict ? nextPollDelay(readings, schedule) : pollDelay(readings.length - 1, schedule);
		}
	}

	test('any progress curve: no more polls than the schedule, and detection at most maxIntervalMs late', () => {
		const curves: Record<string, (t: number, length: number) => number> = {
			linear: (t, l) => (100 * t) / l,
			'stalls at 30 %, then jumps': (t, l) => Math.min(30, (100 * t) / l),
			'stalls at 0 %, then jumps': () => 0,
			accelerating: (t, l) => 100 * (t / l) ** 3,
			decelerating: (t, l) => 100 * Math.sqrt(t / l),
			'steps of 25 %': (t, l) => 25 * Math.floor((4 * t) / l),
			'claims 90 % at once': (t, l) => Math.min(99, 90 + (10 * t) / l),
		};
		for (const [name, curve] of Object.entries(curves)) {
			for (let lengthMs = 500; lengthMs <= 2 * 60 * 60_000; lengthMs = Math.ceil(lengthMs * 1.37)) {
				const predicted = simulate(lengthMs, (t) => curve(t, lengthMs), true);
				const baseline = simulate(lengthMs, (t) => curve(t, lengthMs), false);
				const label = `${name}, ${lengthMs} ms`;
				expect([label, predicted.polls <= baseline.polls]).toEqual([label, true]);
				expect([label, predicted.delayMs <= schedule.maxIntervalMs]).toEqual([label, true]);
				if (name === 'linear') {
					// The target: at most 15 % of the length late (below 2 s anything counts), unless the
					// schedule alone is later still (short jobs, whose first polls are the schedule's).
					const bound = Math.max(2_000, 0.15 * lengthMs, baseline.delayMs);
					expect([label, predicted.delayMs, predicted.delayMs <= bound]).toEqual([label, predicted.delayMs, true]);
				}
			}
		}
	});
});
