// Anomaly baselines in each backend of the state store: the same answers in process memory and in
// Redis (one Lua script), atomic under concurrency, namespaced and expiring.
import Redis from 'ioredis';

import { BASELINE_TTL_MS, decideWith, DEFAULT_POLICY_CONFIG, type AnomalyRule } from '../../../nodes/shared/core';
import { MemoryStore } from '../../../nodes/shared/core/state/memory';
import { withFallback } from '../../../nodes/shared/core/state/fallback';
import { StateUnavailableError, type StateStore, type WindowStore } from '../../../nodes/shared/core/state/store';
import { closeRedisStores, redisKeys, RedisStore, redisStoreFor } from '../../../nodes/shared/state/redisStore';
import { startRedis, type RedisServer } from '../../../testing/redisServer';

let unique = 0;
const key = () => `base-${++unique}`;

describe.each(['memory', 'redis'] as const)('%s store: anomaly baselines', (kind) => {
	let server: RedisServer | undefined;
	let store: StateStore;
	let worker2: StateStore;

	beforeAll(async () => {
		if (kind === 'memory') store = worker2 = new MemoryStore();
		else {
			server = await startRedis();
			store = redisStoreFor(server.connection);
			worker2 = new RedisStore(server.connection);
		}
	});

	afterAll(async () => {
		if (worker2 instanceof RedisStore) await worker2.close();
		await closeRedisStores();
		await server?.stop();
	});

	it('answers the readings before each one, then adds it, keeping the newest `keep`', async () => {
		const k = key();
		const w = store.windows('ns');
		const t = Date.now();
		expect(await w.sample(k, t, 12.34, undefined, 3)).toEqual({ counted: true, before: [] });
		expect(await w.sample(k, t, 0.1 + 0.2, undefined, 3)).toEqual({ counted: true, before: [12.34] });
		expect(await w.sample(k, t, 7, undefined, 3)).toEqual({ counted: true, before: [12.34, 0.1 + 0.2] });
		expect(await worker2.windows('ns').sample(k, t, 8, undefined, 3)).toEqual({ counted: true, before: [12.34, 0.1 + 0.2, 7] });
		expect(await w.sample(k, t, 9, undefined, 3)).toEqual({ counted: true, before: [0.1 + 0.2, 7, 8] });
	});

	it('a sample key not after the newest is a repeat and changes nothing', async () => {
		const k = key();
		const w = store.windows('ns');
		const t = Date.now();
		expect(await w.sample(k, t, 1, '2026-11-02', 7)).toEqual({ counted: true, before: [] });
		expect(await w.sample(k, t, 2, '2026-11-02', 7)).toEqual({ counted: false, lastKey: '2026-11-02' });
		expect(await w.sample(k, t, 3, '2026-11-01', 7)).toEqual({ counted: false, lastKey: '2026-11-02' });
		expect(await w.sample(k, t, 4, '2026-11-03', 7)).toEqual({ counted: true, before: [1] });
	});

	it('100 concurrent readings from two workers: each sees a distinct baseline length, none lost', async () => {
		const k = key();
		const t = Date.now();
		const answers = await Promise.all(
			Array.from({ length: 100 }, (_, i) => (i % 2 ? worker2 : store).windows('ns').sample(k, t, i, undefined, 1000)),
		);
		const lengths = answers.map((a) => (a.counted ? a.before.length : -1)).sort((a, b) => a - b);
		expect(lengths).toEqual(Array.from({ length: 100 }, (_, i) => i));
		const last = await store.windows('ns').sample(k, t, 0, undefined, 1000);
		expect(last.counted && last.before.length).toBe(100);
	});

	it('orders sample keys byte by byte, as JavaScript does ("10" is not after "9")', async () => {
		const k = key();
		const w = store.windows('ns');
		const t = Date.now();
		expect(await w.sample(k, t, 1, '9', 7)).toEqual({ counted: true, before: [] });
		expect(await w.sample(k, t, 2, '10', 7)).toEqual({ counted: false, lastKey: '9' });
		expect(await w.sample(k, t, 3, '9a', 7)).toEqual({ counted: true, before: [1] });
		expect(await w.sample(k, t, 4, 'Z', 7)).toEqual({ counted: true, before: [1, 3] });
		expect(await w.sample(k, t, 5, 'a', 7)).toEqual({ counted: true, before: [1, 3, 4] });
	});

	it('keeps namespaces apart', async () => {
		const k = key();
		const t = Date.now();
		await store.windows('a').sample(k, t, 1, undefined, 5);
		expect(await store.windows('b').sample(k, t, 2, undefined, 5)).toEqual({ counted: true, before: [] });
	});

	it('decideWith on the store: the spike of the 4th reading pauses', async () => {
		const rule: AnomalyRule = { name: 'Spike', field: 'spend', condition: 'above', factor: 3, windowSamples: 7, minSamples: 3, route: 'pause' };
		const config = { ...DEFAULT_POLICY_CONFIG, anomalies: [rule] };
		const windows = store.windows(`decide-${key()}`);
		const routes: string[] = [];
		for (const value of [10, 11, 12, 40]) {
			routes.push((await decideWith({ readings: [{ value, objectId: '42' }] }, config, windows, Date.now())).route);
		}
		expect(routes).toEqual(['ignore', 'ignore', 'ignore', 'pause']);
	});

	if (kind === 'redis') {
		it('is one hash mr:win:<ns>:base:<key> with a TTL of BASELINE_TTL_MS', async () => {
			const k = key();
			await store.windows('ttl').sample(k, Date.now(), 5, '2026-11-01', 7);
			const client = new Redis({ host: server!.connection.host, port: server!.connection.port, lazyConnect: true });
			await client.connect();
			try {
				const redisKey = redisKeys.window('ttl', 'base', k);
				expect(await client.hgetall(redisKey)).toEqual({ v: '5', k: '2026-11-01' });
				const ttl = await client.pttl(redisKey);
				expect(ttl).toBeGreaterThan(BASELINE_TTL_MS - 60_000);
				expect(ttl).toBeLessThanOrEqual(BASELINE_TTL_MS);
			} finally {
				client.disconnect();
			}
		});
	}
});

test('Redis unreachable: baselines go on in process memory for the rest of the run, and the item is told', async () => {
	const down = (): never => {
		throw new StateUnavailableError('Redis 127.0.0.1:1: anomaly baseline failed: not connected');
	};
	const broken: WindowStore = { count: async () => down(), fire: async () => down(), claim: async () => down(), sample: async () => down() };
	const memory = new MemoryStore();
	const primary = { ...memory, kind: 'redis' as const, windows: () => broken } as unknown as StateStore;
	const warnings: string[] = [];
	const windows = withFallback(primary, memory, (message) => warnings.push(message)).windows('ns');
	expect(await windows.sample('k', 1, 10, undefined, 7)).toEqual({ counted: true, before: [] });
	expect(await windows.sample('k', 2, 11, undefined, 7)).toEqual({ counted: true, before: [10] });
	expect(warnings).toEqual(['redis unreachable (Redis 127.0.0.1:1: anomaly baseline failed: not connected): anomaly baselines kept in this n8n process only']);
});
