// One set of behaviours every state store backend keeps (memory.ts is the reference), run against
// the process-memory store and a Redis store on a real redis-server. For Redis, "another worker" is
// a second RedisStore with its own connection; for memory it is the same store (one process).
// Redis only: key TTLs, expiry in real time, an unreachable or restarted server, process exit.
import { spawn } from 'child_process';
import { createServer } from 'net';
import Redis from 'ioredis';
import { MemoryStore } from '../../../nodes/shared/core/state/memory';
import { StateUnavailableError, type StateStore } from '../../../nodes/shared/core/state/store';
import type { BreakerPolicy } from '../../../nodes/shared/core/resilience/breaker';
import type { MetaUsage } from '../../../nodes/shared/core/types';
import { DEFAULT_PACING_POLICY, paceObserve, paceTake, type PacingState } from '../../../nodes/shared/core/resilience/pacing';
import { FINDING_MEMORY_MS, reportFindings } from '../../../nodes/shared/core/health/findingMemory';
import type { Finding } from '../../../nodes/shared/core/health/healthFindings';
import {
	breakerTtlMs,
	closeRedisStores,
	IDLE_TTL_MS,
	MAX_OUTCOME_BYTES,
	RedisStore,
	redisKeys,
	redisStoreFor,
	type RedisConnection,
} from '../../../nodes/shared/state/redisStore';
import { startRedis, type RedisServer } from '../../../testing/redisServer';
import { UNSETTLED_KEEP_MS } from '../../../nodes/shared/core/state/store';

