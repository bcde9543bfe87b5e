// Dead letters that can be sent again: the record a failed Meta Request item carries
// (`metaRequest.replay`: method, path, query, body, idempotency key, when it first failed) and the
// audit record (`recovery`) a replay adds. No n8n imports: the node reads and writes items, this
// module says what a record holds, what it must never hold, and what a replay did.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

import { z } from 'zod';
import { hasDotDotSegment, isObject } from '../util';
import { stableStringify } from './idempotency';

/** Query parameters and body fields the credential sets: never in a record. */
const CREDENTIAL_FIELDS = ['access_token', 'appsecret_proof'];
/** Headers that authenticate: never in a record (the credential sends its own). */
const AUTH_HEADERS = /^(authorization|proxy-authorization|x-api-key|api-key|apikey|x-access-token|cookie)$/i;
const VERSION = /^v\d+(\.\d+)?$/;

/** What a replay needs, as it rides on `metaRequest.replay`. Never a secret. */
export interface ReplayRecord {
	method: string;
	/**
	 * The Graph path without host and without the credential's API version (`act_123/ads`,
	 * `120210000000000001`), so a replay goes to the credential's current Base URL and version. A
	 * version the user wrote into a Custom API Call path on purpose (`v19.0/me`) is kept.
	 */
	path: string;
	query?: Record<string, unknown>;
	body?: unknown;
	/** Extra headers of a Custom API Call (authentication headers left out). */
	headers?: Record<string, string>;
	/** Writes: the key the first try was sent with; a replay sends the same one (the write journal knows it). */
	idempotencyKey?: string;
	/** What repeating this write would do; left out for reads and inferred writes. */
	writeKind?: 'idempotent' | 'create';
	/** A List Edge read: the replay follows `paging.next`, up to `limit` records when given. */
	list?: { limit?: number };
	/** When this request first failed (ISO time); kept over every replay. */
	failedAt: string;
	/** Refused before sending (Validate Before Sending): nothing was ever sent; fix the record, then replay. */
	notSent?: true;
	/**
	 * A create whose failure does not prove it was not applied (`ambiguous_write`). A replay sends it
	 * only when the write journal holds its key (and then answers from it, or refuses again); with
	 * no journal record it is refused: a second send could create a second object.
	 */
	mayBeApplied?: true;
	/**
	 * HMAC-SHA256 (hex) of everything above, keyed by the credential's secrets: proves the record
	 * is as Meta Request wrote it, so a record written or changed by someone else is not sent
	 * unless the replaying node is told to send edited records.
	 */
	signature?: string;
}

/** The key records are signed with: derived from the credential's token (and app secret), which only n8n holds. */
export function replaySigningKey(accessToken: string, appSecret?: string): Buffer {
	return createHash('sha256').update(`n8n-nodes-meta-resilience/replay-record\u0000${accessToken}\u0000${appSecret ?? ''}`).digest();
}

function recordMac(record: ReplayRecord, key: Buffer): string {
	const { signature: _previous, ...content } = record;
	return createHmac('sha256', key).update(stableStringify(content)).digest('hex');
}

/** The record with its signature. */
export function signReplayRecord(record: ReplayRecord, key: Buffer): ReplayRecord {
	return { ...record, signature: recordMac(record, key) };
}

/** Whether the record carries the signature this key gives it (unchanged since Meta Request wrote it). */
export function replayRecordSigned(record: ReplayRecord, key: Buffer): boolean {
	if (typeof record.signature !== 'string' || record.signature.length !== 64) return false;
	const expected = Buffer.from(recordMac(record, key), 'hex');
	const given = Buffer.from(record.signature, 'hex');
	return given.length === expected.length && timingSafeEqual(given, expected);
}

/** `recovery` on every item a Replay outputs. */
export interface RecoveryRecord {
	/** When the request first failed. */
	firstFailedAt: string;
	/** When this replay ran. */
	replayedAt: string;
	/** Requests sent in total: the original run's and every replay's. */
	attempts: number;
	/** Replays so far, this one included. */
	replays: number;
	/** `succeeded`: sent and accepted; `already_succeeded`: the write journal answered, nothing sent; `failed`. */
	outcome: 'succeeded' | 'already_succeeded' | 'failed';
}

