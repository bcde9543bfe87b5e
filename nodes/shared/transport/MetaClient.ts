// The Graph API client behind Meta Request and the Batch Status Poller: one call = resolve the URL
// on the credential's host, pass the circuit breaker and the throttle, send with undici, classify
// the answer, and retry what is retryable within the item's time budget. It never throws.
import type { Dispatcher } from 'undici';
import { classifyMetaError, parseUsageHeaders } from '../core';
import type { HeaderBag, MetaErrorInfo, MetaUsage } from '../core';
import { DEFAULT_RETRY_POLICY, retryDelay } from '../core/backoff';
import type { RetryPolicy } from '../core/backoff';
import { BreakerRegistry, DEFAULT_BREAKER_POLICY, pathTemplate } from '../core/breaker';
import type { BreakerPolicy } from '../core/breaker';
import { isWriteMethod } from '../core/idempotency';
import { DEFAULT_THROTTLE_POLICY, ThrottleRegistry } from '../core/throttle';
import type { ThrottlePolicy } from '../core/throttle';
import { poolFor } from './pool';
import { ForeignHostError, resolveMetaUrl } from './url';
import type { QueryValue, ResolvedUrl } from './url';

export interface MetaTimeouts {
	/** TCP + TLS connect, in ms. */
	connectMs: number;
	/** From sending the request to receiving the response headers, in ms. */
	headersMs: number;
	/** Longest pause between two body chunks, in ms. */
	bodyMs: number;
}

export const DEFAULT_TIMEOUTS: MetaTimeouts = { connectMs: 10_000, headersMs: 60_000, bodyMs: 60_000 };

export interface MetaClientOptions {
	/** The credential's base URL, e.g. `https://graph.facebook.com`. Tokens go to this origin only. */
	baseUrl: string;
	/** Prefixed to paths that carry no version, e.g. `v24.0`. */
	apiVersion: string;
	accessToken: string;
	/** When set, every request carries `appsecret_proof`. */
	appSecret?: string;
	timeouts?: Partial<MetaTimeouts>;
	retry?: Partial<RetryPolicy>;
	/** Proactive slow-down from usage headers; `false` turns it off. */
	throttle?: Partial<ThrottlePolicy> | false;
	breaker?: Partial<BreakerPolicy>;
	/** Defaults to the process-wide registry, shared by every client. */
	breakers?: BreakerRegistry;
	/** Defaults to the process-wide registry, shared by every client. */
	throttles?: ThrottleRegistry;
	/** Every wait goes through this (n8n's `sleep` in nodes, a recorder in tests). */
	sleep: (ms: number) => Promise<void>;
	now?: () => number;
	random?: () => number;
}

export interface MetaRequestOptions {
	method: string;
	/** `me`, `/act_1/ads`, `v24.0/123`, or a full URL on the credential's origin. */
	path: string;
	/** Added to the URL; objects and arrays are sent as JSON, as the Graph API expects. */
	query?: Record<string, QueryValue>;
	/** Sent as JSON. */
	body?: unknown;
	/** Sent as `Idempotency-Key` on writes (POST, PUT, PATCH, DELETE); the same on every retry. */
	idempotencyKey?: string;
	/** Retry a write after an ambiguous failure (it may have been applied). Default false. */
	retryWritesWithKey?: boolean;
	signal?: AbortSignal;
}

/** The request as it may be shown: no token, no `appsecret_proof`. */
export interface MetaRequestInfo {
	method: string;
	url: string;
}

/** Why a failed call was not retried (further). */
export type StopReason =
	| 'not_retryable'
	| 'max_attempts'
	| 'time_budget'
	| 'ambiguous_write'
	| 'circuit_open'
	| 'refused'
	| 'aborted';

interface Stats {
	/** Requests sent, over all retries (and pages). */
	attempts: number;
	/** Time spent waiting (backoff and throttle), in ms. */
	waitedMs: number;
	/** Usage reported by the last response that had usage headers. */
	usage?: MetaUsage;
	request: MetaRequestInfo;
}

