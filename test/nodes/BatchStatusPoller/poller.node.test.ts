// The Batch Status Poller through n8n's real engine against the fake Meta server (real HTTP):
// outputs, pairedItem, partial and whole failures, timeout then resume, throttled polls.
import { readFileSync } from 'fs';
import path from 'path';
import type { IDataObject, INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { useFakeMeta } from '../../../testing/fake-meta';
import { runNode, runWorkflow } from '../../helpers/engine';

const TYPE = 'n8n-nodes-meta-resilience.metaBatchStatusPoller';
const OUT = { completed: 0, itemFailed: 1, jobFailed: 2, stillRunning: 3, itemSucceeded: 4 } as const;
const CANARY = 'EAAcanary0000SECRET0000TOKEN';
const fake = useFakeMeta({ token: CANARY });

/** The shortest intervals the node takes (1 s); poll retries in milliseconds. */
const FAST: INodeParameters = { initialInterval: 1, backoffFactor: 1, maxInterval: 1, timeout: 10, options: { retryBaseDelay: 0.001 } };

async function poll(items: IDataObject[], parameters: INodeParameters = {}, onError?: 'continueRegularOutput') {
	const run = await runNode(TYPE, { jobKind: 'async_batch', ...FAST, ...parameters }, items, {
		credentials: { metaGraphApi: { accessToken: CANARY, baseUrl: fake.url, apiVersion: 'v24.0' } },
		onError,
	});
	expect(JSON.stringify(run.runData)).not.toContain(CANARY);
	return run;
}

const counts = (outputs: INodeExecutionData[][]) => outputs.map((items) => items.length);

test('a batch that completes without failures: one Completed item, paired, with the job summary', async () => {
	const id = fake.createAsyncJob({ kind: 'async_batch', total: 3, completeAfterPolls: 2 });
	const run = await poll([{ id, account: 'Shop' }]);
	expect(run.error).toBeUndefined();
	expect(counts(run.nodeOutputs)).toEqual([1, 0, 0, 0, 0]);
	const [done] = run.nodeOutputs[OUT.completed];
	expect(done.pairedItem).toEqual({ item: 0 });
	expect(done.json).toMatchObject({ id, account: 'Shop', batchJob: { id, kind: 'async_batch', state: 'completed', progress: 100, total: 3, succeeded: 3, failed: 0, polls: 2 } });
});

test('partial failure 3/200: exactly 3 Failed items with the right indices and metaError', async () => {
	const id = fake.createAsyncJob({ kind: 'async_batch', total: 200, failIndices: [3, 42, 199], completeAfterPolls: 2 });
	const run = await poll([{ id }]);
	expect(counts(run.nodeOutputs)).toEqual([0, 3, 0, 0, 0]);
	const failed = run.nodeOutputs[OUT.itemFailed];
	expect(failed.map((i) => i.json.index)).toEqual([3, 42, 199]);
	for (const item of failed) {
		expect(item.pairedItem).toEqual({ item: 0 });
		expect(item.json.metaError).toMatchObject({ category: 'validation', code: 100, subcode: 1487390, action: 'dead_letter' });
		expect(item.json.batchJob).toMatchObject({ id, state: 'completed', total: 200, failed: 3 });
		expect(item.json.input).toMatchObject({ method: 'POST' });
	}
});

test('Output Succeeded Items sends the other 197 to Succeeded, in batch order', async () => {
	const id = fake.createAsyncJob({ kind: 'async_batch', total: 200, failIndices: [3, 42, 199], completeAfterPolls: 1 });
	const run = await poll([{ id }], { options: { outputSucceeded: true, retryBaseDelay: 0.001 } });
	expect(counts(run.nodeOutputs)).toEqual([0, 3, 0, 0, 197]);
	const indices = run.nodeOutputs[OUT.itemSucceeded].map((i) => i.json.index as number);
	expect(indices).toEqual([...Array(200).keys()].filter((i) => ![3, 42, 199].includes(i)));
	expect(run.nodeOutputs[OUT.itemSucceeded][0].json.result).toEqual({ id: expect.any(String) });
});

test('whole failure: an async session that FAILED goes to Job Failed with its Meta error', async () => {
	const id = fake.createAsyncJob({ kind: 'async_session', outcome: 'failed', completeAfterPolls: 2 });
	const run = await poll([{ session: { id } }], { jobKind: 'async_session', jobIdField: 'session.id' });
	expect(counts(run.nodeOutputs)).toEqual([0, 0, 1, 0, 0]);
	expect(run.nodeOutputs[OUT.jobFailed][0].json).toMatchObject({
		session: { id },
		metaError: { source: 'async_job', asyncSessionId: id },
		batchJob: { state: 'failed', status: 'FAILED' },
	});
});

test('report runs: Job Failed and Job Completed', async () => {
	const ok = fake.createAsyncJob({ kind: 'report_run', completeAfterPolls: 3 });
	const bad = fake.createAsyncJob({ kind: 'report_run', outcome: 'failed', completeAfterPolls: 1 });
	const run = await poll([{ id: ok }, { id: bad }], { jobKind: 'report_run' });
	expect(counts(run.nodeOutputs)).toEqual([1, 0, 1, 0, 0]);
	expect(run.nodeOutputs[OUT.completed][0].pairedItem).toEqual({ item: 0 });
	expect(run.nodeOutputs[OUT.jobFailed][0].pairedItem).toEqual({ item: 1 });
	expect(run.nodeOutputs[OUT.jobFailed][0].json.batchJob).toMatchObject({ status: 'Job Failed' });
});

test('custom status URL with the default field mapping', async () => {
	const id = fake.createAsyncJob({ kind: 'custom', total: 20, failIndices: [4], completeAfterPolls: 2 });
	const run = await poll([{ adBatchId: id }], { jobKind: 'custom', jobIdField: 'adBatchId', statusUrl: '/v1/batch-status/{id}' });
	expect(counts(run.nodeOutputs)).toEqual([0, 1, 0, 0, 0]);
	expect(run.nodeOutputs[OUT.itemFailed][0].json).toMatchObject({ index: 4, id: expect.any(String), batchJob: { status: 'partial', total: 20, succeeded: 19 } });
});

test('timeout: Still Running with job id and progress, and a later run resumes from that item', async () => {
	const id = fake.createAsyncJob({ kind: 'async_batch', total: 10, failIndices: [9], completeAfterPolls: 4 });
	const first = await poll([{ id }], { timeout: 0 });
	expect(counts(first.nodeOutputs)).toEqual([0, 0, 0, 1, 0]);
	const running = first.nodeOutputs[OUT.stillRunning][0].json;
	expect(running).toMatchObject({ id, batchJob: { id, state: 'running', polls: 1 } });
	expect((running.batchJob as IDataObject).progress).toBeLessThan(100);

	const second = await poll([running]);
	expect(counts(second.nodeOutputs)).toEqual([0, 1, 0, 0, 0]);
	expect(second.nodeOutputs[OUT.itemFailed][0].json.index).toBe(9);
	expect(fake.getJob(id)?.polls).toBe(4);
});

test('throttled polls (code 17, 80004) are retried and the job still completes', async () => {
	const id = fake.createAsyncJob({ kind: 'async_batch', total: 5, completeAfterPolls: 2 });
	fake.addFault({ match: { path: `/${id}` }, times: 4, fault: [{ type: 'graphError', code: 17 }, { type: 'graphError', code: 80004 }] });
	const run = await poll([{ id }], { options: { pollRetries: 2, retryBaseDelay: 0.001 } });
	expect(counts(run.nodeOutputs)).toEqual([1, 0, 0, 0, 0]);
	expect(fake.requests.filter((r) => r.path.endsWith(`/${id}`)).length).toBeGreaterThanOrEqual(6);
});

test('several jobs: each outcome paired with its own input item', async () => {
	const done = fake.createAsyncJob({ kind: 'async_batch', total: 2, completeAfterPolls: 1 });
	const partial = fake.createAsyncJob({ kind: 'async_batch', total: 4, failIndices: [0, 2], completeAfterPolls: 2 });
	const unknown = '777777777777777';
	const run = await poll([{ id: done }, { id: partial }, { id: unknown }]);
	expect(counts(run.nodeOutputs)).toEqual([1, 2, 1, 0, 0]);
	expect(run.nodeOutputs[OUT.completed][0].pairedItem).toEqual({ item: 0 });
	expect(run.nodeOutputs[OUT.itemFailed].map((i) => [i.json.index, i.pairedItem])).toEqual([
		[0, { item: 1 }],
		[2, { item: 1 }],
	]);
	expect(run.nodeOutputs[OUT.jobFailed][0]).toMatchObject({
		pairedItem: { item: 2 },
		json: { batchJob: { state: 'poll_failed' }, metaError: { category: 'not_found' } },
	});
});

test('an Initial Interval of 0 stops the node before any poll, instead of polling in a tight loop', async () => {
	const id = fake.createAsyncJob({ kind: 'async_batch', total: 1, completeAfterPolls: 1000 });
	const run = await poll([{ id }], { initialInterval: 0, timeout: 2 });
	expect(run.error?.message).toBe(
		'Invalid parameter — Initial Interval (Seconds): must be at least 1 s: shorter waits poll the job in a tight loop and spend your rate limit',
	);
	expect(fake.getJob(id)?.polls).toBe(0);
});

test('a missing job id stops the node before any poll, or goes to Job Failed with continue-on-fail', async () => {
	const id = fake.createAsyncJob({ kind: 'async_batch', total: 1, completeAfterPolls: 1 });
	const failing = await poll([{ id }, { other: 1 }]);
	expect(failing.error?.message).toContain('Item 1 has no job ID in "id"');
	expect(fake.getJob(id)?.polls).toBe(0);

	const continued = await poll([{ id }, { other: 1 }], {}, 'continueRegularOutput');
	expect(counts(continued.nodeOutputs)).toEqual([1, 0, 1, 0, 0]);
	expect(continued.nodeOutputs[OUT.jobFailed][0]).toMatchObject({
		pairedItem: { item: 1 },
		json: { other: 1, metaError: { category: 'validation', code: 'INVALID_JOB_ID' } },
	});
});

test('Instagram containers and videos: FINISHED / ready on Completed, ERROR / EXPIRED / error on Job Failed with their metaError', async () => {
	const container = fake.createAsyncJob({ kind: 'ig_container', completeAfterPolls: 2 });
	const broken = fake.createAsyncJob({ kind: 'ig_container', outcome: 'failed', completeAfterPolls: 1 });
	const expired = fake.createAsyncJob({ kind: 'ig_container', outcome: 'expired', completeAfterPolls: 1 });
	const run = await poll([{ id: container }, { id: broken }, { id: expired }], { jobKind: 'ig_container' });
	expect(counts(run.nodeOutputs)).toEqual([1, 0, 2, 0, 0]);
	expect(run.nodeOutputs[OUT.completed][0].json).toMatchObject({ id: container, batchJob: { kind: 'ig_container', state: 'completed', status: 'FINISHED' } });
	expect(run.nodeOutputs[OUT.jobFailed].map((i) => [i.pairedItem, (i.json.metaError as IDataObject).code, (i.json.batchJob as IDataObject).status])).toEqual([
		[{ item: 1 }, 'IG_CONTAINER_ERROR', 'ERROR'],
		[{ item: 2 }, 'IG_CONTAINER_EXPIRED', 'EXPIRED'],
	]);

	const video = fake.createAsyncJob({ kind: 'video', completeAfterPolls: 2 });
	const badVideo = fake.createAsyncJob({ kind: 'video', outcome: 'failed', completeAfterPolls: 2 });
	const videos = await poll([{ video: { id: video } }, { video: { id: badVideo } }], { jobKind: 'video', jobIdField: 'video.id' });
	expect(counts(videos.nodeOutputs)).toEqual([1, 0, 1, 0, 0]);
	expect(videos.nodeOutputs[OUT.completed][0].json.batchJob).toMatchObject({ status: 'ready', progress: 100 });
	expect(videos.nodeOutputs[OUT.jobFailed][0].json).toMatchObject({ metaError: { code: 6000, retryable: false }, batchJob: { status: 'error' } });
});

describe('product catalog batch', () => {
	const products = [
		{ method: 'UPDATE', data: { id: 'sku-1', title: 'Mug', price: '9.99 EUR' } },
		{ method: 'UPDATE', data: { id: 'sku-2', title: 'Cup' } },
		{ method: 'UPDATE', data: { id: 'sku-3', title: 'Plate', price: '4.50 EUR' } },
	];
	const catalogJob = () => fake.createAsyncJob({ kind: 'catalog_batch', total: 3, inputs: products, catalogId: '123', warnIndices: [0], completeAfterPolls: 2 });

	test('one Failed item per rejected product, with its retailer id and metaError; warnings kept on the job', async () => {
		const handle = catalogJob();
		const run = await poll([{ handles: [handle] }], { jobKind: 'catalog_batch', jobIdField: 'handles', catalogId: '123' });
		expect(run.error).toBeUndefined();
		expect(counts(run.nodeOutputs)).toEqual([0, 1, 0, 0, 0]);
		const [failed] = run.nodeOutputs[OUT.itemFailed];
		expect(failed.pairedItem).toEqual({ item: 0 });
		expect(failed.json).toMatchObject({
			index: 1,
			id: 'sku-2',
			metaError: { category: 'validation', action: 'dead_letter', code: 'CATALOG_ITEM_ERROR', message: 'A required field is missing: price.' },
			batchJob: { id: handle, kind: 'catalog_batch', catalogId: '123', state: 'completed', status: 'finished', failed: 1, warnings: [{ id: 'sku-1' }] },
		});
	});

	test('with Sent Requests (an expression), the applied products go to Succeeded with their warnings', async () => {
		const handle = catalogJob();
		const run = await poll([{ handles: [handle], sent: products }], {
			jobKind: 'catalog_batch',
			jobIdField: 'handles',
			catalogId: '={{ "123" }}',
			sentRequests: '={{ $json.sent }}',
			options: { outputSucceeded: true, retryBaseDelay: 0.001 },
		});
		expect(counts(run.nodeOutputs)).toEqual([0, 1, 0, 0, 2]);
		expect(run.nodeOutputs[OUT.itemFailed][0].json).toMatchObject({ index: 1, id: 'sku-2', input: products[1] });
		expect(run.nodeOutputs[OUT.itemSucceeded].map((i) => [i.json.index, i.json.id, i.json.warnings])).toEqual([
			[0, 'sku-1', [expect.objectContaining({ id: 'sku-1', message: expect.stringContaining('google_product_category') })]],
			[2, 'sku-3', undefined],
		]);
		expect(run.nodeOutputs[OUT.itemSucceeded][0].json.batchJob).toMatchObject({ total: 3, succeeded: 2, failed: 1 });
	});

	// Meta's reference for check_batch_request_status: `errors` is a sample; the complete list of
	// rejected requests is ids_of_invalid_requests, sent only when asked for.
	const many = Array.from({ length: 30 }, (_, i) => ({ method: 'UPDATE', data: { id: `sku-${i}`, title: `Item ${i}`, ...(i % 2 ? {} : { price: '1.00 EUR' }) } }));
	const pollMany = async (handle: string) =>
		await poll([{ handles: [handle], sent: many }], {
			jobKind: 'catalog_batch',
			jobIdField: 'handles',
			catalogId: '123',
			sentRequests: '={{ $json.sent }}',
			options: { outputSucceeded: true, retryBaseDelay: 0.001 },
		});

	test('15 rejected products with a sample of 10 errors: all 15 on Failed (from ids_of_invalid_requests), only the 15 applied on Succeeded', async () => {
		const handle = fake.createAsyncJob({ kind: 'catalog_batch', total: 30, inputs: many, catalogId: '123', completeAfterPolls: 3 });
		const run = await pollMany(handle);
		expect(counts(run.nodeOutputs)).toEqual([0, 15, 0, 0, 15]);
		expect(run.nodeOutputs[OUT.itemFailed].map((i) => i.json.id)).toEqual(many.filter((_, i) => i % 2).map((p) => p.data.id));
		expect(run.nodeOutputs[OUT.itemFailed].every((i) => i.json.unconfirmed === undefined)).toBe(true);
		expect(run.nodeOutputs[OUT.itemSucceeded].map((i) => i.json.id)).toEqual(many.filter((_, i) => i % 2 === 0).map((p) => p.data.id));
		expect(run.nodeOutputs[OUT.itemSucceeded][0].json.batchJob).toMatchObject({ status: 'finished', total: 30, succeeded: 15, failed: 15 });
		const polls = fake.requests.filter((r) => r.path.endsWith('/123/check_batch_request_status'));
		expect(polls.map((r) => r.query.load_ids_of_invalid_requests)).toEqual(['true', 'true', 'true']);
	});

	test('a batch that ends with status error: the rejected on Failed, the rest unconfirmed (never Succeeded)', async () => {
		const handle = fake.createAsyncJob({ kind: 'catalog_batch', total: 30, inputs: many, catalogId: '123', completeAfterPolls: 2, outcome: 'failed' });
		const run = await pollMany(handle);
		const failed = run.nodeOutputs[OUT.itemFailed];
		expect(counts(run.nodeOutputs)).toEqual([0, 30, 0, 0, 0]);
		// The first half was processed: its 7 rejected products (odd indices < 15) are named.
		expect(failed.filter((i) => !i.json.unconfirmed).map((i) => i.json.metaError)).toEqual(Array(7).fill(expect.objectContaining({ code: 'CATALOG_ITEM_ERROR' })));
		const unconfirmed = failed.filter((i) => i.json.unconfirmed === true);
		expect(unconfirmed).toHaveLength(23);
		expect(unconfirmed[0].json.metaError).toMatchObject({ code: 'CATALOG_ITEM_UNCONFIRMED', category: 'server', retryable: true, action: 'retry' });
		expect(unconfirmed[0].json.metaError).toMatchObject({ message: expect.stringContaining('status "error"') });
		expect(failed[0].json.batchJob).toMatchObject({ status: 'error', state: 'completed', unconfirmed: 23, succeeded: 0 });
	});

	test('a Catalog ID that is missing or not an ID stops the node before any poll, or goes to Job Failed with continue-on-fail', async () => {
		const handle = catalogJob();
		// An empty field is refused by the editor (required); an expression may still come out empty.
		const failing = await poll([{ handles: [handle] }], { jobKind: 'catalog_batch', jobIdField: 'handles', catalogId: '={{ $json.catalog }}' });
		expect(failing.error?.message).toBe(
			'Invalid parameter — Catalog ID: is empty: give the ID of the catalog the batch was sent to (POST /{catalog_id}/items_batch)',
		);
		const continued = await poll([{ handles: [handle] }], { jobKind: 'catalog_batch', jobIdField: 'handles', catalogId: 'act_1' }, 'continueRegularOutput');
		expect(counts(continued.nodeOutputs)).toEqual([0, 0, 1, 0, 0]);
		expect(continued.nodeOutputs[OUT.jobFailed][0].json.metaError).toMatchObject({ code: 'INVALID_PARAMETER', message: 'Item 0: Catalog ID must be a catalog ID (digits only), e.g. 1234567890' });
		expect(fake.getJob(handle)?.polls).toBe(0);
	});
});

test('example: scheduled monitoring creates a batch, follows it and routes the failed ad', async () => {
	fake.setJobDefaults({ failIndices: [1], completeAfterPolls: 2 });
	const workflow = JSON.parse(readFileSync(path.join(__dirname, '../../../examples/batch-scheduled-monitoring.json'), 'utf8'));
	const poller = workflow.nodes.find((n: { name: string }) => n.name === 'Follow the batch');
	Object.assign(poller.parameters, FAST);
	const run = await runWorkflow(workflow, {
		credentials: { metaGraphApi: { accessToken: CANARY, baseUrl: fake.url, apiVersion: 'v24.0' } },
	});
	expect(run.error).toBeUndefined();
	expect(counts(run.outputs('Follow the batch'))).toEqual([0, 1, 0, 0, 0]);
	const [failedAd] = run.output('Dead letter');
	expect(failedAd.json).toMatchObject({ index: 1, route: 'dead_letter', metaError: { category: 'validation' } });
	expect(failedAd.json.input).toMatchObject({ relative_url: 'act_123456789/ads' });
	expect(JSON.stringify(run.runData)).not.toContain(CANARY);
});

test('example: catalog batch recovery sends products, follows the handle and gives the product without a price its own item', async () => {
	fake.setJobDefaults({ warnIndices: [0] });
	const workflow = JSON.parse(readFileSync(path.join(__dirname, '../../../examples/batch-catalog-recovery.json'), 'utf8'));
	const poller = workflow.nodes.find((n: { name: string }) => n.name === 'Follow the catalog batch');
	Object.assign(poller.parameters, { ...FAST, options: { ...poller.parameters.options, retryBaseDelay: 0.001 } });
	const run = await runWorkflow(workflow, {
		credentials: { metaGraphApi: { accessToken: CANARY, baseUrl: fake.url, apiVersion: 'v24.0' } },
	});
	expect(run.error).toBeUndefined();
	expect(counts(run.outputs('Follow the catalog batch'))).toEqual([0, 1, 0, 0, 2]);
	const [failed] = run.output('Products failed');
	expect(failed.json).toMatchObject({ index: 1, id: 'mug-blue-350', metaError: { category: 'validation', message: 'A required field is missing: price.' } });
	expect(run.output('Products updated').map((i) => [i.json.id, (i.json.warnings as unknown[] | undefined)?.length ?? 0])).toEqual([
		['mug-white-350', 1],
		['plate-oak-26', 0],
	]);
	expect(fake.writes.filter((w) => w.path.endsWith('/items_batch'))).toHaveLength(1);
	expect(JSON.stringify(run.runData)).not.toContain(CANARY);
});
