// What several Meta Request operations share: the zod schemas of their common parameters and the
// editor fields that carry them. An operation's own file composes these; none of this knows which
// operation it serves (the registry adds `displayOptions.show.operation`).
import type { INodeProperties } from 'n8n-workflow';
import { z } from 'zod';

import { AUTH_HEADERS, refusedHeader } from '../shared/core';
import type { PrevalidationRequest } from '../shared/core';
import type { QueryValue } from '../shared/transport';

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

export const objectId = idText('120210000000000').pipe(
	z
		.string()
		.trim()
		.min(1, 'is empty; give an ID such as 120210000000000, act_123 or me')
		.regex(/^[A-Za-z0-9_.:-]*$/, 'must be a single ID (letters, digits, _ . : -), not a path or a URL'),
);

export const edge = z
	.string()
	.trim()
	.min(1, 'is empty; give an edge such as ads, campaigns or insights')
	.regex(/^[A-Za-z0-9_]*$/, 'must be an edge name such as ads or insights, not a path');

export const fields = z.string().trim().default('');

/** A JSON Body parameter: n8n hands over a string as typed, or an object from an expression. */
export const jsonObject = z.preprocess(
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

/** A JSON Body as typed, for Validate Before Sending (which runs before zod): undefined when it is no JSON yet. */
export function rawJsonBody(value: unknown): unknown {
	if (typeof value !== 'string') return value;
	try {
		return JSON.parse(value) as unknown;
	} catch {
		return undefined;
	}
}

/** What Validate Before Sending checks of a write to one object by ID, from its raw parameters. */
export const writeToObject =
	(method: 'POST' | 'DELETE', withBody: boolean) =>
	(raw: Record<string, unknown>): PrevalidationRequest => ({ method, objectId: raw.objectId, body: withBody ? rawJsonBody(raw.jsonBody) : undefined });

export const objectIdProperty = (description: string): INodeProperties => ({
	displayName: 'Object ID',
	name: 'objectId',
	type: 'string',
	required: true,
	default: '',
	placeholder: 'e.g. 120210000000000 or act_123',
	description,
});

export const edgeProperty: INodeProperties = {
	displayName: 'Edge',
	name: 'edge',
	type: 'string',
	required: true,
	default: '',
	placeholder: 'e.g. ads',
	description: 'Edge name, e.g. ads, adsets, campaigns, insights',
};

export const fieldsProperty: INodeProperties = {
	displayName: 'Fields',
	name: 'fields',
	type: 'string',
	default: '',
	placeholder: 'e.g. id,name,status',
	description: 'Comma-separated fields to read; empty for the default fields',
};

export const jsonBodyProperty = (description = 'Fields to send, as a JSON object', displayOptions?: INodeProperties['displayOptions']): INodeProperties => ({
	displayName: 'JSON Body',
	name: 'jsonBody',
	type: 'json',
	default: '{}',
	description,
	...(displayOptions ? { displayOptions } : {}),
});

/** The Method of a request given by method and path (Custom API Call, each Graph batch part). */
export const methodProperty = (methods: readonly string[], defaultMethod: string, description?: string): INodeProperties => ({
	displayName: 'Method',
	name: 'method',
	type: 'options',
	default: defaultMethod,
	...(description ? { description } : {}),
	options: [...methods].sort().map((method) => ({ name: method, value: method })),
});

/** A list of name and value pairs (Query Parameters, Headers). */
export const namedValuesProperty = (displayName: string, name: string, entry: string, description: string): INodeProperties => ({
	displayName,
	name,
	type: 'fixedCollection',
	typeOptions: { multipleValues: true },
	default: {},
	placeholder: `Add ${entry}`,
	description,
	options: [
		{
			displayName: entry,
			name: entry.toLowerCase(),
			values: [
				{ displayName: 'Name', name: 'name', type: 'string', default: '' },
				{ displayName: 'Value', name: 'value', type: 'string', default: '' },
			],
		},
	],
});

export const queryParametersProperty = namedValuesProperty(
	'Query Parameters',
	'queryParameters',
	'Parameter',
	'Sent in the URL, each name once. Objects and arrays (from expressions) are sent as JSON, as Meta expects; an empty value is sent empty; an expression that gives undefined leaves the parameter out; null is refused.',
);