const jsonObject = z.record(z.string(), z.unknown());

export const replayRecordSchema = z.object({
	method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE'], { error: 'must be GET, POST, PUT, PATCH or DELETE' }),
	path: z
		.string({ error: 'must be the Graph path as text, e.g. act_123/ads' })
		.trim()
		.min(1, 'is empty; give the Graph path, e.g. act_123/ads')
		.refine((path) => !hasDotDotSegment(path), 'climbs out of the Base URL (a ".." segment, written plainly or encoded): a record only goes where a Graph path goes, e.g. act_123/ads'),
	query: jsonObject.optional(),
	body: z.unknown().optional(),
	headers: z.record(z.string(), z.string()).optional(),
	idempotencyKey: z.string().trim().min(1, 'is empty').max(255, 'must be at most 255 characters').optional(),
	writeKind: z.enum(['idempotent', 'create']).optional(),
	list: z.object({ limit: z.number().int().min(1).optional() }).optional(),
	failedAt: z.iso.datetime({ error: 'must be an ISO time such as 2026-12-01T10:00:00.000Z' }),
	notSent: z.literal(true).optional(),
	mayBeApplied: z.literal(true).optional(),
	signature: z.string().optional(),
}).refine((record) => record.method === 'GET' || record.idempotencyKey !== undefined, {
	path: ['idempotencyKey'],
	message: 'is missing: a write is replayed with the key it was first sent with, so the write journal can recognise it',
});

export interface ReplaySource {
	method: string;
	/** The path as the client was given it: relative, with a version, or a full URL. */
	path: string;
	query?: Record<string, unknown>;
	body?: unknown;
	headers?: Record<string, string>;
	idempotencyKey?: string;
	writeKind?: 'idempotent' | 'create';
	list?: { limit?: number };
	notSent?: boolean;
	mayBeApplied?: boolean;
}

/** The credential's Base URL and version, which a record's path is made relative to. */
export interface ReplayBase {
	baseUrl: string;
	apiVersion: string;
}

const withoutCredentialFields = (value: Record<string, unknown>): Record<string, unknown> =>
	Object.fromEntries(Object.entries(value).filter(([name]) => !CREDENTIAL_FIELDS.includes(name)));

/**
 * `path` relative to the credential's Base URL and without its API version, plus the query
 * parameters a full URL or a path carried (`?fields=…`; never `access_token` / `appsecret_proof`).
 * A URL on another host is kept as given (without its query): a replay refuses it like the first try.
 */
