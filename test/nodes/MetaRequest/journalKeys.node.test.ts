// One idempotency key, one write: the write journal answers a repeat of a key with the first
// write's result, so the same key given to a different request (three dead letters replayed with
// one typed key, a WhatsApp send keyed by the order id an ad create already used) must be refused
// (IDEMPOTENCY_KEY_REUSED), never answered from the journal. And a Base URL with a proxy's path
// prefix (`/api/v2`) is no API version: `POST /{id}` stays an update.
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { IDataObject, INodeParameters } from 'n8n-workflow';
import { inferWriteKind, MemoryStore } from '../../../nodes/shared/core';
import { MetaClient } from '../../../nodes/shared/transport';
import { FAKE_META_TOKEN, useFakeMeta } from '../../../testing/fake-meta';
import { runNode } from '../../helpers/engine';

const TYPE = 'n8n-nodes-meta-resilience.metaRequest';
const fake = useFakeMeta();
const FAST = { baseDelayMs: 5, maxDelayMs: 20 };

async function meta(parameters: INodeParameters, items: IDataObject[], workflowId: string) {
	const run = await runNode(TYPE, { ...parameters, options: { ...FAST, ...(parameters.options as IDataObject) } }, items, {
		credentials: { metaGraphApi: { accessToken: FAKE_META_TOKEN, baseUrl: fake.url, apiVersion: 'v24.0' } },
		workflowId,
	});
	expect(run.error).toBeUndefined();
	return run.nodeOutputs.map((out) => out.map((item) => item.json as IDataObject & { metaError: IDataObject; metaRequest: IDataObject }));
}

test('three different creates with one typed key: the first is created, the others refused as IDEMPOTENCY_KEY_REUSED, never answered with its id', async () => {
	const [created, failed] = await meta(
		{ operation: 'create', objectId: 'act_3', edge: 'ads', jsonBody: '={{ JSON.stringify({ name: $json.name }) }}', options: { idempotencyKey: 'order-1001' } },
		[{ name: 'Ad A' }, { name: 'Ad B' }, { name: 'Ad C' }],
		'wf-one-key',
	);
	expect(created).toHaveLength(1);
	expect(failed.map((item) => [item.name, item.metaError.code, item.metaError.category, item.metaRequest.stopReason, item.metaRequest.attempts])).toEqual([
		['Ad B', 'IDEMPOTENCY_KEY_REUSED', 'validation', 'refused', 0],
		['Ad C', 'IDEMPOTENCY_KEY_REUSED', 'validation', 'refused', 0],
	]);
	expect(String(failed[0].metaError.remedy)).toContain('own key');
	expect(fake.writes.filter((write) => write.creates).map((write) => write.params.name)).toEqual(['Ad A']);

	// The same create again with that key is still answered from the journal (a real repeat).
	const [repeat] = await meta(
		{ operation: 'create', objectId: 'act_3', edge: 'ads', jsonBody: '={{ JSON.stringify({ name: $json.name }) }}', options: { idempotencyKey: 'order-1001' } },
		[{ name: 'Ad A' }],
		'wf-one-key',
	);
	expect(repeat.map((item) => [item.id, item.metaRequest.replayed])).toEqual([[created[0].id, true]]);
});

test('a WhatsApp send keyed by the order id an ad create already used is refused, not reported as sent with the ad id', async () => {
	await meta({ operation: 'create', objectId: 'act_4', edge: 'ads', jsonBody: '{"name":"Order 77 ad"}', options: { idempotencyKey: '={{ $json.orderId }}' } }, [{ orderId: 'order-77' }], 'wf-order');
	const [sent, failed] = await meta(
		{
			operation: 'custom',
			method: 'POST',
			path: '106540352242922/messages',
			jsonBody: '{"messaging_product":"whatsapp","to":"4915100000077","type":"text","text":{"body":"Your order 77 shipped"}}',
			options: { idempotencyKey: '={{ $json.orderId }}' },
		},
		[{ orderId: 'order-77' }],
		'wf-order',
	);
	expect(sent).toEqual([]);
	expect(failed.map((item) => item.metaError.code)).toEqual(['IDEMPOTENCY_KEY_REUSED']);
	expect(fake.requests.filter((r) => r.path.endsWith('/messages'))).toHaveLength(0);
});

test('a create refused by Meta (nothing applied) leaves its key free for the corrected request', async () => {
	fake.addFault({ match: { method: 'POST', path: '/act_5/ads' }, times: 1, fault: { type: 'graphError', code: 100, status: 400 } });
	const create = (name: string) => ({ operation: 'create', objectId: 'act_5', edge: 'ads', jsonBody: JSON.stringify({ name }), options: { idempotencyKey: 'fix-me-1' } });
	const [, refused] = await meta(create('Bad name'), [{}], 'wf-fix');
	expect(refused.map((item) => item.metaError.code)).toEqual([100]);
	const [created] = await meta(create('Good name'), [{}], 'wf-fix');
	expect(created).toHaveLength(1);
});

describe('a Base URL with a path prefix', () => {
	let proxy: Server;
	let proxyUrl: string;
	beforeAll(async () => {
		// A reverse proxy that serves the Graph API under /api/v2 (what some gateways do).
		proxy = createServer((req, res) => {
			const target = new URL(fake.url);
			const forward = httpRequest(
				{ host: target.hostname, port: target.port, method: req.method, path: (req.url ?? '/').replace(/^\/api\/v2/, ''), headers: req.headers },
				(answer) => {
					res.writeHead(answer.statusCode ?? 502, answer.headers);
					answer.pipe(res);
				},
			);
			req.pipe(forward);
		});
		await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
		proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}/api/v2`;
	});
	afterAll(async () => await new Promise((resolve) => proxy.close(resolve)));

	test('inferWriteKind reads the path after the Base URL: v2 of a prefix is no version', () => {
		expect(inferWriteKind('POST', '/v24.0/120210000000000001')).toBe('idempotent');
		expect(inferWriteKind('POST', '/120210000000000001')).toBe('idempotent');
		expect(inferWriteKind('POST', '/v24.0/act_1/ads')).toBe('create');
	});

	test('updates through the prefixed Base URL are updates: the third, with the first one’s body and key, is sent again', async () => {
		const [ad] = fake.seedObjects([{ name: 'Ad', status: 'ACTIVE' }]);
		const client = new MetaClient({ baseUrl: proxyUrl, apiVersion: 'v24.0', accessToken: FAKE_META_TOKEN, store: new MemoryStore(), sleep: async () => {} });
		const update = (status: string) => client.request({ method: 'POST', path: ad, body: { status }, idempotencyKey: `status-${status}` });
		expect((await update('PAUSED')).ok).toBe(true);
		expect((await update('ACTIVE')).ok).toBe(true);
		const third = await update('PAUSED');
		expect(third.ok && 'replayedFrom' in third ? third.replayedFrom : undefined).toBeUndefined();
		expect(fake.getObject(ad)?.status).toBe('PAUSED');
		expect(fake.writes.filter((write) => write.path === `/${ad}`)).toHaveLength(3);
	});
});
