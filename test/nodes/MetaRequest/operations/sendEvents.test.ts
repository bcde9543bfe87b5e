// Meta Request's Send Conversions Events through n8n's engine against the fake Meta server: a
// rejected event fails on its own item, the others are sent again, a re-run sends nothing twice.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { IDataObject, INodeParameters } from 'n8n-workflow';
import { FAKE_META_TOKEN, useFakeMeta } from '../../../../testing/fake-meta';
import { runNode, runWorkflow } from '../../../helpers/engine';

const TYPE = 'n8n-nodes-meta-resilience.metaRequest';
const fake = useFakeMeta();
const FAST = { baseDelayMs: 5, maxDelayMs: 20 };

async function send(parameters: INodeParameters, items: IDataObject[] = [{}], workflowId?: string) {
	const result = await runNode(TYPE, { operation: 'sendEvents', options: FAST, ...parameters }, items, {
		credentials: { metaGraphApi: { accessToken: FAKE_META_TOKEN, baseUrl: fake.url, apiVersion: 'v24.0' } },
		workflowId,
	});
	expect(JSON.stringify(result.nodeOutputs)).not.toContain(FAKE_META_TOKEN);
	return result;
}

const now = () => Math.floor(Date.now() / 1000);
const purchase = (orderId: string, extra: Record<string, unknown> = {}) => ({
	event_name: 'Purchase',
	event_time: now() - 60,
	action_source: 'website',
	event_source_url: 'https://shop.example/checkout/done',
	user_data: { em: ['7b17fb0bd173f625b58636fb796407c22b3d16fc78302d79f0fd30c2fc2fc068'], client_user_agent: 'Mozilla/5.0 (X11; Linux x86_64)' },
	custom_data: { currency: 'EUR', value: 12.9, order_id: orderId },
	...extra,
});

test('a rejected event fails on its own item; the others are sent again and counted once, also after a re-run', async () => {
	const events = [
		purchase('o-1', { event_id: 'o-1' }),
		purchase('o-2', { event_time: now() - 8 * 24 * 3600 }),
		purchase('o-3'),
		purchase('o-4', { user_data: {} }),
	];
	// Validate Before Sending off: Meta itself rejects the old event and the one without customer data.
	const run = await send({ objectId: '1234567890123456', events: JSON.stringify(events), options: { ...FAST, validateBeforeSending: false } }, [{ batch: 'nightly' }], 'capiWorkflow');
	expect(run.error).toBeUndefined();
	const [success, failed] = run.nodeOutputs;
	expect(success).toHaveLength(1);
	expect(success[0].pairedItem).toEqual({ item: 0 });
	expect(success[0].json).toMatchObject({
		events_received: 2,
		events: [
			{ index: 0, event_name: 'Purchase', event_id: 'o-1' },
			{ index: 2, event_name: 'Purchase', event_id: expect.stringMatching(/^n8n-/), eventIdGenerated: true },
		],
		metaRequest: { sends: 3, attempts: 1 },
	});
	// Each Failed item is paired with its input but does not copy its fields (they may hold customer data unhashed).
	expect(failed.map((item) => [item.pairedItem, item.json.eventIndex, (item.json.metaError as IDataObject).category, item.json.batch])).toEqual([
		[{ item: 0 }, 1, 'validation', undefined],
		[{ item: 0 }, 3, 'validation', undefined],
	]);
	expect((failed[0].json.metaError as IDataObject).userMessage).toContain('too far in the past');
	expect((failed[0].json.event as IDataObject).custom_data).toEqual(events[1].custom_data);
	expect(fake.conversionEvents('1234567890123456')).toEqual({ received: 2, unique: 2, duplicates: [] });

	// The same events again (a re-run): the accepted send is answered from the write journal, not sent.
	const again = await send({ objectId: '1234567890123456', events: JSON.stringify(events), options: { ...FAST, validateBeforeSending: false } }, [{ batch: 'nightly' }], 'capiWorkflow');
	expect(again.nodeOutputs[0][0].json).toMatchObject({ events_received: 2, metaRequest: { replayed: true } });
	expect(again.nodeOutputs[1]).toHaveLength(2);
	expect(fake.conversionEvents('1234567890123456')).toEqual({ received: 2, unique: 2, duplicates: [] });

	// From another workflow (no shared journal key) the send goes out again, with the same event ids:
	// Meta, de-duplicating by event_id + event_name, still counts each event once.
	await send({ objectId: '1234567890123456', events: JSON.stringify(events), options: { ...FAST, validateBeforeSending: false } }, [{ batch: 'nightly' }], 'otherWorkflow');
	const counted = fake.conversionEvents('1234567890123456');
	expect(counted).toMatchObject({ received: 4, unique: 2 });
	const generatedId = (success[0].json.events as IDataObject[])[1].event_id;
	expect(counted.duplicates.map((d) => d.event_id)).toEqual(['o-1', generatedId]);
});

