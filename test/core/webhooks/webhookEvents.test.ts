// A webhook body split into one event each, with the key a redelivery has too.
import { classifyMetaError } from '../../../nodes/shared/core/errors/classify';
import { isoTime, selectEvents, webhookEvents } from '../../../nodes/shared/core/webhooks/webhookEvents';
import {
	incomingContact,
	incomingMessage,
	leadgenBody,
	MESSAGE_ID,
	messengerBody,
	PHONE_NUMBER_ID,
	statusBody,
	templateStatusBody,
	WABA_ID,
	whatsAppBody,
	whatsAppStatus,
	whatsAppValue,
} from '../../../testing/metaWebhooks';

describe('WhatsApp statuses', () => {
	const events = webhookEvents(statusBody(whatsAppStatus('delivered'), whatsAppStatus('read'), whatsAppStatus('failed', 'wamid.other')));

	test('one event per status, under the field "statuses", with the WABA and phone number ids', () => {
		expect(events.map((event) => [event.object, event.field, event.status, event.key])).toEqual([
			['whatsapp_business_account', 'statuses', 'delivered', `status:${MESSAGE_ID}:delivered`],
			['whatsapp_business_account', 'statuses', 'read', `status:${MESSAGE_ID}:read`],
			['whatsapp_business_account', 'statuses', 'failed', 'status:wamid.other:failed'],
		]);
		for (const event of events) {
			expect(event.ids).toEqual({ entryId: WABA_ID, wabaId: WABA_ID, phoneNumberId: PHONE_NUMBER_ID });
			expect(event.timestamp).toBe('2025-06-18T16:22:53.000Z');
		}
		expect(events[0].value).toEqual(whatsAppStatus('delivered'));
	});

	test('a failed status carries metaError as classifyMetaError reads the status (131026: delivery, dead letter)', () => {
		expect(events[0].metaError).toBeUndefined();
		expect(events[1].metaError).toBeUndefined();
		expect(events[2].metaError).toEqual(classifyMetaError(whatsAppStatus('failed', 'wamid.other')));
		expect(events[2].metaError).toMatchObject({ category: 'delivery', action: 'dead_letter', code: 131026, retryable: false });
	});

	test('a redelivery gives the same keys; another status of the same message another key', () => {
		const again = webhookEvents(JSON.parse(JSON.stringify(statusBody(whatsAppStatus('delivered')))));
		expect(again[0].key).toBe(events[0].key);
		expect(events[1].key).not.toBe(events[0].key);
	});

	test('a status without an id is keyed by its content', () => {
		const [one] = webhookEvents(statusBody({ status: 'sent', timestamp: '1750263773' }));
		const [two] = webhookEvents(statusBody({ timestamp: '1750263773', status: 'sent' }));
		expect(one.key).toMatch(/^status:[0-9a-f]{64}$/);
		expect(two.key).toBe(one.key);
	});
});

test('incoming messages: one event each, with the sender from contacts[], beside the statuses of the same change', () => {
	const events = webhookEvents(whatsAppBody(whatsAppValue({ contacts: [incomingContact], messages: [incomingMessage], statuses: [whatsAppStatus('sent')] })));
	expect(events.map((event) => [event.field, event.key])).toEqual([
		['statuses', `status:${MESSAGE_ID}:sent`],
		['messages', `message:${incomingMessage.id}`],
	]);
	expect(events[1]).toMatchObject({ value: incomingMessage, contact: incomingContact, timestamp: '2025-06-08T20:59:43.000Z' });
});

test('a WhatsApp change that carries errors and no status is one event with metaError, as Classify Error reads such a webhook', () => {
	const body = whatsAppBody(whatsAppValue({ errors: [{ code: 131000, title: 'Something went wrong', message: 'Something went wrong', error_data: { details: 'Try again' } }] }));
	const [event] = webhookEvents(body);
	expect(event).toMatchObject({ field: 'messages', metaError: { category: 'server', retryable: true, code: 131000 } });
	expect(event.metaError).toEqual(classifyMetaError(body));
});

