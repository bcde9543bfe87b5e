// Meta Request's parameters, validated per item with zod, turned into the MetaClient call to make.
// No n8n imports: the node reads raw values, this module says what they mean or what is wrong.
import { z } from 'zod';
import { DEFAULT_BREAKER_POLICY, DEFAULT_JOURNAL_POLICY, DEFAULT_RETRY_POLICY, DEFAULT_THROTTLE_POLICY } from '../shared/core';
import { DEFAULT_TIMEOUTS } from '../shared/transport';
import type { MetaClientOptions, MetaRequestOptions, QueryValue } from '../shared/transport';
import type { PrevalidationRequest } from '../shared/core';
import { AUTH_HEADERS, eventList, prepareEvent, refusedHeader, withEventIds } from '../shared/core';

export const OPERATIONS = ['getObject', 'listEdge', 'create', 'update', 'delete', 'pause', 'sendEvents', 'replay', 'custom'] as const;
export type Operation = (typeof OPERATIONS)[number];
/** Operations that change one object by ID: their success items carry its ID and, by default, the input's fields. */
export const WRITE_BY_ID: readonly Operation[] = ['update', 'delete', 'pause'];

/**
 * Text, or a number from an expression such as {{ $json.adId }}: a number is accepted while it is
 * exact (a safe integer ≥ 0) and becomes its decimal text. Graph IDs are longer than 2^53, so a
 * larger number has already lost its last digits before the node sees it: refused, never rounded.
 */
export const idText = (example: string) =>
	z.union([z.string(), z.number()], { error: `must be an ID as text, e.g. ${example}` }).transform((value, ctx) => {
		if (typeof value === 'string') return value;
		if (Number.isSafeInteger(value) && value >= 0) return String(value);
		ctx.addIssue({
			code: 'custom',
			message:
				Number.isInteger(value) && value > 0
					? 'is a number larger than 2^53, so its last digits are already lost; keep the ID as text where it comes from (Meta sends IDs as strings; String() in an expression is too late)'
					: `is a number that is not an ID (negative or not whole); give the ID as text, e.g. ${example}`,
		});
		return z.NEVER;
	});

const objectId = idText('120210000000000').pipe(
	z
		.string()
		.trim()
		.min(1, 'is empty; give an ID such as 120210000000000, act_123 or me')
		.regex(/^[A-Za-z0-9_.:-]*$/, 'must be a single ID (letters, digits, _ . : -), not a path or a URL'),
);
const edge = z
	.string()
	.trim()
	.min(1, 'is empty; give an edge such as ads, campaigns or insights')
	.regex(/^[A-Za-z0-9_]*$/, 'must be an edge name such as ads or insights, not a path');

/** A JSON Body parameter: n8n hands over a string as typed, or an object from an expression. */
const jsonObject = z.preprocess(
	(value) => {
		if (typeof value !== 'string') return value;
		if (value.trim() === '') return {};
		try {
			return JSON.parse(value) as unknown;
		} catch (error) {
			return { __invalidJson: (error as Error).message };
		}
	},
	z
		.record(z.string(), z.unknown())
		.refine((value) => !('__invalidJson' in value), {
			message: 'is not valid JSON; write an object such as {"name": "My ad", "status": "PAUSED"}',
		}),
);

/** Conversions API events: the list, `{ data: [...] }`, or JSON text of either (see eventList). */
const conversionEvents = z.unknown().transform((value, ctx) => {
	const events = eventList(value);
	if (typeof events !== 'string') return events;
	ctx.addIssue({ code: 'custom', message: events });
	return z.NEVER;
});

export const itemParamsSchema = z.discriminatedUnion('operation', [
	z.object({ operation: z.literal('getObject'), objectId, fields: z.string().trim().default('') }),
	z.object({
		operation: z.literal('listEdge'),
		objectId,
		edge,
		fields: z.string().trim().default(''),
		returnAll: z.boolean().default(false),
		limit: z.number().int().min(1, 'must be at least 1').default(50),
	}),
	z.object({ operation: z.literal('create'), objectId, edge, jsonBody: jsonObject }),
	z.object({ operation: z.literal('update'), objectId, jsonBody: jsonObject }),
	z.object({ operation: z.literal('delete'), objectId }),
	z.object({ operation: z.literal('pause'), objectId }),
	z.object({
		operation: z.literal('sendEvents'),
		objectId,
		events: conversionEvents,
		testEventCode: z.string().trim().default(''),
		hashCustomerData: z.boolean().default(true),
	}),
	// Replay Failed Items: the request comes from each item's metaRequest.replay (see replay.ts).
	z.object({ operation: z.literal('replay') }),
	z.object({
		operation: z.literal('custom'),
		method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']),
		writeKind: z.enum(['auto', 'idempotent', 'create']).default('auto'),
		path: z.string().trim().min(1, 'is empty; give a path such as act_123/ads, or a full Graph URL'),
		jsonBody: jsonObject.optional(),
	}),
]);
export type ItemParams = z.infer<typeof itemParamsSchema>;