export interface MetaSuccess extends Stats {
	ok: true;
	status: number;
	headers: HeaderBag;
	/** Parsed JSON; `{}` for an empty body. */
	body: unknown;
}

export interface MetaFailure extends Stats {
	ok: false;
	error: MetaErrorInfo;
	stopReason: StopReason;
}

export type MetaResult = MetaSuccess | MetaFailure;

export interface MetaPageOptions {
	/** Pages read at most (default 100). */
	maxPages?: number;
	/** Records returned at most (default: all). */
	maxRecords?: number;
}

export type MetaPageResult =
	| (Stats & {
			ok: true;
			records: unknown[];
			pages: number;
			/** True when a limit stopped the reading while Meta had more pages. */
			more: boolean;
	  })
	| (MetaFailure & { pages: number });

const processBreakers = new BreakerRegistry();
const processThrottles = new ThrottleRegistry();

/** One call's result before the retry decision. `ambiguous`: it may have been applied. */
type Outcome =
	| { ok: true; status: number; headers: HeaderBag; body: unknown; usage?: MetaUsage }
	| { ok: false; error: MetaErrorInfo; ambiguous: boolean; aborted: boolean; usage?: MetaUsage };

/** Transport failures that happen before any byte of the request left: always safe to retry. */
const NOT_SENT_CODES = new Set([
	'ECONNREFUSED',
	'ENOTFOUND',
	'EAI_AGAIN',
	'EHOSTUNREACH',
	'ENETUNREACH',
	'UND_ERR_CONNECT_TIMEOUT',
]);

function notSent(error: unknown): boolean {
	const code = (error as { code?: unknown } | null)?.code;
	return typeof code === 'string' && (NOT_SENT_CODES.has(code) || /CERT|TLS|SSL/.test(code));
}

function isObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function internalError(
	fields: Pick<MetaErrorInfo, 'category' | 'retryable' | 'action' | 'message' | 'meaning' | 'remedy'> &
		Partial<MetaErrorInfo>,
): MetaErrorInfo {
	return { source: 'internal', ...fields };
}

export class MetaClient {
	private readonly timeouts: MetaTimeouts;
	private readonly retry: RetryPolicy;
	private readonly throttle: ThrottlePolicy | undefined;
	private readonly breakerPolicy: BreakerPolicy;
	private readonly breakers: BreakerRegistry;
	private readonly throttles: ThrottleRegistry;
	private readonly now: () => number;
	private readonly random: () => number;
	/** Strings that must never leave the client: token, app secret and the proof derived from them. */
	private readonly secrets: string[];

	constructor(private readonly options: MetaClientOptions) {
		this.timeouts = { ...DEFAULT_TIMEOUTS, ...options.timeouts };
		this.retry = { ...DEFAULT_RETRY_POLICY, ...options.retry };
		this.throttle = options.throttle === false ? undefined : { ...DEFAULT_THROTTLE_POLICY, ...options.throttle };
		this.breakerPolicy = { ...DEFAULT_BREAKER_POLICY, ...options.breaker };
		this.breakers = options.breakers ?? processBreakers;
		this.throttles = options.throttles ?? processThrottles;
		this.now = options.now ?? Date.now;
		this.random = options.random ?? Math.random;
		const proof = options.appSecret ? resolveMetaUrl(options, 'me').url.searchParams.get('appsecret_proof') : null;
		this.secrets = [options.accessToken, options.appSecret, proof].filter(
			(secret): secret is string => typeof secret === 'string' && secret.length >= 6,
		);
	}

	/** One Graph API call with retries, throttling and the circuit breaker. Never throws. */
	async request(options: MetaRequestOptions): Promise<MetaResult> {
		const stats = this.newStats(options);
		return await this.call(options, stats, this.now());
	}