test('a template status update is one event; its key is the same for a redelivery in any key order and differs for another update', () => {
	const [event] = webhookEvents(templateStatusBody);
	expect(event).toMatchObject({ object: 'whatsapp_business_account', field: 'message_template_status_update', ids: { wabaId: WABA_ID }, timestamp: '2025-06-18T16:22:53.000Z' });
	expect(event.key).toMatch(/^change:[0-9a-f]{64}$/);
	const value = templateStatusBody.entry[0].changes[0].value;
	const reordered = { ...templateStatusBody, entry: [{ ...templateStatusBody.entry[0], changes: [{ field: 'message_template_status_update', value: Object.fromEntries(Object.entries(value).reverse()) }] }] };
	expect(webhookEvents(reordered)[0].key).toBe(event.key);
	const approved = { ...templateStatusBody, entry: [{ ...templateStatusBody.entry[0], changes: [{ field: 'message_template_status_update', value: { ...value, event: 'APPROVED' } }] }] };
	expect(webhookEvents(approved)[0].key).not.toBe(event.key);
});

test('a lead is keyed by its leadgen_id, with the page id and its created time', () => {
	expect(webhookEvents(leadgenBody)).toEqual([
		expect.objectContaining({ object: 'page', field: 'leadgen', key: 'leadgen:444444444444', ids: { entryId: '153125381133', pageId: '153125381133' }, timestamp: '2015-08-21T01:26:24.000Z' }),
	]);
});

test('Messenger-style messaging is one event per element, keyed by the message id, its time in milliseconds', () => {
	expect(webhookEvents(messengerBody)).toEqual([
		expect.objectContaining({ object: 'page', field: 'messaging', key: 'messaging:mid.1457764197618:41d102a3e1ae206a38', timestamp: '2016-03-23T00:25:52.478Z' }),
	]);
});

test('what is not a webhook body gives no event, and broken parts are skipped', () => {
	for (const body of [null, 42, 'text', [], {}, { entry: 'x' }, { object: 'page', entry: [null, 1, { changes: 'x' }, { changes: [null, { field: 'feed' }, { field: 'feed', value: 'x' }] }] }]) {
		expect(webhookEvents(body)).toEqual([]);
	}
	const [event] = webhookEvents({ entry: [{ changes: [{ value: { a: 1 } }] }] });
	expect(event).toMatchObject({ object: 'unknown', field: 'unknown', ids: {} });
});

test('selectEvents keeps the objects and fields asked for, and only failed statuses when asked', () => {
	const events = [
		...webhookEvents(statusBody(whatsAppStatus('delivered'), whatsAppStatus('failed'))),
		...webhookEvents(templateStatusBody),
		...webhookEvents(leadgenBody),
	];
	const pick = (objects: string[], fields: string[], onlyFailedStatuses: boolean) => selectEvents(events, { objects, fields, onlyFailedStatuses }).map((event) => `${event.field}/${event.status ?? '-'}`);
	expect(pick([], [], false)).toEqual(['statuses/delivered', 'statuses/failed', 'message_template_status_update/-', 'leadgen/-']);
	expect(pick(['page'], [], false)).toEqual(['leadgen/-']);
	expect(pick([], ['statuses', 'leadgen'], false)).toEqual(['statuses/delivered', 'statuses/failed', 'leadgen/-']);
	expect(pick([], [], true)).toEqual(['statuses/failed', 'message_template_status_update/-', 'leadgen/-']);
	expect(pick(['whatsapp_business_account'], ['statuses'], true)).toEqual(['statuses/failed']);
});

test('isoTime reads seconds and milliseconds, as numbers or text', () => {
	expect(isoTime(1750263773)).toBe('2025-06-18T16:22:53.000Z');
	expect(isoTime('1750263773')).toBe('2025-06-18T16:22:53.000Z');
	expect(isoTime(1458692752478)).toBe('2016-03-23T00:25:52.478Z');
	for (const value of [undefined, null, 0, -5, 'soon', '12.5', Number.NaN, 1e300, {}]) expect(isoTime(value)).toBeUndefined();
});
