// Send Conversions Events with customer data as users have it (an email with capitals and a
// trailing space, a formatted phone number): the fake Meta server must receive only normalized
// SHA-256 digests (Meta's "Customer Information Parameters"), the clear-text fields untouched, and
// no output, Failed item, replay record or server log may hold the raw values in any encoding.
import type { IDataObject, INodeParameters } from 'n8n-workflow';
import { createRedactor } from '../../../nodes/shared/core';
import { FAKE_META_TOKEN, useFakeMeta } from '../../../testing/fake-meta';
import { runNode } from '../../helpers/engine';

const TYPE = 'n8n-nodes-meta-resilience.metaRequest';
const fake = useFakeMeta();
const FAST = { baseDelayMs: 5, maxDelayMs: 20 };

// Canary customer data: these must never leave n8n or show up in what n8n stores.
const EMAIL = 'Jane.Canary@Example.com ';
const PHONE = '+1 (650) 555-0199';

const now = () => Math.floor(Date.now() / 1000);

async function send(parameters: INodeParameters, items: IDataObject[] = [{}], workflowId?: string) {
	const result = await runNode(TYPE, { operation: 'sendEvents', options: FAST, ...parameters }, items, {
		credentials: { metaGraphApi: { accessToken: FAKE_META_TOKEN, baseUrl: fake.url, apiVersion: 'v24.0' } },
		workflowId,
	});
	expect(result.error).toBeUndefined();
	return result;
}

/** Whether `text` holds the canary email or phone in any encoding the redactor knows (raw, URL-encoded, JSON-escaped, base64, any case). */
const canaries = createRedactor([EMAIL.trim(), EMAIL.trim().toLowerCase(), PHONE, '6505550199']);
const leaks = (value: unknown) => {
	const text = JSON.stringify(value);
	return canaries.text(text) !== text;
};

const sha256 = async (text: string) => (await import('node:crypto')).createHash('sha256').update(text).digest('hex');

const websiteEvent = (extra: Record<string, unknown> = {}) => ({
	event_name: 'Purchase',
	event_time: now() - 30,
	action_source: 'website',
	event_source_url: 'https://shop.example/checkout/done?fbclid=IwAR0canary',
	user_data: {
		em: EMAIL,
		ph: PHONE,
		fn: 'Jane',
		ln: 'Canary-Smith',
		ct: 'New York',
		country: 'US',
		external_id: ['CRM-42', ''],
		client_ip_address: '203.0.113.7',
		client_user_agent: 'Mozilla/5.0 (X11; Linux x86_64)',
		fbp: 'fb.1.1764000000000.1234567890',
	},
	custom_data: { currency: 'EUR', value: 42 },
	...extra,
});

test('customer data reaches Meta only normalized and hashed; clear fields untouched; no raw value in any output or log', async () => {
	const prehashed = await sha256('already@hashed.example');
	const events = [websiteEvent({ event_id: 'ord-1' }), websiteEvent({ event_id: 'ord-2', user_data: { ...websiteEvent().user_data, em: [prehashed, EMAIL] } })];
	const run = await send({ objectId: '700', events: '={{ $json.events }}' }, [{ events, note: 'carries the raw events' }]);
	const [success, failed] = run.nodeOutputs;
	expect(failed).toEqual([]);
	expect(success[0].json).toMatchObject({ events_received: 2 });

	const [sent] = fake.requests.filter((r) => r.path === '/v24.0/700/events');
	const data = (sent.body as { data: Array<{ user_data: Record<string, unknown>; event_id: string }> }).data;
	const expected = {
		em: await sha256('jane.canary@example.com'),
		ph: await sha256('16505550199'),
		fn: await sha256('jane'),
		ln: await sha256('canarysmith'),
		ct: await sha256('newyork'),
		country: await sha256('us'),
		external_id: [await sha256('crm-42')],
	};
	expect(data[0].user_data).toEqual({
		...expected,
		client_ip_address: '203.0.113.7',
		client_user_agent: 'Mozilla/5.0 (X11; Linux x86_64)',
		fbp: 'fb.1.1764000000000.1234567890',
		fbc: `fb.1.${events[0].event_time * 1000}.IwAR0canary`,
	});
	// A digest given passes unchanged; a list is hashed element by element.
	expect(data[1].user_data.em).toEqual([prehashed, expected.em]);
	expect(success[0].json.events).toEqual([
		expect.objectContaining({ index: 0, event_id: 'ord-1', derived: ['fbc'] }),
		expect.objectContaining({ index: 1, event_id: 'ord-2', derived: ['fbc'] }),
	]);

	// The detector finds the canaries where they are (the input), and nowhere else.
	expect(leaks(events)).toBe(true);
	expect(leaks({ url: encodeURIComponent(EMAIL.trim()), b64: Buffer.from(PHONE).toString('base64') })).toBe(true);
	expect(leaks(fake.requests)).toBe(false);
	expect(leaks(run.nodeOutputs)).toBe(false);
});

