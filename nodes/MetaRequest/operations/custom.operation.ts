// Custom API Call: any method and path on the Graph API, through the same layers (retries,
// pacing, breaker, journal, redaction). Whether a write creates is inferred from the path after
// the Base URL unless Write Kind says it.
import { z } from 'zod';

import { defineOperation } from '../pipeline';
import { jsonBodyProperty, jsonObject, methodProperty, namedValuesProperty, rawJsonBody } from '../fields';
import type { PrevalidationRequest } from '../../shared/core';

export const customSchema = z.object({
	method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']),
	writeKind: z.enum(['auto', 'idempotent', 'create']).default('auto'),
	path: z.string().trim().min(1, 'is empty; give a path such as act_123/ads, or a full Graph URL'),
	jsonBody: jsonObject.optional(),
});

/** What Validate Before Sending checks of a call given by method and path (also each Graph batch part); a GET is not checked. */
export function checkCall(raw: Record<string, unknown>): PrevalidationRequest | undefined {
	const method = typeof raw.method === 'string' ? raw.method : 'GET';
	if (method === 'GET') return undefined;
	const headers = Array.isArray(raw.headers)
		? Object.fromEntries(raw.headers.filter(isEntry).map(({ name, value }) => [typeof name === 'string' ? name : String(name), value]))
		: undefined;
	return { method, path: typeof raw.path === 'string' ? raw.path : undefined, body: rawJsonBody(raw.jsonBody), headers };
}

const isEntry = (entry: unknown): entry is { name: unknown; value: unknown } => typeof entry === 'object' && entry !== null && 'name' in entry;

export const custom = defineOperation({
	value: 'custom',
	option: {
		name: 'Custom API Call',
		description: 'Any method and path on the Graph API, with the retries, throttling and redaction of this node',
		action: 'Make a custom API call',
	},
	properties: [
		methodProperty(customSchema.shape.method.options, 'GET'),
		{
			displayName: 'Path',
			name: 'path',
			type: 'string',
			required: true,
			default: '',
			placeholder: 'e.g. act_123/ads',
			description:
				"Path after the version (the credential's version is added), a path with a version (v24.0/me), or a full URL on the credential's host. Other hosts are refused so the token never leaves.",
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
			displayOptions: { show: { method: ['POST', 'PUT', 'PATCH', 'DELETE'] } },
		},
		jsonBodyProperty(undefined, { show: { method: ['POST', 'PUT', 'PATCH', 'DELETE'] } }),
		namedValuesProperty(
			'Headers',
			'headers',
			'Header',
			'Extra request headers, each name once. Not for authentication: the credential sends the token (Authorization: Bearer), and Validate Before Sending refuses Authorization, x-api-key and the like.',
		),
	],
	schema: customSchema,
	subtitle: 'shown("method") + " " + shown("path")',
	writes: true,
	headers: true,
	check: checkCall,
	request: (params, query, headers) => ({
		method: params.method,
		path: params.path,
		query,
		body: params.method === 'GET' ? undefined : params.jsonBody,
		...(Object.keys(headers).length > 0 ? { headers } : {}),
		// 'auto': the client infers it from the path it resolves
		writeKind: params.writeKind === 'auto' ? undefined : params.writeKind,
	}),
});
