import { createServer, type IncomingHttpHeaders, type Server } from 'http';
import type { AddressInfo } from 'net';
import {
	NodeOperationError,
	VersionedNodeType,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';
import { registerCredentialType, registerNodeType, runNode, runWorkflow } from './helpers/engine';

function description(name: string, extra: Partial<INodeTypeDescription> = {}): INodeTypeDescription {
	return {
		name,
		displayName: name,
		group: ['transform'],
		version: 1,
		description: name,
		defaults: { name },
		inputs: ['main'],
		outputs: ['main'],
		properties: [],
		...extra,
	};
}

/** Doubles `value`; fails items with `bad: true` (per item, the n8n way: continueOnFail or throw). */
const doubler: INodeType = {
	description: description('doubler'),
	async execute(this: IExecuteFunctions) {
		const out: INodeExecutionData[] = [];
		for (const [i, item] of this.getInputData().entries()) {
			try {
				if (item.json.bad) throw new NodeOperationError(this.getNode(), `Item ${i} is bad`, { itemIndex: i });
				out.push({ json: { value: (item.json.value as number) * 2 }, pairedItem: { item: i } });
			} catch (error) {
				if (!this.continueOnFail()) throw error;
				out.push({ json: { error: (error as Error).message }, pairedItem: { item: i } });
			}
		}
		return [out];
	},
};

/** Two outputs: even values, odd values. */
const parity: INodeType = {
	description: description('parity', { outputs: ['main', 'main'], outputNames: ['even', 'odd'] }),
	async execute(this: IExecuteFunctions) {
		const even: INodeExecutionData[] = [];
		const odd: INodeExecutionData[] = [];
		this.getInputData().forEach((item, i) => {
			((item.json.value as number) % 2 === 0 ? even : odd).push({ json: item.json, pairedItem: { item: i } });
		});
		return [even, odd];
	},
};

/** Throws for the whole node, without handling continueOnFail itself. */
const crasher: INodeType = {
	description: description('crasher'),
	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		throw new NodeOperationError(this.getNode(), 'Crashed on purpose', { description: 'how to fix it' });
	},
};

const credentialReader: INodeType = {
	description: description('credentialReader', { credentials: [{ name: 'engineTestApi', required: true }] }),
	async execute(this: IExecuteFunctions) {
		const { token, region } = await this.getCredentials<{ token: string; region: string }>('engineTestApi');
		return [[{ json: { token, region }, pairedItem: { item: 0 } }]];
	},
};

/** Calls a URL with the credential's `authenticate` applied. */
const authenticatedCaller: INodeType = {
	description: description('authenticatedCaller', {
		credentials: [{ name: 'engineTestApi', required: true }],
		properties: [{ displayName: 'URL', name: 'url', type: 'string', default: '' }],
	}),
	async execute(this: IExecuteFunctions) {
		const url = this.getNodeParameter('url', 0) as string;
		const body = (await this.helpers.httpRequestWithAuthentication.call(this, 'engineTestApi', {
			url,
			json: true,
		})) as IDataObject;
		return [[{ json: body, pairedItem: { item: 0 } }]];
	},
};

/** Counts its executions in the node's static data. */
const counter: INodeType = {
	description: description('counter'),
	async execute(this: IExecuteFunctions) {
		const data = this.getWorkflowStaticData('node');
		data.runs = ((data.runs as number) ?? 0) + 1;
		return [[{ json: { runs: data.runs }, pairedItem: { item: 0 } }]];
	},
};

const versioned = new VersionedNodeType(
	{
		1: { description: description('versioned', { version: 1 }), execute: async () => [[{ json: { version: 1 } }]] },
		2: { description: description('versioned', { version: 2 }), execute: async () => [[{ json: { version: 2 } }]] },
	},
	{ name: 'versioned', displayName: 'versioned', group: ['transform'], description: 'versioned', defaultVersion: 2 },
);

