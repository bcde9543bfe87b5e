// The Graph batch core on its own: chunking, reading and classifying parts, which parts go out
// again, and the rounds against a scripted sender and a memory store (journal, breakers).
import {
	batchEntry,
	batchUsage,
	chunk,
	decidePart,
	DEFAULT_BREAKER_POLICY,
	DEFAULT_JOURNAL_POLICY,
	formBody,
	MAX_BATCH_PARTS,
	MemoryStore,
	paceTake,
	readPart,
	runBatch,
	type BatchCallResult,
	type BatchDeps,
	type BatchEntry,
	type BatchPartRequest,
} from '../../../nodes/shared/core';

const POLICY = { maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 1_000, totalBudgetMs: 60_000 };
const json = (code: number, body: unknown, headers: Array<{ name: string; value: string }> = []) => ({ code, headers, body: JSON.stringify(body) });
const rateLimited = () => json(400, { error: { message: '(#17) User request limit reached', type: 'OAuthException', code: 17 } });
const invalid = () => json(400, { error: { message: '(#100) Invalid parameter', type: 'OAuthException', code: 100 } });
const serverError = () => json(500, { error: { message: 'An unknown error occurred', type: 'OAuthException', code: 1, is_transient: true } });

describe('chunk', () => {
	test('groups of 50 at most, in order, for any number', () => {
		const items = Array.from({ length: 120 }, (_, i) => i);
		expect(chunk(items).map((group) => group.length)).toEqual([50, 50, 20]);
		expect(chunk(items).flat()).toEqual(items);
		expect(chunk([])).toEqual([]);
		expect(chunk(Array.from({ length: 50 }))).toHaveLength(1);
		expect(chunk([1, 2, 3], 2)).toEqual([[1, 2], [3]]);
		expect(MAX_BATCH_PARTS).toBe(50);
		expect(() => chunk([1], 0)).toThrow(RangeError);
	});
});

describe('entries and bodies', () => {
	test('a JSON Body becomes a form body, objects as JSON; a GET carries none', () => {
		expect(formBody({ status: 'PAUSED', targeting: { geo_locations: { countries: ['DE'] } }, daily_budget: 500, skip: undefined })).toBe(
			'status=PAUSED&targeting=%7B%22geo_locations%22%3A%7B%22countries%22%3A%5B%22DE%22%5D%7D%7D&daily_budget=500',
		);
		expect(formBody({})).toBeUndefined();
		expect(formBody(undefined)).toBeUndefined();
		expect(batchEntry({ method: 'POST', relativeUrl: '123', body: 'status=PAUSED' })).toEqual({ method: 'POST', relative_url: '123', body: 'status=PAUSED' });
		expect(batchEntry({ method: 'GET', relativeUrl: '123?fields=id', body: 'x=1' })).toEqual({ method: 'GET', relative_url: '123?fields=id' });
	});
});

describe('readPart', () => {
	test('a 200 part is a success with its parsed body and usage from its headers', () => {
		const part = json(200, { id: '1', name: 'A' }, [{ name: 'X-Ad-Account-Usage', value: JSON.stringify({ acc_id_util_pct: 42, reset_time_duration: 60 }) }]);
		const reading = readPart(part);
		expect(reading).toMatchObject({ ok: true, status: 200, body: { id: '1', name: 'A' }, usage: { maxPercent: 42, adAccount: 42 } });
	});

	test('an error part is classified by the project classifier, with its code and headers', () => {
		const limited = readPart({ ...rateLimited(), headers: [{ name: 'Retry-After', value: '7' }] });
		expect(limited).toMatchObject({ ok: false, mayBeApplied: false, error: { category: 'rate_limit', retryable: true, code: 17, httpStatus: 400, retryAfterMs: 7000 } });
		expect(readPart(invalid())).toMatchObject({ ok: false, mayBeApplied: false, error: { category: 'validation', retryable: false } });
		expect(readPart(serverError())).toMatchObject({ ok: false, mayBeApplied: true, error: { category: 'server', retryable: true } });
		// A 200 whose body is an error is a failure all the same; an HTML page takes its status.
		expect(readPart(json(200, { error: { code: 100, message: 'bad' } }))).toMatchObject({ ok: false, error: { category: 'validation' } });
		expect(readPart({ code: 502, body: '<html>Bad Gateway</html>' })).toMatchObject({ ok: false, mayBeApplied: true, error: { category: 'server', httpStatus: 502 } });
	});

	test('null (a part that timed out or was not processed) is a retryable failure that may have been applied', () => {
		for (const part of [null, undefined, 'x', {}]) {
			expect(readPart(part)).toMatchObject({ ok: false, missing: true, mayBeApplied: true, error: { code: 'BATCH_PART_MISSING', retryable: true } });
		}
	});

	test('secrets in a part are redacted', () => {
		const reading = readPart(json(400, { error: { code: 100, message: 'bad token EAAsecret123456' } }), ['EAAsecret123456']);
		expect(JSON.stringify(reading)).not.toContain('EAAsecret123456');
	});
});