	/**
	 * Reads a list edge page by page through `paging.next` (same origin only), de-duplicating
	 * records by `id`. Fails as a whole when a page fails, so no record is silently missing.
	 */
	async paginate(options: MetaRequestOptions, limits: MetaPageOptions = {}): Promise<MetaPageResult> {
		const maxPages = limits.maxPages ?? 100;
		const maxRecords = limits.maxRecords ?? Infinity;
		const stats = this.newStats(options);
		const started = this.now();
		const records: unknown[] = [];
		const seenIds = new Set<string>();
		const visited = new Set<string>();
		let pages = 0;
		let next = options;
		for (;;) {
			const result = await this.call(next, stats, started);
			if (!result.ok) return { ...result, pages };
			pages++;
			const body = isObject(result.body) ? result.body : {};
			const data = Array.isArray(body.data) ? body.data : [result.body];
			for (const record of data) {
				const id = isObject(record) && record.id !== undefined ? String(record.id) : undefined;
				if (id !== undefined && seenIds.has(id)) continue;
				if (id !== undefined) seenIds.add(id);
				records.push(record);
			}
			visited.add(this.displayOf(next.path, next.query));
			const paging = isObject(body.paging) ? body.paging : {};
			const nextUrl = typeof paging.next === 'string' && paging.next ? paging.next : undefined;
			// A next link already read would loop: Meta's cursors never point back.
			const more = nextUrl !== undefined && !visited.has(this.displayOf(nextUrl));
			if (!more || pages >= maxPages || records.length >= maxRecords) {
				return {
					ok: true,
					records: records.slice(0, maxRecords),
					pages,
					more: more || records.length > maxRecords,
					...stats,
				};
			}
			next = { method: 'GET', path: nextUrl, signal: options.signal };
		}
	}

	private newStats(options: MetaRequestOptions): Stats {
		return { attempts: 0, waitedMs: 0, request: { method: options.method.toUpperCase(), url: '' } };
	}

	/** The display form of a URL, to recognise a `paging.next` already read; '' when refused. */
	private displayOf(path: string, query?: Record<string, QueryValue>): string {
		try {
			return resolveMetaUrl(this.options, path, query).display;
		} catch {
			return '';
		}
	}

	/** One request with its retries. `stats` accumulate (over pages); `started` anchors the budget. */
	private async call(options: MetaRequestOptions, stats: Stats, started: number): Promise<MetaResult> {
		const method = options.method.toUpperCase();
		let target: ResolvedUrl;
		try {
			target = resolveMetaUrl(this.options, options.path, options.query);
		} catch (error) {
			// Only the refused host is shown: the URL itself may carry someone's token.
			if (!stats.request.url) stats.request = { method, url: error instanceof ForeignHostError ? error.host : '' };
			return this.fail(stats, 'refused', this.refusedError(error));
		}
		// The first request names the call (a list shows its first page, not its last).
		if (!stats.request.url) stats.request = { method, url: target.display };
		const write = isWriteMethod(method);
		const breakerKey = `${target.url.origin}${pathTemplate(target.url.pathname)}`;
		const breaker = this.breakers.get(breakerKey, this.breakerPolicy);
		const throttleKey = `${target.url.origin}${/\/(act_\d+)(\/|$)/.exec(target.url.pathname)?.[1] ?? ''}`;

		for (let attempt = 1; ; attempt++) {
			if (options.signal?.aborted) return this.fail(stats, 'aborted', this.abortedError());
			const permit = breaker.acquire(this.now());
			if (!permit.allowed) {
				return this.fail(stats, 'circuit_open', this.circuitOpenError(breakerKey, permit.failures, permit.halfOpensAt));
			}
			if (this.throttle) {
				const wait = this.throttles.reserve(throttleKey, this.now());
				if (wait > 0 && this.now() - started + wait > this.retry.totalBudgetMs) {
					breaker.release(permit.trial);
					return this.fail(stats, 'time_budget', this.throttledError(wait, this.throttles.usage(throttleKey)));
				}
				await this.pause(wait, stats);
			}

			stats.attempts++;
			const outcome = await this.send(method, target, options, write);
			if (outcome.usage) stats.usage = outcome.usage;
			if (this.throttle) this.throttles.observe(throttleKey, outcome.usage, this.now(), this.throttle);
			if (outcome.ok) {
				breaker.record('success', this.now(), permit.trial);
				const { ok, status, headers, body } = outcome;
				return { ok, status, headers, body, ...stats };
			}
			if (outcome.aborted) {
				breaker.release(permit.trial);
				return this.fail(stats, 'aborted', outcome.error);
			}
			const { error } = outcome;
			const serverTrouble = error.category === 'server' || error.category === 'network';
			breaker.record(serverTrouble ? 'failure' : 'success', this.now(), permit.trial);

			if (!error.retryable) return this.fail(stats, 'not_retryable', error);
			if (write && outcome.ambiguous && !options.retryWritesWithKey) {
				return this.fail(stats, 'ambiguous_write', this.explainAmbiguous(error, method));
			}
			if (attempt >= this.retry.maxAttempts) return this.fail(stats, 'max_attempts', error);
			const delay = retryDelay(attempt - 1, this.retry, error.retryAfterMs, this.random);
			if (this.now() - started + delay > this.retry.totalBudgetMs) return this.fail(stats, 'time_budget', error);
			await this.pause(delay, stats);
		}
	}

