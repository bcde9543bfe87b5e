import type { INodeProperties } from 'n8n-workflow';

const show = { show: { operation: ['batch'] } };

/** Send as Graph Batch: each item's sub-request (Query Parameters are the node's, shown for every operation). */
export const batchProperties: INodeProperties[] = [
	{
		displayName: 'Method',
		name: 'method',
		type: 'options',
		default: 'POST',
		description: "This item's request method (a Graph batch takes GET, POST and DELETE)",
		options: [
			{ name: 'DELETE', value: 'DELETE' },
			{ name: 'GET', value: 'GET' },
			{ name: 'POST', value: 'POST' },
		],
		displayOptions: show,
	},
	{
		displayName: 'Path',
		name: 'path',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. {{ $json.adId }} or act_123/ads',
		description:
			"This item's path after the version, usually an expression giving an ID from the input item. A full URL must be on the credential's host. Items go out 50 per batch call.",
		displayOptions: show,
	},
	{
		displayName: 'Write Kind',
		name: 'writeKind',
		type: 'options',
		default: 'auto',
		options: [
			{ name: 'From the Path', value: 'auto', description: 'POST /{ID} and DELETE are safe to repeat; a POST to an edge (/{parent}/{edge}) creates' },
			{ name: 'Safe to Repeat', value: 'idempotent', description: 'Sending it twice changes nothing more: sent again after a part that got no answer' },
			{ name: 'Creates Something', value: 'create', description: 'Sending it twice makes a second object: never sent again once it may have been applied' },
		],
		description: 'What sending this item twice would do, which decides whether it is sent again after an answer that does not say whether it was applied',
		displayOptions: { show: { operation: ['batch'], method: ['POST', 'DELETE'] } },
	},
	{
		displayName: 'JSON Body',
		name: 'jsonBody',
		type: 'json',
		default: '{}',
		description: 'Fields to send, as a JSON object (sent form-encoded in the sub-request, objects as JSON), e.g. {"status": "PAUSED"}',
		displayOptions: { show: { operation: ['batch'], method: ['POST', 'DELETE'] } },
	},
];