describe('decidePart', () => {
	const update = { method: 'POST', creates: false };
	const create = { method: 'POST', creates: true };
	test('success; not retryable stops; retryable goes again within Max Attempts, after the longer of backoff and hint', () => {
		expect(decidePart(readPart(json(200, { success: true })), update, 1, false, POLICY)).toMatchObject({ settle: 'success', status: 200 });
		expect(decidePart(readPart(invalid()), update, 1, false, POLICY)).toMatchObject({ settle: 'failed', stopReason: 'not_retryable' });
		const hinted = readPart({ ...rateLimited(), headers: [{ name: 'Retry-After', value: '5' }] });
		expect(decidePart(hinted, update, 1, false, POLICY, () => 0.5)).toEqual(expect.objectContaining({ settle: 'retry', delayMs: 5000 }));
		expect(decidePart(readPart(rateLimited()), update, 2, false, POLICY, () => 0.5)).toEqual(expect.objectContaining({ settle: 'retry', delayMs: 100 }));
		expect(decidePart(readPart(rateLimited()), update, 3, false, POLICY)).toMatchObject({ settle: 'failed', stopReason: 'max_attempts' });
	});

	test('a create that may have been applied is never sent again; a rate-limited create is', () => {
		expect(decidePart(readPart(null), create, 1, false, POLICY)).toMatchObject({ settle: 'failed', stopReason: 'ambiguous_write', error: { action: 'escalate' } });
		expect(decidePart(readPart(serverError()), create, 1, false, POLICY)).toMatchObject({ settle: 'failed', stopReason: 'ambiguous_write' });
		expect(decidePart(readPart(rateLimited()), create, 1, false, POLICY)).toMatchObject({ settle: 'retry' });
		// An update in the same position is sent again: repeating it changes nothing more.
		expect(decidePart(readPart(null), update, 1, false, POLICY)).toMatchObject({ settle: 'retry' });
	});

	test('a DELETE that may have been applied and now finds nothing has succeeded', () => {
		const gone = readPart(json(400, { error: { code: 100, error_subcode: 33, message: 'Unsupported delete request' } }));
		expect(decidePart(gone, { method: 'DELETE', creates: false }, 2, true, POLICY)).toMatchObject({ settle: 'success', body: { alreadyDeleted: true } });
		expect(decidePart(gone, { method: 'DELETE', creates: false }, 1, false, POLICY)).toMatchObject({ settle: 'failed' });
	});
});

test('batchUsage: the highest of the call headers and the parts', () => {
	const parts = [
		json(200, {}, [{ name: 'x-ad-account-usage', value: JSON.stringify({ acc_id_util_pct: 71, reset_time_duration: 30 }) }]),
		null,
		json(200, {}, [{ name: 'x-app-usage', value: JSON.stringify({ call_count: 12 }) }]),
	];
	expect(batchUsage({ maxPercent: 20, app: 20 }, parts)).toMatchObject({ maxPercent: 71, regainAccessMs: 30_000 });
	expect(batchUsage(undefined, 'no list')).toBeUndefined();
	expect(batchUsage({ maxPercent: 90 }, parts)?.maxPercent).toBe(90);
});

test('pacing: a batch call takes one slot per part', () => {
	const policy = { thresholdPercent: 95, maxDelayMs: 60_000 };
	const take = paceTake(undefined, 0, policy, 50);
	expect(take.ticket).toBe(50);
	expect(paceTake(take.state, 0, policy, 1).ticket).toBe(51);
	// 50 parts at the prior cost of 1 % each reach 100 %: the next batch of 50 waits.
	expect(paceTake(take.state, 0, policy, 50).waitMs).toBeGreaterThan(0);
});

