// Anomaly baselines in Redis through n8n's real engine (n8n's own Redis credential, a real
// redis-server): overlapping executions add every reading to one baseline, and the spike that
// follows is judged against all of them.
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { runNode } from '../../helpers/engine';
import { redisCredential, useRedis } from '../../helpers/redis';

const ROUTER = 'n8n-nodes-meta-resilience.metaEscalationRouter';
const OUT = { pause: 1, ignore: 5 } as const;

const redis = useRedis();

test('12 overlapping executions with one reading each build one baseline; the 13th, 4× it, pauses', async () => {
	const credentials = { redis: redisCredential(redis) };
	const parameters = {
		stateStore: 'redis',
		anomalies: { anomaly: [{ name: 'Spend spike', field: 'spend', condition: 'above', factor: 3, windowSamples: 20, minSamples: 10, route: 'pause' }] },
	} as unknown as INodeParameters;
	const row = (spend: string): IDataObject => ({ adset_id: '120210000000000777', spend });
	const options = { mode: 'webhook' as const, workflowId: 'wf-redis-anomaly', credentials };
	const runs = await Promise.all(Array.from({ length: 12 }, () => runNode(ROUTER, parameters, [row('10.00')], options)));
	for (const run of runs) expect(run.error).toBeUndefined();
	const samples = runs.map((run) => ((run.nodeOutputs[OUT.ignore][0].json.routing as IDataObject).anomalies as IDataObject[])[0].samples).sort((a, b) => Number(a) - Number(b));
	expect(samples).toEqual(Array.from({ length: 12 }, (_, i) => i)); // none lost, each saw a distinct baseline
	const spike = await runNode(ROUTER, parameters, [row('40.00')], options);
	expect(spike.nodeOutputs[OUT.pause]).toHaveLength(1);
	expect(spike.nodeOutputs[OUT.pause][0].json.routing).toMatchObject({
		by: 'anomaly',
		stateStore: 'redis',
		anomaly: { value: 40, baseline: 10, ratio: 4, samples: 12 },
	});
});
