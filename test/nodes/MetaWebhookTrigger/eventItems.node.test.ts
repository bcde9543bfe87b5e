// What a signed post starts: one item per event (WhatsApp statuses one each), filtered by Objects,
// Fields and Only Failed Statuses; a failed status carries the metaError Classify Error would give,
// so the items go straight into the Escalation Router. No canary secret reaches an item or a log.
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { runNode } from '../../helpers/engine';
import {
	incomingContact,
	incomingMessage,
	leadgenBody,
	MESSAGE_ID,
	PHONE_NUMBER_ID,
	RECIPIENT,
	statusBody,
	templateStatusBody,
	WABA_ID,
	whatsAppBody,
	whatsAppStatus,
	whatsAppValue,
} from '../../../testing/metaWebhooks';
import { ACCESS_TOKEN, APP_SECRET, postSigned, VERIFY_TOKEN } from './webhookContext';

const ROUTER = 'n8n-nodes-meta-resilience.metaEscalationRouter';
const CLASSIFY = 'n8n-nodes-meta-resilience.metaClassifyError';
const ROUTES = { retry: 0, pause: 1, alert: 2, escalate: 3, dead_letter: 4, ignore: 5 } as const;

let workflows = 0;
/** A fresh trigger each time (its own de-duplication namespace). */
const post = (body: unknown, parameters: INodeParameters = {}) => postSigned(body, { parameters, workflowId: `wf-items-${++workflows}` });

const threeStatuses = statusBody(whatsAppStatus('delivered'), whatsAppStatus('read'), whatsAppStatus('failed', 'wamid.failed1'));

test('one item per WhatsApp status, with what happened, where, when and how it arrived', async () => {
	const { items } = await post(threeStatuses);
	expect(items.map((item) => [item.json.field, (item.json.value as IDataObject).status, item.json.metaError !== undefined])).toEqual([
		['statuses', 'delivered', false],
		['statuses', 'read', false],
		['statuses', 'failed', true],
	]);
	expect(items[0].json).toEqual({
		object: 'whatsapp_business_account',
		field: 'statuses',
		entryId: WABA_ID,
		wabaId: WABA_ID,
		phoneNumberId: PHONE_NUMBER_ID,
		timestamp: '2025-06-18T16:22:53.000Z',
		value: whatsAppStatus('delivered'),
		metaWebhook: {
			receivedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
			signature: 'verified',
			deduplication: 'memory',
			eventKey: `status:${MESSAGE_ID}:delivered`,
		},
	});
	// A trigger's items start the run: nothing to pair them with, as with n8n's own triggers.
	for (const item of items) expect(item.pairedItem).toBeUndefined();
});

test("a failed status's metaError is exactly what Classify Error gives for the same webhook", async () => {
	const { items } = await post(threeStatuses);
	const failed = items[2].json;
	expect(failed.metaError).toMatchObject({ category: 'delivery', action: 'dead_letter', code: 131026, retryable: false, source: 'graph' });
	const classified = await runNode(CLASSIFY, { mode: 'annotate', failureSource: 'auto', outputField: 'metaError' }, [threeStatuses as IDataObject]);
	expect(classified.nodeOutputs[0]).toHaveLength(1);
	expect(classified.nodeOutputs[0][0].json.metaError).toEqual(failed.metaError);
	expect((classified.nodeOutputs[0][0].json.whatsappStatus as IDataObject).id).toBe((failed.value as IDataObject).id);
});

test('Trigger → Escalation Router with no node between: the failed delivery is routed by its category', async () => {
	const { items } = await post(statusBody(whatsAppStatus('failed', 'wamid.failed2')), { fields: 'statuses', triggerOptions: { onlyFailedStatuses: true } });
	const byDefault = await runNode(ROUTER, {}, items);
	expect(byDefault.error).toBeUndefined();
	expect(byDefault.nodeOutputs[ROUTES.dead_letter].map((item) => [item.json.route, (item.json.metaError as IDataObject).code])).toEqual([['dead_letter', 131026]]);
	const alerting = await runNode(ROUTER, { rules: { rule: [{ name: 'Undeliverable', categories: ['delivery'], route: 'alert' }] } }, items);
	expect(alerting.nodeOutputs[ROUTES.alert].map((item) => [item.json.route, item.json.reason])).toEqual([['alert', expect.stringContaining('Undeliverable')]]);
	expect((alerting.nodeOutputs[ROUTES.alert][0].json.routing as IDataObject).classifiedHere).toBeUndefined();
});