describe('runBatch', () => {
	const part = (i: number, extra: Partial<BatchPartRequest> = {}): BatchPartRequest => ({
		method: 'POST',
		relativeUrl: String(1000 + i),
		body: 'status=PAUSED',
		creates: false,
		endpoint: 'https://graph.facebook.com/v24.0/{id}',
		...extra,
	});

	function harness(answer: (entries: BatchEntry[], call: number) => BatchCallResult, overrides: Partial<BatchDeps> = {}) {
		let clock = 0;
		const calls: BatchEntry[][] = [];
		const waits: number[] = [];
		const store = new MemoryStore();
		const deps: BatchDeps = {
			send: async (entries) => {
				calls.push(entries);
				return answer(entries, calls.length);
			},
			retry: POLICY,
			journal: store.journal,
			journalPolicy: DEFAULT_JOURNAL_POLICY,
			breakers: store.breakers,
			breakerPolicy: DEFAULT_BREAKER_POLICY,
			now: () => clock,
			pause: async (ms) => {
				waits.push(ms);
				clock += ms;
			},
			random: () => 0.5,
			...overrides,
		};
		return { deps, calls, waits, store };
	}
	const ok = (parts: unknown[]): BatchCallResult => ({ ok: true, body: parts, attempts: 1, waitedMs: 0 });

	test('120 parts: 3 calls of 50, 50, 20; every part on its own answer', async () => {
		const { deps, calls } = harness((entries) => ok(entries.map(() => json(200, { success: true }))));
		const run = await runBatch(Array.from({ length: 120 }, (_, i) => part(i)), deps);
		expect(calls.map((c) => c.length)).toEqual([50, 50, 20]);
		expect(run.calls).toBe(3);
		expect(run.outcomes.every((o) => o.ok && o.attempts === 1)).toBe(true);
		expect(run.outcomes[119].batchCall).toBe(3);
	});

	test('only the retryable parts go out again, together, after the longest wait', async () => {
		const { deps, calls, waits } = harness((entries, call) =>
			ok(entries.map((entry) => {
				if (entry.relative_url === '1001' && call === 1) return { ...rateLimited(), headers: [{ name: 'Retry-After', value: '2' }] };
				if (entry.relative_url === '1002') return invalid();
				if (entry.relative_url === '1003' && call === 1) return serverError();
				return json(200, { success: true });
			})),
		);
		const run = await runBatch([0, 1, 2, 3].map((i) => part(i)), deps);
		expect(calls.map((c) => c.map((e) => e.relative_url))).toEqual([['1000', '1001', '1002', '1003'], ['1001', '1003']]);
		expect(waits).toEqual([2000]);
		expect(run.outcomes.map((o) => [o.ok, o.attempts, o.stopReason])).toEqual([
			[true, 1, undefined],
			[true, 2, undefined],
			[false, 1, 'not_retryable'],
			[true, 2, undefined],
		]);
		expect(run.outcomes[1].waitedMs).toBe(2000);
	});

	test('a create whose part comes back null is not sent again (ambiguous_write), and a re-run does not send it either', async () => {
		const { deps, calls, store } = harness((entries) => ok(entries.map((entry) => (entry.relative_url === 'act_1/ads' ? null : json(200, { success: true })))));
		const parts = [part(0), part(1, { relativeUrl: 'act_1/ads', creates: true, idempotencyKey: 'key-1' })];
		const run = await runBatch(parts, deps);
		expect(calls).toHaveLength(1);
		expect(run.outcomes[1]).toMatchObject({ ok: false, stopReason: 'ambiguous_write', attempts: 1 });
		expect(run.outcomes[0]).toMatchObject({ ok: true });
		// The journal knows the key as maybe applied: the next run does not send it.
		const again = harness(() => ok([]), { journal: store.journal });
		const rerun = await runBatch([parts[1]], again.deps);
		expect(again.calls).toHaveLength(0);
		expect(rerun.outcomes[0]).toMatchObject({ ok: false, stopReason: 'ambiguous_write', error: { code: 'WRITE_NOT_CONFIRMED' } });
	});

	test('a create that succeeded is answered from the journal the next time, nothing sent', async () => {
		const first = harness((entries) => ok(entries.map(() => json(200, { id: '555' }))));
		const create = part(0, { relativeUrl: 'act_1/ads', creates: true, idempotencyKey: 'key-2' });
		await runBatch([create], first.deps);
		const second = harness(() => ok([]), { journal: first.store.journal });
		const run = await runBatch([create], second.deps);
		expect(second.calls).toHaveLength(0);
		expect(run.outcomes[0]).toMatchObject({ ok: true, body: { id: '555' }, batchCall: 0, attempts: 0 });
		expect(run.outcomes[0].replayedFrom).toEqual(expect.any(Number));
	});

	test('the whole call lost after sending: creates are ambiguous, the others go out again', async () => {
		const { deps, calls } = harness((entries, call) =>
			call === 1
				? { ok: false, error: { category: 'network', retryable: true, action: 'escalate', source: 'transport', message: 'reset', meaning: '', remedy: '' }, stopReason: 'ambiguous_write', attempts: 1, waitedMs: 0 }
				: ok(entries.map(() => json(200, { success: true }))),
		);
		const run = await runBatch([part(0), part(1, { relativeUrl: 'act_1/ads', creates: true, idempotencyKey: 'k3' })], deps);
		expect(calls.map((c) => c.length)).toEqual([2, 1]);
		expect(run.outcomes.map((o) => [o.ok, o.stopReason, o.attempts])).toEqual([
			[true, undefined, 2],
			[false, 'ambiguous_write', 1],
		]);
	});

	test('a whole call that fails for good ends every part with its reason; the time budget bounds the waits', async () => {
		const refused: BatchCallResult = {
			ok: false,
			error: { category: 'auth', retryable: false, action: 'escalate', source: 'graph', code: 190, meaning: '', remedy: '' },
			stopReason: 'not_retryable',
			attempts: 1,
			waitedMs: 0,
		};
		const failing = harness(() => refused);
		const run = await runBatch([part(0), part(1)], failing.deps);
		expect(run.outcomes.map((o) => [o.ok, o.stopReason, o.error?.code])).toEqual([
			[false, 'not_retryable', 190],
			[false, 'not_retryable', 190],
		]);
		// Refused before it left (the batch endpoint's own breaker): the parts were not sent.
		const open = harness(() => ({ ...refused, stopReason: 'circuit_open', attempts: 0 }));
		expect((await runBatch([part(0)], open.deps)).outcomes[0]).toMatchObject({ ok: false, stopReason: 'circuit_open', attempts: 0 });
		const slow = harness((entries) => ok(entries.map(() => ({ ...rateLimited(), headers: [{ name: 'Retry-After', value: '120' }] }))));
		const late = await runBatch([part(0)], slow.deps);
		expect(late.outcomes[0]).toMatchObject({ ok: false, stopReason: 'time_budget' });
		expect(slow.waits).toEqual([]);
	});

	test('an open breaker on a part endpoint: that part fails fast, the others are sent', async () => {
		const { deps, calls, store } = harness((entries) => ok(entries.map(() => json(200, { success: true }))));
		const bad = 'https://graph.facebook.com/v24.0/{id}/ads';
		for (let i = 0; i < DEFAULT_BREAKER_POLICY.failureThreshold; i++) await store.breakers.record(bad, 'failure', 0, false, DEFAULT_BREAKER_POLICY);
		const run = await runBatch([part(0), part(1, { endpoint: bad, relativeUrl: 'act_1/ads' })], deps);
		expect(calls.map((c) => c.length)).toEqual([1]);
		expect(run.outcomes[1]).toMatchObject({ ok: false, stopReason: 'circuit_open' });
	});

	test('server failures of parts open the breaker of their endpoint', async () => {
		const { deps, store } = harness((entries) => ok(entries.map(() => serverError())));
		await runBatch(Array.from({ length: 5 }, (_, i) => part(i)), { ...deps, retry: { ...POLICY, maxAttempts: 1 } });
		const permit = await store.breakers.acquire('https://graph.facebook.com/v24.0/{id}', 0, DEFAULT_BREAKER_POLICY);
		expect(permit.allowed).toBe(false);
	});
});