test("a rejected event's Failed item, its replay record and the error carry the hashed event only, not the input fields", async () => {
	// Meta refuses the event (Validate Before Sending off, so the request goes out).
	const events = [websiteEvent({ event_id: 'old-1', event_time: now() - 9 * 24 * 3600 }), websiteEvent({ event_id: 'new-1' })];
	const run = await send({ objectId: '701', events: '={{ $json.events }}', options: { ...FAST, validateBeforeSending: false } }, [{ events }]);
	const [success, failed] = run.nodeOutputs;
	expect(success[0].json).toMatchObject({ events_received: 1 });
	expect(failed).toHaveLength(1);
	expect(failed[0].pairedItem).toEqual({ item: 0 });
	expect(failed[0].json.events).toBeUndefined();
	expect(failed[0].json).toMatchObject({ eventIndex: 0, event: { event_id: 'old-1', user_data: { em: await sha256('jane.canary@example.com') } } });
	const replay = (failed[0].json.metaRequest as IDataObject).replay as IDataObject;
	expect(replay).toMatchObject({ path: '701/events', body: { data: [{ event_id: 'old-1' }] } });
	expect(leaks(run.nodeOutputs)).toBe(false);
	expect(leaks(fake.requests)).toBe(false);
});

test('Hash Customer Data off: plainly unhashed customer data is refused before sending, and not shown', async () => {
	const run = await send({ objectId: '702', hashCustomerData: false, events: JSON.stringify([websiteEvent({ event_id: 'raw-1' })]) });
	const [success, failed] = run.nodeOutputs;
	expect(success).toEqual([]);
	expect(failed).toHaveLength(1);
	expect(failed[0].json.metaError).toMatchObject({ code: 'VALIDATION_CAPI_NOT_HASHED', category: 'validation', field: 'user_data.em' });
	expect((failed[0].json.metaError as IDataObject).message).toContain('turn Hash Customer Data on');
	expect((failed[0].json.event as { user_data: IDataObject }).user_data).toMatchObject({ em: '[withheld: not hashed]', ph: '[withheld: not hashed]', client_ip_address: '203.0.113.7' });
	expect(fake.requests.filter((r) => r.path === '/v24.0/702/events')).toHaveLength(0);
	expect(leaks(run.nodeOutputs)).toBe(false);
});

test('Validate Before Sending: each event Meta would refuse fails on its own item with its code, never sent; the rest go', async () => {
	const events = [
		websiteEvent({ event_id: 'ok-1' }),
		websiteEvent({ event_id: 'old-1', event_time: now() - 8 * 24 * 3600 }),
		websiteEvent({ event_id: 'nourl-1', event_source_url: undefined }),
		{ event_name: 'Lead', event_id: 'nouser-1', event_time: now() - 10, action_source: 'system_generated', user_data: {} },
		websiteEvent({ event_id: 'ldu-1', data_processing_options: ['LDU'] }),
	];
	const run = await send({ objectId: '703', events: JSON.stringify(events) });
	const [success, failed] = run.nodeOutputs;
	expect(success).toHaveLength(1);
	expect(success[0].json).toMatchObject({ events_received: 1, events: [expect.objectContaining({ event_id: 'ok-1' })], metaRequest: { sends: 1 } });
	expect(failed.map((item) => [item.json.eventIndex, (item.json.metaError as IDataObject).code, (item.json.metaRequest as IDataObject).stopReason])).toEqual([
		[1, 'VALIDATION_CAPI_EVENT_TIME', 'refused'],
		[2, 'VALIDATION_CAPI_WEBSITE', 'refused'],
		[3, 'VALIDATION_CAPI_USER_DATA', 'refused'],
		[4, 'VALIDATION_CAPI_DATA_PROCESSING', 'refused'],
	]);
	const sent = fake.requests.filter((r) => r.path === '/v24.0/703/events');
	expect(sent).toHaveLength(1);
	expect((sent[0].body as { data: Array<{ event_id: string }> }).data.map((e) => e.event_id)).toEqual(['ok-1']);
	expect(leaks(run.nodeOutputs)).toBe(false);
});

test('1,500 events in one item go as two requests of 1,000 and 500, each its own create; a re-run sends nothing again', async () => {
	const many = Array.from({ length: 1500 }, (_, i) => ({
		event_name: 'Lead',
		event_id: `lead-${i}`,
		event_time: now() - 5,
		action_source: 'system_generated',
		user_data: { em: `person${i}@example.com` },
	}));
	const first = await send({ objectId: '704', events: '={{ $json.events }}' }, [{ events: many }], 'capiMany');
	const [success, failed] = first.nodeOutputs;
	expect(failed).toEqual([]);
	expect(success.map((item) => item.json.events_received)).toEqual([1000, 500]);
	const sent = fake.requests.filter((r) => r.path === '/v24.0/704/events');
	expect(sent.map((r) => (r.body as { data: unknown[] }).data.length)).toEqual([1000, 500]);
	const keys = success.map((item) => (item.json.metaRequest as IDataObject).idempotencyKey);
	expect(new Set(keys).size).toBe(2);
	expect(fake.conversionEvents('704')).toMatchObject({ received: 1500, unique: 1500 });

	const again = await send({ objectId: '704', events: '={{ $json.events }}' }, [{ events: many }], 'capiMany');
	expect(again.nodeOutputs[0].map((item) => (item.json.metaRequest as IDataObject).replayed)).toEqual([true, true]);
	expect(fake.requests.filter((r) => r.path === '/v24.0/704/events')).toHaveLength(2);
});
