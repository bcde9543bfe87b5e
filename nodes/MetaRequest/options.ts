// Meta Request's Options collection in one place: the fields the editor shows, the zod schema that
// reads them, their labels for messages, and the client settings they stand for.
import type { INodeProperties } from 'n8n-workflow';
import { z } from 'zod';

import { DEFAULT_BREAKER_POLICY, DEFAULT_JOURNAL_POLICY, DEFAULT_RETRY_POLICY, DEFAULT_THROTTLE_POLICY } from '../shared/core';
import { DEFAULT_TIMEOUTS } from '../shared/transport';
import type { MetaClientOptions } from '../shared/transport';
import { idText } from './fields';

/** Fields Meta Request writes on its output items besides the error. */
const NODE_FIELDS = ['metaRequest'];

export const optionsSchema = z.object({
	maxAttempts: z.number().int().min(1).max(20).default(DEFAULT_RETRY_POLICY.maxAttempts),
	baseDelayMs: z.number().min(0).default(DEFAULT_RETRY_POLICY.baseDelayMs),
	maxDelayMs: z.number().min(0).default(DEFAULT_RETRY_POLICY.maxDelayMs),
	timeBudgetMs: z.number().min(0).default(DEFAULT_RETRY_POLICY.totalBudgetMs),
	throttleThreshold: z.number().min(1).max(100).default(DEFAULT_THROTTLE_POLICY.thresholdPercent),
	throttleMaxDelayMs: z.number().min(0).default(DEFAULT_THROTTLE_POLICY.maxDelayMs),
	breakerThreshold: z.number().int().min(1).default(DEFAULT_BREAKER_POLICY.failureThreshold),
	breakerCoolDownMs: z.number().min(0).default(DEFAULT_BREAKER_POLICY.coolDownMs),
	timeoutMs: z.number().min(1).default(DEFAULT_TIMEOUTS.headersMs),
	concurrency: z.number().int().min(1).max(50).default(1),
	maxPages: z.number().int().min(1).default(100),
	idempotencyKey: idText('order-1234').pipe(z.string().trim().max(255, 'must be at most 255 characters')).default(''),
	retryWritesWithKey: z.boolean().default(false),
	includeInputFields: z.boolean().default(true),
	sendEditedRecords: z.boolean().default(false),
	validateBeforeSending: z.boolean().default(true),
	keyScope: z.enum(['workflow', 'execution']).default('workflow'),
	journalTtlHours: z.number().min(0.01).max(720).default(DEFAULT_JOURNAL_POLICY.ttlMs / 3_600_000),
	journalUnavailable: z.enum(['fail', 'send']).default(DEFAULT_JOURNAL_POLICY.whenUnavailable),
	errorField: z
		.string()
		.trim()
		.regex(/^[A-Za-z_$][\w$]*$/, 'must be a plain field name such as metaError')
		.refine((name) => !NODE_FIELDS.includes(name), {
			message: `must not be ${NODE_FIELDS.join(' or ')}: the node writes the call's details there, which would replace the error; keep metaError`,
		})
		.default('metaError'),
});
export type NodeOptions = z.infer<typeof optionsSchema>;

/** The defaults, for an item whose own options do not parse. */
export const DEFAULT_OPTIONS: NodeOptions = optionsSchema.parse({});

/** The client settings the node options stand for. */
export function clientSettings(options: NodeOptions): Pick<MetaClientOptions, 'retry' | 'throttle' | 'breaker' | 'timeouts' | 'journal'> {
	return {
		journal: { ttlMs: options.journalTtlHours * 3_600_000, whenUnavailable: options.journalUnavailable },
		retry: {
			maxAttempts: options.maxAttempts,
			baseDelayMs: options.baseDelayMs,
			maxDelayMs: options.maxDelayMs,
			totalBudgetMs: options.timeBudgetMs,
		},
		throttle: { thresholdPercent: options.throttleThreshold, maxDelayMs: options.throttleMaxDelayMs },
		breaker: { failureThreshold: options.breakerThreshold, coolDownMs: options.breakerCoolDownMs },
		timeouts: { headersMs: options.timeoutMs, bodyMs: options.timeoutMs },
	};
}

/** Which operations show the options that only some of them use (from the registry's flags). */
export interface OptionsShownFor {
	/** Operations whose success items keep the input's fields (Include Input Fields). */
	keepInputFields: string[];
	/** Operations that write (Validate Before Sending). */
	validate: string[];
	/** Operations that send records again (Send Edited Records). */
	replay: string[];
}

/** The Options collection, alphabetical as n8n lists them. */
export function optionsProperty(shownFor: OptionsShownFor): INodeProperties {
	return {
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
				displayOptions: { show: { '/operation': shownFor.keepInputFields } },
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
				description: 'Cap of a computed retry wait. A longer wait that Meta asks for is still honoured.',
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
					'Whether to replay a record that was changed after Meta Request wrote it (a value you fixed by hand) or that another credential wrote. Off: such a record goes to Failed (REPLAY_UNVERIFIED), so nobody who can write to your dead-letter store can make this node call the API with your credential.',
				displayOptions: { show: { '/operation': shownFor.replay } },
			},
			{
				// eslint-disable-next-line n8n-nodes-base/node-param-display-name-miscased -- ms is the unit's symbol (title case makes it Ms)
				displayName: 'Throttle Max Delay (ms)',
				name: 'throttleMaxDelayMs',
				type: 'number',
				typeOptions: { minValue: 0 },
				default: 60000,
				description:
					"Longest wait the pacing imposes between two calls on its own estimate. Meta's own wait hints (a blocked account's regain time) are always waited out in full.",
			},
			{
				displayName: 'Throttle Target (%)',
				name: 'throttleThreshold',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: 100 },
				default: 95,
				description:
					"Usage (highest of Meta's usage headers) that pacing levels off at. It learns from the headers what a call costs and how fast usage recovers, and spaces calls so usage stays at or under this; lower it to leave room for other apps on the same account.",
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
					"Whether to check each write locally before it is sent: raw IDs (not objects or names), media types that match the file extension, complete carousel cards and WhatsApp templates, no authentication of its own; for Conversions events each event's time, action source, website fields, customer data and Limited Data Use flags. An item (or event) that fails is not sent and goes to Failed (category validation). Reads are not checked.",
				displayOptions: { show: { '/operation': shownFor.validate } },
			},
		],
	};
}
