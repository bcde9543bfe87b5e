// The poller's one table of outputs: OUTPUTS names the description's outputs, and the run puts
// each outcome on the output of that name.
import type { INodeExecutionData } from 'n8n-workflow';
import { BatchStatusPoller } from '../../../nodes/BatchStatusPoller/BatchStatusPoller.node';
import { OUTPUTS, OUTPUT_NAMES, type OutputName } from '../../../nodes/BatchStatusPoller/description';
import { useFakeMeta } from '../../../testing/fake-meta';
import { runNode } from '../../helpers/engine';

const TYPE = 'n8n-nodes-meta-resilience.metaBatchStatusPoller';
const TOKEN = 'EAAoutputs0000TEST0000TOKEN';
const fake = useFakeMeta({ token: TOKEN });

test('the description shows one main output per entry of OUTPUTS, named by it, in its order', () => {
	const { description } = new BatchStatusPoller();
	expect(OUTPUT_NAMES).toEqual([...OUTPUTS]);
	expect(description.outputNames).toEqual([...OUTPUTS]);
	expect(description.outputs).toEqual(OUTPUTS.map(() => 'main'));
	expect(new Set(OUTPUTS).size).toBe(OUTPUTS.length);
});

test('the run fills the outputs of OUTPUTS: each outcome on the output of its name', async () => {
	const clean = fake.createAsyncJob({ kind: 'async_batch', total: 2, completeAfterPolls: 1 });
	const partial = fake.createAsyncJob({ kind: 'async_batch', total: 3, failIndices: [1], completeAfterPolls: 1 });
	const slow = fake.createAsyncJob({ kind: 'async_batch', total: 1, completeAfterPolls: 100 });
	// Timeout 1 s at a 1 s interval: one poll each, so the slow job is handed on as still running.
	const parameters = { jobKind: 'async_batch', initialInterval: 1, backoffFactor: 1, maxInterval: 1, timeout: 1 };
	const run = await runNode(
		TYPE,
		{ ...parameters, options: { outputSucceeded: true, retryBaseDelay: 0.001 } },
		[{ id: clean }, { id: partial }, { id: slow }, { noJobId: true }],
		{ credentials: { metaGraphApi: { accessToken: TOKEN, baseUrl: fake.url, apiVersion: 'v24.0' } }, onError: 'continueRegularOutput' },
	);
	expect(run.error).toBeUndefined();
	expect(run.nodeOutputs).toHaveLength(OUTPUTS.length);
	const on = (name: OutputName): INodeExecutionData[] => run.nodeOutputs[OUTPUTS.indexOf(name)];
	const summary = (items: INodeExecutionData[]) =>
		items.map((item) => ({
			paired: item.pairedItem,
			state: (item.json.batchJob as { state?: string } | undefined)?.state,
			index: item.json.index,
			failed: item.json.metaError !== undefined,
		}));
	expect(summary(on('Completed'))).toEqual([{ paired: { item: 0 }, state: 'completed', index: undefined, failed: false }]);
	expect(summary(on('Failed'))).toEqual([{ paired: { item: 1 }, state: 'completed', index: 1, failed: true }]);
	expect(summary(on('Succeeded'))).toEqual([
		{ paired: { item: 0 }, state: 'completed', index: 0, failed: false },
		{ paired: { item: 0 }, state: 'completed', index: 1, failed: false },
		{ paired: { item: 1 }, state: 'completed', index: 0, failed: false },
		{ paired: { item: 1 }, state: 'completed', index: 2, failed: false },
	]);
	expect(summary(on('Still Running'))).toEqual([{ paired: { item: 2 }, state: 'running', index: undefined, failed: false }]);
	expect(summary(on('Job Failed'))).toEqual([{ paired: { item: 3 }, state: undefined, index: undefined, failed: true }]);
});
