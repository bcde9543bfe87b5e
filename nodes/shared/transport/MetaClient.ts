// The Graph API client behind Meta Request and the Batch Status Poller: one call = resolve the URL
// on the credential's host, pass the circuit breaker and the throttle, send with undici, classify
// the answer, and retry what is retryable within the item's time budget. It never throws.
import type { Dispatcher } from 'undici';
import { classifyMetaError, createRedactor, credentialSecrets, parseUsageHeaders } from '../core';
import type { HeaderBag, MetaErrorInfo, MetaUsage, Redactor, StopReason, WriteKind } from '../core';
export type { StopReason } from '../core';
import { DEFAULT_RETRY_POLICY, retryDelay } from '../core/resilience/backoff';
import type { RetryPolicy } from '../core/resilience/backoff';
import { BreakerRegistry, DEFAULT_BREAKER_POLICY, pathTemplate } from '../core/resilience/breaker';
import type { BreakerPolicy } from '../core/resilience/breaker';
import { inferWriteKind, isWriteMethod } from '../core/resilience/idempotency';
import { DEFAULT_THROTTLE_POLICY, ThrottleRegistry } from '../core/resilience/throttle';
import type { ThrottlePolicy } from '../core/resilience/throttle';
import { poolFor } from './pool';
import { ForeignHostError, resolveMetaUrl } from './url';
import type { QueryValue, ResolvedUrl } from './url';
import { isObject } from '../core/util';

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
	/** What repeating this write would do; inferred from the method and path when not given. */
	writeKind?: WriteKind;
	/** Retry a creating write after a failure that may have been applied. Default false. */
	retryWritesWithKey?: boolean;
	signal?: AbortSignal;
}

/** The request as it may be shown: no token, no `appsecret_proof`. */
export interface MetaRequestInfo {
	method: string;
	url: string;
}


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

/**
 * One call's result before the retry decision. `mayBeApplied`: the failure does not prove that
 * Meta did nothing. `local`: it failed on this side of the wire (nothing reached Meta, and the
 * circuit breaker must not count it). `stale`: a kept-alive connection was closed under it.
 */
type Outcome =
	| { ok: true; status: number; headers: HeaderBag; body: unknown; usage?: MetaUsage }
	| {
			ok: false;
			error: MetaErrorInfo;
			mayBeApplied: boolean;
			aborted: boolean;
			local?: boolean;
			stale?: boolean;
			usage?: MetaUsage;
	  };

/** Transport failures that happen before any byte of the request left: always safe to retry. */
const NOT_SENT_CODES = new Set([
	'ECONNREFUSED',
	'ENOTFOUND',
	'EAI_AGAIN',
	'EHOSTUNREACH',
	'ENETUNREACH',
	'UND_ERR_CONNECT_TIMEOUT',
]);

/** Errors raised by this process before anything is sent: a bad header value, a bad argument. */
const LOCAL_CODES = new Set([
	'UND_ERR_INVALID_ARG',
	'UND_ERR_NOT_SUPPORTED',
	'UND_ERR_REQ_CONTENT_LENGTH_MISMATCH',
	'ERR_INVALID_ARG_TYPE',
	'ERR_INVALID_ARG_VALUE',
	'ERR_INVALID_CHAR',
	'ERR_INVALID_HTTP_TOKEN',
	'ERR_INVALID_URL',
	'ERR_HTTP_INVALID_HEADER_VALUE',
]);

/** A kept-alive connection that the server closed as the request went out. */
const STALE_CODES = new Set(['UND_ERR_SOCKET', 'ECONNRESET', 'EPIPE']);

function errorCode(error: unknown): string | undefined {
	const code = (error as { code?: unknown } | null)?.code;
	return typeof code === 'string' ? code : undefined;
}

function notSent(code: string | undefined): boolean {
	return code !== undefined && (NOT_SENT_CODES.has(code) || /CERT|TLS|SSL/.test(code));
}

function isLocal(error: unknown, code: string | undefined): boolean {
	if (code !== undefined) return LOCAL_CODES.has(code);
	return error instanceof TypeError || error instanceof RangeError;
}

/**
 * Why a token cannot be sent in an `Authorization` header, or undefined when it can. Undici would
 * refuse it (UND_ERR_INVALID_ARG) on every try; the user has to paste it again.
 */