test('incoming messages come with their sender; statuses of the same change beside them', async () => {
	const { items } = await post(whatsAppBody(whatsAppValue({ contacts: [incomingContact], messages: [incomingMessage], statuses: [whatsAppStatus('sent')] })));
	expect(items.map((item) => item.json.field)).toEqual(['statuses', 'messages']);
	expect(items[1].json).toMatchObject({ contact: incomingContact, value: { from: RECIPIENT, text: incomingMessage.text } });
});

test('other objects: a template status update and a lead, one item each', async () => {
	const { items } = await post(templateStatusBody);
	expect(items.map((item) => [item.json.field, (item.json.value as IDataObject).event])).toEqual([['message_template_status_update', 'REJECTED']]);
	const leads = await post(leadgenBody);
	expect(leads.items.map((item) => [item.json.object, item.json.field, item.json.pageId, (item.json.metaWebhook as IDataObject).eventKey])).toEqual([
		['page', 'leadgen', '153125381133', 'leadgen:444444444444'],
	]);
});

describe('filters', () => {
	const mixed = {
		object: 'whatsapp_business_account',
		entry: [...(threeStatuses.entry as IDataObject[]), ...templateStatusBody.entry],
	};

	test('Fields and Only Failed Statuses keep just the failures', async () => {
		const { items } = await post(mixed, { fields: 'statuses', triggerOptions: { onlyFailedStatuses: true } });
		expect(items.map((item) => [item.json.field, (item.json.value as IDataObject).status])).toEqual([['statuses', 'failed']]);
	});

	test('Only Failed Statuses leaves other events alone', async () => {
		const { items } = await post(mixed, { triggerOptions: { onlyFailedStatuses: true } });
		expect(items.map((item) => item.json.field)).toEqual(['statuses', 'message_template_status_update']);
	});

	test('Objects: a post about another object is answered 200 and starts nothing', async () => {
		const call = await post(leadgenBody, { objects: ['whatsapp_business_account'] });
		expect(call.response.status).toBe(200);
		expect(call.result).toEqual({ noWebhookResponse: true });
	});

	test('Fields: several, separated by commas', async () => {
		const { items } = await post(mixed, { fields: ' message_template_status_update , statuses' });
		expect(items).toHaveLength(4);
	});

	test('a field list that is not field names: 500 and the log says how to write it', async () => {
		const call = await post(mixed, { fields: 'statuses; read' });
		expect(call.response.status).toBe(500);
		expect(call.logs[0].message).toContain('Invalid parameter — Fields: must be field names separated by commas');
	});
});

describe('canaries: the App Secret, the Verify Token and the access token reach no item and no log line', () => {
	const leaky = (text: string) => whatsAppBody(whatsAppValue({ contacts: [incomingContact], messages: [{ ...incomingMessage, id: `wamid.canary${text.length}`, text: { body: text } }] }));
	const forms = (secret: string) => [secret, encodeURIComponent(secret), Buffer.from(secret).toString('base64').slice(4, -4), secret.toLowerCase()];

	test.each([
		['the App Secret', APP_SECRET],
		['the Verify Token', VERIFY_TOKEN],
		['the access token', ACCESS_TOKEN],
	])('%s written into a message is redacted from the item', async (_name, secret) => {
		const call = await post(leaky(`my secret is ${secret}, and encoded ${encodeURIComponent(secret)} ${Buffer.from(secret).toString('base64')}`));
		expect(call.items).toHaveLength(1);
		const text = JSON.stringify(call);
		for (const form of forms(secret)) expect(text).not.toContain(form);
		expect(JSON.stringify(call.items[0].json.value)).toContain('[REDACTED]');
	});

	test('refused posts and verification requests log nothing secret', async () => {
		const calls = [
			await postSigned(threeStatuses, {}, 'another-apps-secret'),
			await postSigned(threeStatuses, { parameters: { verifyToken: 'short' } }),
		];
		for (const secret of [APP_SECRET, VERIFY_TOKEN, ACCESS_TOKEN]) expect(JSON.stringify(calls)).not.toContain(secret);
	});
});
