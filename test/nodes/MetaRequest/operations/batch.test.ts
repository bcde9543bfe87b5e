// Meta Request's Send as Graph Batch through n8n's engine against the fake Meta server: 50 parts
// per call, each item on its own part, only retryable parts sent again, a create never twice.
import type { IDataObject, INodeParameters } from 'n8n-workflow';
import { FAKE_META_TOKEN, useFakeMeta } from '../../../../testing/fake-meta';
import { runNode } from '../../../helpers/engine';

const TYPE = 'n8n-nodes-meta-resilience.metaRequest';
const fake = useFakeMeta();
const FAST = { baseDelayMs: 5, maxDelayMs: 20 };

async function batch(parameters: INodeParameters, items: IDataObject[], options: { workflowId?: string; onError?: 'continueErrorOutput' } = {}) {
	const result = await runNode(TYPE, { operation: 'batch', method: 'POST', path: '={{ $json.path }}', options: FAST, ...parameters }, items, {
		credentials: { metaGraphApi: { accessToken: FAKE_META_TOKEN, baseUrl: fake.url, apiVersion: 'v24.0' } },
		...options,
	});
	expect(JSON.stringify(result.nodeOutputs)).not.toContain(FAKE_META_TOKEN);
	return result;
}

/** The batch HTTP calls the fake server saw (not their sub-requests). */
const batchCalls = () => fake.requests.filter((r) => r.batch === undefined && r.method === 'POST' && r.path === '/v24.0/');

test('120 items go out in 3 calls (50, 50, 20); every item on Success, paired to its input, in order', async () => {
	const ids = fake.seedObjects(Array.from({ length: 120 }, (_, i) => ({ name: `Ad ${i}`, status: 'ACTIVE' })), { parent: 'act_1', edge: 'ads' });
	const run = await batch({ jsonBody: '{"status": "PAUSED"}' }, ids.map((id, i) => ({ path: id, row: i })));
	expect(run.error).toBeUndefined();
	const [success, failed] = run.nodeOutputs;
	expect(failed).toHaveLength(0);
	expect(success).toHaveLength(120);
	expect(success.map((item) => item.pairedItem)).toEqual(ids.map((_, i) => ({ item: i })));
	expect(success[0].json).toMatchObject({ path: ids[0], row: 0, success: true, metaRequest: { method: 'POST', attempts: 1, batchCall: 1, batchCalls: 3, status: 200 } });
	expect(success[119].json.metaRequest).toMatchObject({ batchCall: 3 });
	expect(batchCalls().map((call) => (call.body as { batch: unknown[] }).batch.length)).toEqual([50, 50, 20]);
	expect(ids.every((id) => fake.getObject(id)?.status === 'PAUSED')).toBe(true);
	expect(fake.writes).toHaveLength(120);
});

test('a mix: a rate-limited part is sent again and succeeds, a permanent failure is not, reads and query parameters per item', async () => {
	const [a, b, c] = fake.seedObjects([{ name: 'A', status: 'ACTIVE' }, { name: 'B', status: 'ACTIVE' }, { name: 'C', status: 'ACTIVE' }]);
	fake.addFault({ match: { path: `/${b}` }, times: 1, fault: { type: 'graphError', code: 17 } });
	const run = await batch(
		{
			method: '={{ $json.method }}',
			jsonBody: '={{ JSON.stringify($json.body ?? {}) }}',
			queryParameters: { parameter: [{ name: 'fields', value: '={{ $json.fields }}' }] },
		},
		[
			{ method: 'POST', path: a, body: { status: 'PAUSED' } },
			{ method: 'POST', path: b, body: { status: 'PAUSED', name: 'B2' } },
			{ method: 'POST', path: 'act_1/ads', body: { name: 'no creative', status: 'PAUSED' } },
			{ method: 'GET', path: c, fields: 'name,status' },
			{ method: 'GET', path: '999999999' },
		],
	);
	const [success, failed] = run.nodeOutputs;
	expect(success.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }, { item: 3 }]);
	expect(success[1].json.metaRequest).toMatchObject({ attempts: 2, batchCall: 2, batchCalls: 2 });
	expect(success[0].json.metaRequest).toMatchObject({ attempts: 1, batchCall: 1 });
	expect(success[3].json).toMatchObject({ id: c, name: 'C', status: 'ACTIVE' });
	expect(fake.getObject(b)).toMatchObject({ status: 'PAUSED', name: 'B2' });
	expect(failed).toHaveLength(1);
	expect(failed[0].pairedItem).toEqual({ item: 4 });
	expect(failed[0].json).toMatchObject({ path: '999999999', metaError: { category: 'not_found', code: 100 }, metaRequest: { attempts: 1, stopReason: 'not_retryable' } });
	// The second call carried only the rate-limited part.
	expect(batchCalls().map((call) => (call.body as { batch: Array<{ relative_url: string }> }).batch.map((e) => e.relative_url))).toEqual([
		[a, b, 'act_1/ads', `${c}?fields=name%2Cstatus`, '999999999'],
		[b],
	]);
	// The sub-requests carried the body form-encoded.
	expect(fake.requests.find((r) => r.batch && r.path === `/v24.0/${a}`)?.body).toEqual({ status: 'PAUSED' });
});