export function tokenProblem(token: string): string | undefined {
	if (/[\r\n]/.test(token)) return 'the access token contains a line break: paste it again, on one line';
	if (/[\s]/.test(token)) return 'the access token contains a space or a tab: paste it again, without spaces';
	if (/[\x00-\x1f\x7f]/.test(token)) return 'the access token contains a control character: paste it again';
	if (/[^\x21-\x7e]/.test(token)) {
		return 'the access token contains a character outside plain ASCII (a curly quote or an invisible character from copying): paste it again';
	}
	return undefined;
}

/** An answer that proves Meta applied nothing: a rate limit or a refusal that explains itself. */
function provesNothingApplied(error: MetaErrorInfo, status: number): boolean {
	if (error.category === 'rate_limit' || status === 429) return true;
	if (status >= 500) return false;
	return error.category !== 'server' && error.category !== 'network' && error.category !== 'unknown';
}

/** A 2xx whose body is a Graph error (`suppress_http_code=1`, some proxies): a failure all the same. */
function isErrorBody(body: unknown): boolean {
	return isObject(body) && isObject(body.error) && (body.error.code !== undefined || typeof body.error.message === 'string');
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
	private readonly redactor: Redactor;
	/** Set when the token cannot go into a header: every call fails at once, nothing is sent. */
	private readonly tokenProblem: string | undefined;

	constructor(private readonly options: MetaClientOptions) {
		this.timeouts = { ...DEFAULT_TIMEOUTS, ...options.timeouts };
		this.retry = { ...DEFAULT_RETRY_POLICY, ...options.retry };
		this.throttle = options.throttle === false ? undefined : { ...DEFAULT_THROTTLE_POLICY, ...options.throttle };
		this.breakerPolicy = { ...DEFAULT_BREAKER_POLICY, ...options.breaker };
		this.breakers = options.breakers ?? processBreakers;
		this.throttles = options.throttles ?? processThrottles;
		this.now = options.now ?? Date.now;
		this.random = options.random ?? Math.random;
		this.secrets = credentialSecrets(options);
		this.redactor = createRedactor(this.secrets);
		this.tokenProblem = tokenProblem(options.accessToken);
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
			if (!stats.request.url) stats.request = { method, url: error instanceof ForeignHostError ? this.redactor.text(error.host) : '' };
			return this.fail(stats, 'refused', this.refusedError(error));
		}
		// The first request names the call (a list shows its first page, not its last).
		if (!stats.request.url) stats.request = { method, url: this.redactor.text(target.display) };
		if (this.tokenProblem) return this.fail(stats, 'refused', this.invalidTokenError(this.tokenProblem));
		const write = isWriteMethod(method);
		const creates = write && (options.writeKind ?? inferWriteKind(method, target.url.pathname)) === 'create';
		const breakerKey = `${target.url.origin}${pathTemplate(target.url.pathname)}`;
		const breaker = this.breakers.get(breakerKey, this.breakerPolicy);
		const throttleKey = `${target.url.origin}${/\/(act_\d+)(\/|$)/.exec(target.url.pathname)?.[1] ?? ''}`;

		let replayedStale = false;
		/** An earlier attempt of this call failed in a way that may still have applied it. */
		let mayBeApplied = false;
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
			let outcome = await this.send(method, target, options, write);
			// A kept-alive connection the server closed as the request went out: once per call, at once
			// and beyond Max Attempts, a request that may be repeated goes out again on a fresh
			// connection. (A create is not: the server may have read it.)
			if (!outcome.ok && outcome.stale && !creates && !replayedStale && !options.signal?.aborted) {
				replayedStale = true;
				stats.attempts++;
				outcome = await this.send(method, target, options, write);
			}
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
			// A DELETE whose earlier attempt may have gone through finds nothing left: that is its success.
			if (method === 'DELETE' && mayBeApplied && error.category === 'not_found') {
				breaker.record('success', this.now(), permit.trial);
				return { ok: true, status: error.httpStatus ?? 200, headers: {}, body: { success: true, alreadyDeleted: true }, ...stats };
			}
			mayBeApplied ||= outcome.mayBeApplied;
			// Only Meta's answers and real network failures tell how the endpoint is doing.
			if (outcome.local) {
				breaker.release(permit.trial);
				return this.fail(stats, 'not_retryable', error);
			}
			const serverTrouble = error.category === 'server' || error.category === 'network';
			breaker.record(serverTrouble ? 'failure' : 'success', this.now(), permit.trial);

			if (!error.retryable) return this.fail(stats, 'not_retryable', error);
			if (creates && outcome.mayBeApplied && !options.retryWritesWithKey) {
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
			const code = errorCode(error);
			const local = !aborted && isLocal(error, code);
			const classified = aborted
				? this.abortedError()
				: local
					? this.notSentError(error)
					: classifyMetaError(error, { httpStatus: partial.status, headers: partial.headers, secrets: this.secrets });
			return {
				ok: false,
				error: classified,
				// A reset or timeout after connecting may hit a request the server already applied.
				mayBeApplied: !local && !notSent(code),
				aborted,
				local,
				stale: partial.status === undefined && code !== undefined && STALE_CODES.has(code),
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
			const location = responseHeaders.location;
			// A redirect (`/{id}/picture` answers 302 to the CDN) is an answer: it is not followed,
			// so the token never goes to another host, and the item gets where it points.
			if (status >= 300 && status < 400) return { ok: true, status, headers: responseHeaders, body: { location }, usage };
			const error = classifyMetaError(text, { httpStatus: status, headers: responseHeaders, secrets: this.secrets });
			// A 2xx whose body cannot be read was applied; a gateway page (5xx) does not say it was not.
			return { ok: false, error, mayBeApplied: success || status >= 500, aborted: false, usage };
		}
		if ((success && !isErrorBody(parsed)) || (status >= 300 && status < 400)) {
			const location = responseHeaders.location;
			const answer = location !== undefined && isObject(parsed) ? { ...parsed, location } : parsed;
			return { ok: true, status, headers: responseHeaders, body: answer, usage };
		}
		const error = classifyMetaError(parsed, { httpStatus: status, headers: responseHeaders, secrets: this.secrets });
		return { ok: false, error, mayBeApplied: !provesNothingApplied(error, status), aborted: false, usage };
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
		const text = await response.body.text();
		return { status: response.statusCode, headers: partial.headers, text };
	}

	private explainAmbiguous(error: MetaErrorInfo, method: string): MetaErrorInfo {
		const answer =
			error.category === 'network' || error.httpStatus === undefined
				? 'the connection broke or timed out'
				: `Meta answered HTTP ${error.httpStatus}`;
		return {
			...error,
			action: 'escalate',
			message:
				`${error.message ?? 'The request failed'} — ${answer} after this ${method} was sent, so it may have been ` +
				'applied; it was not sent again, to avoid creating a second object.',
			remedy:
				'Check on Meta whether the object exists (list the edge and look for its name or creation time; for a message or ' +
				'an event, its recipient and time) before sending it again. Turn on "Retry Writes With Idempotency Key" only ' +
				'if the endpoint de-duplicates by that key.',
		};
	}

	private invalidTokenError(problem: string): MetaErrorInfo {
		return internalError({
			category: 'auth',
			retryable: false,
			action: 'escalate',
			code: 'INVALID_TOKEN_FORMAT',
			message: `Meta Graph API credential: ${problem}. Nothing was sent.`,
			meaning: 'The access token in the credential cannot be sent in an HTTP header, so no request can reach Meta.',
			remedy: 'Open the Meta Graph API credential, paste the access token again (one line, no spaces) and save it.',
		});
	}

	private notSentError(error: unknown): MetaErrorInfo {
		const detail = this.redactor.text(error instanceof Error ? error.message : String(error));
		return internalError({
			category: 'validation',
			retryable: false,
			action: 'dead_letter',
			code: 'REQUEST_NOT_SENT',
			message: `The request could not be sent: ${detail}`,
			meaning: 'The request was refused on this side before it left (an invalid header or argument); Meta saw nothing.',
			remedy: 'Check the parameters and the credential for characters that cannot be sent, then run it again.',
		});
	}

	private refusedError(error: unknown): MetaErrorInfo {
		const message = this.redactor.text(
			error instanceof ForeignHostError
				? error.message
				: `Invalid path or URL: ${error instanceof Error ? error.message : String(error)}`,
		);
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
