// Idempotency keys for writes: stable across retries of one item (and, by default, across re-runs
// of an execution), different for a different workflow, node, item, method, path or body, so a
// repeat can be recognised as the same write.
import { createHash } from 'node:crypto';

import type { MetaErrorInfo } from '../types';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** POST, PUT, PATCH, DELETE: calls that change something and carry an idempotency key. */
export function isWriteMethod(method: string): boolean {
	return !SAFE_METHODS.has(method.toUpperCase());
}

/**
 * What sending a call twice would do. `idempotent`: the second changes nothing more (setting an
 * object's fields, pausing, deleting). `create`: the second makes a second object (an ad, a
 * message, an event), so a failure that may have been applied must not be sent again blindly.
 */
export type WriteKind = 'idempotent' | 'create';

/**
 * The write kind a Graph call has by its shape: DELETE and `POST /{id}` (one path segment) are
 * idempotent; a POST to an edge (`/{parent}/{edge}`, `/{phone-number-id}/messages`,
 * `/{pixel-id}/events`) or to the root (batch) creates. `graphPath` is the path after the
 * credential's Base URL (a proxy's prefix such as `/api/v2` is not part of it), its API version
 * optional: the first segment counts as a version only there.
 */
export function inferWriteKind(method: string, graphPath: string): WriteKind {
	if (method.toUpperCase() === 'DELETE') return 'idempotent';
	return objectSegments(graphPath).length === 1 ? 'idempotent' : 'create';
}

/** The segments of a path after the Base URL, without a leading API version (`/v24.0/act_1/ads` → act_1, ads). */
function objectSegments(graphPath: string): string[] {
	const segments = graphPath.split('/').filter((segment) => segment !== '');
	return segments.length > 0 && /^v\d+(\.\d+)?$/.test(segments[0]) ? segments.slice(1) : segments;
}

/** The path of `url` after a Base URL's own path (`https://proxy.example/api/v2` → what follows `/api/v2`). */
export function pathAfterBase(url: URL, baseUrl: string): string {
	let base: string;
	try {
		base = new URL(baseUrl).pathname.replace(/\/+$/, '');
	} catch {
		return url.pathname;
	}
	return base && url.pathname.startsWith(`${base}/`) ? url.pathname.slice(base.length) : url.pathname;
}

/** What a write is, for the journal: method, path after the Base URL and version, query (no credentials) and body. */
export function requestDigest(method: string, graphPath: string, query: URLSearchParams, body: unknown): string {
	const params = [...query.entries()].filter(([name]) => name !== 'access_token' && name !== 'appsecret_proof').sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
	return createHash('sha256').update(stableStringify([method.toUpperCase(), objectSegments(graphPath).join('/'), params, body ?? null])).digest('hex');
}

/** JSON with object keys sorted, so equal bodies hash equally whatever their key order. */
export function stableStringify(value: unknown): string {
	if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
	if (value !== null && typeof value === 'object') {
		const entries = Object.entries(value as Record<string, unknown>)
			.filter(([, v]) => v !== undefined)
			.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
		return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableStringify(v)}`).join(',')}}`;
	}
	return JSON.stringify(value) ?? 'null';
}

export interface IdempotencyParts {
	workflowId: string;
	/** Given: the key is this execution's own (scope "This Execution Only"). Left out: a re-run finds the same key. */
	executionId?: string;
	nodeName: string;
	itemIndex: number;
	method: string;
	path: string;
	body?: unknown;
	query?: unknown;
}

/** The derived key: SHA-256 over workflow, execution (when given), node, item, method, path, query and body. */
export function deriveIdempotencyKey(parts: IdempotencyParts): string {
	const digest = createHash('sha256')
		.update(
			stableStringify([
				parts.workflowId,
				parts.executionId ?? null,
				parts.nodeName,
				parts.itemIndex,
				parts.method.toUpperCase(),
				parts.path,
				parts.query ?? null,
				parts.body ?? null,
			]),
		)
		.digest('hex');
	return `n8n-${digest.slice(0, 40)}`;
}

/**
 * Whether Meta's answer proves it applied nothing, so a create may be sent again: a rate limit, or
 * a refusal that explains itself. A 5xx, or a server, network or unknown error, proves nothing.
 */
export function provesNothingApplied(error: MetaErrorInfo, status: number): boolean {
	if (error.category === 'rate_limit' || status === 429) return true;
	if (status >= 500) return false;
	return error.category !== 'server' && error.category !== 'network' && error.category !== 'unknown';
}