/** Query parameters the credential sets; the URL builder drops them from anything else. */
const CREDENTIAL_QUERY = ['access_token', 'appsecret_proof'];

/**
 * Query Parameters → the query object. A value resolving to null is refused (it used to vanish
 * from the URL); undefined (an expression that gives nothing) leaves the parameter out; an empty
 * text is sent empty (`name=`). A name given twice, or one the credential sets, is refused.
 */
export const queryParamsSchema = z
	.array(z.object({ name: z.unknown(), value: z.unknown() }), { error: 'must be a list of name and value pairs' })
	.default([])
	.transform((entries, ctx) => {
		const query: Record<string, QueryValue> = {};
		const issue = (message: string, name?: string) =>
			ctx.addIssue({ code: 'custom', path: name === undefined ? ['queryParameters'] : ['queryParameters', name], message });
		entries.forEach(({ name: raw, value }, position) => {
			const name = typeof raw === 'string' ? raw.trim() : typeof raw === 'number' ? String(raw) : '';
			if (name === '') return issue(`parameter ${position + 1} has no name`);
			if (CREDENTIAL_QUERY.includes(name)) return issue('is set by the credential; remove this parameter', name);
			if (Object.prototype.hasOwnProperty.call(query, name)) {
				return issue('is given more than once; give each parameter once (for a list, one value holding a JSON array such as ["a","b"])', name);
			}
			if (value === null) return issue('resolved to null; remove the parameter or give it a value', name);
			query[name] = value as QueryValue;
		});
		return query;
	});

/** A header name as HTTP allows it (a token). */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/**
 * Headers (Custom API Call) → name → value. A name that is not a header name, given twice (in
 * any letter case) or set by the node, and a value resolving to null, are refused; an expression
 * that gives undefined leaves the header out; numbers and booleans are sent as text.
 */
export const headersSchema = z
	.array(z.object({ name: z.unknown(), value: z.unknown() }), { error: 'must be a list of name and value pairs' })
	.default([])
	.transform((entries, ctx) => {
		const headers: Record<string, string> = {};
		const seen = new Set<string>();
		const issue = (message: string, name?: string) => ctx.addIssue({ code: 'custom', path: name === undefined ? ['headers'] : ['headers', name], message });
		entries.forEach(({ name: raw, value }, position) => {
			const name = typeof raw === 'string' ? raw.trim() : '';
			if (name === '') return issue(`header ${position + 1} has no name`);
			if (!HEADER_NAME.test(name)) return issue('is not a header name (letters, digits and - only, no spaces or colons)', name);
			const lower = name.toLowerCase();
			// Authentication headers are Validate Before Sending's to explain (VALIDATION_AUTH_HEADER); the client refuses them anyway.
			const refused = AUTH_HEADERS.includes(lower) ? undefined : refusedHeader(lower);
			if (refused) return issue(refused, name);
			if (seen.has(lower)) return issue('is given more than once; give each header once', name);
			seen.add(lower);
			if (value === undefined) return;
			if (value === null) return issue('resolved to null; remove the header or give it a value', name);
			if (typeof value === 'object') return issue('is an object or a list; a header value is text', name);
			headers[name] = String(value);
		});
		return headers;
	});

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

/** Parameter names as the user sees them in the node, for messages (which never echo values: a pasted URL may hold a token). */
export const PARAMETER_LABELS: Record<string, string> = {
	objectId: 'Object ID',
	edge: 'Edge',
	jsonBody: 'JSON Body',
	path: 'Path',
	method: 'Method',
	writeKind: 'Write Kind',
	limit: 'Limit',
	fields: 'Fields',
	returnAll: 'Return All',
	maxAttempts: 'Max Attempts',
	baseDelayMs: 'Base Delay (ms)',
	maxDelayMs: 'Max Delay (ms)',
	timeBudgetMs: 'Total Time Budget (ms)',
	throttleThreshold: 'Throttle Target (%)',
	throttleMaxDelayMs: 'Throttle Max Delay (ms)',
	breakerThreshold: 'Circuit Breaker Threshold',
	breakerCoolDownMs: 'Circuit Breaker Cool-Down (ms)',
	timeoutMs: 'Timeout (ms)',
	concurrency: 'Concurrency',
	maxPages: 'Max Pages',
	idempotencyKey: 'Idempotency Key',
	retryWritesWithKey: 'Retry Writes With Idempotency Key',
	includeInputFields: 'Include Input Fields',
	sendEditedRecords: 'Send Edited Records',
	validateBeforeSending: 'Validate Before Sending',
	keyScope: 'Key Scope',
	journalTtlHours: 'Remember Creates For (Hours)',
	journalUnavailable: 'If Redis Is Unreachable',
	events: 'Events',
	testEventCode: 'Test Event Code',
	hashCustomerData: 'Hash Customer Data',
	errorField: 'Error Field',
	queryParameters: 'Query Parameters',
	headers: 'Headers',
};

