// What n8n sees of the trigger: one URL for GET (verification) and POST (events), nothing
// registered with Meta on activation (only the parameters and the credential checked, with a
// message that says what to fix), and the raw-body switch n8n reads from `options.binaryData`.
import { NodeHelpers, type INode } from 'n8n-workflow';

import { MetaWebhookTrigger } from '../../../nodes/MetaWebhookTrigger/MetaWebhookTrigger.node';
import { activate, metaCredential } from './webhookContext';

const { description } = new MetaWebhookTrigger();

test('a trigger with no input, one output, and one URL for both of Meta’s requests', () => {
	expect(description).toMatchObject({ name: 'metaWebhookTrigger', displayName: 'Meta Webhook Trigger', group: ['trigger'], inputs: [], outputs: ['main'] });
	expect(description.webhooks?.map(({ name, httpMethod, path, responseMode }) => [name, httpMethod, path, responseMode])).toEqual([
		['setup', 'GET', 'webhook', 'onReceived'],
		['default', 'POST', 'webhook', 'onReceived'],
	]);
	const verifyToken = description.properties.find((property) => property.name === 'verifyToken');
	expect(verifyToken).toMatchObject({ typeOptions: { password: true }, required: true });
});

test('as n8n reads a saved node (defaults filled in), options.binaryData is set: n8n leaves the body to the node', () => {
	const node = { name: 'Trigger', type: 'x', typeVersion: 1, position: [0, 0], parameters: { verifyToken: 'x'.repeat(12) } } as unknown as INode;
	const parameters = NodeHelpers.getNodeParameters(description.properties, node.parameters, true, false, node, description);
	expect(parameters?.options).toEqual({ binaryData: true });
	expect(description.version).toBe(1);
});

test('activation registers nothing and passes with a Verify Token and an App Secret', async () => {
	await expect(activate()).resolves.toBe(true);
	const trigger = new MetaWebhookTrigger();
	await expect(trigger.webhookMethods.default.create()).resolves.toBe(true);
	await expect(trigger.webhookMethods.default.delete()).resolves.toBe(true);
});

test.each([
	['a short Verify Token', { parameters: { verifyToken: 'abc' } }, 'Invalid parameter — Verify Token: must be at least 8 characters'],
	['a Verify Token with spaces around it', { parameters: { verifyToken: ' long-enough-token ' } }, 'Verify Token: must not start or end with a space'],
	['Fields that are not field names', { parameters: { fields: 'statuses read' } }, 'Invalid parameter — Fields: must be field names separated by commas'],
	['a window past 7 days', { parameters: { triggerOptions: { dedupWindowHours: 200 } } }, 'Options → De-Duplication Window (Hours): must be at most 168'],
	['no App Secret', { credentials: { metaGraphApi: metaCredential({ appSecret: '' }) } }, 'has no App Secret'],
	['an empty access token', { credentials: { metaGraphApi: metaCredential({ accessToken: '' }) } }, 'Access Token is empty'],
])('activation fails with %s, saying what to fix', async (_case, options, message) => {
	await expect(activate(options)).rejects.toThrow(message);
});

test('no App Secret with Allow Unsigned Posts: activation passes (the editor shows the warning)', async () => {
	await expect(activate({ parameters: { allowUnsigned: true }, credentials: { metaGraphApi: metaCredential({ appSecret: '' }) } })).resolves.toBe(true);
	const notice = description.properties.find((property) => property.name === 'unsignedNotice');
	expect(notice).toMatchObject({ type: 'notice', displayOptions: { show: { allowUnsigned: [true] } } });
});
