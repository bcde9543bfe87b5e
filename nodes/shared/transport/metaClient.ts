// The Graph API client behind Meta Request and the Batch Status Poller: HTTP and paging. One call =
// resolve the URL on the credential's host, then one attempt through the resilience layers (see
// `layers` below: write journal, retry, circuit breaker, throttle, stale connection), each sending
// with undici and reading the answer into an outcome the layers understand. It never throws.
import type { Dispatcher } from 'undici';
import { classifyMetaError, createRedactor, credentialSecrets, firstRefusedHeader, internalErrors, parseUsageHeaders, tokenProblem } from '../core';
import type { HeaderBag, MetaErrorInfo, MetaUsage, Redactor, StopReason, WriteKind } from '../core';
export type { StopReason } from '../core';
import { compose, staleConnectionLayer, type Call, type CallStats, type Layer, type Outcome } from '../core/resilience/attempt';
import { breakerLayer, DEFAULT_BREAKER_POLICY } from '../core/resilience/breaker';
import type { BreakerPolicy } from '../core/resilience/breaker';
import { inferWriteKind, isWriteMethod, pathAfterBase, provesNothingApplied, requestDigest } from '../core/resilience/idempotency';
import { DEFAULT_RETRY_POLICY, retryLayer } from '../core/resilience/retry';
import type { RetryPolicy } from '../core/resilience/retry';
import { DEFAULT_THROTTLE_POLICY, throttleLayer } from '../core/resilience/throttle';
import type { ThrottlePolicy } from '../core/resilience/throttle';
import { DEFAULT_JOURNAL_POLICY, journalLayer } from '../core/resilience/journal';
import type { JournalPolicy } from '../core/resilience/journal';
import { WHATSAPP_THROUGHPUT_FIELDS } from '../core/resilience/throughput';
import { processStore } from '../core/state/memory';
import type { StateStore } from '../core/state/store';
import { poolFor } from './pool';
import { ForeignHostError, PathOutsideBaseError, resolveMetaUrl } from './url';
import type { QueryValue, ResolvedUrl } from './url';
import { nextWindowWanted, pagingKind } from '../core/paging';
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
	journal?: Partial<JournalPolicy>;
	/** Where pacing, breakers and the write journal live; defaults to this process's memory store. */
	store?: StateStore;
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
	/** Extra request headers (Custom API Call). The client's own (Authorization, Idempotency-Key, Content-Type…) win. */
	headers?: Record<string, string>;
	/** Sent as `Idempotency-Key` on writes (POST, PUT, PATCH, DELETE); the same on every retry. */
	idempotencyKey?: string;
	/** What repeating this write would do; inferred from the method and path when not given. */
	writeKind?: WriteKind;
	/** Retry a creating write after a failure that may have been applied. Default false. */
	retryWritesWithKey?: boolean;
	signal?: AbortSignal;
	/** The calls Meta counts this one as, for pacing (a Graph batch: one per part). Default 1. */
	weight?: number;
	/** Usage found in the answer's body (a Graph batch's part headers), merged with the headers' for pacing. */
	bodyUsage?: (body: unknown, headerUsage: MetaUsage | undefined) => MetaUsage | undefined;
}

/** The request as it may be shown: no token, no `appsecret_proof`. */
export interface MetaRequestInfo {
	method: string;
	url: string;
}


interface Stats extends CallStats {
	request: MetaRequestInfo;
	/** What the item should know about its shared state (see Call.warn). */
	warnings: string[];
}

export interface MetaSuccess extends Stats {
	ok: true;
	status: number;
	headers: HeaderBag;
	/** Parsed JSON; `{}` for an empty body. */
	body: unknown;
	/** Answered from the write journal (nothing sent): when the write it repeats succeeded, epoch ms. */
	replayedFrom?: number;
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
			/** The list's `summary` as Meta sent it (e.g. `total_count`), when it sent one. */
			summary?: unknown;
	  })
	| (MetaFailure & { pages: number });

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

/** A 2xx whose body is a Graph error (`suppress_http_code=1`, some proxies): a failure all the same. */
function isErrorBody(body: unknown): boolean {
	return isObject(body) && isObject(body.error) && (body.error.code !== undefined || typeof body.error.message === 'string');
}