	private async pause(ms: number, stats: Stats): Promise<void> {
		if (ms <= 0) return;
		await this.options.sleep(ms);
		stats.waitedMs += ms;
	}

	private fail(stats: Stats, stopReason: StopReason, error: MetaErrorInfo): MetaFailure {
		return { ok: false, error, stopReason, ...stats };
	}

	/** Sends once and reads the whole answer. Transport trouble becomes a classified outcome. */
	private async send(method: string, target: ResolvedUrl, options: MetaRequestOptions, write: boolean): Promise<Outcome> {
		const headers: Record<string, string> = {
			authorization: `Bearer ${this.options.accessToken}`,
			accept: 'application/json',
			'user-agent': 'n8n-nodes-meta-resilience',
		};
		if (write && options.idempotencyKey) headers['idempotency-key'] = options.idempotencyKey;
		let body: string | undefined;
		if (options.body !== undefined && method !== 'GET' && method !== 'HEAD') {
			body = JSON.stringify(options.body);
			headers['content-type'] = 'application/json';
		}

		let response: { status: number; headers: HeaderBag; text: string };
		const partial: { status?: number; headers?: HeaderBag } = {};
		try {
			response = await this.exchange(method, target, headers, body, options.signal, partial);
		} catch (error) {
			const aborted = options.signal?.aborted === true;
			const classified = aborted
				? this.abortedError()
				: classifyMetaError(error, { httpStatus: partial.status, headers: partial.headers, secrets: this.secrets });
			// A reset or timeout after connecting may hit a request the server already applied.
			return {
				ok: false,
				error: classified,
				ambiguous: !notSent(error),
				aborted,
				usage: partial.headers ? parseUsageHeaders(partial.headers) : undefined,
			};
		}

		const { status, headers: responseHeaders, text } = response;
		const usage = parseUsageHeaders(responseHeaders);
		const success = status >= 200 && status < 300;
		let parsed: unknown;
		try {
			parsed = text.trim() === '' ? {} : JSON.parse(text);
		} catch {
			const error = classifyMetaError(text, { httpStatus: status, headers: responseHeaders, secrets: this.secrets });
			// A 2xx whose body cannot be read was applied; any other status is an answer.
			return { ok: false, error, ambiguous: success, aborted: false, usage };
		}
		if (success) return { ok: true, status, headers: responseHeaders, body: parsed, usage };
		const error = classifyMetaError(parsed, { httpStatus: status, headers: responseHeaders, secrets: this.secrets });
		return { ok: false, error, ambiguous: false, aborted: false, usage };
	}