registerNodeType('test.doubler', doubler);
registerNodeType('test.parity', parity);
registerNodeType('test.crasher', crasher);
registerNodeType('test.credentialReader', credentialReader);
registerNodeType('test.authenticatedCaller', authenticatedCaller);
registerNodeType('test.counter', counter);
registerNodeType('test.versioned', versioned);
registerCredentialType({
	name: 'engineTestApi',
	displayName: 'Engine Test API',
	properties: [
		{ displayName: 'Token', name: 'token', type: 'string', typeOptions: { password: true }, default: '' },
		{ displayName: 'Region', name: 'region', type: 'string', default: 'eu' },
	],
	authenticate: { type: 'generic', properties: { headers: { Authorization: '=Bearer {{$credentials.token}}' } } },
});

const TOKEN = 'EAAcanary0000SECRET0000TOKEN';

describe('engine harness', () => {
	it('passes items through a node with pairedItem', async () => {
		const run = await runNode('test.doubler', {}, [{ value: 1 }, { value: 5 }]);
		expect(run.error).toBeUndefined();
		expect(run.nodeOutputs).toEqual([
			[
				{ json: { value: 2 }, pairedItem: { item: 0 } },
				{ json: { value: 10 }, pairedItem: { item: 1 } },
			],
		]);
	});

	it('routes items to the outputs of a two-output node', async () => {
		const run = await runNode('test.parity', {}, [{ value: 1 }, { value: 2 }, { value: 3 }]);
		expect(run.output('Node', 0).map((item) => item.json.value)).toEqual([2]);
		expect(run.output('Node', 1).map((item) => [item.json.value, item.pairedItem])).toEqual([
			[1, { item: 0 }],
			[3, { item: 2 }],
		]);
	});

	it('moves a failed item to the error output with "Continue (using error output)"', async () => {
		const run = await runNode('test.doubler', {}, [{ value: 1 }, { value: 2, bad: true }], {
			onError: 'continueErrorOutput',
		});
		expect(run.error).toBeUndefined();
		expect(run.output('Node', 0)).toEqual([{ json: { value: 2 }, pairedItem: { item: 0 } }]);
		// n8n merges the input item's fields into an error-output item.
		expect(run.output('Node', 1)).toEqual([
			{ json: { value: 2, bad: true, error: 'Item 1 is bad' }, pairedItem: { item: 1 } },
		]);
	});

	it('keeps a failed item on the regular output with continueOnFail', async () => {
		const run = await runNode('test.doubler', {}, [{ value: 1, bad: true }], { onError: 'continueRegularOutput' });
		expect(run.nodeOutputs).toEqual([[{ json: { error: 'Item 0 is bad' }, pairedItem: { item: 0 } }]]);
	});

	it('stops the workflow with the node error when the node does not continue', async () => {
		const run = await runNode('test.crasher', {}, [{ value: 1 }]);
		expect(run.error).toMatchObject({ message: 'Crashed on purpose', description: 'how to fix it' });
		expect(run.nodeOutputs).toEqual([]);
	});

	it('sends the input items to the SUCCESS output when a node throws with "Continue (using error output)"', async () => {
		// n8n's own behaviour: only items a node returns as errors reach the error output.
		const run = await runWorkflow({
			nodes: [
				{ name: 'Run', type: 'n8n-nodes-base.manualTrigger' },
				{ name: 'Items', type: 'test.items', parameters: { items: '[{"value": 1}]' } },
				{ name: 'Crash', type: 'test.crasher', onError: 'continueErrorOutput' },
				{ name: 'Success', type: 'n8n-nodes-base.noOp' },
				{ name: 'Failed', type: 'n8n-nodes-base.noOp' },
			],
			connections: {
				Run: { main: [[{ node: 'Items', type: 'main', index: 0 }]] },
				Items: { main: [[{ node: 'Crash', type: 'main', index: 0 }]] },
				Crash: {
					main: [[{ node: 'Success', type: 'main', index: 0 }], [{ node: 'Failed', type: 'main', index: 0 }]],
				},
			},
		});
		expect(run.error).toBeUndefined();
		expect(run.runData.Crash[0].error?.message).toBe('Crashed on purpose');
		expect(run.output('Success')).toEqual([{ json: { value: 1 }, pairedItem: { item: 0 } }]);
		expect(run.runData.Failed).toBeUndefined();
	});

	it('gives the node its credentials, with the credential type defaults', async () => {
		const run = await runNode('test.credentialReader', {}, [{}], { credentials: { engineTestApi: { token: TOKEN } } });
		expect(run.nodeOutputs[0][0].json).toEqual({ token: TOKEN, region: 'eu' });
	});

	it('fails clearly when a credential was not given', async () => {
		const run = await runNode('test.credentialReader', {}, [{}]);
		expect(run.error?.message).toMatch(/Node does not have any credentials set/);
	});

	describe('with a local server', () => {
		let server: Server;
		let url: string;
		let seen: IncomingHttpHeaders | undefined;
		beforeAll(async () => {
			server = createServer((request, response) => {
				seen = request.headers;
				response.setHeader('content-type', 'application/json');
				response.end('{"ok":true}');
			});
			await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
			url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/me`;
		});
		afterAll(async () => await new Promise((resolve) => server.close(resolve)));

		it('applies the credential type authenticate to httpRequestWithAuthentication', async () => {
			const run = await runNode('test.authenticatedCaller', { url }, [{}], {
				credentials: { engineTestApi: { token: TOKEN } },
			});
			expect(run.error).toBeUndefined();
			expect(run.nodeOutputs[0][0].json).toEqual({ ok: true });
			expect(seen?.authorization).toBe(`Bearer ${TOKEN}`);
		});
	});

	it('keeps static data across runs in trigger mode, not in manual mode', async () => {
		const first = await runNode('test.counter', {}, [{}], { mode: 'trigger' });
		const second = await runNode('test.counter', {}, [{}], { mode: 'trigger', staticData: first.staticData });
		expect(second.nodeOutputs[0][0].json).toEqual({ runs: 2 });
		expect(second.staticData).toEqual({ 'node:Node': { runs: 2 } });

		const manual = await runNode('test.counter', {}, [{}], { staticData: second.staticData });
		expect(manual.nodeOutputs[0][0].json).toEqual({ runs: 3 });
		expect(manual.staticData).toEqual({ 'node:Node': { runs: 2 } });
	});

	it('runs the requested version of a versioned node, the default one otherwise', async () => {
		expect((await runNode('test.versioned', {}, [{}], { typeVersion: 1 })).nodeOutputs[0][0].json).toEqual({ version: 1 });
		expect((await runNode('test.versioned', {}, [{}])).nodeOutputs[0][0].json).toEqual({ version: 2 });
	});

	it('loads a workflow JSON file and runs the n8n-nodes-base stand-ins', async () => {
		const run = await runWorkflow('test/helpers/engine-fixture.workflow.json');
		expect(run.error).toBeUndefined();
		expect(run.output('Split ads').map((item) => item.json)).toEqual([{ ad: 'a1' }, { ad: 'a2' }]);
		expect(run.output('Label')).toEqual([
			{ json: { ad: 'a1', owner: { team: 'growth' }, tags: ['x'] }, pairedItem: { item: 0 } },
			{ json: { ad: 'a2', owner: { team: 'growth' }, tags: ['x'] }, pairedItem: { item: 1 } },
		]);
		expect(run.output('Done')).toHaveLength(2);
	});

	it('names an unknown node type and an unknown node name', async () => {
		await expect(runNode('n8n-nodes-base.code', {}, [{}])).rejects.toThrow('Unknown node type "n8n-nodes-base.code"');
		const run = await runNode('test.doubler', {}, [{ value: 1 }]);
		expect(() => run.output('Nope')).toThrow('No node named "Nope"');
	});
});
