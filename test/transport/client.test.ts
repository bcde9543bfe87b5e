// MetaClient against the fake Meta server over real HTTP. Waits go through a recording sleep
// (no real waiting), so delays are asserted exactly and no test depends on the wall clock.
import { createServer } from 'node:http';
import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cancellableSleep, MemoryStore, StateUnavailableError } from '../../nodes/shared/core';
import { MetaClient, PathOutsideBaseError, resolveMetaUrl } from '../../nodes/shared/transport';
import type { MetaClientOptions, MetaResult } from '../../nodes/shared/transport';
import { FAKE_META_TOKEN, gatewayPage, startFakeMeta, useFakeMeta } from '../../testing/fake-meta';
import type { Fault } from '../../testing/fake-meta';

const TOKEN = FAKE_META_TOKEN;
const fake = useFakeMeta();
/** Everything a client returned in this file: checked for the token at the end. */
const seen: unknown[] = [];

afterAll(() => {
	expect(JSON.stringify(seen)).not.toContain(TOKEN);
});

function setup(overrides: Partial<MetaClientOptions> = {}) {
	const sleeps: number[] = [];
	const client = new MetaClient({
		baseUrl: fake.url,
		apiVersion: 'v24.0',
		accessToken: TOKEN,
		timeouts: { connectMs: 1000, headersMs: 300, bodyMs: 300 },
		retry: { maxAttempts: 5, baseDelayMs: 10, maxDelayMs: 100, totalBudgetMs: 10 * 60_000 },
		store: new MemoryStore(),
		random: () => 0.5,
		sleep: async (ms) => {
			sleeps.push(ms);
		},
		...overrides,
	});
	const call = async (...args: Parameters<MetaClient['request']>): Promise<MetaResult> => {
		const result = await client.request(...args);
		seen.push(result);
		return result;
	};
	return { client, call, sleeps };
}

const always = (fault: Fault, path: string | RegExp = /./) => ({ match: { path }, fault });

