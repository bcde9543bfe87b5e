// examples/whatsapp-failed-deliveries.json in-process: its trigger's parameters on a signed post,
// its router's on what the trigger starts, and the wiring to the Alert node. (The end-to-end suite
// runs it in real n8n by posting to its production URL.)
import { readFileSync } from 'node:fs';
import * as path from 'node:path';

import type { INodeParameters } from 'n8n-workflow';

import { runNode } from '../../helpers/engine';
import { statusBody, whatsAppStatus } from '../../../testing/metaWebhooks';
import { postSigned } from './webhookContext';

interface ExampleNode {
	name: string;
	type: string;
	parameters: INodeParameters;
	webhookId?: string;
}
const example = JSON.parse(readFileSync(path.join(__dirname, '../../../examples/whatsapp-failed-deliveries.json'), 'utf8')) as {
	nodes: ExampleNode[];
	connections: Record<string, { main: Array<Array<{ node: string }>> }>;
};
const nodeOf = (type: string) => example.nodes.find((node) => node.type === type)!;
const trigger = nodeOf('n8n-nodes-meta-resilience.metaWebhookTrigger');
const router = nodeOf('n8n-nodes-meta-resilience.metaEscalationRouter');

test('the example is trigger → Escalation Router, each router output wired to its own node, the trigger with a webhook id', () => {
	expect(example.connections[trigger.name].main).toEqual([[expect.objectContaining({ node: router.name })]]);
	expect(example.connections[router.name].main.map((links) => links.map((link) => link.node))).toEqual([
		['Retry later'],
		['Pause sending'],
		['Alert: message not delivered'],
		['Escalate: delivery failures spike'],
		['Dead letter'],
		['Ignore'],
	]);
	expect(trigger.webhookId).toMatch(/^[0-9a-f-]{36}$/);
});

test('a failed delivery goes to Alert; delivered and read start nothing; the fifth failure in 10 minutes escalates', async () => {
	const options = { parameters: trigger.parameters, workflowId: 'wf-example-failed-deliveries' };
	const quiet = await postSigned(statusBody(whatsAppStatus('delivered'), whatsAppStatus('read')), options);
	expect(quiet.response.status).toBe(200);
	expect(quiet.items).toEqual([]);

	const failures = await postSigned(statusBody(...[1, 2, 3, 4, 5].map((n) => ({ ...whatsAppStatus('failed', `wamid.example${n}`), recipient_id: `1650555000${n}` }))), options);
	expect(failures.items).toHaveLength(5);
	const routed = await runNode(router.type, router.parameters, failures.items, { mode: 'webhook', workflowId: 'wf-example-failed-deliveries' });
	expect(routed.error).toBeUndefined();
	expect(routed.nodeOutputs[2].map((item) => item.json.route)).toEqual(['alert', 'alert', 'alert', 'alert']);
	expect(routed.nodeOutputs[3].map((item) => [item.json.route, (item.json.routing as { by: string }).by])).toEqual([['escalate', 'threshold']]);
});
