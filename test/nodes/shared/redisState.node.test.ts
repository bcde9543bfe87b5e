// Shared state in Redis, through n8n's real engine with n8n's own Redis credential and a real
// redis-server: two "workers" (separate store connections) share counts and the journal, and
// when Redis is gone every layer does what docs/scaling-out.md says, visibly on the item.
import type { ICredentialDataDecryptedObject, IDataObject, INodeParameters } from 'n8n-workflow';

import { FAKE_META_TOKEN, useFakeMeta } from '../../../testing/fake-meta';
import { runNode } from '../../helpers/engine';
import { redisCredential, useRedis } from '../../helpers/redis';

const ROUTER = 'n8n-nodes-meta-resilience.metaEscalationRouter';
const META_REQUEST = 'n8n-nodes-meta-resilience.metaRequest';
const OUT = { retry: 0, pause: 1, alert: 2, escalate: 3, dead_letter: 4, ignore: 5 } as const;

const fake = useFakeMeta();
const redis = useRedis();

const credentials = (extra: ICredentialDataDecryptedObject = {}) => ({
	metaGraphApi: { accessToken: FAKE_META_TOKEN, baseUrl: fake.url, apiVersion: 'v24.0' },
	redis: redisCredential(redis, extra),
});

const disapproval = (adId: string) => ({
	adId,
	metaError: { category: 'policy', code: 368, action: 'pause', retryable: false, source: 'graph', meaning: 'm', remedy: 'r' },
});
const four: INodeParameters = {
	stateStore: 'redis',
	thresholds: { threshold: [{ name: 'Campaign disapprovals', categories: ['policy'], count: 4, windowMinutes: 60, route: 'escalate' }] },
};
const create = (extra: IDataObject = {}): INodeParameters => ({
	operation: 'create',
	objectId: 'act_1',
	edge: 'ads',
	jsonBody: '={{ JSON.stringify({ name: $json.name, status: "PAUSED" }) }}',
	stateStore: 'redis',
	options: { baseDelayMs: 5, maxDelayMs: 20, ...extra },
});

describe('Escalation Router on Redis', () => {
	test('20 overlapping executions with one disapproval each count 20 events: "4 in 1 h" fires once', async () => {
		const runs = await Promise.all(
			Array.from({ length: 20 }, (_, i) => runNode(ROUTER, four, [disapproval(`r${i}`)], { mode: 'webhook', workflowId: 'wf-redis-router', credentials: credentials() })),
		);
		for (const run of runs) expect(run.error).toBeUndefined();
		const escalations = runs.flatMap((run) => run.nodeOutputs[OUT.escalate]);
		expect(escalations).toHaveLength(1);
		expect(escalations[0].json).toMatchObject({ routing: { by: 'threshold', stateStore: 'redis' } });
		expect(runs.flatMap((run) => run.nodeOutputs[OUT.pause])).toHaveLength(19);
	});
});

test('Escalation Router with Redis unreachable decides on process memory and says so on every item', async () => {
	const run = await runNode(ROUTER, four, ['d1', 'd2'].map(disapproval), { mode: 'webhook', credentials: credentials({ port: 1 }) });
	expect(run.error).toBeUndefined();
	const routed = run.nodeOutputs[OUT.pause];
	expect(routed).toHaveLength(2);
	for (const item of routed) {
		expect(item.json).toMatchObject({ routing: { stateStore: 'redis', stateWarnings: [expect.stringContaining('kept in this n8n process only')] } });
	}
});

test('Batch Status Poller polls with its pacing and breakers in Redis, and says so on the job', async () => {
	const id = fake.createAsyncJob({ kind: 'async_batch', total: 2, completeAfterPolls: 1 });
	const run = await runNode(
		'n8n-nodes-meta-resilience.metaBatchStatusPoller',
		{ jobKind: 'async_batch', stateStore: 'redis', initialInterval: 1, backoffFactor: 1, maxInterval: 1, timeout: 10, options: { retryBaseDelay: 0.001 } },
		[{ id }],
		{ credentials: credentials() },
	);
	expect(run.error).toBeUndefined();
	expect(run.nodeOutputs[0][0].json.batchJob).toMatchObject({ state: 'completed', stateStore: 'redis' });
	expect((run.nodeOutputs[0][0].json.batchJob as IDataObject).stateWarnings).toBeUndefined();
});

describe('Meta Request on Redis', () => {
	test('a re-run answers the creates that succeeded from the Redis journal', async () => {
		const items = [{ name: 'R1' }, { name: 'R2' }];
		const first = await runNode(META_REQUEST, create(), items, { credentials: credentials(), workflowId: 'wf-redis-rerun' });
		expect(first.nodeOutputs[0].map((item) => (item.json.metaRequest as IDataObject).stateStore)).toEqual(['redis', 'redis']);
		const rerun = await runNode(META_REQUEST, create(), items, { credentials: credentials(), workflowId: 'wf-redis-rerun' });
		expect(rerun.nodeOutputs[0].map((item) => (item.json.metaRequest as IDataObject).replayed)).toEqual([true, true]);
		expect(fake.writes).toHaveLength(2);
	});

	test('Redis unreachable: reads go on with pacing in this process (said on the item); creates are not sent', async () => {
		const down = credentials({ port: 1 }); // nothing listens there
		const read = await runNode(META_REQUEST, { operation: 'getObject', objectId: 'me', stateStore: 'redis' }, [{}], { credentials: down });
		expect(read.nodeOutputs[0][0].json.metaRequest).toMatchObject({
			stateStore: 'redis',
			stateWarnings: [expect.stringContaining('kept in this n8n process only')],
		});
		const write = await runNode(META_REQUEST, create(), [{ name: 'Down' }], { credentials: down, workflowId: 'wf-redis-down' });
		expect(write.nodeOutputs[1][0].json).toMatchObject({
			metaError: { code: 'JOURNAL_UNAVAILABLE', retryable: true },
			metaRequest: { stopReason: 'state_unavailable', attempts: 0 },
		});
		expect(fake.writes).toHaveLength(0);
		const sent = await runNode(META_REQUEST, create({ journalUnavailable: 'send' }), [{ name: 'Down' }], { credentials: down, workflowId: 'wf-redis-down' });
		expect(sent.nodeOutputs[0][0].json.metaRequest).toMatchObject({ stateWarnings: expect.arrayContaining([expect.stringContaining('sent without it')]) });
		expect(fake.writes).toHaveLength(1);
	});

	test('the Redis password never shows on an item', async () => {
		const password = 'redis-canary-PASSWORD-123';
		const run = await runNode(META_REQUEST, { operation: 'getObject', objectId: 'me', stateStore: 'redis' }, [{ note: password }], {
			credentials: credentials({ port: 1, password }),
		});
		expect(JSON.stringify(run.nodeOutputs)).not.toContain(password);
	});
});