/** The call an item's parameters stand for. List edges are read with `MetaClient.paginate`. */
export function buildRequest(params: ItemParams, query: Record<string, QueryValue>, headers: Record<string, string> = {}): MetaRequestOptions {
	const withFields = (fields: string) => (fields ? { fields, ...query } : query);
	switch (params.operation) {
		case 'getObject':
			return { method: 'GET', path: params.objectId, query: withFields(params.fields) };
		case 'listEdge': {
			const pageSize = params.returnAll ? {} : { limit: Math.min(params.limit, 100) };
			return { method: 'GET', path: `${params.objectId}/${params.edge}`, query: { ...pageSize, ...withFields(params.fields) } };
		}
		case 'create':
			return { method: 'POST', path: `${params.objectId}/${params.edge}`, query, body: params.jsonBody, writeKind: 'create' };
		case 'update':
			return { method: 'POST', path: params.objectId, query, body: params.jsonBody, writeKind: 'idempotent' };
		case 'delete':
			return { method: 'DELETE', path: params.objectId, query, writeKind: 'idempotent' };
		case 'pause':
			return { method: 'POST', path: params.objectId, query, body: { status: 'PAUSED' }, writeKind: 'idempotent' };
		case 'sendEvents':
			// Every event with an event_id: Meta counts an event sent twice once (event_id + event_name).
			// Customer data normalized and hashed as it will be sent: the key is derived from what Meta gets.
			return {
				method: 'POST',
				path: `${params.objectId}/events`,
				query,
				body: eventsBody(
					withEventIds(params.objectId, params.events).events.map((event) => prepareEvent(event, params.hashCustomerData).event),
					params.testEventCode,
				),
				writeKind: 'create',
			};
		case 'replay':
			// Its request comes from the item's metaRequest.replay (prepareReplay in replay.ts), not from parameters.
			throw new Error('Replay Failed Items takes its request from each item, not from parameters');
		case 'custom':
			return {
				method: params.method,
				path: params.path,
				query,
				body: params.method === 'GET' ? undefined : params.jsonBody,
				...(Object.keys(headers).length > 0 ? { headers } : {}),
				// 'auto': the client infers it from the path it resolves
				writeKind: params.writeKind === 'auto' ? undefined : params.writeKind,
			};
	}
}

/** The body of a Conversions API send. */
export function eventsBody(events: unknown[], testEventCode: string): Record<string, unknown> {
	return testEventCode ? { data: events, test_event_code: testEventCode } : { data: events };
}

/** The client settings the node options stand for. */
export function clientSettings(
	options: NodeOptions,
): Pick<MetaClientOptions, 'retry' | 'throttle' | 'breaker' | 'timeouts' | 'journal'> {
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

/** Operations that write, whose items "Validate Before Sending" checks (Custom API Call: any method but GET). */
const CHECKED_WRITES: readonly string[] = ['create', 'update', 'delete', 'pause'];

/**
 * What "Validate Before Sending" checks for an item, from its raw parameters (before zod: an
 * object given as Object ID must reach the raw-ID rule, not stop the node), or undefined for a
 * read. A JSON Body that is not JSON yet is left to the parameter check.
 */
export function prevalidationRequest(raw: Record<string, unknown>): PrevalidationRequest | undefined {
	const operation = raw.operation;
	const body = (() => {
		if (typeof raw.jsonBody !== 'string') return raw.jsonBody;
		try {
			return JSON.parse(raw.jsonBody) as unknown;
		} catch {
			return undefined;
		}
	})();
	if (operation === 'custom') {
		const method = typeof raw.method === 'string' ? raw.method : 'GET';
		if (method === 'GET') return undefined;
		const headers = Array.isArray(raw.headers)
			? Object.fromEntries(raw.headers.filter(isEntry).map(({ name, value }) => [typeof name === 'string' ? name : String(name), value]))
			: undefined;
		return { method, path: typeof raw.path === 'string' ? raw.path : undefined, body, headers };
	}
	if (typeof operation !== 'string' || !CHECKED_WRITES.includes(operation)) return undefined;
	return {
		method: operation === 'delete' ? 'DELETE' : 'POST',
		objectId: raw.objectId,
		body: operation === 'create' || operation === 'update' ? body : undefined,
	};
}

const isEntry = (entry: unknown): entry is { name: unknown; value: unknown } => typeof entry === 'object' && entry !== null && 'name' in entry;
