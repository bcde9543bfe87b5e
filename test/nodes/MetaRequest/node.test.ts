// The Meta Request node through n8n's real engine (in-process WorkflowExecute), against the fake
// Meta server over HTTP. Retries use n8n's real sleep, so every test sets millisecond delays.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { IDataObject, INodeExecutionData, INodeParameters } from 'n8n-workflow';
import { FAKE_META_TOKEN, useFakeMeta } from '../../../testing/fake-meta';
import { runNode, runWorkflow } from '../../helpers/engine';
import type { RunNodeOptions } from '../../helpers/engine';

const TYPE = 'n8n-nodes-meta-resilience.metaRequest';
const TOKEN = FAKE_META_TOKEN;
const FAST = { baseDelayMs: 5, maxDelayMs: 20 };

const fake = useFakeMeta();
/** Everything any run produced, checked for the token at the end. */
const produced: unknown[] = [];

afterAll(() => {
	expect(JSON.stringify(produced)).not.toContain(TOKEN);
});

async function run(parameters: INodeParameters, items: IDataObject[], options: RunNodeOptions = {}) {
	const result = await runNode(TYPE, parameters, items, {
		credentials: { metaGraphApi: { accessToken: TOKEN, baseUrl: fake.url, apiVersion: 'v24.0' } },
		...options,
	});
	produced.push(result.nodeOutputs, result.error);
	return result;
}

const paired = (items: INodeExecutionData[]) => items.map((item) => item.pairedItem);