export class MetaClient {
	private readonly timeouts: MetaTimeouts;
	private readonly retry: RetryPolicy;
	/** What every attempt passes through, outermost first. */
	private readonly layers: Layer[];
	private readonly now: () => number;
	/** Strings that must never leave the client: token, app secret and the proof derived from them. */
	private readonly secrets: string[];
	private readonly redactor: Redactor;
	/** Set when the token cannot go into a header: every call fails at once, nothing is sent. */
	private readonly tokenProblem: string | undefined;

	constructor(private readonly options: MetaClientOptions) {
		this.timeouts = { ...DEFAULT_TIMEOUTS, ...options.timeouts };
		this.retry = { ...DEFAULT_RETRY_POLICY, ...options.retry };
		this.now = options.now ?? Date.now;
		const store = options.store ?? processStore;
		this.layers = [
			// answers a create that already succeeded from the journal, and never sends one twice
			journalLayer(store.journal, { ...DEFAULT_JOURNAL_POLICY, ...options.journal }, this.retry.totalBudgetMs),
			// decides whether to try again, and when (by retryDecision, the rule a batch part follows too)
			retryLayer(this.retry, options.random ?? Math.random),
			// fails fast while the endpoint keeps failing; learns from Meta's answers only
			breakerLayer(store.breakers, { ...DEFAULT_BREAKER_POLICY, ...options.breaker }),
			// spaces calls by the usage headers, shared per host and ad account
			...(options.throttle === false
				? []
				: [throttleLayer(store.pacing, { ...DEFAULT_THROTTLE_POLICY, ...options.throttle }, (number) => this.readPhoneNumber(number))]),
			// sends once more on a fresh connection when a kept-alive one was closed under the request
			staleConnectionLayer,
		];
		this.secrets = credentialSecrets(options);
		this.redactor = createRedactor(this.secrets);
		this.tokenProblem = tokenProblem(options.accessToken);
	}

	/** A WhatsApp phone number's throughput fields (throughput.ts), once per number; undefined when it cannot be read. */
	private async readPhoneNumber(number: string): Promise<unknown> {
		const answer = await this.request({ method: 'GET', path: `/${number}`, query: { fields: WHATSAPP_THROUGHPUT_FIELDS } });
		return answer.ok ? answer.body : undefined;
	}

	/** One Graph API call with retries, throttling and the circuit breaker. Never throws. */
	async request(options: MetaRequestOptions): Promise<MetaResult> {
		const stats = this.newStats(options);
		return await this.call(options, stats, this.now());
	}

	/**
	 * Reads a list edge page by page through `paging.next` (same origin only). Fails as a whole when
	 * a page fails, so no record is silently missing. A cursor list keeps a record seen on two pages
	 * once; a time-based list (insights by period) keeps every row, and stops at the `until` it was
	 * asked for, or at now (see core/paging.ts).
	 */
	async paginate(options: MetaRequestOptions, limits: MetaPageOptions = {}): Promise<MetaPageResult> {
		const maxPages = limits.maxPages ?? 100;
		const maxRecords = limits.maxRecords ?? Infinity;
		const stats = this.newStats(options);
		const started = this.now();
		const records: unknown[] = [];
		const seenIds = new Set<string>();
		const visited = new Set<string>();
		let summary: unknown;
		let pages = 0;
		let next = options;
		for (;;) {
			const result = await this.call(next, stats, started);
			if (!result.ok) return { ...result, pages };
			pages++;
			const body = isObject(result.body) ? result.body : {};
			const data = Array.isArray(body.data) ? body.data : [result.body];
			const paging = isObject(body.paging) ? body.paging : {};
			const kind = pagingKind(paging);
			summary ??= body.summary;
			for (const record of data) {
				const id = kind !== 'time' && isObject(record) && record.id !== undefined ? String(record.id) : undefined;
				if (id !== undefined && seenIds.has(id)) continue;
				if (id !== undefined) seenIds.add(id);
				records.push(record);
			}
			visited.add(this.displayOf(next.path, next.query));
			const nextUrl = typeof paging.next === 'string' && paging.next ? paging.next : undefined;
			// A next link already read would loop: Meta's cursors never point back.
			const more =
				nextUrl !== undefined &&
				!visited.has(this.displayOf(nextUrl)) &&
				(kind !== 'time' || nextWindowWanted(nextUrl, options.query?.until, this.now()));
			if (!more || pages >= maxPages || records.length >= maxRecords) {
				return {
					ok: true,
					records: records.slice(0, maxRecords),
					pages,
					more: more || records.length > maxRecords,
					...(summary === undefined ? {} : { summary }),
					...stats,
				};
			}
			next = { method: 'GET', path: nextUrl, signal: options.signal };
		}
	}

