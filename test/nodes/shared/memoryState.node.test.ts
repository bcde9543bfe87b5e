// Shared state on one n8n process (the memory store), through n8n's real engine: executions of one
// workflow that overlap count every event, a re-run finds the creates that already succeeded, and
// in queue mode without Redis every item says its state is per worker.
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { FAKE_META_TOKEN, useFakeMeta } from '../../../testing/fake-meta';
import { runNode } from '../../helpers/engine';

const ROUTER = 'n8n-nodes-meta-resilience.metaEscalationRouter';
const META_REQUEST = 'n8n-nodes-meta-resilience.metaRequest';
const OUT = { retry: 0, pause: 1, alert: 2, escalate: 3, dead_letter: 4, ignore: 5 } as const;

const fake = useFakeMeta();
const credentials = () => ({ metaGraphApi: { accessToken: FAKE_META_TOKEN, baseUrl: fake.url, apiVersion: 'v24.0' } });

const disapproval = (adId: string) => ({
	adId,
	campaignId: 'c1',
	metaError: { category: 'policy', code: 368, action: 'pause', retryable: false, source: 'graph', meaning: 'm', remedy: 'r' },
});
const trend: INodeParameters = {
	thresholds: { threshold: [{ name: 'Campaign disapprovals', categories: ['policy'], count: 3, windowMinutes: 60, route: 'escalate' }] },
};

describe('Escalation Router on the memory store', () => {
	test('overlapping executions of one workflow count every event: 2 + 2 disapprovals fire "4 in 1 h" once', async () => {
		const workflowId = 'wf-overlap';
		const four = { thresholds: { threshold: [{ name: 'Campaign disapprovals', categories: ['policy'], count: 4, windowMinutes: 60, route: 'escalate' }] } };
		const runs = await Promise.all(
			[['a1', 'a2'], ['a3', 'a4']].map((ads) => runNode(ROUTER, four, ads.map(disapproval), { mode: 'webhook', workflowId })),
		);
		const escalations = runs.flatMap((run) => run.nodeOutputs[OUT.escalate]);
		expect(escalations).toHaveLength(1);
		expect(escalations[0].json).toMatchObject({ routing: { by: 'threshold', threshold: { count: 4 }, stateStore: 'memory' } });
		const seen = runs.flatMap((run) => run.nodeOutputs.flat()).map((item) => (item.json.routing as { counts: Array<{ count: number; of: number }> }).counts[0]);
		expect(seen.map((c) => c.count).sort()).toEqual([1, 2, 3, 4]);
		expect(seen.every((c) => c.of === 4)).toBe(true);
		// Within the window the threshold has fired already: the next one takes its own route (pause).
		const again = await runNode(ROUTER, four, [disapproval('a5')], { mode: 'webhook', workflowId });
		expect(again.nodeOutputs[OUT.pause]).toHaveLength(1);
	});

	test('another workflow keeps its own counts', async () => {
		await runNode(ROUTER, trend, ['b1', 'b2'].map(disapproval), { mode: 'webhook', workflowId: 'wf-one' });
		const other = await runNode(ROUTER, trend, [disapproval('b3')], { mode: 'webhook', workflowId: 'wf-two' });
		expect(other.nodeOutputs[OUT.escalate]).toHaveLength(0);
	});
});

describe('Meta Request write journal on the memory store', () => {
	const create = (extra: IDataObject = {}): INodeParameters => ({
		operation: 'create',
		objectId: 'act_1',
		edge: 'ads',
		jsonBody: '={{ JSON.stringify({ name: $json.name, status: "PAUSED" }) }}',
		options: { baseDelayMs: 5, maxDelayMs: 20, ...extra },
	});
	const items = [{ name: 'Ad A' }, { name: 'Ad B' }];

	test('a re-run of the workflow answers the creates that succeeded from the journal: nothing is created twice', async () => {
		const first = await runNode(META_REQUEST, create(), items, { credentials: credentials(), workflowId: 'wf-rerun' });
		expect(first.nodeOutputs[0]).toHaveLength(2);
		const rerun = await runNode(META_REQUEST, create(), items, { credentials: credentials(), workflowId: 'wf-rerun' });
		expect(rerun.nodeOutputs[0].map((item) => item.json.id)).toEqual(first.nodeOutputs[0].map((item) => item.json.id));
		expect(rerun.nodeOutputs[0].map((item) => item.json.metaRequest)).toEqual([
			expect.objectContaining({ replayed: true, replayedFrom: expect.any(String), attempts: 0, stateStore: 'memory' }),
			expect.objectContaining({ replayed: true, attempts: 0 }),
		]);
		expect(fake.writes).toHaveLength(2);
		expect(fake.duplicateWrites()).toEqual([]);
	});

	test('Key Scope "This Execution Only" writes anew in every execution', async () => {
		await runNode(META_REQUEST, create({ keyScope: 'execution' }), items, { credentials: credentials(), workflowId: 'wf-scope' });
		const second = await runNode(META_REQUEST, create({ keyScope: 'execution' }), items, { credentials: credentials(), workflowId: 'wf-scope' });
		expect(second.nodeOutputs[0].map((item) => (item.json.metaRequest as IDataObject).replayed)).toEqual([undefined, undefined]);
		expect(fake.writes).toHaveLength(4);
	});

	test('in n8n queue mode without Redis, every item says its state is per worker', async () => {
		const before = process.env.EXECUTIONS_MODE;
		process.env.EXECUTIONS_MODE = 'queue';
		try {
			const run = await runNode(META_REQUEST, { operation: 'getObject', objectId: 'me' }, [{}], { credentials: credentials() });
			expect(run.nodeOutputs[0][0].json.metaRequest).toMatchObject({ stateStore: 'memory', stateWarnings: [expect.stringContaining('per worker')] });
			const routed = await runNode(ROUTER, trend, [disapproval('q1')], { mode: 'webhook' });
			expect(routed.nodeOutputs[OUT.pause][0].json).toMatchObject({ routing: { stateWarnings: [expect.stringContaining('per worker')] } });
		} finally {
			if (before === undefined) delete process.env.EXECUTIONS_MODE;
			else process.env.EXECUTIONS_MODE = before;
		}
	});
});