describe('Meta Request in the n8n engine', () => {
	it('puts each item on Success or Failed, paired to its input, in input order', async () => {
		const [ad1, ad3] = fake.seedObjects([{ name: 'Ad 1', status: 'ACTIVE' }, { name: 'Ad 3', status: 'ACTIVE' }]);
		const { nodeOutputs, error } = await run({ operation: 'pause', objectId: '={{ $json.adId }}', options: FAST }, [
			{ adId: ad1 },
			{ adId: '999999999' },
			{ adId: ad3 },
		]);
		expect(error).toBeUndefined();
		const [success, failed] = nodeOutputs;
		expect(success.map((item) => item.json.success)).toEqual([true, true]);
		// each success names its ad and keeps the input's fields
		expect(success.map((item) => [item.json.id, item.json.adId])).toEqual([[ad1, ad1], [ad3, ad3]]);
		expect(paired(success)).toEqual([{ item: 0 }, { item: 2 }]);
		expect(success[0].json.metaRequest).toMatchObject({ method: 'POST', url: `${fake.url}/v24.0/${ad1}`, attempts: 1, status: 200, usage: { maxPercent: 0 } });
		expect(failed).toHaveLength(1);
		expect(failed[0].pairedItem).toEqual({ item: 1 });
		expect(failed[0].json).toMatchObject({
			adId: '999999999',
			metaError: { category: 'not_found', code: 100, subcode: 33, retryable: false },
			metaRequest: { attempts: 1, stopReason: 'not_retryable', method: 'POST' },
		});
		expect(fake.getObject(ad1)?.status).toBe('PAUSED');
		expect(fake.getObject(ad3)?.status).toBe('PAUSED');
	});

	it('sends failures to the error output with "Continue (using error output)"', async () => {
		const [ad] = fake.seedObjects([{ name: 'Ad', status: 'ACTIVE' }]);
		const { nodeOutputs } = await run({ operation: 'pause', objectId: '={{ $json.adId }}', options: FAST }, [{ adId: '999999999999999' }, { adId: ad }], {
			onError: 'continueErrorOutput',
		});
		const [success, failed, errors] = nodeOutputs;
		expect(paired(success)).toEqual([{ item: 1 }]);
		expect(failed).toEqual([]);
		expect(errors).toHaveLength(1);
		expect(errors[0].pairedItem).toEqual({ item: 0 });
		expect(errors[0].json).toMatchObject({
			adId: '999999999999999',
			error: { category: 'not_found', source: 'graph', code: 100 },
			message: expect.stringContaining('does not exist'),
		});
	});

	it('update, delete and pause successes carry the object id and the input fields, never an old error', async () => {
		const [a, b, c, d] = fake.seedObjects(['A', 'B', 'C', 'D'].map((name) => ({ name, status: 'ACTIVE' })));
		// An item back from a retry branch: its old metaError and metaRequest must not make a success look failed.
		const input = (id: string) => ({ ad: id, owner: 'growth', metaError: { category: 'rate_limit' }, metaRequest: { attempts: 5 } });
		const cases: Array<[string, string, string, INodeParameters]> = [
			['update', a, a, { jsonBody: '{"name": "A2"}' }],
			['pause', b, b, {}],
			['delete', c, d, {}],
		];
		for (const [operation, id, other, extra] of cases) {
			// "Continue (using error output)": a success never moves to the error output.
			const { nodeOutputs, error } = await run({ operation, objectId: '={{ $json.ad }}', ...extra, options: FAST }, [input(id)], {
				onError: 'continueErrorOutput',
			});
			expect(error).toBeUndefined();
			const [success, failed, errors] = nodeOutputs;
			expect(failed).toEqual([]);
			expect(errors).toEqual([]);
			expect(success).toHaveLength(1);
			expect(success[0].pairedItem).toEqual({ item: 0 });
			const { metaRequest, ...fields } = success[0].json;
			expect(fields).toEqual({ ad: id, owner: 'growth', success: true, id });
			expect(metaRequest).toMatchObject({ attempts: 1, status: 200 });

			// Include Input Fields off: the id, Meta's answer and metaRequest only.
			const bare = await run({ operation, objectId: other, ...extra, options: { ...FAST, includeInputFields: false } }, [input(other)]);
			expect(Object.keys(bare.nodeOutputs[0][0].json).sort()).toEqual(['id', 'metaRequest', 'success']);
			expect(bare.nodeOutputs[0][0].json.id).toBe(other);
			expect(bare.nodeOutputs[0][0].pairedItem).toEqual({ item: 0 });
		}
		expect(fake.getObject(a)?.name).toBe('A2');
		expect(fake.getObject(b)?.status).toBe('PAUSED');
		expect([fake.getObject(c), fake.getObject(d)]).toEqual([undefined, undefined]);
	});

	it('retries through the node and reports attempts and waits', async () => {
		fake.addFault({ times: 2, fault: { type: 'graphError', code: 2 } });
		const { nodeOutputs } = await run({ operation: 'getObject', objectId: 'me', fields: 'id,name', options: FAST }, [{}]);
		expect(nodeOutputs[0]).toHaveLength(1);
		expect(nodeOutputs[0][0].json).toMatchObject({ name: 'Fake Meta Test User', metaRequest: { attempts: 3 } });
		expect(nodeOutputs[0][0].json.metaRequest).toHaveProperty('waitedMs', expect.any(Number));
	});

	it('lists an edge page by page, one item per record, each paired to its input item', async () => {
		const ids = fake.seedObjects(
			Array.from({ length: 45 }, (_, i) => ({ name: `Ad ${i}` })),
			{ parent: 'act_5', edge: 'ads' },
		);
		const { nodeOutputs } = await run(
			{
				operation: 'listEdge',
				objectId: '={{ $json.account }}',
				edge: 'ads',
				fields: 'id,name',
				returnAll: true,
				queryParameters: { parameter: [{ name: 'limit', value: '20' }] },
				options: FAST,
			},
			[{ account: 'act_5' }, { account: 'act_6' }],
		);
		const [success, failed] = nodeOutputs;
		expect(failed).toEqual([]);
		expect(success.map((item) => item.json.id)).toEqual(ids);
		expect(success.every((item) => (item.pairedItem as { item: number }).item === 0)).toBe(true);
		expect(success[0].json.metaRequest).toMatchObject({ pages: 3, more: false, attempts: 3, url: `${fake.url}/v24.0/act_5/ads?fields=id%2Cname&limit=20` });
		// act_6 has no ads: no record, no item (as n8n's own list operations do).

		const limited = await run({ operation: 'listEdge', objectId: 'act_5', edge: 'ads', returnAll: false, limit: 7, options: FAST }, [{}]);
		expect(limited.nodeOutputs[0]).toHaveLength(7);
		expect(limited.nodeOutputs[0][0].json.metaRequest).toMatchObject({ pages: 1, more: true });
	});

	it('keeps output order with concurrency while requests overlap', async () => {
		const ids = fake.seedObjects(Array.from({ length: 6 }, (_, i) => ({ name: `Ad ${i}` })));
		fake.addFault({ match: { path: `/${ids[0]}` }, times: 1, fault: { type: 'stall', ms: 1000 } });
		const { nodeOutputs } = await run(
			{ operation: 'getObject', objectId: '={{ $json.id }}', options: { ...FAST, concurrency: 3 } },
			ids.map((id) => ({ id })),
		);
		expect(nodeOutputs[0].map((item) => item.json.id)).toEqual(ids);
		expect(paired(nodeOutputs[0])).toEqual(ids.map((_, item) => ({ item })));
		// The slow first request did not hold the others back.
		const first = fake.requests[0];
		expect(first.path).toBe(`/v24.0/${ids[0]}`);
		expect(fake.requests.slice(1, 3).every((request) => request.time < first.time + 1000)).toBe(true);
	});

	it('sends a derived Idempotency-Key, or the one from an expression, and does not repeat an ambiguous write', async () => {
		fake.addFault({ times: 1, fault: { type: 'reset', when: 'after' } });
		const create = { operation: 'create', objectId: 'act_1', edge: 'campaigns', jsonBody: '={{ JSON.stringify({ name: $json.name }) }}' };
		const { nodeOutputs } = await run({ ...create, options: FAST }, [{ name: 'A' }, { name: 'B' }]);
		const [success, failed] = nodeOutputs;
		expect(failed).toHaveLength(1);
		expect(failed[0].json).toMatchObject({
			name: 'A',
			metaError: { category: 'network', action: 'escalate' },
			metaRequest: { attempts: 1, stopReason: 'ambiguous_write' },
		});
		expect(String((failed[0].json.metaError as IDataObject).message)).toMatch(/may have been applied/);
		expect(success).toHaveLength(1);
		const keys = fake.requests.map((request) => request.idempotencyKey);
		expect(keys).toEqual([failed[0].json.metaRequest && (failed[0].json.metaRequest as IDataObject).idempotencyKey, (success[0].json.metaRequest as IDataObject).idempotencyKey]);
		expect(keys[0]).toMatch(/^n8n-[0-9a-f]{40}$/);
		expect(keys[0]).not.toBe(keys[1]);
		expect(fake.writes).toHaveLength(2);
		expect(fake.duplicateWrites()).toEqual([]);

		fake.reset();
		fake.addFault({ times: 1, fault: { type: 'reset', when: 'after' } });
		const retried = await run(
			{ ...create, options: { ...FAST, idempotencyKey: '={{ "order-" + $json.name }}', retryWritesWithKey: true } },
			[{ name: 'A' }],
		);
		expect(retried.nodeOutputs[0][0].json.metaRequest).toMatchObject({ attempts: 2, idempotencyKey: 'order-A' });
		expect(fake.requests.map((request) => request.idempotencyKey)).toEqual(['order-A', 'order-A']);
	});

	it('refuses a URL on another host: nothing is sent there, the item fails', async () => {
		let received = 0;
		const foreign = createServer((_req, res) => {
			received++;
			res.end('{}');
		});
		await new Promise<void>((resolve) => foreign.listen(0, '127.0.0.1', resolve));
		try {
			const url = `http://127.0.0.1:${(foreign.address() as AddressInfo).port}/v24.0/me`;
			const { nodeOutputs } = await run({ operation: 'custom', method: 'GET', path: url, options: FAST }, [{}]);
			expect(nodeOutputs[1][0].json).toMatchObject({ metaError: { category: 'validation', code: 'FOREIGN_HOST' }, metaRequest: { stopReason: 'refused', attempts: 0 } });
			expect(received).toBe(0);
		} finally {
			foreign.close();
		}
	});

	it('stops on an invalid JSON body before sending anything, naming the item', async () => {
		const { error, nodeOutputs } = await run(
			{ operation: 'update', objectId: '123', jsonBody: '={{ $json.body }}', options: FAST },
			[{ body: '{"name": "ok"}' }, { body: '{"name": ' }],
		);
		expect(error?.message).toMatch(/^Item 1: invalid parameter — JSON Body: is not valid JSON/);
		expect(nodeOutputs).toEqual([]);
		expect(fake.requests).toHaveLength(0);
	});

	it('with "Continue (regular output)" an invalid item fails alone', async () => {
		const [ad] = fake.seedObjects([{ name: 'Ad' }]);
		const { nodeOutputs } = await run(
			{ operation: 'update', objectId: '={{ $json.id }}', jsonBody: '={{ $json.body }}', options: FAST },
			[{ id: ad, body: '{"name": "renamed"}' }, { id: ad, body: 'not json' }],
			{ onError: 'continueRegularOutput' },
		);
		expect(paired(nodeOutputs[0])).toEqual([{ item: 0 }]);
		expect(nodeOutputs[1][0].pairedItem).toEqual({ item: 1 });
		expect(nodeOutputs[1][0].json.metaError).toMatchObject({ category: 'validation', code: 'INVALID_PARAMETER', source: 'internal' });
		expect(fake.getObject(ad)?.name).toBe('renamed');
	});

	it('runs the example workflow: pause a list of ads, both outputs wired', async () => {
		const ids = ['120210000000000001', '120210000000000002', '120210000000000003'];
		fake.seedObjects([{ id: ids[0], status: 'ACTIVE' }, { id: ids[2], status: 'ACTIVE' }]);
		const result = await runWorkflow('examples/meta-request-pause-ads.json', {
			credentials: { metaGraphApi: { accessToken: TOKEN, baseUrl: fake.url, apiVersion: 'v24.0' } },
		});
		produced.push(result.runData);
		expect(result.error).toBeUndefined();
		expect(result.output('Paused').map((item) => [item.json.id, item.json.success])).toEqual([[ids[0], true], [ids[2], true]]);
		const failed = result.output('Not paused (see metaError)');
		expect(failed).toHaveLength(1);
		expect(failed[0].json).toMatchObject({ adId: ids[1], metaError: { category: 'not_found' } });
		expect(fake.getObject(ids[0])?.status).toBe('PAUSED');
	});
});