async function startRecorder(): Promise<{ server: Server; url: string; received: IncomingMessage[] }> {
	const received: IncomingMessage[] = [];
	const server = createServer((req, res) => {
		received.push(req);
		res.end('{}');
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received };
}

describe('success', () => {
	it('reads an object with the token in the Authorization header only, and reports usage', async () => {
		const { call } = setup();
		const result = await call({ method: 'GET', path: 'me', query: { fields: 'id,name' } });
		expect(result).toMatchObject({
			ok: true,
			status: 200,
			attempts: 1,
			waitedMs: 0,
			body: { id: expect.any(String), name: 'Fake Meta Test User' },
			request: { method: 'GET', url: `${fake.url}/v24.0/me?fields=id%2Cname` },
			usage: { maxPercent: 0 },
		});
		expect(fake.requests).toHaveLength(1);
		expect(fake.requests[0].query).not.toHaveProperty('access_token');
	});

	it('sends appsecret_proof when the credential has an app secret', async () => {
		const secured = await startFakeMeta({ appSecret: 'app-secret-1234' });
		try {
			const withProof = setup({ baseUrl: secured.url, appSecret: 'app-secret-1234' });
			const result = await withProof.call({ method: 'GET', path: 'me' });
			expect(result.ok).toBe(true);
			expect(result.request.url).not.toContain('appsecret_proof');
			const without = await setup({ baseUrl: secured.url }).call({ method: 'GET', path: 'me' });
			expect(without).toMatchObject({ ok: false, error: { category: 'validation', code: 100 } });
			expect(JSON.stringify([result, without])).not.toContain('app-secret-1234');
		} finally {
			await secured.close();
		}
	});
});

describe('every error family', () => {
	const cases: Array<[string, Fault, string, boolean]> = [
		['auth 190', { type: 'graphError', code: 190 }, 'auth', false],
		['permission 10', { type: 'graphError', code: 10 }, 'permission', false],
		['permission 200', { type: 'graphError', code: 200 }, 'permission', false],
		['validation 100', { type: 'graphError', code: 100 }, 'validation', false],
		['rate limit 4 (403)', { type: 'graphError', code: 4 }, 'rate_limit', true],
		['rate limit 17 (400)', { type: 'graphError', code: 17 }, 'rate_limit', true],
		['rate limit 32 (403)', { type: 'graphError', code: 32 }, 'rate_limit', true],
		['rate limit 613 (400)', { type: 'graphError', code: 613 }, 'rate_limit', true],
		['rate limit 80004 (400)', { type: 'graphError', code: 80004 }, 'rate_limit', true],
		['429 130429', { type: 'graphError', code: 130429 }, 'rate_limit', true],
		['500 code 1', { type: 'graphError', code: 1 }, 'server', true],
		['500 code 2', { type: 'graphError', code: 2 }, 'server', true],
		['503 131016', { type: 'graphError', code: 131016 }, 'server', true],
		['HTML 502 page', { type: 'html502' }, 'server', true],
		['truncated JSON', { type: 'truncated' }, 'network', true],
		['connection reset', { type: 'reset', when: 'before' }, 'network', true],
		['stall (headers timeout)', { type: 'stall', ms: 5000 }, 'network', true],
	];

	it.each(cases)('%s → %s, retried only when retryable', async (_name, fault, category, retryable) => {
		const { call, sleeps } = setup({ retry: { maxAttempts: 2, baseDelayMs: 10, maxDelayMs: 100, totalBudgetMs: 60_000 } });
		fake.addFault(always(fault));
		const result = await call({ method: 'GET', path: 'me' });
		if (result.ok) throw new Error('expected a failure');
		expect(result.error).toMatchObject({ category, retryable });
		// A reset with no answer looks like a kept-alive connection closed under the request: a GET
		// is sent once more at once on a fresh connection, beyond Max Attempts (once per call).
		const replay = fault.type === 'reset' ? 1 : 0;
		expect(result.attempts).toBe((retryable ? 2 : 1) + replay);
		expect(result.stopReason).toBe(retryable ? 'max_attempts' : 'not_retryable');
		expect(sleeps).toHaveLength(retryable ? 1 : 0);
		expect(fake.requests).toHaveLength(result.attempts);
	});

	it('keeps the HTTP status of rate limits that Meta sends as 400/403', async () => {
		const { call } = setup({ retry: { maxAttempts: 1 } });
		for (const [code, status] of [[4, 403], [17, 400], [80004, 400]] as const) {
			fake.clearFaults();
			fake.addFault(always({ type: 'graphError', code }));
			const result = await call({ method: 'GET', path: 'me' });
			expect(result).toMatchObject({ ok: false, error: { category: 'rate_limit', code, httpStatus: status } });
		}
	});

	it('classifies a wrong token (real answer) as auth, and a missing object as not_found', async () => {
		const auth = await setup({ accessToken: 'EAAwrong0000token0000value' }).call({ method: 'GET', path: 'me' });
		expect(auth).toMatchObject({ ok: false, attempts: 1, error: { category: 'auth', code: 190 } });
		const missing = await setup().call({ method: 'GET', path: '424242424242' });
		expect(missing).toMatchObject({ ok: false, attempts: 1, error: { category: 'not_found', code: 100, subcode: 33 } });
	});

	it('reports a stall as a headers timeout, and retries a read after it', async () => {
		fake.addFault({ times: 1, fault: { type: 'stall', ms: 5000 } });
		const { call } = setup({ retry: { maxAttempts: 1 } });
		expect(await call({ method: 'GET', path: 'me' })).toMatchObject({ ok: false, error: { category: 'network', code: 'UND_ERR_HEADERS_TIMEOUT' } });
		fake.addFault({ times: 1, fault: { type: 'stall', ms: 5000 } });
		expect(await setup().call({ method: 'GET', path: 'me' })).toMatchObject({ ok: true, attempts: 2 });
	});
});

describe('retries', () => {
	it('retries a transient failure, then succeeds, with full-jitter exponential delays', async () => {
		const { call, sleeps } = setup();
		fake.addFault({ times: 3, fault: { type: 'graphError', code: 2 } });
		const result = await call({ method: 'GET', path: 'me' });
		expect(result).toMatchObject({ ok: true, attempts: 4, waitedMs: 5 + 10 + 20 });
		expect(sleeps).toEqual([5, 10, 20]); // random 0.5 × min(100, 10 × 2^n)
	});

	it('stops after max attempts and caps the computed delay', async () => {
		const { call, sleeps } = setup({
			retry: { maxAttempts: 6, baseDelayMs: 10, maxDelayMs: 60, totalBudgetMs: 60_000 },
			breaker: { failureThreshold: 10, coolDownMs: 1000 },
		});
		fake.addFault(always({ type: 'graphError', code: 131016 }));
		const result = await call({ method: 'GET', path: 'me' });
		expect(result).toMatchObject({ ok: false, attempts: 6, stopReason: 'max_attempts', error: { category: 'server', httpStatus: 503 } });
		expect(sleeps).toEqual([5, 10, 20, 30, 30]);
		expect(fake.requests).toHaveLength(6);
	});

	it('honours Retry-After when it is longer than the computed delay', async () => {
		const { call, sleeps } = setup();
		fake.addFault({ times: 1, fault: { type: 'graphError', code: 4, headers: { 'retry-after': '7' } } });
		const result = await call({ method: 'GET', path: 'me' });
		expect(result).toMatchObject({ ok: true, attempts: 2 });
		expect(sleeps[0]).toBeGreaterThanOrEqual(7000);
	});

	it("honours the budget's estimated_time_to_regain_access", async () => {
		let clock = 1_000_000;
		const budgeted = await startFakeMeta({ budget: { calls: 2, windowMs: 90_000 }, clock: () => clock });
		try {
			const { call, sleeps } = setup({
				baseUrl: budgeted.url,
				throttle: false,
				now: () => clock,
				sleep: async (ms) => {
					sleeps.push(ms);
					clock += ms;
				},
			});
			expect((await call({ method: 'GET', path: 'me' })).ok).toBe(true);
			expect((await call({ method: 'GET', path: 'me' })).ok).toBe(true);
			const third = await call({ method: 'GET', path: 'me' });
			expect(third).toMatchObject({ ok: true, attempts: 2 });
			// Blocked for 90 s, announced as 2 minutes (Meta rounds up to whole minutes).
			expect(sleeps).toEqual([120_000]);
			expect(budgeted.stats().throttled).toBe(1);
		} finally {
			await budgeted.close();
		}
	});

	it('gives up when the next wait would cross the time budget', async () => {
		const { call, sleeps } = setup({ retry: { maxAttempts: 5, baseDelayMs: 10, maxDelayMs: 100, totalBudgetMs: 5000 } });
		fake.addFault(always({ type: 'graphError', code: 4, headers: { 'retry-after': '60' } }));
		const result = await call({ method: 'GET', path: 'me' });
		expect(result).toMatchObject({ ok: false, attempts: 1, stopReason: 'time_budget', error: { category: 'rate_limit', retryAfterMs: 60_000 } });
		expect(sleeps).toEqual([]);
	});
});

describe('proactive throttling', () => {
	async function run(throttle: MetaClientOptions['throttle']) {
		let clock = 5_000_000;
		const budgeted = await startFakeMeta({ budget: { calls: 20, windowMs: 10_000 }, clock: () => clock });
		try {
			const { call, sleeps } = setup({
				baseUrl: budgeted.url,
				throttle,
				now: () => clock,
				sleep: async (ms) => {
					sleeps.push(ms);
					clock += ms;
				},
			});
			const results: MetaResult[] = [];
			for (let i = 0; i < 60; i++) {
				results.push(await call({ method: 'GET', path: 'act_1' }));
				clock += 10; // each call takes a little time
			}
			return { results, stats: budgeted.stats(), sleeps };
		} finally {
			await budgeted.close();
		}
	}

	it('spaces calls past the threshold so a run stays under the budget', async () => {
		const throttled = await run({ thresholdPercent: 50, maxDelayMs: 10_000 });
		expect(throttled.results.every((r) => r.ok)).toBe(true);
		expect(throttled.stats.throttled).toBe(0);
		expect(throttled.sleeps.length).toBeGreaterThan(0);
		// It ran up to the target; past it only its looks at the full window (a call each), never refused.
		const peak = Math.max(...throttled.results.map((r) => r.usage?.maxPercent ?? 0));
		expect(peak).toBeGreaterThanOrEqual(50);
		expect(peak).toBeLessThanOrEqual(100);

		// The same run without throttling hits the limit (and only gets through by retrying).
		const blind = await run(false);
		expect(blind.stats.throttled).toBeGreaterThan(0);
	});
});

describe('circuit breaker', () => {
	it('opens after N server failures, fails fast without calling, half-opens, then closes', async () => {
		let clock = 0;
		const { call } = setup({
			retry: { maxAttempts: 1 },
			breaker: { failureThreshold: 3, coolDownMs: 30_000 },
			now: () => clock,
		});
		fake.addFault(always({ type: 'graphError', code: 131016 }, /act_/));
		for (let i = 0; i < 3; i++) {
			expect(await call({ method: 'GET', path: `act_${i}/ads` })).toMatchObject({ ok: false, stopReason: 'max_attempts' });
		}
		const open = await call({ method: 'GET', path: 'act_9/ads' }); // same template /v24.0/{id}/ads
		expect(open).toMatchObject({ ok: false, attempts: 0, stopReason: 'circuit_open', error: { category: 'server', source: 'internal', code: 'CIRCUIT_OPEN', retryable: true } });
		if (!open.ok) expect(open.error.message).toMatch(/Circuit breaker open for .*\/v24\.0\/\{id\}\/ads after 3 consecutive.*in 30 s/);
		expect(fake.requests).toHaveLength(3);
		expect((await call({ method: 'GET', path: 'me' })).ok).toBe(true); // other endpoints unaffected

		clock += 30_000; // half-open: the trial fails → open again
		expect(await call({ method: 'GET', path: 'act_1/ads' })).toMatchObject({ ok: false, attempts: 1, error: { code: 131016 } });
		expect(await call({ method: 'GET', path: 'act_1/ads' })).toMatchObject({ stopReason: 'circuit_open' });

		clock += 30_000; // half-open: the trial succeeds → closed
		fake.clearFaults();
		expect(await call({ method: 'GET', path: 'act_1/ads' })).toMatchObject({ ok: true, attempts: 1 });
		expect(await call({ method: 'GET', path: 'act_2/ads' })).toMatchObject({ ok: true });
		expect(fake.requests).toHaveLength(7);
	});

	it('does not count client errors (4xx answers) as endpoint failures', async () => {
		const { call } = setup({ retry: { maxAttempts: 1 }, breaker: { failureThreshold: 2, coolDownMs: 30_000 } });
		fake.addFault(always({ type: 'graphError', code: 100 }));
		for (let i = 0; i < 4; i++) expect(await call({ method: 'GET', path: 'me' })).toMatchObject({ stopReason: 'not_retryable' });
		expect(fake.requests).toHaveLength(4);
	});
});

describe('idempotent writes', () => {
	const create = { method: 'POST', path: 'act_1/ads', body: { name: 'Ad', status: 'PAUSED' }, idempotencyKey: 'key-1' };

	it('sends the same Idempotency-Key on every retry', async () => {
		const { call } = setup();
		// Rate limits prove nothing was applied, so even a create is retried.
		fake.addFault({ times: 2, fault: { type: 'graphError', code: 17 } });
		expect(await call(create)).toMatchObject({ ok: true, attempts: 3 });
		expect(fake.requests.map((r) => r.idempotencyKey)).toEqual(['key-1', 'key-1', 'key-1']);
		expect(fake.writes).toHaveLength(1);
		expect(fake.duplicateWrites()).toEqual([]);
	});

	it('does not retry a POST after a reset once sent (it may have been applied)', async () => {
		const { call } = setup();
		fake.addFault({ times: 1, fault: { type: 'reset', when: 'after' } });
		const result = await call(create);
		expect(result).toMatchObject({ ok: false, attempts: 1, stopReason: 'ambiguous_write', error: { category: 'network', action: 'escalate' } });
		if (!result.ok) expect(result.error.message).toMatch(/may have been applied.*not sent again, to avoid creating a second object/);
		expect(fake.writes).toHaveLength(1);
		expect(fake.duplicateWrites()).toEqual([]);
	});

	it('does not retry a POST after a reset before the answer, nor after a stall', async () => {
		const { call } = setup();
		fake.addFault({ times: 1, fault: { type: 'reset', when: 'before' } });
		expect(await call(create)).toMatchObject({ ok: false, attempts: 1, stopReason: 'ambiguous_write' });
		fake.addFault({ times: 1, fault: { type: 'stall', ms: 5000 } });
		expect(await call({ ...create, idempotencyKey: 'key-2' })).toMatchObject({ ok: false, attempts: 1, stopReason: 'ambiguous_write' });
		fake.addFault({ times: 1, fault: { type: 'truncated' } });
		expect(await call({ ...create, idempotencyKey: 'key-3' })).toMatchObject({ ok: false, attempts: 1, stopReason: 'ambiguous_write' });
		expect(fake.duplicateWrites()).toEqual([]);
	});

	it('retries with the same key when "retry writes with key" is on', async () => {
		const { call } = setup();
		fake.addFault({ times: 1, fault: { type: 'reset', when: 'after' } });
		expect(await call({ ...create, retryWritesWithKey: true })).toMatchObject({ ok: true, attempts: 2 });
		expect(fake.writes.map((w) => w.idempotencyKey)).toEqual(['key-1', 'key-1']);
		// The fake applies both (Meta ignores the key): the retry is recognisable by its key alone.
		expect(fake.duplicateWrites()).toEqual([expect.objectContaining({ idempotencyKey: 'key-1', count: 2 })]);

		fake.reset();
		fake.addFault({ times: 1, fault: { type: 'reset', when: 'before' } });
		expect(await call({ ...create, idempotencyKey: 'key-2', retryWritesWithKey: true })).toMatchObject({ ok: true, attempts: 2 });
		expect(fake.writes).toHaveLength(1);
		expect(fake.duplicateWrites()).toEqual([]);
	});

	describe('the write journal', () => {
		const store = () => new MemoryStore();

		it('answers a create whose key already succeeded from the journal: nothing is sent again', async () => {
			const shared = store();
			const first = await setup({ store: shared }).call(create);
			expect(first).toMatchObject({ ok: true, attempts: 1 });
			// A re-run of the execution: a new client (another item, another execution), the same key.
			const again = await setup({ store: shared }).call(create);
			expect(again).toMatchObject({ ok: true, attempts: 0, body: (first as { body: unknown }).body, replayedFrom: expect.any(Number) });
			expect(fake.writes).toHaveLength(1);
		});

		it('sends one of two concurrent creates with the same key; the other is answered from the journal', async () => {
			const shared = store();
			fake.addFault({ times: 1, fault: { type: 'stall', ms: 150 } });
			// Real waits here: the second call looks again at the key while the first one is being answered.
			const sleep = async (ms: number) => await new Promise<void>((resolve) => setTimeout(resolve, ms));
			const [a, b] = await Promise.all([setup({ store: shared, sleep }).call(create), setup({ store: shared, sleep }).call(create)]);
			expect([a, b].map((r) => r.ok)).toEqual([true, true]);
			expect([a, b].filter((r) => 'replayedFrom' in r && r.replayedFrom !== undefined)).toHaveLength(1);
			expect(fake.writes).toHaveLength(1);
		});

		it('does not send again a create that may have been applied, and says so', async () => {
			const shared = store();
			fake.addFault({ times: 1, fault: { type: 'reset', when: 'after' } });
			expect(await setup({ store: shared }).call(create)).toMatchObject({ ok: false, stopReason: 'ambiguous_write' });
			const rerun = await setup({ store: shared }).call(create);
			expect(rerun).toMatchObject({ ok: false, attempts: 0, stopReason: 'ambiguous_write', error: { code: 'WRITE_NOT_CONFIRMED', action: 'escalate' } });
			expect(fake.writes).toHaveLength(1);
		});

		it('frees the key of a create that provably did nothing, so a re-run sends it', async () => {
			const shared = store();
			fake.addFault({ times: 1, fault: { type: 'graphError', code: 100 } });
			expect(await setup({ store: shared }).call(create)).toMatchObject({ ok: false, stopReason: 'not_retryable' });
			expect(await setup({ store: shared }).call(create)).toMatchObject({ ok: true, attempts: 1 });
		});

		it('does not journal updates: a re-run sets the object again', async () => {
			const shared = store();
			const update = { method: 'POST', path: '120000000000001', body: { status: 'PAUSED' }, idempotencyKey: 'upd-1' };
			await setup({ store: shared }).call(update);
			expect(await setup({ store: shared }).call(update)).toMatchObject({ attempts: 1 });
		});

		it('refuses a create when the journal cannot be reached, or sends it with a warning when told to', async () => {
			const down = store();
			const unreachable = async () => {
				throw new StateUnavailableError('redis 127.0.0.1:1 did not answer');
			};
			Object.assign(down.journal, { claim: unreachable });
			expect(await setup({ store: down }).call(create)).toMatchObject({
				ok: false,
				attempts: 0,
				stopReason: 'state_unavailable',
				error: { code: 'JOURNAL_UNAVAILABLE', retryable: true },
			});
			expect(fake.writes).toHaveLength(0);
			const sent = await setup({ store: down, journal: { whenUnavailable: 'send' } }).call(create);
			expect(sent).toMatchObject({ ok: true, attempts: 1, warnings: [expect.stringContaining('sent without it')] });
		});
	});

	it('retries a write whose connection was refused: nothing was sent', async () => {
		const closed = await startRecorder();
		await new Promise((resolve) => closed.server.close(resolve));
		const { call, sleeps } = setup({ baseUrl: closed.url });
		const result = await call(create);
		expect(result).toMatchObject({ ok: false, attempts: 5, stopReason: 'max_attempts', error: { category: 'network', code: 'ECONNREFUSED' } });
		expect(sleeps).toHaveLength(4);
	});

	it('retries a create answered with a rate limit (an answer that proves nothing was applied)', async () => {
		const { call } = setup();
		fake.addFault({ times: 1, fault: { type: 'status', status: 429, body: 'Too Many Requests' } });
		fake.addFault({ times: 1, fault: { type: 'graphError', code: 80004 } });
		expect(await call(create)).toMatchObject({ ok: true, attempts: 3 });
		expect(fake.writes).toHaveLength(1);
	});
});

describe('pagination', () => {
	it('reads 3+ pages in order, without repeating or skipping a record', async () => {
		const ids = fake.seedObjects(
			Array.from({ length: 65 }, (_, i) => ({ name: `Ad ${i}`, status: 'ACTIVE' })),
			{ parent: 'act_1', edge: 'ads' },
		);
		const { client } = setup();
		const result = await client.paginate({ method: 'GET', path: 'act_1/ads', query: { limit: 20, fields: 'id,name' } });
		seen.push(result);
		if (!result.ok) throw new Error(result.error.message);
		expect(result.pages).toBe(4);
		expect(result.more).toBe(false);
		expect(result.attempts).toBe(4);
		expect(result.records.map((r) => (r as { id: string }).id)).toEqual(ids);
	});

	it('stops at the record limit or the page limit and says there is more', async () => {
		fake.seedObjects(Array.from({ length: 50 }, (_, i) => ({ name: `Ad ${i}` })), { parent: 'act_1', edge: 'ads' });
		const { client } = setup();
		const byRecords = await client.paginate({ method: 'GET', path: 'act_1/ads', query: { limit: 20 } }, { maxRecords: 30 });
		expect(byRecords).toMatchObject({ ok: true, pages: 2, more: true });
		if (byRecords.ok) expect(byRecords.records).toHaveLength(30);
		const byPages = await client.paginate({ method: 'GET', path: 'act_1/ads', query: { limit: 10 } }, { maxPages: 3 });
		expect(byPages).toMatchObject({ ok: true, pages: 3, more: true });
		if (byPages.ok) expect(byPages.records).toHaveLength(30);
	});

	it('retries a failed page and de-duplicates records a server repeats', async () => {
		const page = (data: unknown[], next?: string): Fault => ({ type: 'status', status: 200, body: { data, paging: next ? { next } : {} } });
		fake.addFault({ match: { path: /act_7/ }, times: 1, fault: page([{ id: '1' }, { id: '2' }], `${fake.url}/v24.0/act_7/ads?after=2`) });
		fake.addFault({ match: { path: /act_7/ }, times: 1, fault: { type: 'graphError', code: 2 } });
		fake.addFault({ match: { path: /act_7/ }, times: 1, fault: page([{ id: '2' }, { id: '3' }]) });
		const { client } = setup();
		const result = await client.paginate({ method: 'GET', path: 'act_7/ads' });
		expect(result).toMatchObject({ ok: true, pages: 2, attempts: 3, records: [{ id: '1' }, { id: '2' }, { id: '3' }] });
	});

	it('stops when a next link points back at a page already read', async () => {
		const next = `${fake.url}/v24.0/act_8/ads`;
		fake.addFault({ match: { path: /act_8/ }, fault: { type: 'status', status: 200, body: { data: [{ id: '1' }], paging: { next } } } });
		const { client } = setup();
		const result = await client.paginate({ method: 'GET', path: 'act_8/ads' });
		expect(result).toMatchObject({ ok: true, pages: 1, more: false, records: [{ id: '1' }] });
	});

	it('fails as a whole when a page fails for good', async () => {
		fake.seedObjects(Array.from({ length: 30 }, (_, i) => ({ name: `Ad ${i}` })), { parent: 'act_1', edge: 'ads' });
		fake.addFault({ match: { path: /act_1/ }, every: 2, fault: { type: 'graphError', code: 100 } });
		const { client } = setup();
		const result = await client.paginate({ method: 'GET', path: 'act_1/ads', query: { limit: 10 } });
		expect(result).toMatchObject({ ok: false, pages: 1, stopReason: 'not_retryable', error: { category: 'validation' } });
	});
});

describe('the token never leaves for another host', () => {
	it('refuses a full URL on another host in the path', async () => {
		const foreign = await startRecorder();
		try {
			const { call } = setup();
			const result = await call({ method: 'GET', path: `${foreign.url}/v24.0/me?access_token=${TOKEN}` });
			expect(result).toMatchObject({ ok: false, attempts: 0, stopReason: 'refused', error: { category: 'validation', code: 'FOREIGN_HOST' } });
			if (!result.ok) expect(result.error.message).toMatch(/Refused to call 127\.0\.0\.1:\d+/);
			expect(foreign.received).toHaveLength(0);
			expect(fake.requests).toHaveLength(0);
		} finally {
			foreign.server.close();
		}
	});

	it('refuses a paging.next on another host', async () => {
		const foreign = await startRecorder();
		try {
			fake.addFault({
				times: 1,
				fault: { type: 'status', status: 200, body: { data: [{ id: '1' }], paging: { next: `${foreign.url}/v24.0/act_1/ads?after=1&access_token=${TOKEN}` } } },
			});
			const { client } = setup();
			const result = await client.paginate({ method: 'GET', path: 'act_1/ads' });
			seen.push(result);
			expect(result).toMatchObject({ ok: false, pages: 1, stopReason: 'refused', error: { code: 'FOREIGN_HOST' } });
			expect(foreign.received).toHaveLength(0);
		} finally {
			foreign.server.close();
		}
	});

	it('drops an access_token echoed in a same-host paging.next (the header carries it)', async () => {
		fake.seedObjects(Array.from({ length: 4 }, (_, i) => ({ name: `Ad ${i}` })), { parent: 'act_1', edge: 'ads' });
		const next = `${fake.url}/v24.0/act_1/ads?limit=2&access_token=${TOKEN}`;
		fake.addFault({ times: 1, fault: { type: 'status', status: 200, body: { data: [{ id: 'x' }], paging: { next } } } });
		const { client } = setup();
		const result = await client.paginate({ method: 'GET', path: `act_1/ads?access_token=${TOKEN}` });
		seen.push(result);
		expect(result).toMatchObject({ ok: true, pages: 3 });
		expect(fake.requests).toHaveLength(3);
		expect(fake.requests.every((r) => !('access_token' in r.query))).toBe(true);
	});
});

describe('write safety by the nature of the write', () => {
	const create = { method: 'POST', path: 'act_1/ads', body: { name: 'Ad', status: 'PAUSED' }, idempotencyKey: 'key-1' };
	const applyThen: Array<[string, Fault]> = [
		['a 500 with code 2 and is_transient', { type: 'applyThen', fault: { type: 'graphError', code: 2, status: 500, isTransient: true } }],
		['a 503 with code 1', { type: 'applyThen', fault: { type: 'graphError', code: 1, status: 503 } }],
		['a gateway 504 HTML page', { type: 'applyThen', fault: gatewayPage(504) }],
	];

	it.each(applyThen)('a create applied and answered with %s is not sent again: ambiguous_write', async (_name, fault) => {
		const { call } = setup();
		fake.addFault({ times: 1, fault });
		const result = await call(create);
		expect(result).toMatchObject({ ok: false, attempts: 1, stopReason: 'ambiguous_write', error: { action: 'escalate' } });
		if (!result.ok) {
			expect(result.error.message).toMatch(/may have been applied/);
			expect(result.error.remedy).toMatch(/Check on Meta whether the object exists/);
		}
		expect(fake.writes).toHaveLength(1);
		expect(fake.duplicateWrites()).toEqual([]);
	});

	it.each(applyThen)('the same create with "retry writes with key" on is retried with its key (%s)', async (_name, fault) => {
		const { call } = setup();
		fake.addFault({ times: 1, fault });
		expect(await call({ ...create, retryWritesWithKey: true })).toMatchObject({ ok: true, attempts: 2 });
		expect(fake.requests.map((r) => r.idempotencyKey)).toEqual(['key-1', 'key-1']);
	});

	it.each(applyThen)('an update, a pause and a delete answered with %s are retried: repeating them harms nothing', async (_name, fault) => {
		const { call } = setup();
		const [id] = fake.seedObjects([{ name: 'Ad', status: 'ACTIVE' }]);
		for (const request of [
			{ method: 'POST', path: id, body: { name: 'Renamed' } },
			{ method: 'POST', path: id, body: { status: 'PAUSED' } },
			{ method: 'DELETE', path: id },
		]) {
			fake.addFault({ times: 1, fault });
			expect(await call({ ...request, idempotencyKey: `k-${request.method}` })).toMatchObject({ ok: true, attempts: 2 });
		}
		expect(fake.getObject(id)).toBeUndefined();
		// The retried DELETE found the object gone: its first attempt had been applied.
		expect(seen.at(-1)).toMatchObject({ ok: true, body: { success: true, alreadyDeleted: true } });
	});

	it('WhatsApp messages and Conversions API events are creates; a Custom API Call can state its kind', async () => {
		const { call } = setup();
		fake.addFault({ match: { method: 'POST' }, times: 3, fault: { type: 'applyThen', fault: gatewayPage(504) } });
		const message = { method: 'POST', path: '1234567890/messages', body: { messaging_product: 'whatsapp', to: '15550001111', type: 'text', text: { body: 'hi' } } };
		expect(await call({ ...message, idempotencyKey: 'm-1' })).toMatchObject({ ok: false, stopReason: 'ambiguous_write' });
		fake.seedObjects([{ id: '777000111', name: 'Pixel' }]);
		expect(await call({ method: 'POST', path: '777000111/events', body: { data: [] }, idempotencyKey: 'e-1' })).toMatchObject({
			ok: false,
			stopReason: 'ambiguous_write',
		});
		// The path says "update", the user says it creates (say, an endpoint of a proxy): it is not repeated.
		const [id] = fake.seedObjects([{ name: 'Ad' }]);
		expect(await call({ method: 'POST', path: id, body: { name: 'x' }, idempotencyKey: 'c-1', writeKind: 'create' })).toMatchObject({
			ok: false,
			stopReason: 'ambiguous_write',
		});
		// And the other way round: a POST to an edge the user knows is idempotent is retried.
		fake.addFault({ times: 1, fault: { type: 'applyThen', fault: gatewayPage(504) } });
		expect(await call({ method: 'POST', path: 'act_1/ads', body: { name: 'y' }, idempotencyKey: 'c-2', writeKind: 'idempotent' })).toMatchObject({
			ok: true,
			attempts: 2,
		});
	});

	it('answers that prove nothing was applied are retried for a create: rate limits, 429', async () => {
		const { call } = setup();
		for (const code of [4, 17, 32, 613, 80000, 80004, 80014, 130429, 131056]) {
			fake.addFault({ times: 1, fault: { type: 'graphError', code } });
			expect(await call({ ...create, idempotencyKey: `rl-${code}` })).toMatchObject({ ok: true, attempts: 2 });
		}
		expect(fake.duplicateWrites()).toEqual([]);
	});
});

describe('answers the fake server gives as Meta does', () => {
	it('HTTP 200 with an error body (suppress_http_code=1) lands on Failed, classified', async () => {
		const { call } = setup({ retry: { maxAttempts: 1 } });
		const result = await call({ method: 'GET', path: 'act_1/nonexistent_edge_x/y', query: { suppress_http_code: 1 } });
		expect(result).toMatchObject({ ok: false, stopReason: 'not_retryable', error: { httpStatus: 200, code: 2500 } });
		fake.addFault({ times: 1, fault: { type: 'graphError', code: 17 } });
		expect(await call({ method: 'GET', path: 'me', query: { suppress_http_code: 1 } })).toMatchObject({
			ok: false,
			stopReason: 'max_attempts',
			error: { category: 'rate_limit', code: 17, httpStatus: 200 },
		});
	});

	it('a redirect (/{id}/picture → CDN) is a success carrying the location, never followed', async () => {
		const { call } = setup();
		const [id] = fake.seedObjects([{ name: 'Page' }]);
		const result = await call({ method: 'GET', path: `${id}/picture` });
		expect(result).toMatchObject({ ok: true, status: 302, body: { location: expect.stringMatching(/^https:\/\/scontent\.fake-cdn\.test\//) } });
		expect(fake.requests).toHaveLength(1);
		const json = await call({ method: 'GET', path: `${id}/picture`, query: { redirect: 0 } });
		expect(json).toMatchObject({ ok: true, status: 200, body: { data: { url: expect.stringContaining('fake-cdn') } } });
	});

	it('a kept-alive connection the server closed without a hint does not fail a read', async () => {
		const racy = await startFakeMeta({ idleCloseMs: 100 });
		try {
			const { call } = setup({ baseUrl: racy.url, retry: { maxAttempts: 1 } });
			const failures: unknown[] = [];
			for (let i = 0; i < 60; i++) {
				await new Promise((resolve) => setTimeout(resolve, 96 + (i % 9)));
				const result = await call({ method: 'GET', path: 'me' });
				if (!result.ok) failures.push(result.error);
			}
			expect(failures).toEqual([]);
			expect(racy.requests.length).toBeGreaterThanOrEqual(60);
		} finally {
			await racy.close();
		}
	}, 60_000);
});

describe('a token that cannot be sent', () => {
	it.each([
		['a line break', 'EAAbad\ntoken0000', /line break/],
		['a space', 'EAAbad token0000', /space/],
		['a curly quote', 'EAAbad”token0000', /outside plain ASCII/],
	])('with %s fails at once as auth, sends nothing, and does not open the breaker for a good token', async (_name, token, problem) => {
		const store = new MemoryStore();
		const bad = setup({ accessToken: token, store, breaker: { failureThreshold: 2, coolDownMs: 30_000 } });
		for (let i = 0; i < 5; i++) {
			const result = await bad.call({ method: 'GET', path: 'me' });
			expect(result).toMatchObject({
				ok: false,
				attempts: 0,
				stopReason: 'refused',
				error: { category: 'auth', retryable: false, code: 'INVALID_TOKEN_FORMAT', message: expect.stringMatching(problem) },
			});
			expect(JSON.stringify(result)).not.toContain(token);
		}
		expect(fake.requests).toHaveLength(0);
		const good = setup({ store, breaker: { failureThreshold: 2, coolDownMs: 30_000 } });
		expect(await good.call({ method: 'GET', path: 'me' })).toMatchObject({ ok: true, attempts: 1 });
	});

	it('an error raised on this side of the wire is not retried and never counts for the breaker', async () => {
		const store = new MemoryStore();
		const { call } = setup({ store, breaker: { failureThreshold: 1, coolDownMs: 30_000 } });
		// A header value undici refuses: the idempotency key is the user's own text.
		for (let i = 0; i < 3; i++) {
			const result = await call({ method: 'POST', path: 'act_1/ads', body: {}, idempotencyKey: 'bad\r\nkey' });
			expect(result).toMatchObject({ ok: false, attempts: 1, stopReason: 'not_retryable', error: { code: 'REQUEST_NOT_SENT' } });
		}
		expect(await call({ method: 'GET', path: 'me' })).toMatchObject({ ok: true });
	});
});

describe('cancelling', () => {
	it('a 60 s backoff ends when the execution is cancelled: the call stops as aborted at once', async () => {
		const controller = new AbortController();
		const { call } = setup({ sleep: async (ms) => await cancellableSleep(ms, controller.signal) });
		fake.addFault(always({ type: 'graphError', code: 17, headers: { 'retry-after': '60' } }));
		setTimeout(() => controller.abort(), 100);
		const started = Date.now();
		const result = await call({ method: 'GET', path: 'me', signal: controller.signal });
		expect(result).toMatchObject({ ok: false, stopReason: 'aborted', error: { code: 'ABORTED' } });
		expect(Date.now() - started).toBeLessThan(5_000);
	});
});

test('a path that climbs out of a prefixed Base URL is refused before sending (PATH_OUTSIDE_BASE)', () => {
	const base = { baseUrl: 'https://proxy.example/api/v2', apiVersion: 'v24.0', accessToken: 'EAAtest000000000000000000' };
	expect(resolveMetaUrl(base, 'act_1/ads').url.pathname).toBe('/api/v2/v24.0/act_1/ads');
	for (const path of ['../../admin', 'v24.0/../../internal', 'act_1/%2e%2e/%2e%2e/%2e%2e/admin', 'https://proxy.example/admin', 'act_1/ads%2F..%2F..%2F..%2Fadmin']) {
		expect(() => resolveMetaUrl(base, path)).toThrow(PathOutsideBaseError);
	}
});