test('all events valid: one send; a test event code goes with it', async () => {
	const run = await send({ objectId: '222', events: '={{ $json.events }}', testEventCode: 'TEST123' }, [{ events: [purchase('a'), purchase('b')] }]);
	expect(run.nodeOutputs.map((items) => items.length)).toEqual([1, 0]);
	expect(run.nodeOutputs[0][0].json).toMatchObject({ events_received: 2, metaRequest: { sends: 1 } });
	const sent = fake.requests.filter((r) => r.path.endsWith('/222/events'));
	expect(sent).toHaveLength(1);
	expect(sent[0].body).toMatchObject({ test_event_code: 'TEST123' });
});

test('a send that may have been applied (HTTP 500) is not split or repeated: one Failed item, ambiguous_write', async () => {
	fake.addFault({ match: { path: '/v24.0/333/events' }, times: 1, fault: { type: 'graphError', code: 2 } });
	const run = await send({ objectId: '333', events: JSON.stringify([purchase('x'), purchase('y')]) });
	expect(run.nodeOutputs.map((items) => items.length)).toEqual([0, 1]);
	expect(run.nodeOutputs[1][0].json).toMatchObject({
		metaRequest: { stopReason: 'ambiguous_write', sends: 1 },
		metaError: { action: 'escalate' },
		events: [{ index: 0 }, { index: 1 }],
	});
	expect(fake.requests.filter((r) => r.path.endsWith('/333/events'))).toHaveLength(1);
});

test('events that are not a list of events stop the node with a clear message', async () => {
	const run = await send({ objectId: '444', events: '{"event_name": "Purchase"}' });
	expect(run.error?.message).toContain('Events: must be a list of events (or { "data": [...] })');
});

test('example: conversions-events sends the raw customer data hashed, the lead without action_source refused on its own', async () => {
	const workflow = JSON.parse(readFileSync(path.join(__dirname, '../../../../examples/conversions-events.json'), 'utf8'));
	const run = await runWorkflow(workflow, { credentials: { metaGraphApi: { accessToken: FAKE_META_TOKEN, baseUrl: fake.url, apiVersion: 'v24.0' } } });
	expect(run.error).toBeUndefined();
	expect(run.output('Event rejected').map((item) => [item.json.eventIndex, (item.json.metaError as IDataObject).code])).toEqual([[1, 'VALIDATION_CAPI_ACTION_SOURCE']]);
	expect(run.output('Sent').map((item) => item.json.events_received)).toEqual([2]);
	const [request] = fake.requests.filter((r) => r.path.endsWith('/1234567890123456/events'));
	const userData = (request.body as { data: Array<{ user_data: Record<string, string> }> }).data[0].user_data;
	expect(userData.em).toBe(createHash('sha256').update('jane.doe@example.com').digest('hex'));
	expect(userData.ph).toBe(createHash('sha256').update('16505550123').digest('hex'));
	expect(userData.st).toBe(createHash('sha256').update('ca').digest('hex'));
	expect(userData.zp).toBe(createHash('sha256').update('94103').digest('hex'));
	expect(JSON.stringify([fake.requests, run.output('Sent'), run.output('Event rejected')]).toLowerCase()).not.toMatch(/jane\.doe|555-0123|mustermann|san francisco/);
});