describe('a token with a line break (issue: one malformed token blocked every workflow)', () => {
	it('fails each item as auth with nothing sent, and a workflow with a good token still gets through', async () => {
		const bad = await runNode(TYPE, { operation: 'getObject', objectId: 'me', options: FAST }, Array.from({ length: 8 }, () => ({})), {
			credentials: { metaGraphApi: { accessToken: `${TOKEN.slice(0, 10)}\n${TOKEN.slice(10)}`, baseUrl: fake.url, apiVersion: 'v24.0' } },
		});
		expect(bad.error).toBeUndefined();
		const [success, failed] = bad.nodeOutputs;
		expect(success).toHaveLength(0);
		expect(failed).toHaveLength(8);
		for (const item of failed) {
			expect(item.json.metaError).toMatchObject({ category: 'auth', retryable: false, code: 'INVALID_TOKEN_FORMAT', message: expect.stringMatching(/line break/) });
			expect(item.json.metaRequest).toMatchObject({ attempts: 0, stopReason: 'refused' });
		}
		expect(JSON.stringify(bad.nodeOutputs)).not.toContain(TOKEN.slice(10));
		expect(fake.requests).toHaveLength(0);
		// The process-wide breaker for this endpoint saw nothing: the good token is not refused.
		const { nodeOutputs } = await run({ operation: 'getObject', objectId: 'me', options: FAST }, [{}]);
		expect(nodeOutputs[0]).toHaveLength(1);
		expect(fake.requests).toHaveLength(1);
	});
});
