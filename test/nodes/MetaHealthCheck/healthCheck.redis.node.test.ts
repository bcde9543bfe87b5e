// "New and Resolved Only" with Shared State: Redis (n8n queue mode): what was reported lives in
// Redis, so the next scheduled run on any worker finds it; nothing is left in static data.
import Redis from 'ioredis';
import type { IDataObject } from 'n8n-workflow';

import { FAKE_META_TOKEN, useFakeMeta } from '../../../testing/fake-meta';
import { runNode } from '../../helpers/engine';
import { redisCredential, useRedis } from '../../helpers/redis';

const TYPE = 'n8n-nodes-meta-resilience.metaHealthCheck';
const fake = useFakeMeta();
const redis = useRedis();

test('two overlapping scheduled runs report a new finding once; the next run reports only what resolved', async () => {
	fake.seedObjects([{ id: 'act_9', name: 'Shop NL', account_status: 9 }]);
	const credentials = { metaGraphApi: { accessToken: FAKE_META_TOKEN, baseUrl: fake.url, apiVersion: 'v26.0' }, redis: redisCredential(redis) };
	const parameters = { checks: ['adAccount'], adAccountIds: 'act_9', stateStore: 'redis' };
	const options = { mode: 'trigger' as const, workflowId: 'wf-hc-redis', credentials };
	const [a, b] = await Promise.all([runNode(TYPE, parameters, [{}], options), runNode(TYPE, parameters, [{}], options)]);
	const reported = [...a.nodeOutputs[0], ...b.nodeOutputs[0]].map((item) => item.json.finding);
	expect(reported).toEqual(['ACCOUNT_UNSETTLED']);
	expect((a.nodeOutputs[1][0].json.healthCheck as IDataObject).stateStore).toBe('redis');
	expect(a.staticData).toEqual({});

	const raw = new Redis(redis.port, '127.0.0.1');
	try {
		const keys = await raw.keys('mr:hc:*');
		expect(keys).toHaveLength(1);
		expect(await raw.pttl(keys[0])).toBeGreaterThan(29 * 86_400_000);
	} finally {
		await raw.quit();
	}

	fake.seedObjects([{ id: 'act_9', name: 'Shop NL', account_status: 1 }]);
	const next = await runNode(TYPE, parameters, [{}], options);
	expect(next.nodeOutputs[0]).toEqual([]);
	expect(next.nodeOutputs[1].slice(1).map((item) => [item.json.finding, item.json.resolved])).toEqual([['ACCOUNT_UNSETTLED', true]]);
});