const MIN = 60_000;
const fresh: PacingState = { pct: 0, at: 0, ticket: 0, takes: 0, notBefore: 0 };
const policy: BreakerPolicy = { failureThreshold: 3, coolDownMs: 1000 };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let unique = 0;
const key = (what: string) => `${what}-${++unique}`;
/** `n` calls of `fn`, started together, alternating between the two workers. */
const together = <T>(n: number, workers: [StateStore, StateStore], fn: (store: StateStore, i: number) => Promise<T>) =>
	Promise.all(Array.from({ length: n }, (_, i) => fn(workers[i % 2], i)));
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe.each(['memory', 'redis'] as const)('%s store', (kind) => {
	let server: RedisServer | undefined;
	let store: StateStore;
	let worker2: StateStore;
	let workers: [StateStore, StateStore];

	beforeAll(async () => {
		if (kind === 'memory') {
			store = worker2 = new MemoryStore();
		} else {
			server = await startRedis();
			store = redisStoreFor(server.connection);
			worker2 = new RedisStore(server.connection);
		}
		workers = [store, worker2];
	});

	afterAll(async () => {
		if (worker2 instanceof RedisStore) await worker2.close();
		await closeRedisStores();
		await server?.stop();
	});

	it('has the kind of its backend', () => {
		expect(store.kind).toBe(kind);
	});

	describe('pacing', () => {
		/** A step that counts its own runs in `takes` and returns the count it saw. */
		const count = (ttlMs = 60_000) => (state: PacingState | undefined) => {
			const seen = state?.takes ?? 0;
			return { state: { ...(state ?? fresh), takes: seen + 1 }, result: seen, ttlMs };
		};

		it('gives a key never seen no state', async () => {
			expect(await store.pacing.update(key('pace'), (state) => ({ state: fresh, result: state, ttlMs: 1000 }))).toBeUndefined();
		});

		it('applies concurrent steps from every worker one after the other, none lost', async () => {
			const k = key('pace');
			const seen = await together(20, workers, (s) => s.pacing.update(k, count()));
			expect([...seen].sort((a, b) => a - b)).toEqual(range(0, 19));
			expect(await worker2.pacing.update(k, count())).toBe(20);
		});

		it('runs the controller the same on every backend: a call waits for the room usage leaves', async () => {
			const k = key('pace');
			const t = Date.now();
			const policy = DEFAULT_PACING_POLICY;
			const take = (s: StateStore, now: number) => s.pacing.update(k, (state) => {
				const taken = paceTake(state, now, policy);
				return { state: taken.state, result: taken.waitMs, ttlMs: 60_000 };
			});
			const observe = (s: StateStore, usage: MetaUsage, now: number) =>
				s.pacing.update(k, (state) => ({ state: paceObserve(state, usage, now, false, 1), result: undefined, ttlMs: 60_000 }));
			expect(await take(store, t)).toBe(0);
			// A decaying score at 95 %, back to 0 in 95 s: 1 % a second, so the next call waits about 1 s.
			await observe(worker2, { maxPercent: 95, regainAccessMs: 95_000, decayResetMs: 95_000 }, t);
			expect(await take(store, t)).toBeCloseTo(1000, -1);
			expect(await take(worker2, t)).toBeCloseTo(2000, -1);
		});
	});

	describe('Health Check findings', () => {
		const finding = (id: string): Finding => ({ check: 'ads', code: 'AD_DISAPPROVED', object: { type: 'ad', id }, message: `Ad ${id}` });

		it('keeps what a run reported for the next run on any worker, one step at a time', async () => {
			const k = key('hc');
			const read = new Set(['ads:act_1']);
			const run = (s: StateStore, ids: string[], now: number) =>
				s.findings.update(k, (state) => {
					const { state: next, report } = reportFindings(state, ids.map((id) => ({ finding: finding(id), scope: 'ads:act_1' })), read, now);
					return { state: next, result: report, ttlMs: FINDING_MEMORY_MS };
				});
			const t = Date.now();
			expect((await run(store, ['1', '2'], t)).fresh.map((f) => f.object.id)).toEqual(['1', '2']);
			const second = await run(worker2, ['2'], t + 1);
			expect([second.fresh, second.ongoing.map((f) => f.object.id), second.resolved.map((f) => f.object.id)]).toEqual([[], ['2'], ['1']]);
			// Two overlapping runs: one reports the new finding, the other finds it already reported.
			const [a, b] = await Promise.all([run(store, ['2', '3'], t + 2), run(worker2, ['2', '3'], t + 2)]);
			expect([...a.fresh, ...b.fresh].map((f) => f.object.id)).toEqual(['3']);
		});
	});

	describe('circuit breaker', () => {
		async function open(k: string, t: number) {
			for (let i = 0; i < policy.failureThreshold; i++) {
				await workers[i % 2].breakers.record(k, 'failure', t, false, policy);
			}
		}

		it('opens after failureThreshold consecutive failures; a success resets the count', async () => {
			const k = key('brk');
			const t = Date.now();
			expect(await store.breakers.acquire(k, t, policy)).toEqual({ allowed: true, trial: false });
			await store.breakers.record(k, 'failure', t, false, policy);
			await worker2.breakers.record(k, 'failure', t, false, policy);
			await store.breakers.record(k, 'success', t, false, policy);
			await store.breakers.record(k, 'failure', t, false, policy);
			await worker2.breakers.record(k, 'failure', t, false, policy);
			expect(await store.breakers.acquire(k, t, policy)).toEqual({ allowed: true, trial: false });
			await store.breakers.record(k, 'failure', t + 5, false, policy);
			const denied = { allowed: false, state: 'open', failures: 3, halfOpensAt: t + 5 + policy.coolDownMs };
			expect(await store.breakers.acquire(k, t + 6, policy)).toEqual(denied);
			expect(await worker2.breakers.acquire(k, t + 6, policy)).toEqual(denied);
		});

		it('lets exactly one half-open trial through across workers; its failure reopens, its success closes', async () => {
			const k = key('brk');
			const t = Date.now();
			await open(k, t);
			const halfOpen = t + policy.coolDownMs;
			const permits = await together(20, workers, (s) => s.breakers.acquire(k, halfOpen, policy));
			expect(permits.filter((p) => p.allowed)).toEqual([{ allowed: true, trial: true }]);
			for (const p of permits.filter((p) => !p.allowed)) expect(p).toMatchObject({ allowed: false, state: 'half_open', failures: 3, halfOpensAt: halfOpen });

			await store.breakers.record(k, 'failure', halfOpen + 10, true, policy);
			expect(await worker2.breakers.acquire(k, halfOpen + 11, policy)).toEqual({
				allowed: false,
				state: 'open',
				failures: 4,
				halfOpensAt: halfOpen + 10 + policy.coolDownMs,
			});
			const second = halfOpen + 10 + policy.coolDownMs;
			expect(await worker2.breakers.acquire(k, second, policy)).toEqual({ allowed: true, trial: true });
			expect(await store.breakers.acquire(k, second, policy)).toMatchObject({ allowed: false, state: 'half_open' });
			await worker2.breakers.record(k, 'success', second + 1, true, policy);
			expect(await store.breakers.acquire(k, second + 2, policy)).toEqual({ allowed: true, trial: false });
		});

		it('lets another trial through once the trial is given back', async () => {
			const k = key('brk');
			const t = Date.now();
			await open(k, t);
			const halfOpen = t + policy.coolDownMs;
			expect(await store.breakers.acquire(k, halfOpen, policy)).toEqual({ allowed: true, trial: true });
			expect(await worker2.breakers.acquire(k, halfOpen, policy)).toMatchObject({ allowed: false, state: 'half_open' });
			await store.breakers.release(k, true);
			expect(await worker2.breakers.acquire(k, halfOpen + 1, policy)).toEqual({ allowed: true, trial: true });
		});

		if (kind === 'redis') {
			it('frees a trial whose worker died after its lease, max(coolDownMs, 60 s)', async () => {
				for (const coolDownMs of [1000, 3 * MIN]) {
					const p = { failureThreshold: 1, coolDownMs };
					const lease = Math.max(coolDownMs, MIN);
					const k = key('brk');
					const t = Date.now();
					await store.breakers.record(k, 'failure', t, false, p);
					expect(await store.breakers.acquire(k, t + coolDownMs, p)).toEqual({ allowed: true, trial: true });
					// The first worker never comes back.
					expect(await worker2.breakers.acquire(k, t + coolDownMs + lease - 1, p)).toMatchObject({ allowed: false, state: 'half_open' });
					expect(await worker2.breakers.acquire(k, t + coolDownMs + lease, p)).toEqual({ allowed: true, trial: true });
					expect(await store.breakers.acquire(k, t + coolDownMs + lease, p)).toMatchObject({ allowed: false, state: 'half_open' });
				}
			});
		}
	});

	describe('router windows', () => {
		it('counts 200 concurrent events at the same ms as 200, each count seeing a distinct total', async () => {
			const k = key('win');
			const t = Date.now();
			const counts = await together(200, workers, (s) => s.windows('ns').count(k, t, MIN, 1000));
			expect([...counts].sort((a, b) => a - b)).toEqual(range(1, 200));
			expect(await store.windows('ns').count(k, t, MIN, 1000)).toBe(201);
		});

		it('caps the count at keep under concurrency', async () => {
			const k = key('win');
			const t = Date.now();
			const counts = await together(200, workers, (s) => s.windows('ns').count(k, t, MIN, 50));
			expect(Math.max(...counts)).toBe(50);
			expect(counts.filter((n) => n === 50)).toHaveLength(151);
			expect(await worker2.windows('ns').count(k, t, MIN, 50)).toBe(50);
		});

		it('slides: an event windowMs old is out', async () => {
			const k = key('win');
			const t = Date.now();
			const w = store.windows('ns');
			expect(await w.count(k, t, 1000, 10)).toBe(1);
			expect(await w.count(k, t + 500, 1000, 10)).toBe(2);
			expect(await w.count(k, t + 999, 1000, 10)).toBe(3);
			expect(await w.count(k, t + 1000, 1000, 10)).toBe(3); // t is out
			expect(await w.count(k, t + 2499, 1000, 10)).toBe(1);
		});

		it('fires once per window under 50 concurrent calls', async () => {
			const k = key('fire');
			const t = Date.now();
			const fired = await together(50, workers, (s) => s.windows('ns').fire(k, t, MIN));
			expect(fired.filter(Boolean)).toHaveLength(1);
			expect(await store.windows('ns').fire(k, t + MIN - 1, MIN)).toBe(false);
			expect(await worker2.windows('ns').fire(k, t + MIN, MIN)).toBe(true);
			expect(await store.windows('ns').fire(k, t + MIN + 1, MIN)).toBe(false);
		});

		it('claims a cooldown once under concurrency; the others learn when it was claimed', async () => {
			const k = key('cool');
			const t = Date.now();
			const claims = await together(50, workers, (s) => s.windows('ns').claim(k, t, MIN));
			expect(claims.filter((c) => c.claimed)).toHaveLength(1);
			expect(claims.filter((c) => !c.claimed)).toEqual(Array(49).fill({ claimed: false, lastAt: t }));
			expect(await worker2.windows('ns').claim(k, t + MIN / 2, MIN)).toEqual({ claimed: false, lastAt: t });
			expect(await worker2.windows('ns').claim(k, t + MIN, MIN)).toEqual({ claimed: true });
			expect(await store.windows('ns').claim(k, t + MIN + 5, MIN)).toEqual({ claimed: false, lastAt: t + MIN });
		});

		it('keeps namespaces apart, even when a namespace or key holds ":"', async () => {
			const t = Date.now();
			const k = key('sep');
			expect(await store.windows('a:fire:b').fire(`${k}`, t, MIN)).toBe(true);
			expect(await store.windows('a').fire(`b:fire:${k}`, t, MIN)).toBe(true);
			expect(await store.windows('other').fire(`${k}`, t, MIN)).toBe(true);
			expect(await store.windows('a:fire:b').fire(`${k}`, t, MIN)).toBe(false);
			expect(await store.windows('ns-1').count(k, t, MIN, 10)).toBe(1);
			expect(await store.windows('ns-2').count(k, t, MIN, 10)).toBe(1);
		});
	});

	describe('write journal', () => {
		const outcome = { status: 200, body: { id: '123', nested: { list: [1, 'two', null] } } };

		it('lets exactly one of 50 concurrent claims through; the others see it pending', async () => {
			const k = key('jnl');
			const t = Date.now();
			const entries = await together(50, workers, (s) => s.journal.claim(k, t, 10_000));
			expect(entries.filter((e) => e.state === 'claimed')).toHaveLength(1);
			expect(entries.filter((e) => e.state !== 'claimed')).toEqual(Array(49).fill({ state: 'pending', at: t }));
		});

		it('answers later claims with the completed outcome, until its ttl', async () => {
			const k = key('jnl');
			const t = Date.now();
			expect(await store.journal.claim(k, t, 10_000)).toEqual({ state: 'claimed' });
			await store.journal.complete(k, outcome, t + 5, MIN);
			expect(await worker2.journal.claim(k, t + 10, 10_000)).toEqual({ state: 'done', at: t + 5, outcome });
			expect(await store.journal.claim(k, t + 5 + MIN - 1, 10_000)).toEqual({ state: 'done', at: t + 5, outcome });
			expect(await store.journal.claim(k, t + 5 + MIN, 10_000)).toEqual({ state: 'claimed' });
		});

		it('answers ambiguous after abandon, until its ttl', async () => {
			const k = key('jnl');
			const t = Date.now();
			expect(await store.journal.claim(k, t, 10_000)).toEqual({ state: 'claimed' });
			await store.journal.abandon(k, t + 5, MIN);
			expect(await worker2.journal.claim(k, t + 10, 10_000)).toEqual({ state: 'ambiguous', at: t + 5 });
			expect(await worker2.journal.claim(k, t + 5 + MIN, 10_000)).toEqual({ state: 'claimed' });
		});

		it('frees the key on release', async () => {
			const k = key('jnl');
			const t = Date.now();
			expect(await store.journal.claim(k, t, 10_000)).toEqual({ state: 'claimed' });
			await store.journal.release(k);
			expect(await worker2.journal.claim(k, t + 1, 10_000)).toEqual({ state: 'claimed' });
			await worker2.journal.release(`${k}-never-claimed`);
		});

		it('turns a claim whose lease ran out ambiguous (its holder may have sent it), for UNSETTLED_KEEP_MS', async () => {
			const k = key('jnl');
			const t = Date.now();
			expect(await store.journal.claim(k, t, 1000)).toEqual({ state: 'claimed' });
			expect(await worker2.journal.claim(k, t + 999, 1000)).toEqual({ state: 'pending', at: t });
			expect(await worker2.journal.claim(k, t + 1000, 1000)).toEqual({ state: 'ambiguous', at: t });
			expect(await store.journal.claim(k, t + 1000 + UNSETTLED_KEEP_MS - 1, 1000)).toEqual({ state: 'ambiguous', at: t });
			expect(await store.journal.claim(k, t + 1000 + UNSETTLED_KEEP_MS, 1000)).toEqual({ state: 'claimed' });
		});

		if (kind === 'redis') {
			it(`stores an outcome body up to ${MAX_OUTCOME_BYTES} bytes of JSON, beyond that { truncated: true }`, async () => {
				const t = Date.now();
				const [small, large] = [key('jnl'), key('jnl')];
				const fits = { status: 201, body: { text: 'é'.repeat(20_000) } };
				const tooLarge = { status: 201, body: { text: 'x'.repeat(MAX_OUTCOME_BYTES) } };
				await store.journal.complete(small, fits, t, MIN);
				await store.journal.complete(large, tooLarge, t, MIN);
				expect(await worker2.journal.claim(small, t + 1, 1000)).toEqual({ state: 'done', at: t, outcome: fits });
				expect(await worker2.journal.claim(large, t + 1, 1000)).toEqual({ state: 'done', at: t, outcome: { status: 201, body: { truncated: true } } });
			});
		}
	});

	if (kind !== 'redis') return;

	describe('Redis keys', () => {
		let raw: Redis;
		beforeAll(() => {
			raw = new Redis(server!.port, '127.0.0.1');
		});
		afterAll(async () => {
			await raw.quit();
		});
		const pttl = (k: string) => raw.pttl(k);

		it('keeps a findings state for the time its step asks, under mr:hc:', async () => {
			const k = key('hc');
			await store.findings.update(k, () => ({ state: { findings: {} }, result: undefined, ttlMs: 40 * MIN }));
			expect(await pttl(redisKeys.findings(k))).toBeGreaterThan(40 * MIN - 5000);
			expect(redisKeys.findings(k)).toMatch(/^mr:hc:/);
		});

		it('keeps a pacing state for the time its step asks', async () => {
			const k = key('pace');
			await store.pacing.update(k, () => ({ state: fresh, result: undefined, ttlMs: 40 * MIN }));
			expect(await pttl(redisKeys.pacing(k))).toBeGreaterThan(40 * MIN - 5000);
			expect(await pttl(redisKeys.pacing(k))).toBeLessThanOrEqual(40 * MIN);
		});

		it('gives a breaker max(4 × coolDownMs, 15 min) after its last touch, and none to a breaker with nothing to remember', async () => {
			const t = Date.now();
			const [healthy, short, long] = [key('brk'), key('brk'), key('brk')];
			await store.breakers.record(healthy, 'success', t, false, policy);
			expect(await raw.exists(redisKeys.breaker(healthy))).toBe(0);
			await store.breakers.record(short, 'failure', t, false, policy);
			expect(await pttl(redisKeys.breaker(short))).toBeGreaterThan(IDLE_TTL_MS - 5000);
			expect(await pttl(redisKeys.breaker(short))).toBeLessThanOrEqual(breakerTtlMs(policy));
			const slow = { failureThreshold: 1, coolDownMs: 10 * MIN };
			await store.breakers.record(long, 'failure', t, false, slow);
			expect(await pttl(redisKeys.breaker(long))).toBeGreaterThan(40 * MIN - 5000);
			expect(await pttl(redisKeys.breaker(long))).toBeLessThanOrEqual(breakerTtlMs(slow));
		});

		it('gives windows and cooldowns their windowMs / cooldownMs', async () => {
			const t = Date.now();
			const k = key('win');
			const w = store.windows('ttl');
			await w.count(k, t, 5000, 10);
			await w.fire(k, t, 6000);
			await w.claim(k, t, 7000);
			for (const [family, bound] of [['evt', 5000], ['fire', 6000], ['cool', 7000]] as const) {
				const left = await pttl(redisKeys.window('ttl', family, k));
				expect(left).toBeGreaterThan(bound - 5000);
				expect(left).toBeLessThanOrEqual(bound);
			}
		});

		it('gives a journal claim its lease + 24 h, a settled write its ttl', async () => {
			const t = Date.now();
			const [pending, done, ambiguous] = [key('jnl'), key('jnl'), key('jnl')];
			await store.journal.claim(pending, t, 1000);
			expect(await pttl(redisKeys.journal(pending))).toBeGreaterThan(UNSETTLED_KEEP_MS - 5000);
			expect(await pttl(redisKeys.journal(pending))).toBeLessThanOrEqual(UNSETTLED_KEEP_MS + 1000);
			await store.journal.complete(done, { status: 200, body: {} }, t, MIN);
			expect(await pttl(redisKeys.journal(done))).toBeGreaterThan(MIN - 5000);
			expect(await pttl(redisKeys.journal(done))).toBeLessThanOrEqual(MIN);
			await store.journal.abandon(ambiguous, t, 30_000);
			expect(await pttl(redisKeys.journal(ambiguous))).toBeGreaterThan(25_000);
			expect(await pttl(redisKeys.journal(ambiguous))).toBeLessThanOrEqual(30_000);
		});

		it('leaves nothing behind once the TTLs pass, in real time', async () => {
			const k = key('gone');
			await store.windows('ns').count(k, Date.now(), 100, 10);
			expect(await store.windows('ns').fire(k, Date.now(), 100)).toBe(true);
			await store.journal.complete(k, { status: 200, body: 'ok' }, Date.now(), 100);
			expect(await raw.exists(redisKeys.window('ns', 'evt', k), redisKeys.window('ns', 'fire', k), redisKeys.journal(k))).toBe(3);
			await sleep(250);
			expect(await raw.exists(redisKeys.window('ns', 'evt', k), redisKeys.window('ns', 'fire', k), redisKeys.journal(k))).toBe(0);
			expect(await store.windows('ns').fire(k, Date.now(), 100)).toBe(true);
			expect(await store.journal.claim(k, Date.now(), 1000)).toEqual({ state: 'claimed' });
		});

		it('names every key mr:<owner>:…, long parts hashed', async () => {
			const t = Date.now();
			const long = `${key('long')}-${'x'.repeat(1000)}`;
			await store.journal.claim(long, t, 1000);
			await store.windows(long).count(long, t, MIN, 10);
			expect(redisKeys.journal(long)).toMatch(/^mr:jnl:sha1:[0-9a-f]{40}$/);
			expect(redisKeys.window(long, 'evt', long)).toMatch(/^mr:win:sha1:[0-9a-f]{40}:evt:sha1:[0-9a-f]{40}$/);
			expect(await raw.exists(redisKeys.journal(long), redisKeys.window(long, 'evt', long))).toBe(2);
			const names = await raw.keys('*');
			expect(names.filter((name) => !/^mr:(pacing|hc|brk|jnl|win):/.test(name))).toEqual([]);
			expect(Math.max(...names.map((name) => name.length))).toBeLessThan(300);
			for (const name of names) expect(await raw.pttl(name)).not.toBe(-1); // -2: expired meanwhile
		});
	});

	describe('Redis pool', () => {
		it('hands out one store per distinct connection', async () => {
			const connection = server!.connection;
			expect(redisStoreFor({ ...connection })).toBe(store);
			const other = [
				redisStoreFor({ ...connection, database: 1 }),
				redisStoreFor({ ...connection, password: 'a' }),
				redisStoreFor({ ...connection, user: 'someone' }),
			];
			expect(new Set([store, ...other]).size).toBe(4);
			expect(redisStoreFor({ ...connection, database: 1 })).toBe(other[0]);
			// Database 1 is another keyspace: the same key is free there.
			const k = key('db');
			expect(await store.windows('ns').fire(k, Date.now(), MIN)).toBe(true);
			expect(await other[0].windows('ns').fire(k, Date.now(), MIN)).toBe(true);
			for (const closed of other) await closed.close();
			expect(redisStoreFor({ ...connection, database: 1 })).not.toBe(other[0]);
		});
	});

	describe('Redis unreachable', () => {
		const deadPort = () =>
			new Promise<number>((resolve) => {
				const probe = createServer().listen(0, '127.0.0.1', () => {
					const { port } = probe.address() as { port: number };
					probe.close(() => resolve(port));
				});
			});

		it('rejects with StateUnavailableError naming host:port, never the password', async () => {
			const port = await deadPort();
			const nowhere = new RedisStore({ host: '127.0.0.1', port, database: 0, password: 's3cret-pw', tls: false });
			try {
				const started = Date.now();
				const error = await nowhere.journal.claim('k', Date.now(), 1000).catch((e: unknown) => e);
				expect(Date.now() - started).toBeLessThan(3000);
				expect(error).toBeInstanceOf(StateUnavailableError);
				expect((error as Error).message).toContain(`127.0.0.1:${port}`);
				expect((error as Error).message).toContain('journal claim');
				expect((error as Error).message).not.toContain('s3cret-pw');
			} finally {
				await nowhere.close();
			}
		});

		it('rejects within 3 s while the server is down, and works again after it restarted, with the same stores', async () => {
			const k = key('restart');
			await server!.kill();
			const attempts: Array<() => Promise<unknown>> = [
				() => store.pacing.update(k, () => ({ state: fresh, result: 0, ttlMs: 1000 })),
				() => store.findings.update(k, () => ({ state: { findings: {} }, result: 0, ttlMs: 1000 })),
				() => store.breakers.acquire(k, Date.now(), policy),
				() => store.windows('ns').fire(k, Date.now(), MIN),
				() => worker2.journal.claim(k, Date.now(), 1000),
				() => worker2.journal.release(k),
			];
			for (const attempt of attempts) {
				const started = Date.now();
				const error = await attempt().catch((e: unknown) => e);
				expect(error).toBeInstanceOf(StateUnavailableError);
				expect((error as Error).message).toContain(`127.0.0.1:${server!.port}`);
				expect(Date.now() - started).toBeLessThan(3000);
			}

			await server!.restart();
			const deadline = Date.now() + 10_000;
			let fired: boolean | undefined;
			while (fired === undefined && Date.now() < deadline) {
				fired = await store.windows('ns').fire(k, Date.now(), MIN).catch(() => undefined);
				if (fired === undefined) await sleep(100);
			}
			expect(fired).toBe(true);
			expect(await worker2.windows('ns').fire(k, Date.now(), MIN)).toBe(false);
			expect(await worker2.journal.claim(k, Date.now(), 1000)).toEqual({ state: 'claimed' });
		});
	});

	describe('process exit', () => {
		// A child node process loads redisStore.ts through TypeScript's transpiler and never closes its store.
		function runChild(connection: RedisConnection, body: string): Promise<{ code: number | null; output: string; ms: number }> {
			const script = `
				const fs = require('fs'), ts = require('typescript');
				require.extensions['.ts'] = (m, file) => m._compile(ts.transpileModule(fs.readFileSync(file, 'utf8'),
					{ compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true } }).outputText, file);
				const { redisStoreFor } = require('./nodes/shared/state/redisStore.ts');
				const store = redisStoreFor(${JSON.stringify(connection)});
				(async () => { ${body} })().catch((e) => { console.log('failed', e.name, e.message); process.exitCode = 3; });`;
			return new Promise((resolve) => {
				const started = Date.now();
				const child = spawn(process.execPath, ['-e', script], { cwd: `${__dirname}/../../..`, stdio: ['ignore', 'pipe', 'pipe'] });
				let output = '';
				child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
				child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
				const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
				child.on('close', (code) => {
					clearTimeout(timer);
					resolve({ code, output, ms: Date.now() - started });
				});
			});
		}

		it('does not keep a process alive with an idle pooled connection', async () => {
			const result = await runChild(server!.connection, `
				const t = Date.now();
				const step = (s) => ({ state: { pct: 1, at: t, ticket: 0, takes: (s ? s.takes : 0) + 1, notBefore: 0 }, result: s ? s.takes : 0, ttlMs: 60000 });
				await store.pacing.update('exit', step);
				console.log('took', await store.pacing.update('exit', step));`);
			expect(result).toMatchObject({ code: 0, output: 'took 1\n' });
		});

		it('does not keep a process alive while it keeps reconnecting to a Redis that is down', async () => {
			const port = await new Promise<number>((resolve) => {
				const probe = createServer().listen(0, '127.0.0.1', () => {
					const { port } = probe.address() as { port: number };
					probe.close(() => resolve(port));
				});
			});
			const result = await runChild({ ...server!.connection, port }, `
				await store.breakers.acquire('exit', Date.now(), { failureThreshold: 1, coolDownMs: 1000 })
					.catch((e) => console.log('rejected', e.name));
				await new Promise((r) => setTimeout(r, 500));`);
			expect(result).toMatchObject({ code: 0, output: 'rejected StateUnavailableError\n' });
		});
	});
});