test('a write applied, then the batch answer lost: the create is not sent again (now or on a re-run), the update is', async () => {
	const [ad] = fake.seedObjects([{ name: 'A', status: 'ACTIVE' }]);
	fake.addFault({ match: { path: '/', method: 'POST' }, times: 1, fault: { type: 'reset', when: 'after' } });
	const items = [
		{ path: ad, body: { status: 'PAUSED' } },
		{ path: 'act_1/ads', body: { name: 'Launch ad', status: 'PAUSED' } },
	];
	const params = { jsonBody: '={{ JSON.stringify($json.body) }}' };
	const run = await batch(params, items, { workflowId: 'batchLost' });
	const [success, failed] = run.nodeOutputs;
	expect(success).toHaveLength(1);
	expect(success[0].json.metaRequest).toMatchObject({ attempts: 2, batchCalls: 2 });
	expect(failed).toHaveLength(1);
	expect(failed[0].pairedItem).toEqual({ item: 1 });
	expect(failed[0].json.metaError).toMatchObject({ action: 'escalate' });
	expect(failed[0].json.metaRequest).toMatchObject({ stopReason: 'ambiguous_write', attempts: 1, idempotencyKey: expect.stringMatching(/^n8n-/) });
	// What Replay Failed Items needs, with the same key: the journal then keeps it from a second send.
	const record = (failed[0].json.metaRequest as IDataObject).replay as IDataObject;
	expect(record).toMatchObject({ method: 'POST', path: 'act_1/ads', body: { name: 'Launch ad', status: 'PAUSED' }, writeKind: 'create', mayBeApplied: true });
	expect(record.idempotencyKey).toBe((failed[0].json.metaRequest as IDataObject).idempotencyKey);
	const creates = () => fake.writes.filter((w) => w.creates);
	expect(creates()).toHaveLength(1);

	// A re-run of the same workflow: the journal knows the create may have been applied.
	const again = await batch(params, items, { workflowId: 'batchLost' });
	expect(again.nodeOutputs[1][0].json.metaError).toMatchObject({ code: 'WRITE_NOT_CONFIRMED' });
	expect(creates()).toHaveLength(1);

	// Replay Failed Items on the Failed item: one call, the same key, refused by the journal.
	const replay = await runNode(TYPE, { operation: 'replay', options: FAST }, [failed[0].json], {
		credentials: { metaGraphApi: { accessToken: FAKE_META_TOKEN, baseUrl: fake.url, apiVersion: 'v24.0' } },
		workflowId: 'batchLost',
	});
	expect(replay.nodeOutputs[0]).toHaveLength(0);
	expect(replay.nodeOutputs[1]).toHaveLength(1);
	expect(creates()).toHaveLength(1);
	expect(fake.duplicateWrites()).toEqual([]);
});

test('a create that succeeded is answered from the journal on a re-run; bad items fail on their own under continue on fail', async () => {
	const items = [{ path: 'act_7/ads', body: { name: 'Once' } }];
	const params = { jsonBody: '={{ JSON.stringify($json.body) }}' };
	const first = await batch(params, items, { workflowId: 'batchOnce' });
	expect(first.nodeOutputs[0][0].json).toMatchObject({ id: expect.any(String), metaRequest: { attempts: 1 } });
	const second = await batch(params, items, { workflowId: 'batchOnce' });
	expect(second.nodeOutputs[0][0].json).toMatchObject({ id: first.nodeOutputs[0][0].json.id, metaRequest: { replayed: true, attempts: 0, batchCalls: 0 } });
	expect(fake.writes.filter((w) => w.creates)).toHaveLength(1);
	expect(batchCalls()).toHaveLength(1);

	const bad = await batch({ method: '={{ $json.method }}' }, [{ path: '123', method: 'PATCH' }, { path: 'https://evil.example/123', method: 'GET' }, { path: 'me', method: 'GET' }], { onError: 'continueErrorOutput' });
	expect(bad.error).toBeUndefined();
	expect(bad.nodeOutputs.map((output) => output.map((item) => item.pairedItem))).toEqual([[{ item: 2 }], [], [{ item: 0 }, { item: 1 }]]);
	expect(bad.nodeOutputs[2].map((item) => (item.json.error as IDataObject).code)).toEqual(['INVALID_PARAMETER', 'FOREIGN_HOST']);
	expect(bad.nodeOutputs[2][0].json.message).toMatch(/Method/);
});

test('an invalid item stops the node before anything is sent', async () => {
	const run = await batch({ method: '={{ $json.method }}' }, [{ path: '123', method: 'GET' }, { path: '123', method: 'PATCH' }]);
	expect(run.error?.message).toMatch(/Item 1: invalid parameter — Method/);
	expect(batchCalls()).toHaveLength(0);
});

test("usage: each sub-request takes the fake's budget, and the parts' own usage headers reach metaRequest.usage", async () => {
	fake.setBudget({ calls: 100, windowMs: 60_000, style: 'adAccount' });
	const run = await batch({ method: 'GET' }, Array.from({ length: 10 }, () => ({ path: 'act_1/ads' })));
	const [success] = run.nodeOutputs;
	expect(success).toHaveLength(10);
	// The call's own headers name no ad account; the parts on act_1 carry X-Ad-Account-Usage.
	expect((success[9].json.metaRequest as IDataObject).usage).toMatchObject({ adAccount: expect.any(Number) });
	expect(((success[9].json.metaRequest as IDataObject).usage as IDataObject).maxPercent).toBeGreaterThanOrEqual(10);
	expect(batchCalls()).toHaveLength(1);
	expect(fake.requests.filter((r) => r.batch !== undefined)).toHaveLength(10);
});