	/** The HTTP exchange itself; what arrived before a failure is left in `partial`. */
	private async exchange(
		method: string,
		target: ResolvedUrl,
		headers: Record<string, string>,
		body: string | undefined,
		signal: AbortSignal | undefined,
		partial: { status?: number; headers?: HeaderBag },
	): Promise<{ status: number; headers: HeaderBag; text: string }> {
		const pool = poolFor(target.url.origin, this.timeouts.connectMs);
		const response = await pool.request({
			method: method as Dispatcher.HttpMethod,
			path: `${target.url.pathname}${target.url.search}`,
			headers,
			body,
			signal,
			headersTimeout: this.timeouts.headersMs,
			bodyTimeout: this.timeouts.bodyMs,
		});
		partial.status = response.statusCode;
		partial.headers = response.headers as HeaderBag;
		const text = this.scrub(await response.body.text());
		return { status: response.statusCode, headers: partial.headers, text };
	}

	/** Removes the client's own secrets from a response text, should Meta ever echo them. */
	private scrub(text: string): string {
		return this.secrets.reduce((acc, secret) => (acc.includes(secret) ? acc.split(secret).join('[REDACTED]') : acc), text);
	}

	private explainAmbiguous(error: MetaErrorInfo, method: string): MetaErrorInfo {
		return {
			...error,
			action: 'escalate',
			message:
				`${error.message ?? 'The connection failed'} — the ${method} may have been applied; ` +
				'it was not retried to avoid a duplicate write.',
			remedy:
				'Check the object before retrying, or enable "Retry Writes With Idempotency Key" if the endpoint de-duplicates by that key.',
		};
	}

	private refusedError(error: unknown): MetaErrorInfo {
		const message =
			error instanceof ForeignHostError
				? error.message
				: `Invalid path or URL: ${error instanceof Error ? error.message : String(error)}`;
		return internalError({
			category: 'validation',
			retryable: false,
			action: 'dead_letter',
			code: error instanceof ForeignHostError ? 'FOREIGN_HOST' : 'INVALID_URL',
			message,
			meaning: 'The request was refused before sending: it does not point at the credential\'s Graph API host.',
			remedy: 'Use a path such as "act_123/ads" or a full URL on the credential\'s host.',
		});
	}

	private circuitOpenError(endpoint: string, failures: number, halfOpensAt: number): MetaErrorInfo {
		const inMs = Math.max(0, halfOpensAt - this.now());
		return internalError({
			category: 'server',
			retryable: true,
			action: 'retry',
			code: 'CIRCUIT_OPEN',
			retryAfterMs: inMs,
			message:
				`Circuit breaker open for ${endpoint} after ${failures} consecutive server or network failures; ` +
				`request not sent. It lets one trial request through in ${Math.ceil(inMs / 1000)} s ` +
				`(at ${new Date(halfOpensAt).toISOString()}).`,
			meaning: 'Meta kept failing on this endpoint, so calls fail fast for a while instead of adding load.',
			remedy: 'Retry after the cool-down; if it keeps opening, check Meta\'s status page.',
		});
	}

	private throttledError(waitMs: number, usage: MetaUsage | undefined): MetaErrorInfo {
		return internalError({
			category: 'rate_limit',
			retryable: true,
			action: 'retry',
			code: 'THROTTLED',
			retryAfterMs: waitMs,
			usage,
			message:
				`Usage is at ${usage?.maxPercent ?? '?'} %: the next call should wait ${Math.ceil(waitMs / 1000)} s, ` +
				'longer than the time budget left for this item; request not sent.',
			meaning: 'Meta reports the rate limit is nearly used up, so calls are being spaced out.',
			remedy: 'Retry later, or raise the total time budget or the throttle threshold.',
		});
	}

	private abortedError(): MetaErrorInfo {
		return internalError({
			category: 'network',
			retryable: true,
			action: 'retry',
			code: 'ABORTED',
			message: 'The request was cancelled (the execution was stopped).',
			meaning: 'The request was cancelled before Meta answered.',
			remedy: 'Run the workflow again.',
		});
	}
}
