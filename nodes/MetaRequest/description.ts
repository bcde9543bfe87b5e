import type { INodeProperties } from 'n8n-workflow';
import { sharedStateProperties } from '../shared/n8n/state';
import { WRITE_BY_ID } from './params';
import { batchProperties } from './batchDescription';

/** The outputs, in the order execute returns them: every item ends on exactly one. */
export const OUTPUT_NAMES: string[] = ['Success', 'Failed'];

const objectIdFor = (operations: string[], description: string): INodeProperties => ({
	displayName: 'Object ID',
	name: 'objectId',
	type: 'string',
	required: true,
	default: '',
	placeholder: 'e.g. 120210000000000 or act_123',
	description,
	displayOptions: { show: { operation: operations } },
});

const jsonBodyFor = (operations: string[], extra: INodeProperties['displayOptions'] = {}): INodeProperties => ({
	displayName: 'JSON Body',
	name: 'jsonBody',
	type: 'json',
	default: '{}',
	description: 'Fields to send, as a JSON object',
	displayOptions: { show: { operation: operations, ...extra?.show } },
});

export const metaRequestProperties: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		default: 'getObject',
		// Alphabetical, then Custom API Call last, as n8n's own nodes list it. n8n appends its own
		// "Custom API Call" (which leads to the HTTP Request node, without retries or redaction) to the
		// operations of a node whose credential has `authenticate`, unless the last option already has
		// that name: this one is the node's own custom request (value `custom`, as saved workflows have it).
		// eslint-disable-next-line n8n-nodes-base/node-param-options-type-unsorted-items -- Custom API Call last, as in n8n's nodes
		options: [
			{ name: 'Create', value: 'create', description: 'Create an object on an edge (POST /{parent}/{edge})', action: 'Create an object' },
			{ name: 'Delete', value: 'delete', description: 'Delete an object (DELETE /{ID})', action: 'Delete an object' },
			{ name: 'Get Object', value: 'getObject', description: 'Read one object (GET /{ID})', action: 'Get an object' },
			{ name: 'List Edge', value: 'listEdge', description: 'Read the objects of an edge, e.g. the ads of an ad account', action: 'List an edge' },
			// eslint-disable-next-line n8n-nodes-base/node-param-operation-option-action-miscased -- the rule's sentence case drops the comma of a list
			{ name: 'Pause', value: 'pause', description: 'Pause an ad, ad set or campaign (status=PAUSED)', action: 'Pause an ad, ad set or campaign' },
			{
				name: 'Replay Failed Items',
				value: 'replay',
				description:
					"Send again what items from this node's Failed output recorded (metaRequest.replay), with the same idempotency key: the write journal keeps a create that already succeeded from being sent twice",
				action: 'Replay failed items',
			},
			{
				name: 'Send as Graph Batch',
				value: 'batch',
				description: 'Each item is one request (method, path, body); they go out 50 per Graph batch call, and each item ends on its own answer',
				action: 'Send items as graph batch requests',
			},
			{
				name: 'Send Conversions Events',
				value: 'sendEvents',
				description: 'Send server events to a pixel (POST /{pixel-ID}/events); an event Meta rejects fails on its own and the others are sent again',
				action: 'Send conversions events',
			},
			{ name: 'Update', value: 'update', description: 'Change fields of an object (POST /{ID})', action: 'Update an object' },
			{
				name: 'Custom API Call',
				value: 'custom',
				description: 'Any method and path on the Graph API, with the retries, throttling and redaction of this node',
				action: 'Make a custom API call',
			},
		],
	},
	objectIdFor(['getObject', 'update', 'delete'], 'ID of the object (me, a page, an ad, a campaign, …)'),
	objectIdFor(['listEdge'], 'ID of the object whose edge to read, e.g. act_123 for an ad account'),
	objectIdFor(['create'], 'ID of the parent object, e.g. act_123 to create an ad in that ad account'),
	objectIdFor(['pause'], 'ID of the ad, ad set or campaign to pause'),
	{
		displayName: 'Pixel ID',
		name: 'objectId',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. 1234567890123456',
		description: 'The pixel (dataset) that receives the events',
		displayOptions: { show: { operation: ['sendEvents'] } },
	},
	{
		displayName: 'Events',
		name: 'events',
		type: 'json',
		default: '[]',
		required: true,
		description:
			'The events to send, as a list (or { "data": [...] }): each with event_name, event_time, action_source and user_data. More than 1,000 go as several requests. An event without event_id gets one made from its fields, the same each time it is sent, so Meta counts a repeat once.',
		displayOptions: { show: { operation: ['sendEvents'] } },
	},
	{
		displayName: 'Hash Customer Data',
		name: 'hashCustomerData',
		type: 'boolean',
		default: true,
		description:
			'Whether to normalize and SHA-256 hash the customer information in user_data (em, ph, fn, ln, ge, db, ct, st, zp, country, external_id) as Meta requires. Values already hashed pass unchanged. Turn it off only if you hash upstream: an email or phone number that is plainly not hashed is then refused, not sent.',
		displayOptions: { show: { operation: ['sendEvents'] } },
	},
	{
		displayName: 'Test Event Code',
		name: 'testEventCode',
		type: 'string',
		default: '',
		placeholder: 'e.g. TEST12345',
		description: "Optional: the code from Events Manager's Test Events tab, so the events show there and are not counted",
		displayOptions: { show: { operation: ['sendEvents'] } },
	},
	{
		displayName: 'Edge',
		name: 'edge',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. ads',
		description: 'Edge name, e.g. ads, adsets, campaigns, insights',
		displayOptions: { show: { operation: ['listEdge', 'create'] } },
	},
	{
		displayName: 'Method',
		name: 'method',
		type: 'options',
		default: 'GET',
		options: [
			{ name: 'DELETE', value: 'DELETE' },
			{ name: 'GET', value: 'GET' },
			{ name: 'PATCH', value: 'PATCH' },
			{ name: 'POST', value: 'POST' },
			{ name: 'PUT', value: 'PUT' },
		],
		displayOptions: { show: { operation: ['custom'] } },
	},
	{
		displayName: 'Path',
		name: 'path',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. act_123/ads',
		description:
			"Path after the version (the credential's version is added), a path with a version (v24.0/me), or a full URL on the credential's host. Other hosts are refused so the token never leaves.",
		displayOptions: { show: { operation: ['custom'] } },
	},
	{
		displayName: 'Write Kind',
		name: 'writeKind',
		type: 'options',
		default: 'auto',
		options: [
			{
				name: 'From the Path',
				value: 'auto',
				description: 'POST /{ID} and DELETE are safe to repeat; a POST to an edge (/{parent}/{edge}) creates',
			},
			{
				name: 'Safe to Repeat',
				value: 'idempotent',
				description: 'Sending it twice changes nothing more (it sets fields, pauses, deletes): retried after a 5xx or a lost connection',
			},
			{
				name: 'Creates Something',
				value: 'create',
				description: 'Sending it twice makes a second object, message or event: not repeated when it may have been applied',
			},
		],
		description: 'What sending this write twice would do, which decides whether it is retried after a failure that may have been applied',
		displayOptions: { show: { operation: ['custom'], method: ['POST', 'PUT', 'PATCH', 'DELETE'] } },
	},
	{
		displayName: 'Fields',
		name: 'fields',
		type: 'string',
		default: '',
		placeholder: 'e.g. id,name,status',
		description: 'Comma-separated fields to read; empty for the default fields',
		displayOptions: { show: { operation: ['getObject', 'listEdge'] } },
	},
	jsonBodyFor(['create', 'update']),
	jsonBodyFor(['custom'], { show: { method: ['POST', 'PUT', 'PATCH', 'DELETE'] } }),
	...batchProperties,
	{
		displayName: 'Return All',
		name: 'returnAll',
		type: 'boolean',
		default: false,
		description: 'Whether to return all results or only up to a given limit',
		displayOptions: { show: { operation: ['listEdge'] } },
	},
	{
		displayName: 'Limit',
		name: 'limit',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 50,
		description: 'Max number of results to return',
		displayOptions: { show: { operation: ['listEdge'], returnAll: [false] } },
	},
	{
		displayName: 'Query Parameters',
		name: 'queryParameters',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		default: {},
		placeholder: 'Add Parameter',
		description:
			'Sent in the URL, each name once. Objects and arrays (from expressions) are sent as JSON, as Meta expects; an empty value is sent empty; an expression that gives undefined leaves the parameter out; null is refused.',
		options: [
			{
				displayName: 'Parameter',
				name: 'parameter',
				values: [
					{ displayName: 'Name', name: 'name', type: 'string', default: '' },
					{ displayName: 'Value', name: 'value', type: 'string', default: '' },
				],
			},
		],
	},
	{
		displayName: 'Headers',
		name: 'headers',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		default: {},
		placeholder: 'Add Header',
		description:
			'Extra request headers, each name once. Not for authentication: the credential sends the token (Authorization: Bearer), and Validate Before Sending refuses Authorization, x-api-key and the like.',
		displayOptions: { show: { operation: ['custom'] } },
		options: [
			{
				displayName: 'Header',
				name: 'header',
				values: [
					{ displayName: 'Name', name: 'name', type: 'string', default: '' },
					{ displayName: 'Value', name: 'value', type: 'string', default: '' },
				],
			},
		],
	},
	...sharedStateProperties,
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				// eslint-disable-next-line n8n-nodes-base/node-param-display-name-miscased -- ms is the unit's symbol (title case makes it Ms)
				displayName: 'Base Delay (ms)',
				name: 'baseDelayMs',
				type: 'number',
				typeOptions: { minValue: 0 },
				default: 1000,
				description: 'Scale of the first retry wait; each retry doubles it, with full random jitter',
			},
			{
				// eslint-disable-next-line n8n-nodes-base/node-param-display-name-miscased -- ms is the unit's symbol (title case makes it Ms)
				displayName: 'Circuit Breaker Cool-Down (ms)',
				name: 'breakerCoolDownMs',
				type: 'number',
				typeOptions: { minValue: 0 },
				default: 30000,
				description: 'How long calls to a failing endpoint fail fast before one trial call is let through',
			},
			{
				displayName: 'Circuit Breaker Threshold',
				name: 'breakerThreshold',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: 5,
				description: 'Consecutive server or network failures on one endpoint that open its circuit breaker',
			},
			{
				displayName: 'Concurrency',
				name: 'concurrency',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: 50 },
				default: 1,
				description: 'How many items are sent at the same time. Output order always follows input order.',
			},
			{
				displayName: 'Error Field',
				name: 'errorField',
				type: 'string',
				default: 'metaError',
				description: 'Field of a failed item that receives the classified error (not metaRequest, which holds the call details)',
			},
			{
				displayName: 'Idempotency Key',
				name: 'idempotencyKey',
				type: 'string',
				default: '',
				placeholder: 'e.g. {{ $json.orderId }}',
				description:
					'Sent as the Idempotency-Key header on writes, and the key the write journal knows a create by. Empty: derived as Key Scope says.',
			},
			{
				displayName: 'If Redis Is Unreachable',
				name: 'journalUnavailable',
				type: 'options',
				default: 'fail',
				options: [
					{ name: 'Do Not Send Creates', value: 'fail', description: 'A create ends on Failed (state_unavailable, retryable): it cannot be sent twice' },
					{ name: 'Send Without the Journal', value: 'send', description: 'Creates are sent; a re-run may then repeat one. The item says so.' },
				],
				description: 'What a create does when Shared State is Redis and Redis does not answer. Reads, updates, pauses and deletes are always sent.',
			},
			{
				displayName: 'Include Input Fields',
				name: 'includeInputFields',
				type: 'boolean',
				default: true,
				description:
					"Whether a success item of Update, Delete, Pause or Send as Graph Batch keeps the input item's fields (beside the object's ID, Meta's answer and metaRequest), as a failed item does. Off: only the ID, Meta's answer and metaRequest.",
				displayOptions: { show: { '/operation': [...WRITE_BY_ID, 'batch', 'replay'] } },
			},
			{
				displayName: 'Key Scope',
				name: 'keyScope',
				type: 'options',
				default: 'workflow',
				options: [
					{
						name: 'Workflow (Survives Re-Runs)',
						value: 'workflow',
						description: 'Workflow, node, item position, method, path and body: re-running an execution finds the writes that already succeeded',
					},
					{
						name: 'This Execution Only',
						value: 'execution',
						description: 'Also the execution ID: every execution writes anew, only retries within it share a key',
					},
				],
				description:
					'What a derived idempotency key is made of. The journal answers a create whose key succeeded within Remember Creates For from its record instead of sending it again.',
			},
			{
				displayName: 'Max Attempts',
				name: 'maxAttempts',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: 20 },
				default: 5,
				description: 'Attempts in total, the first included; only retryable failures are retried',
			},
			{
				// eslint-disable-next-line n8n-nodes-base/node-param-display-name-miscased -- ms is the unit's symbol (title case makes it Ms)
				displayName: 'Max Delay (ms)',
				name: 'maxDelayMs',
				type: 'number',
				typeOptions: { minValue: 0 },
				default: 60000,
				description: "Cap of a computed retry wait. A longer wait that Meta asks for is still honoured.",
			},
			{
				displayName: 'Max Pages',
				name: 'maxPages',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: 100,
				description: 'Pages read at most when listing an edge',
			},
			{
				displayName: 'Remember Creates For (Hours)',
				name: 'journalTtlHours',
				type: 'number',
				typeOptions: { minValue: 0.01, maxValue: 720 },
				default: 24,
				description: 'How long the write journal keeps a create that succeeded; within it the same key is answered from the journal, not sent',
			},
			{
				displayName: 'Retry Writes With Idempotency Key',
				name: 'retryWritesWithKey',
				type: 'boolean',
				default: false,
				description:
					'Whether to retry a write that creates something (Create, a WhatsApp message, a Conversions API event) after a failure that may have been applied (a 5xx, a gateway page, a connection lost after sending), reusing its idempotency key. Off: it ends on Failed as ambiguous_write. Updates, pauses and deletes are retried either way.',
			},
			{
				displayName: 'Send Edited Records',
				name: 'sendEditedRecords',
				type: 'boolean',
				default: false,
				description:
					"Whether to replay a record that was changed after Meta Request wrote it (a value you fixed by hand) or that another credential wrote. Off: such a record goes to Failed (REPLAY_UNVERIFIED), so nobody who can write to your dead-letter store can make this node call the API with your credential.",
				displayOptions: { show: { '/operation': ['replay'] } },
			},
			{
				// eslint-disable-next-line n8n-nodes-base/node-param-display-name-miscased -- ms is the unit's symbol (title case makes it Ms)
				displayName: 'Throttle Max Delay (ms)',
				name: 'throttleMaxDelayMs',
				type: 'number',
				typeOptions: { minValue: 0 },
				default: 60000,
				description: "Longest wait the pacing imposes between two calls on its own estimate. Meta's own wait hints (a blocked account's regain time) are always waited out in full.",
			},
			{
				displayName: 'Throttle Target (%)',
				name: 'throttleThreshold',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: 100 },
				default: 95,
				description: "Usage (highest of Meta's usage headers) that pacing levels off at. It learns from the headers what a call costs and how fast usage recovers, and spaces calls so usage stays at or under this; lower it to leave room for other apps on the same account.",
			},
			{
				// eslint-disable-next-line n8n-nodes-base/node-param-display-name-miscased -- ms is the unit's symbol (title case makes it Ms)
				displayName: 'Timeout (ms)',
				name: 'timeoutMs',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: 60000,
				description: 'Longest wait for the response headers, and for each part of the body',
			},
			{
				// eslint-disable-next-line n8n-nodes-base/node-param-display-name-miscased -- ms is the unit's symbol (title case makes it Ms)
				displayName: 'Total Time Budget (ms)',
				name: 'timeBudgetMs',
				type: 'number',
				typeOptions: { minValue: 0 },
				default: 300000,
				description: 'Time one item may take with all its retries and waits; no wait starts that would cross it',
			},
			{
				displayName: 'Validate Before Sending',
				name: 'validateBeforeSending',
				type: 'boolean',
				default: true,
				description:
					'Whether to check each write locally before it is sent: raw IDs (not objects or names), media types that match the file extension, complete carousel cards and WhatsApp templates, no authentication of its own; for Conversions events each event\'s time, action source, website fields, customer data and Limited Data Use flags. An item (or event) that fails is not sent and goes to Failed (category validation). Reads are not checked.',
				displayOptions: { show: { '/operation': ['create', 'update', 'delete', 'pause', 'sendEvents', 'batch', 'custom', 'replay'] } },
			},
		],
	},
];