	private newStats(options: MetaRequestOptions): Stats {
		return { attempts: 0, waitedMs: 0, warnings: [], request: { method: options.method.toUpperCase(), url: '' } };
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
		if (this.tokenProblem) return this.fail(stats, 'refused', internalErrors.invalidToken(this.tokenProblem));
		// One header rule for every send, a replay record's headers included.
		const header = firstRefusedHeader(options.headers);
		if (header) return this.fail(stats, 'refused', internalErrors.refused('INVALID_HEADER', `Header "${header.name}" ${header.why}; it was not sent.`));
		const write = isWriteMethod(method);
		// The Graph path after the Base URL (which may carry a proxy's prefix before the version).
		const graphPath = pathAfterBase(target.url, this.options.baseUrl);
		const call: Call = {
			method,
			url: target.url,
			creates: write && (options.writeKind ?? inferWriteKind(method, graphPath)) === 'create',
			retryWritesWithKey: options.retryWritesWithKey === true,
			idempotencyKey: write ? options.idempotencyKey : undefined,
			requestDigest: write && options.idempotencyKey ? requestDigest(method, graphPath, target.url.searchParams, options.body) : undefined,
			weight: options.weight,
			recipient: isObject(options.body) && typeof options.body.to === 'string' ? options.body.to : undefined,
			signal: options.signal,
			deadline: started + this.retry.totalBudgetMs,
			now: this.now,
			pause: async (ms) => await this.pause(ms, stats),
			warn: (message) => {
				const text = this.redactor.text(message);
				if (!stats.warnings.includes(text)) stats.warnings.push(text);
			},
		};
		const send = async (): Promise<Outcome> => {
			stats.attempts++;
			const outcome = await this.send(method, target, options, write);
			if (outcome.usage) stats.usage = outcome.usage;
			if (!outcome.ok && outcome.mayBeApplied) call.mayHaveApplied = true;
			return outcome;
		};
		const outcome = await compose(...this.layers)(send)(call);
		if (!outcome.ok) return this.fail(stats, outcome.stop ?? 'not_retryable', outcome.error);
		const { ok, status, headers, body, replayedFrom } = outcome;
		return { ok, status, headers, body, ...stats, ...(replayedFrom === undefined ? {} : { replayedFrom }) };
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
			// The user's first, by lower-case name (no second Authorization beside the credential's).
			...Object.fromEntries(Object.entries(options.headers ?? {}).map(([name, value]) => [name.toLowerCase(), value])),
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
				? internalErrors.aborted()
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
			return { ok: true, status, headers: responseHeaders, body: answer, usage: options.bodyUsage ? options.bodyUsage(parsed, usage) : usage };
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

	private notSentError(error: unknown): MetaErrorInfo {
		return internalErrors.requestNotSent(this.redactor.text(error instanceof Error ? error.message : String(error)));
	}

	private refusedError(error: unknown): MetaErrorInfo {
		if (error instanceof ForeignHostError) return internalErrors.refused('FOREIGN_HOST', this.redactor.text(error.message));
		if (error instanceof PathOutsideBaseError) return internalErrors.refused('PATH_OUTSIDE_BASE', this.redactor.text(error.message));
		return internalErrors.refused(
			'INVALID_URL',
			this.redactor.text(`Invalid path or URL: ${error instanceof Error ? error.message : String(error)}`),
		);
	}
}
