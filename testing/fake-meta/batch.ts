// The Graph Batch API (`POST /{version}/` with `batch`): the shape of sub-requests and of the
// parts of the answer. The server runs each sub-request through its own routes (server.ts, batch).

import { graphError, type GraphErrorSpec } from './errors';
import { formParams, type Answer } from './http';

/** Meta's limit of sub-requests in one batch call. */
export const MAX_BATCH_PARTS = 50;

/** What Meta answers a batch of more than 50 (the code is not documented; 100 as for any bad parameter). */
export const TOO_MANY_PARTS: GraphErrorSpec = {
	code: 100,
	errorType: 'GraphBatchException',
	message: `(#100) Too many requests in batch message. Maximum batch size is ${MAX_BATCH_PARTS}`,
};

export interface SubRequest {
	method: string;
	/** Version prefix included (the call's when the relative URL has none). */
	path: string;
	/** Without version. */
	graphPath: string;
	version: string;
	query: URLSearchParams;
	/** Form-encoded body, read like a form (JSON-looking values as JSON). */
	body?: Record<string, unknown>;
}

const VERSION = /^\/(v\d+(?:\.\d+)?)(?=\/|$)/;

/** The `batch` parameter: a list, or its JSON text (as a form field carries it). */
export function batchList(value: unknown): unknown[] | undefined {
	if (Array.isArray(value)) return value;
	if (typeof value !== 'string') return undefined;
	try {
		const parsed: unknown = JSON.parse(value);
		return Array.isArray(parsed) ? parsed : undefined;
	} catch {
		return undefined;
	}
}

/** One sub-request `{method, relative_url, body?}`, or a message saying what is wrong with it. */
export function subRequest(raw: unknown, callVersion: string): SubRequest | string {
	if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return '(#100) Each batch request must be an object with method and relative_url';
	const { method, relative_url: relativeUrl, body } = raw as Record<string, unknown>;
	if (typeof relativeUrl !== 'string' || relativeUrl.trim() === '') return '(#100) Missing relative_url in a batch request';
	const url = new URL(`/${relativeUrl.trim().replace(/^\/+/, '')}`, 'http://fake-meta');
	const version = VERSION.exec(url.pathname);
	const graphPath = (version ? url.pathname.slice(version[0].length) : url.pathname) || '/';
	const fields = typeof body === 'string' ? formParams(new URLSearchParams(body)) : isRecord(body) ? body : undefined;
	return {
		method: (typeof method === 'string' ? method : 'GET').toUpperCase(),
		path: version ? url.pathname : `/${callVersion}${graphPath === '/' ? '/' : graphPath}`,
		graphPath,
		version: version?.[1] ?? callVersion,
		query: url.searchParams,
		body: fields,
	};
}

/** A part of the answer: `{code, headers: [{name, value}], body}` with the body as JSON text. */
export function batchPart(answer: Answer, headers: Record<string, string> | undefined): { code: number; headers?: Array<{ name: string; value: string }>; body: string } {
	const text = answer.body === undefined ? '' : typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
	const all = headers ? { ...headers, ...answer.headers, 'Content-Type': typeof answer.body === 'string' ? 'text/html; charset=utf-8' : 'application/json; charset=UTF-8' } : undefined;
	return { code: answer.status, ...(all ? { headers: Object.entries(all).map(([name, value]) => ({ name, value })) } : {}), body: text };
}

/** A malformed sub-request's part. */
export function invalidPart(message: string, traceId: string) {
	const { status, body } = graphError({ code: 100, message }, traceId);
	return batchPart({ status, body }, undefined);
}

function isRecord(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}
