/**
 * Shared State: Redis in real n8n, on each line: the package's nodes take n8n's own built-in
 * `redis` credential (a community node may reference it), and with it two `n8n execute` processes,
 * one after the other, share the write journal and the router's counts through a real
 * redis-server, where process memory would forget them with the process.
 */
import { FAKE_META_TOKEN, useFakeMeta } from '../../testing/fake-meta';
import { nodeOutput } from '../../testing/n8n';
import { startRedis, type RedisServer } from '../../testing/redisServer';
import { e2eLines, outcome, SUCCEEDED, useN8n } from './setup';
import { DEMO_CREDENTIAL_REF, itemsOf, trigger, workflow } from './workflows';

const REDIS_REF = { redis: { id: 'RedisE2eCred00001', name: 'Redis (e2e)' } };

describe.each(e2eLines())('n8n line %s with Shared State: Redis', (line) => {
	const fake = useFakeMeta();
	const n8n = useN8n(line, fake);
	let redis: RedisServer;

	beforeAll(async () => {
		redis = await startRedis();
		await n8n.importCredentials([
			{ ...REDIS_REF.redis, type: 'redis', data: { host: '127.0.0.1', port: redis.port, database: 0, password: '', ssl: false } },
		]);
	});
	afterAll(async () => {
		await redis?.stop();
	});

	test("a create sent by one n8n process is answered from the Redis journal in the next one; the router's count goes on", async () => {
		const create = {
			name: 'Create',
			type: 'n8n-nodes-meta-resilience.metaRequest',
			parameters: {
				operation: 'create',
				objectId: 'act_1',
				edge: 'ads',
				jsonBody: '={{ JSON.stringify({ name: $json.name, status: "PAUSED" }) }}',
				stateStore: 'redis',
				options: {},
			},
			credentials: { ...DEMO_CREDENTIAL_REF, ...REDIS_REF },
		};
		const router = {
			name: 'Route',
			type: 'n8n-nodes-meta-resilience.metaEscalationRouter',
			parameters: {
				stateStore: 'redis',
				thresholds: { threshold: [{ name: 'Two runs', categories: ['policy'], count: 2, windowMinutes: 60, route: 'escalate' }] },
			},
			credentials: REDIS_REF,
		};
		const disapproval = {
			name: 'Disapproval',
			type: 'n8n-nodes-base.set',
			typeVersion: 3.4,
			parameters: {
				mode: 'raw',
				jsonOutput: JSON.stringify({ id: 'ad-1', error: { message: 'Ad disapproved', type: 'OAuthException', code: 368 } }),
				options: {},
			},
		};
		await n8n.importWorkflows([
			workflow('e2eRedisJournal', [trigger, ...itemsOf('name', ['Ad A', 'Ad B']), create], [
				['Run', 'Values'],
				['Values', 'One item each'],
				['One item each', 'Create'],
			]),
			workflow('e2eRedisRouter', [trigger, disapproval, router], [
				['Run', 'Disapproval'],
				['Disapproval', 'Route'],
			]),
		]);

		const first = await n8n.execute('e2eRedisJournal');
		expect(outcome(first)).toEqual(SUCCEEDED);
		const created = nodeOutput(first.data, 'Create');
		expect(created.map((item) => item.metaRequest)).toEqual([
			expect.objectContaining({ stateStore: 'redis', attempts: 1 }),
			expect.objectContaining({ stateStore: 'redis', attempts: 1 }),
		]);
		const again = await n8n.execute('e2eRedisJournal');
		expect(outcome(again)).toEqual(SUCCEEDED);
		const replayed = nodeOutput(again.data, 'Create');
		expect(replayed.map((item) => [item.id, item.metaRequest.replayed])).toEqual(created.map((item) => [item.id, true]));
		expect(fake.writes).toHaveLength(2);

		const once = await n8n.execute('e2eRedisRouter');
		expect(outcome(once)).toEqual(SUCCEEDED);
		expect(nodeOutput(once.data, 'Route', 1)[0]).toMatchObject({ route: 'pause', routing: { stateStore: 'redis', counts: [{ count: 1, of: 2 }] } });
		const twice = await n8n.execute('e2eRedisRouter');
		expect(nodeOutput(twice.data, 'Route', 3)[0]).toMatchObject({ route: 'escalate', routing: { by: 'threshold', counts: [{ count: 2, of: 2 }] } });
		expect(JSON.stringify([first.stdout, again.stdout, once.stdout, twice.stdout])).not.toContain(FAKE_META_TOKEN);
	});
});