export function relativeGraphPath(path: string, base: ReplayBase): { path: string; query: Record<string, string> } {
	const trimmed = path.trim();
	let parsed: URL;
	let baseUrl: URL;
	try {
		baseUrl = new URL(base.baseUrl);
		const absolute = /^[a-z][a-z0-9+.-]*:/i.test(trimmed) || trimmed.startsWith('//');
		parsed = new URL(absolute ? trimmed : `/${trimmed.replace(/^\/+/, '')}`, absolute ? baseUrl : 'http://relative.invalid');
		if (absolute && parsed.origin !== baseUrl.origin) return { path: trimmed.split(/[?#]/)[0], query: {} };
	} catch {
		return { path: trimmed.split(/[?#]/)[0], query: {} };
	}
	let segments = parsed.pathname.split('/').filter((segment) => segment !== '');
	const absolute = parsed.host !== 'relative.invalid';
	const prefix = baseUrl.pathname.split('/').filter((segment) => segment !== '');
	if (absolute && prefix.every((segment, index) => segments[index] === segment)) segments = segments.slice(prefix.length);
	// The credential's own version goes; another one written on purpose (v19.0/me) stays.
	if (segments[0] !== undefined && VERSION.test(segments[0]) && segments[0] === base.apiVersion) segments = segments.slice(1);
	const query: Record<string, string> = {};
	parsed.searchParams.forEach((value, name) => {
		if (!CREDENTIAL_FIELDS.includes(name)) query[name] = value;
	});
	// Kept encoded as sent: a decoded `%2F` would turn one segment into several (`ads%2F..%2Fadmin`).
	return { path: segments.join('/'), query };
}

/**
 * The record a failed request carries. Credential parameters (`access_token`, `appsecret_proof`)
 * are left out of the query and the body's top level, authentication headers out of the headers;
 * the node redacts the whole item with the credential's secrets afterwards, like everything else.
 */
export function buildReplayRecord(source: ReplaySource, base: ReplayBase, failedAt: number | string): ReplayRecord {
	const { path, query: fromPath } = relativeGraphPath(source.path, base);
	const query = withoutCredentialFields({ ...fromPath, ...(source.query ?? {}) });
	for (const [name, value] of Object.entries(query)) if (value === undefined) delete query[name];
	const headers = source.headers ? Object.fromEntries(Object.entries(source.headers).filter(([name]) => !AUTH_HEADERS.test(name))) : {};
	const body = isObject(source.body) ? withoutCredentialFields(source.body) : source.body;
	const record: ReplayRecord = {
		method: source.method.toUpperCase(),
		path,
		...(Object.keys(query).length > 0 ? { query } : {}),
		...(body !== undefined ? { body } : {}),
		...(Object.keys(headers).length > 0 ? { headers } : {}),
		...(source.idempotencyKey ? { idempotencyKey: source.idempotencyKey } : {}),
		...(source.writeKind ? { writeKind: source.writeKind } : {}),
		...(source.list ? { list: source.list } : {}),
		failedAt: typeof failedAt === 'string' ? failedAt : new Date(failedAt).toISOString(),
		...(source.notSent ? { notSent: true as const } : {}),
		...(source.mayBeApplied ? { mayBeApplied: true as const } : {}),
	};
	return record;
}

/** Field names as a message shows them. */
const FIELD_LABELS: Record<string, string> = { '': 'metaRequest.replay' };

/**
 * The record on an incoming item (`metaRequest.replay`), or a sentence naming what is missing or
 * wrong (never echoing values: a body may hold personal data).
 */
export function readReplayRecord(json: unknown, field = 'metaRequest'): { record: ReplayRecord } | { problem: string } {
	const holder = isObject(json) ? json[field] : undefined;
	const raw = isObject(holder) ? holder.replay : undefined;
	if (raw === undefined) {
		return {
			problem: `the item has no ${field}.replay: only items from a Meta Request Failed output (or stored from one) can be replayed; ${
				isObject(holder) ? `${field} is there but without replay (an item from n8n's error output, or from an older version of this node)` : `${field} is missing`
			}`,
		};
	}
	const parsed = replayRecordSchema.safeParse(raw);
	if (parsed.success) return { record: parsed.data as ReplayRecord };
	const problems = parsed.error.issues.map((issue) => {
		const where = issue.path.length > 0 ? `${field}.replay.${issue.path.join('.')}` : FIELD_LABELS[''];
		return issue.code === 'invalid_type' && issue.input === undefined ? `${where} is missing` : `${where} ${issue.message}`;
	});
	return { problem: `the item's ${field}.replay cannot be replayed: ${problems.join('; ')}` };
}

/** The audit record of a replay, continuing the item's earlier one (if it was replayed before). */
export function recoveryRecord(input: unknown, record: ReplayRecord, now: number, attempts: number, outcome: RecoveryRecord['outcome']): RecoveryRecord {
	const json = isObject(input) ? input : {};
	const earlier = isObject(json.recovery) ? json.recovery : undefined;
	const stats = isObject(json.metaRequest) ? json.metaRequest : undefined;
	const count = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : 0);
	// A replayed item's metaRequest.attempts is that replay's; its recovery.attempts already holds the total.
	const before = earlier ? count(earlier.attempts) : count(stats?.attempts);
	return {
		firstFailedAt: typeof earlier?.firstFailedAt === 'string' ? earlier.firstFailedAt : record.failedAt,
		replayedAt: new Date(now).toISOString(),
		attempts: before + count(attempts),
		replays: (earlier ? count(earlier.replays) : 0) + 1,
		outcome,
	};
}
