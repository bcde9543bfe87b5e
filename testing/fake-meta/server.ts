// The fake Meta Graph server: authentication, budget, faults, then Graph routing over the store.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'http';
import type { AddressInfo, Socket } from 'net';
import { handleAdmin } from './admin';
import { Budget, DEFAULT_BUSINESS_ID, usageHeaders, type BudgetOptions, type Usage } from './budget';
import { graphError, MEDIA_NOT_AVAILABLE, unsupportedRequest, type GraphErrorSpec } from './errors';
import { createLimitModel, isLimitOptions, WhatsAppModel, type AnyBudgetOptions, type LimitCall, type LimitModel } from './limits';
import { appliesRequest, faultLabel, Faults, type Fault, type FaultRule } from './faults';
import { formParams, parseBody, readBody, sendHtml502, sendJson, sendText, sendThenReset, sendTruncated, type Answer } from './http';
import { Insights, seriesInsights, type InsightsOptions } from './insights';
import { Jobs, type AsyncJobOptions, type AsyncRequestStatus, type JobSummary } from './jobs';
import { ConversionEvents, type ConversionEventsSummary } from './capi';
import { batchList, batchPart, invalidPart, MAX_BATCH_PARTS, subRequest, TOO_MANY_PARTS, type SubRequest } from './batch';
import { Recorder, redactParams, SECRET_PARAMS, type DuplicateWrite, type FakeMetaStats, type RequestRecord, type WriteRecord } from './log';
import { arrayView, decodeCursor, encodeCursor, pageOf, parseFields, pickFields, Store, type GraphObject, type SortedView } from './graphObjects';
import { appSecretProof, createPrng, fingerprint, traceId } from './fakeUtil';

/** A canary: tests assert it never shows up in any output. */
export const FAKE_META_TOKEN = 'EAAcanary0000SECRET0000TOKEN';
export const ME_ID = '100000000000002';

export type JobDefaults = Omit<AsyncJobOptions, 'kind' | 'inputs'> & {
	/** Instagram containers (`POST /{ig-user-id}/media`): image_url / video_url → the 2207xxx subcode its container ends in ERROR with. */
	containerErrors?: Record<string, number>;
};

export interface FakeMetaOptions {
	/** Default 0 (a free port). */
	port?: number;
	/** Default 127.0.0.1. */
	host?: string;
	/** The only accepted access token. Default FAKE_META_TOKEN. */
	token?: string;
	/** When set, every Graph call must carry `appsecret_proof` = HMAC-SHA256(token, appSecret) hex. */
	appSecret?: string;
	/** Today's rolling window (BudgetOptions), or a Meta limit model (`model`: limits.ts). */
	budget?: AnyBudgetOptions;
	/** Seed of the PRNG behind fault probabilities and fbtrace ids. Default 1. */
	seed?: number;
	/** Requests and writes kept in the logs (the oldest are dropped). Default 20,000. */
	logLimit?: number;
	/** Fault rules active from the start (and again after reset()). */
	faults?: FaultRule[];
	/** How jobs created over HTTP (async_batch_requests, POST insights, /v1/launch) behave. */
	jobDefaults?: JobDefaults;
	/** Clock for budget windows and time-based jobs. Default Date.now. */
	clock?: () => number;
	/**
	 * A kept-alive connection idle this long is closed by the server, without a `Keep-Alive`
	 * hint having told the client (as many front ends do): reuse races happen. Default 5,000 ms.
	 */
	idleCloseMs?: number;
}

/**
 * `GET /debug_token?input_token=…` → `{ data: TokenInfo }`, fields as Meta's debug_token reference
 * gives them (times in Unix seconds; `expires_at` and `data_access_expires_at` 0 = never).
 */
export interface TokenInfo {
	app_id: string;
	type: string;
	application: string;
	is_valid: boolean;
	issued_at: number;
	expires_at: number;
	data_access_expires_at: number;
	scopes: string[];
	user_id: string;
	error?: { code: number; subcode?: number; message: string };
}

export interface SeedOptions {
	/** List the objects on this parent's edge, e.g. parent `act_1`, edge `ads`. */
	parent?: string;
	edge?: string;
}

export interface FakeMeta {
	/** `http://127.0.0.1:PORT`, no trailing slash. */
	readonly url: string;
	readonly port: number;
	readonly token: string;
	/** Request log (the last `logLimit`), oldest first. */
	readonly requests: RequestRecord[];
	/** Every applied write (the last `logLimit`), oldest first. */
	readonly writes: WriteRecord[];
	duplicateWrites(): DuplicateWrite[];
	addFault(rule: FaultRule): void;
	clearFaults(): void;
	/** Stores objects (ids generated when missing) and returns their ids. */
	seedObjects(objects: Array<Record<string, unknown>>, options?: SeedOptions): string[];
	/** Serves ad-set insights of one ad account (insights.ts), until reset(). */
	seedInsights(options: InsightsOptions): void;
	getObject(id: string): GraphObject | undefined;
	createAsyncJob(options: AsyncJobOptions): string;
	getJob(id: string): JobSummary | undefined;
	setJobDefaults(defaults: JobDefaults): void;
	/** Conversions API events a pixel received (`POST /{pixel_id}/events`), counted as Meta de-duplicates them. */
	conversionEvents(pixelId: string): ConversionEventsSummary;
	/** Replaces the budget or limit model (undefined: no limit); usage starts from zero. */
	setBudget(budget: AnyBudgetOptions | undefined): void;
	/** What `GET /debug_token` says of the server's token (merged over the defaults), until reset(). */
	setTokenInfo(info: Partial<TokenInfo>): void;
	stats(): FakeMetaStats;
	/** Back to the state right after start: objects, jobs, logs, faults, budget, PRNG, options. */
	reset(): void;
	close(): Promise<void>;
}

interface Ctx {
	method: string;
	/** As requested, without query. */
	path: string;
	/** Without version prefix; `/` for the root. */
	graphPath: string;
	segments: string[];
	version: string;
	query: URLSearchParams;
	/** Query and body merged (body wins). */
	params: Record<string, unknown>;
	idempotencyKey?: string;
	entry: RequestRecord;
	now: number;
	/** Sent as `x-fb-trace-id` and as `fbtrace_id` in an error body, as Meta does. */
	traceId: string;
}

const VERSION = /^\/(v\d+(?:\.\d+)?)(?=\/|$)/;
const DEFAULT_VERSION = 'v24.0';
const DEFAULT_LIMIT = 25;
/** Parameters that steer the call and never become object fields. */
const CONTROL_PARAMS = new Set([...SECRET_PARAMS, 'appsecret_time', 'fields', 'limit', 'after', 'before', 'method', 'format', 'pretty', 'suppress_http_code', 'locale', 'debug']);
/** Edges whose objects also appear on their ad set's / campaign's edge of the same name. */
const PARENT_FIELDS = ['adset_id', 'campaign_id'];

class FakeMetaServer implements FakeMeta {
	url = '';
	port = 0;
	readonly token: string;
	private readonly server: Server;
	private readonly clock: () => number;
	private readonly store = new Store();
	private readonly insights = new Insights();
	private readonly recorder: Recorder;
	private readonly stalls = new Set<NodeJS.Timeout>();
	private faultRandom!: () => number;
	private idRandom!: () => number;
	private faults!: Faults;
	private jobs!: Jobs;
	private readonly capi = new ConversionEvents();
	private budget?: Budget;
	private limits?: LimitModel;
	private jobDefaults: JobDefaults = {};
	private messageCount = 0;
	private tokenInfo: Partial<TokenInfo> = {};

	constructor(private readonly options: FakeMetaOptions) {
		this.token = options.token ?? FAKE_META_TOKEN;
		this.clock = options.clock ?? Date.now;
		this.recorder = new Recorder(options.logLimit ?? 20_000);
		this.reset();
		this.server = createServer((req, res) => {
			this.handle(req, res).catch(() => res.socket?.destroy());
		});
		// No `Keep-Alive: timeout=…` hint; idle connections are closed by the timers below.
		this.server.keepAliveTimeout = 0;
		const idleMs = options.idleCloseMs ?? 5_000;
		this.server.on('connection', (socket: Socket) => socket.once('close', () => clearTimeout(this.idleTimers.get(socket))));
		this.server.on('request', (req: IncomingMessage, res: ServerResponse) => {
			const socket = req.socket;
			clearTimeout(this.idleTimers.get(socket));
			res.on('finish', () => {
				if (!socket.destroyed) this.idleTimers.set(socket, setTimeout(() => socket.destroy(), idleMs).unref());
			});
		});
	}

	/** Per connection: the timer that closes it once idle. */
	private readonly idleTimers = new WeakMap<object, NodeJS.Timeout>();

	async listen(): Promise<void> {
		await new Promise<void>((resolve, reject) => {
			this.server.once('error', reject);
			this.server.listen(this.options.port ?? 0, this.options.host ?? '127.0.0.1', () => resolve());
		});
		const address = this.server.address() as AddressInfo;
		this.port = address.port;
		this.url = `http://${address.address}:${address.port}`;
	}

	get requests(): RequestRecord[] {
		return this.recorder.requests();
	}

	get writes(): WriteRecord[] {
		return this.recorder.writes();
	}

	duplicateWrites(): DuplicateWrite[] {
		return this.recorder.duplicates();
	}

	addFault(rule: FaultRule): void {
		this.faults.add(rule);
	}

	clearFaults(): void {
		this.faults.clear();
	}

	seedObjects(objects: Array<Record<string, unknown>>, options: SeedOptions = {}): string[] {
		if (options.parent) this.ensureAccount(options.parent);
		return objects.map((fields) => this.insert(options.parent, options.edge, fields, typeof fields.id === 'string' ? fields.id : undefined).id);
	}

	seedInsights(options: InsightsOptions): void {
		this.ensureAccount(options.account);
		this.insights.set(options);
	}

	getObject(id: string): GraphObject | undefined {
		const object = this.store.get(id);
		return object && { ...object };
	}

	createAsyncJob(options: AsyncJobOptions): string {
		return this.jobs.create(options);
	}

	getJob(id: string): JobSummary | undefined {
		return this.jobs.summary(id);
	}

	setJobDefaults(defaults: JobDefaults): void {
		this.jobDefaults = { ...defaults };
	}

	conversionEvents(pixelId: string): ConversionEventsSummary {
		return this.capi.summary(pixelId);
	}

	setBudget(budget: AnyBudgetOptions | undefined): void {
		if (budget && isLimitOptions(budget)) {
			this.limits = createLimitModel(budget);
			this.budget = undefined;
		} else {
			this.budget = budget && new Budget(budget as BudgetOptions);
			this.limits = undefined;
		}
	}

	stats(): FakeMetaStats {
		return this.recorder.stats();
	}

	reset(): void {
		const seed = this.options.seed ?? 1;
		this.faultRandom = createPrng(seed);
		this.idRandom = createPrng(seed ^ 0x5bd1e995);
		this.store.clear();
		this.insights.clear();
		this.store.put({ id: ME_ID, name: 'Fake Meta Test User' });
		this.jobs = new Jobs({ now: this.clock, traceId: () => traceId(this.idRandom), reserveIds: (n) => this.store.reserveIds(n) });
		this.faults = new Faults(this.faultRandom);
		for (const rule of this.options.faults ?? []) this.faults.add(rule);
		this.recorder.clear();
		this.setBudget(this.options.budget);
		this.jobDefaults = { ...this.options.jobDefaults };
		this.messageCount = 0;
		this.capi.clear();
		this.tokenInfo = {};
	}

	setTokenInfo(info: Partial<TokenInfo>): void {
		this.tokenInfo = { ...this.tokenInfo, ...info };
	}

	async close(): Promise<void> {
		this.server.removeAllListeners('request');
		for (const timer of this.stalls) clearTimeout(timer);
		this.stalls.clear();
		const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
		this.server.closeAllConnections();
		await closed;
	}

	private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
		const now = this.clock();
		const url = new URL(req.url ?? '/', 'http://fake-meta');
		const method = (req.method ?? 'GET').toUpperCase();
		const raw = await readBody(req);
		const parsed = parseBody(raw, req.headers['content-type']);
		if (url.pathname.startsWith('/__admin/')) {
			const answer = handleAdmin(this, method, url.pathname.slice('/__admin/'.length), url.searchParams, parsed.body);
			sendJson(res, answer, {});
			return;
		}

		const version = VERSION.exec(url.pathname);
		const graphPath = (version ? url.pathname.slice(version[0].length) : url.pathname) || '/';
		const key = req.headers['idempotency-key'];
		const idempotencyKey = Array.isArray(key) ? key[0] : key;
		const query = Object.fromEntries(url.searchParams);
		const body = parsed.body;
		const entry = this.recorder.request({
			method,
			path: url.pathname,
			query: redactParams(query),
			headers: publicHeaders(req),
			body: redactParams(body),
			idempotencyKey,
			throttled: false,
			time: now,
		});
		res.on('close', () => {
			if (res.headersSent) entry.status = res.statusCode;
			this.recorder.finish(entry);
		});
		const params: Record<string, unknown> = { ...formParams(url.searchParams), ...(isRecord(body) ? body : {}) };
		const ctx: Ctx = {
			method,
			path: url.pathname,
			graphPath,
			segments: graphPath.split('/').filter(Boolean),
			version: version?.[1] ?? DEFAULT_VERSION,
			query: url.searchParams,
			params,
			idempotencyKey,
			entry,
			now,
			traceId: traceId(this.idRandom),
		};

		const fault = this.faults.pick({ method, path: url.pathname, graphPath });
		if (fault) entry.faultApplied = faultLabel(fault);
		if (fault && !appliesRequest(fault)) {
			this.sendFault(req, res, ctx, fault);
			return;
		}
		const answer = parsed.invalid ? this.error(ctx, { code: 100, message: '(#100) The request body is not valid JSON' }) : this.answer(ctx, req);
		const headers = this.headers(ctx);
		if (fault?.type === 'applyThen') this.sendFault(req, res, ctx, fault.fault);
		else if (!fault) sendJson(res, this.suppressHttpCode(ctx, answer), headers);
		else if (fault.type === 'truncated') sendTruncated(res, answer, headers);
		else if (fault.type === 'reset') sendThenReset(res, answer, headers);
		else if (fault.type === 'stall') this.stall(res, fault.ms, () => sendJson(res, answer, this.headers(ctx)));
	}

	/** `suppress_http_code=1`: Meta answers every error with HTTP 200 and the error body. */
	private suppressHttpCode(ctx: Ctx, answer: Answer): Answer {
		return ctx.query.get('suppress_http_code') === '1' && answer.status >= 400 ? { ...answer, status: 200 } : answer;
	}

	/** Faults that answer instead of Meta (nothing is applied, unless the fault said so before). */
	private sendFault(req: IncomingMessage, res: ServerResponse, ctx: Ctx, fault: Fault): void {
		switch (fault.type) {
			case 'reset':
				req.socket.resetAndDestroy();
				return;
			case 'html502':
				sendHtml502(res);
				return;
			case 'graphError': {
				const { type: _type, headers, ...spec } = fault;
				sendJson(res, this.suppressHttpCode(ctx, { ...this.error(ctx, spec), headers }), this.headers(ctx));
				return;
			}
			case 'status':
				if (typeof fault.body === 'string') sendText(res, fault.status, fault.body, { ...this.headers(ctx), ...fault.headers });
				else sendJson(res, { status: fault.status, body: fault.body ?? {}, headers: fault.headers }, this.headers(ctx));
				return;
		}
	}

	private stall(res: ServerResponse, ms: number, send: () => void): void {
		const timer = setTimeout(() => {
			this.stalls.delete(timer);
			if (!res.destroyed) send();
		}, ms);
		this.stalls.add(timer);
		res.on('close', () => {
			clearTimeout(timer);
			this.stalls.delete(timer);
		});
	}

	private headers(ctx: Ctx): Record<string, string> {
		const usage: Usage = this.budget?.usage(this.clock()) ?? { percent: 0, regainMs: 0 };
		const headers = usageHeaders(usage, this.budget?.options.businessId ?? DEFAULT_BUSINESS_ID, ctx.segments[0]?.startsWith('act_') ?? false);
		if (this.limits) Object.assign(headers, this.limits.headers(limitCall(ctx), this.clock()));
		headers['x-fb-trace-id'] = ctx.traceId;
		headers['x-fb-request-id'] = String(ctx.entry.seq);
		headers['facebook-api-version'] = ctx.version;
		if (ctx.entry.throttled && this.budget?.options.retryAfterHeader) headers['retry-after'] = String(Math.ceil(usage.regainMs / 1000));
		if (ctx.entry.throttled && this.limits?.options.retryAfterHeader) {
			headers['retry-after'] = String(Math.ceil(this.limits.regainMs(limitCall(ctx), this.clock()) / 1000));
		}
		return headers;
	}

	private error(ctx: Ctx, spec: GraphErrorSpec): Answer {
		const { status, body } = graphError(spec, ctx.traceId);
		if (this.isInternalApi(ctx)) return { status, body: { success: false, message: body.error.message, requestId: body.error.fbtrace_id, code: body.error.code } };
		return { status, body };
	}

	/** `/v1/batch-status/{id}` and `/v1/launch` imitate a team's own API, which answers in its own shape. */
	private isInternalApi(ctx: Ctx): boolean {
		return ctx.segments[0] === 'batch-status' || ctx.segments[0] === 'launch';
	}

	private answer(ctx: Ctx, req: IncomingMessage): Answer {
		const refused = this.authenticate(ctx, req);
		if (refused) return refused;
		// A Graph batch counts each sub-request, not the call (they take the budget one by one).
		if (ctx.graphPath === '/' && ctx.method === 'POST' && ctx.params.batch !== undefined && !ctx.entry.batch) return this.batch(ctx, req);
		if (this.budget && !this.budget.take(ctx.now)) {
			ctx.entry.throttled = true;
			return this.error(ctx, this.budget.error());
		}
		const limited = this.limits?.take(limitCall(ctx), ctx.now);
		if (limited) {
			ctx.entry.throttled = true;
			return this.error(ctx, limited);
		}
		return this.route(ctx);
	}

	/**
	 * `POST /{version}/` with `batch`: each sub-request runs through the routes as a request of its
	 * own (authentication from the call, budget, faults matched on its method and path, the request
	 * and write logs with `batch` set), and the answer is 200 with one part per sub-request. A fault
	 * that answers gives the part its status and body; one that applies the sub-request and then
	 * breaks the connection (reset after, stall, truncated) gives null (Meta's part that timed out),
	 * as does a reset before, without applying it.
	 */
	private batch(ctx: Ctx, req: IncomingMessage): Answer {
		const list = batchList(ctx.params.batch);
		if (!list || list.length === 0) return this.error(ctx, { code: 100, message: '(#100) The parameter batch must be a non-empty JSON array of requests' });
		if (list.length > MAX_BATCH_PARTS) return this.error(ctx, TOO_MANY_PARTS);
		const includeHeaders = ctx.params.include_headers !== false && ctx.params.include_headers !== 'false';
		return ok(list.map((raw, index) => this.batchPart(ctx, req, raw, index, includeHeaders)));
	}

	private batchPart(call: Ctx, req: IncomingMessage, raw: unknown, index: number, includeHeaders: boolean): unknown {
		const sub = subRequest(raw, call.version);
		if (typeof sub === 'string') return invalidPart(sub, traceId(this.idRandom));
		const ctx = this.subContext(call, sub, index);
		const finish = (part: { code: number } | null) => {
			if (part) ctx.entry.status = part.code;
			this.recorder.finish(ctx.entry);
			return part;
		};
		if (sub.graphPath === '/') return finish(invalidPart('(#100) A batch request cannot contain another batch', ctx.traceId));
		const fault = this.faults.pick({ method: sub.method, path: sub.path, graphPath: sub.graphPath });
		if (fault) ctx.entry.faultApplied = faultLabel(fault);
		const faultPart = (answerFault: Fault) => {
			switch (answerFault.type) {
				case 'graphError': {
					const { type: _type, headers, ...spec } = answerFault;
					return batchPart({ ...this.error(ctx, spec), headers }, includeHeaders ? this.headers(ctx) : undefined);
				}
				case 'html502':
					return batchPart({ status: 502, body: '<!DOCTYPE html><html><body><h1>502 Bad Gateway</h1></body></html>' }, includeHeaders ? {} : undefined);
				case 'status':
					return batchPart({ status: answerFault.status, body: answerFault.body ?? {}, headers: answerFault.headers }, includeHeaders ? this.headers(ctx) : undefined);
				default:
					return null;
			}
		};
		if (fault && !appliesRequest(fault)) return finish(faultPart(fault));
		const answer = this.answer(ctx, req);
		if (fault?.type === 'applyThen') return finish(faultPart(fault.fault));
		if (fault) return finish(null);
		return finish(batchPart(answer, includeHeaders ? this.headers(ctx) : undefined));
	}

	/** A sub-request as a request of its own: logged with the call's seq, carrying the call's credentials. */
	private subContext(call: Ctx, sub: SubRequest, index: number): Ctx {
		const query = Object.fromEntries(sub.query);
		const entry = this.recorder.request({
			method: sub.method,
			path: sub.path,
			query: redactParams(query),
			headers: {},
			body: redactParams(sub.body),
			throttled: false,
			time: call.now,
			batch: { seq: call.entry.seq, index },
		});
		const credentials = Object.fromEntries(SECRET_PARAMS.filter((name) => call.params[name] !== undefined).map((name) => [name, call.params[name]]));
		return {
			method: sub.method,
			path: sub.path,
			graphPath: sub.graphPath,
			segments: sub.graphPath.split('/').filter(Boolean),
			version: sub.version,
			query: sub.query,
			params: { ...credentials, ...formParams(sub.query), ...(sub.body ?? {}) },
			entry,
			now: call.now,
			traceId: traceId(this.idRandom),
		};
	}

	private authenticate(ctx: Ctx, req: IncomingMessage): Answer | undefined {
		const header = /^(?:Bearer|OAuth)\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
		const token = header?.[1] ?? stringParam(ctx.params.access_token);
		if (token === undefined) {
			return this.refuseToken(ctx, { code: 104, message: 'An access token is required to request this resource.' }, 'invalid_request');
		}
		if (token !== this.token) return this.refuseToken(ctx, { code: 190 }, 'invalid_token');
		const secret = this.options.appSecret;
		if (secret === undefined) return undefined;
		const proof = stringParam(ctx.params.appsecret_proof);
		if (proof === undefined) {
			return this.error(ctx, { code: 100, errorType: 'GraphMethodException', message: 'API calls from the server require an appsecret_proof argument' });
		}
		if (proof.toLowerCase() !== appSecretProof(token, secret)) {
			return this.error(ctx, { code: 100, errorType: 'GraphMethodException', message: 'Invalid appsecret_proof provided in the API argument' });
		}
		return undefined;
	}

	private refuseToken(ctx: Ctx, spec: GraphErrorSpec, reason: string): Answer {
		const answer = this.error(ctx, spec);
		if (this.isInternalApi(ctx)) return { ...answer, status: 401 };
		const message = (answer.body as { error: { message: string } }).error.message;
		return { ...answer, headers: { 'www-authenticate': `OAuth "Facebook Platform" "${reason}" "${message}"` } };
	}

	private route(ctx: Ctx): Answer {
		const [id, edge, ...rest] = ctx.segments;
		if (id === 'batch-status' && edge && rest.length === 0 && ctx.method === 'GET') return this.batchStatus(ctx, edge);
		if (id === 'launch' && !edge && ctx.method === 'POST') return this.launch(ctx);
		if (id === 'debug_token' && !edge && ctx.method === 'GET') return this.debugToken(ctx);
		if (rest.length > 0) return this.error(ctx, { code: 2500, message: `Unknown path components: /${[edge, ...rest].join('/')}` });
		if (!id) return this.error(ctx, { code: 100, message: '(#100) Missing object id: use /{version}/{id}, or POST / with batch' });
		if (edge === undefined) {
			if (ctx.method === 'GET') return this.getObjectAnswer(ctx, id);
			if (ctx.method === 'POST') return this.updateObject(ctx, id);
			if (ctx.method === 'DELETE') return this.deleteObject(ctx, id);
		} else {
			if (ctx.method === 'GET' && edge === 'picture') return this.picture(ctx, id);
			if (ctx.method === 'GET') return this.listEdge(ctx, id, edge);
			if (ctx.method === 'POST') return this.createOnEdge(ctx, id, edge);
		}
		return this.error(ctx, unsupportedRequest(ctx.method, id));
	}

	private resolveId(id: string): string {
		return id === 'me' ? ME_ID : id;
	}

	private exists(id: string): boolean {
		return this.ensureAccount(id) || this.store.has(id);
	}

	/** Ad accounts exist as soon as they are named, like the accounts a real token can reach. */
	private ensureAccount(id: string): boolean {
		const match = /^act_(\d+)$/.exec(id);
		if (!match) return false;
		if (!this.store.has(id)) {
			this.store.put({ id, account_id: match[1], name: `Fake Ad Account ${match[1]}`, account_status: 1, currency: 'USD', timezone_name: 'Europe/Berlin' });
		}
		return true;
	}

	private getObjectAnswer(ctx: Ctx, rawId: string): Answer {
		const id = this.resolveId(rawId);
		const fields = parseFields(ctx.params.fields);
		// A catalog batch's handle is no Graph object: its status is read on the catalog's edge.
		const job = this.jobs.kind(id) === 'catalog_batch' ? undefined : this.jobs.poll(id);
		if (job) return ok(pickFields(job, fields));
		// A WhatsApp phone number the limit model gives a throughput tier (limits.ts).
		const phoneNumber = this.limits instanceof WhatsAppModel ? this.limits.phoneNumber(id) : undefined;
		if (phoneNumber && !this.store.has(id)) return ok(pickFields(phoneNumber, fields));
		if (!this.exists(id)) return this.error(ctx, unsupportedRequest('GET', rawId));
		return ok(pickFields(this.store.get(id) as GraphObject, fields));
	}

	private updateObject(ctx: Ctx, rawId: string): Answer {
		const id = this.resolveId(rawId);
		if (!this.exists(id)) return this.error(ctx, unsupportedRequest('POST', rawId));
		const fields = objectFields(ctx.params);
		if (typeof fields.status === 'string') fields.effective_status = fields.status;
		this.store.update(id, fields);
		this.recordWrite(ctx, id, false);
		return ok({ success: true });
	}

	private deleteObject(ctx: Ctx, rawId: string): Answer {
		const id = this.resolveId(rawId);
		if (!this.store.delete(id)) return this.error(ctx, unsupportedRequest('DELETE', rawId));
		this.recordWrite(ctx, id, false);
		return ok({ success: true });
	}

	private listEdge(ctx: Ctx, rawId: string, edge: string): Answer {
		const id = this.resolveId(rawId);
		if (edge === 'check_batch_request_status' && /^\d+$/.test(id)) return this.catalogBatchStatus(ctx, id);
		const kind = this.jobs.kind(id);
		if (kind === 'async_batch' && edge === 'requests') {
			const list = this.jobs.asyncRequests(id, statusesParam(ctx.params.statuses));
			if (list) return this.page(ctx, list.view, list.item);
		}
		if (kind === 'report_run' && edge === 'insights') {
			const rows = this.jobs.reportRows(id);
			if (typeof rows === 'string') return this.error(ctx, { code: 100, message: rows });
			if (rows) return this.page(ctx, rows.view, rows.item);
		}
		if (edge === 'insights' && ctx.params.metric !== undefined && !id.startsWith('act_') && this.exists(id)) {
			const series = seriesInsights(id, ctx.params, ctx.now, (since, until) => this.windowLink(ctx, since, until));
			return typeof series === 'string' ? this.error(ctx, { code: 100, message: series }) : ok(series);
		}
		const insights = edge === 'insights' ? this.insights.read(id, ctx.params, ctx.now) : undefined;
		if (typeof insights === 'string') return this.error(ctx, { code: 100, message: insights });
		if (insights) return this.page(ctx, insights.view, insights.item);
		if (!this.exists(id)) return this.error(ctx, unsupportedRequest('GET', rawId));
		// The Marketing API's ads, adsets and campaigns edges filter by `effective_status` (a JSON list of statuses).
		const statuses = statusesParam(ctx.params.effective_status) as string[] | undefined;
		const view = this.store.edge(id, edge);
		if (!statuses) return this.page(ctx, view, (key) => this.store.get(key) as GraphObject);
		const kept = Array.from({ length: view.length }, (_, i) => view.at(i)).filter((key) => statuses.includes(String(this.store.get(key)?.effective_status)));
		return this.page(ctx, arrayView(kept), (key) => this.store.get(key) as GraphObject);
	}

	/**
	 * `GET /debug_token?input_token=…`: what Meta knows of a token. The server's own token is valid
	 * (as setTokenInfo says); any other is not (`is_valid: false` with Meta's error 190 inside).
	 */
	private debugToken(ctx: Ctx): Answer {
		const input = stringParam(ctx.params.input_token);
		if (!input) return this.error(ctx, { code: 100, message: '(#100) The parameter input_token is required' });
		const now = Math.floor(this.clock() / 1000);
		const known: TokenInfo = {
			app_id: '100000000000001',
			type: 'USER',
			application: 'Fake Meta App',
			is_valid: true,
			issued_at: now - 86_400,
			expires_at: 0,
			data_access_expires_at: now + 90 * 86_400,
			scopes: ['ads_management', 'ads_read', 'business_management', 'pages_show_list', 'whatsapp_business_management', 'whatsapp_business_messaging'],
			user_id: ME_ID,
			...this.tokenInfo,
		};
		if (input === this.token) return ok({ data: known });
		return ok({ data: { is_valid: false, scopes: [], error: { code: 190, subcode: 0, message: 'Invalid OAuth access token - Cannot parse access token' } } });
	}

	/** Like Meta: a 302 to the image on the CDN, or with `redirect=0` the image's data as JSON. */
	private picture(ctx: Ctx, rawId: string): Answer {
		const id = this.resolveId(rawId);
		if (!this.exists(id)) return this.error(ctx, unsupportedRequest('GET', rawId));
		const url = `https://scontent.fake-cdn.test/v/t1.30497-1/${id}_picture.jpg?stp=dst-jpg_s50x50&_nc_ht=scontent.fake-cdn.test`;
		const redirect = stringParam(ctx.params.redirect);
		if (redirect === '0' || redirect === 'false' || ctx.params.redirect === false) {
			return ok({ data: { height: 50, width: 50, is_silhouette: false, url } });
		}
		return { status: 302, body: undefined, headers: { location: url } };
	}

	private createOnEdge(ctx: Ctx, rawId: string, edge: string): Answer {
		const id = this.resolveId(rawId);
		if (edge === 'messages' && /^\d+$/.test(id)) return this.sendWhatsApp(ctx, id);
		if (edge === 'items_batch' && /^\d+$/.test(id)) return this.catalogItemsBatch(ctx, id);
		if (edge === 'events' && /^\d+$/.test(id)) return this.sendConversionEvents(ctx, id);
		if (!this.exists(id)) return this.error(ctx, unsupportedRequest('POST', rawId));
		if (edge === 'media') return this.createContainer(ctx, id);
		if (edge === 'media_publish') return this.publishMedia(ctx, id);
		const accountId = /^act_(\d+)$/.exec(id)?.[1];
		if (accountId && edge === 'async_batch_requests') {
			const batch = ctx.params.adbatch;
			if (!Array.isArray(batch)) return this.error(ctx, { code: 100, message: '(#100) The parameter adbatch is required' });
			const jobId = this.jobs.create({
				...this.jobDefaults,
				kind: 'async_batch',
				total: batch.length,
				inputs: batch,
				accountId,
				name: stringParam(ctx.params.name),
			});
			this.recordWrite(ctx, jobId);
			return ok({ id: jobId });
		}
		if (accountId && edge === 'insights') {
			const jobId = this.jobs.create({ total: 5, ...this.jobDefaults, kind: 'report_run', accountId });
			this.recordWrite(ctx, jobId);
			return ok({ report_run_id: jobId });
		}
		const fields = objectFields(ctx.params);
		if (accountId && ['ads', 'adsets', 'campaigns'].includes(edge)) fields.account_id = accountId;
		const object = this.insert(id, edge, { ...fields, created_time: graphTime(ctx.now) });
		this.recordWrite(ctx, object.id);
		return ok({ id: object.id });
	}

	/**
	 * `POST /{ig-user-id}/media` (`image_url` or `video_url`, `caption`, …; the IG user is a seeded
	 * object) → `{id}` of a container: an `ig_container` job that follows jobDefaults, ending in ERROR
	 * when its URL is in `containerErrors`.
	 */
	private createContainer(ctx: Ctx, igUserId: string): Answer {
		const mediaUrl = stringParam(ctx.params.image_url) ?? stringParam(ctx.params.video_url);
		if (!mediaUrl) return this.error(ctx, { code: 100, message: '(#100) The parameter image_url or video_url is required' });
		const { containerErrors, ...defaults } = this.jobDefaults;
		const subcode = containerErrors?.[mediaUrl];
		const failure = subcode === undefined ? {} : { outcome: 'failed' as const, failWith: graphError({ code: 9004, subcode }, ctx.traceId).body };
		const jobId = this.jobs.create({ ...defaults, ...failure, kind: 'ig_container', accountId: igUserId, inputs: [objectFields(ctx.params)] });
		this.recordWrite(ctx, jobId);
		return ok({ id: jobId });
	}

	/** `POST /{ig-user-id}/media_publish` (`creation_id`): a FINISHED container becomes a media on the user's `media` edge → `{id}`; any other → 9007 / 2207027. */
	private publishMedia(ctx: Ctx, igUserId: string): Answer {
		const creationId = ctx.params.creation_id;
		if (creationId === undefined || creationId === '') return this.error(ctx, { code: 100, message: '(#100) The parameter creation_id is required' });
		const mediaId = this.jobs.publishContainer(String(creationId), igUserId, (params) => {
			const { image_url, video_url, caption } = params;
			const fields = { caption, media_type: video_url === undefined ? 'IMAGE' : 'VIDEO', media_url: image_url ?? video_url, timestamp: graphTime(ctx.now) };
			return this.insert(igUserId, 'media', Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined))).id;
		});
		if (mediaId === undefined) return this.error(ctx, MEDIA_NOT_AVAILABLE);
		this.recordWrite(ctx, mediaId);
		return ok({ id: mediaId });
	}

	private sendWhatsApp(ctx: Ctx, phoneNumberId: string): Answer {
		for (const name of ['messaging_product', 'to']) {
			if (typeof ctx.params[name] !== 'string' || ctx.params[name] === '') {
				return this.error(ctx, { code: 100, message: `(#100) The parameter ${name} is required.` });
			}
		}
		const to = ctx.params.to as string;
		const wamid = `wamid.HBgL${String(++this.messageCount).padStart(12, '0')}`;
		this.insert(phoneNumberId, 'messages', { ...objectFields(ctx.params), status: 'sent' }, wamid);
		this.recordWrite(ctx, wamid);
		return ok({ messaging_product: 'whatsapp', contacts: [{ input: to, wa_id: to.replace(/\D/g, '') }], messages: [{ id: wamid }] });
	}

	/** `POST /{catalog_id}/items_batch` (`item_type`, `requests`: a list or its JSON text) → `{handles: [handle]}`. Any numeric catalog id exists. */
	private catalogItemsBatch(ctx: Ctx, catalogId: string): Answer {
		let requests = ctx.params.requests;
		if (typeof requests === 'string') {
			try {
				requests = JSON.parse(requests);
			} catch {
				requests = undefined;
			}
		}
		if (!Array.isArray(requests) || requests.length === 0) return this.error(ctx, { code: 100, message: '(#100) The parameter requests is required' });
		const handle = this.jobs.create({ ...this.jobDefaults, kind: 'catalog_batch', total: requests.length, inputs: requests, catalogId });
		this.recordWrite(ctx, handle);
		return ok({ handles: [handle] });
	}

	/** `POST /{pixel_id}/events` (`data`): any numeric pixel exists; see capi.ts. */
	private sendConversionEvents(ctx: Ctx, pixelId: string): Answer {
		const answer = this.capi.send(pixelId, ctx.params.data, ctx.now);
		if ('code' in answer) return this.error(ctx, answer);
		this.recordWrite(ctx, pixelId);
		return ok({ events_received: answer.eventsReceived, messages: [], fbtrace_id: ctx.traceId });
	}

	private catalogBatchStatus(ctx: Ctx, catalogId: string): Answer {
		const handle = stringParam(ctx.params.handle);
		if (handle === undefined) return this.error(ctx, { code: 100, message: '(#100) The parameter handle is required' });
		if (this.jobs.catalogOf(handle) !== catalogId) return this.error(ctx, { code: 100, message: `(#100) Invalid handle for catalog ${catalogId}` });
		// Meta sends the complete list of rejected requests only when asked for it
		const loadInvalidIds = ['true', '1'].includes(String(ctx.params.load_ids_of_invalid_requests ?? '').toLowerCase());
		return ok(this.jobs.poll(handle, { loadInvalidIds }));
	}

	private batchStatus(ctx: Ctx, id: string): Answer {
		const view = this.jobs.kind(id) === 'custom' ? this.jobs.poll(id) : undefined;
		if (!view) return { status: 404, body: { success: false, message: `Batch ${id} not found`, requestId: ctx.traceId } };
		return ok(view);
	}

	private launch(ctx: Ctx): Answer {
		const ads = ctx.params.ads;
		if (!Array.isArray(ads) || ads.length === 0) {
			return { status: 400, body: { success: false, message: 'ads must be a non-empty array', requestId: ctx.traceId, code: 'MISSING_REQUIRED_FIELD' } };
		}
		const jobId = this.jobs.create({ ...this.jobDefaults, kind: 'custom', total: ads.length });
		this.recordWrite(ctx, jobId);
		return ok({ success: true, adBatchId: jobId, status: 'processing' });
	}

	private insert(parent: string | undefined, edge: string | undefined, fields: Record<string, unknown>, id = this.store.newId()): GraphObject {
		const object: GraphObject = { ...fields, id };
		this.store.put(object);
		if (parent && edge) {
			this.store.link(parent, edge, id);
			for (const name of PARENT_FIELDS) {
				const owner = object[name];
				if (typeof owner === 'string' && owner !== parent) this.store.link(owner, edge, id);
			}
		}
		return object;
	}

	private page(ctx: Ctx, view: SortedView, item: (key: string) => Record<string, unknown>): Answer {
		const limit = Number(ctx.params.limit);
		const after = stringParam(ctx.params.after);
		const before = stringParam(ctx.params.before);
		const page = pageOf(view, {
			limit: Number.isInteger(limit) && limit > 0 ? limit : DEFAULT_LIMIT,
			after: after === undefined ? undefined : decodeCursor(after),
			before: before === undefined ? undefined : decodeCursor(before),
		});
		const fields = parseFields(ctx.params.fields);
		const data = page.keys.map((key) => pickFields(item(key), fields));
		// `summary=total_count` (or `summary=true`): the list's size on every page, as Graph edges answer it
		const asked = stringParam(ctx.params.summary);
		const summary = asked === 'true' || asked?.split(',').includes('total_count') ? { summary: { total_count: view.length } } : {};
		if (page.keys.length === 0) return ok({ data, ...summary });
		const first = encodeCursor(page.keys[0]);
		const last = encodeCursor(page.keys[page.keys.length - 1]);
		const paging: Record<string, unknown> = { cursors: { before: first, after: last } };
		if (page.hasBefore) paging.previous = this.pageLink(ctx, 'before', first);
		if (page.hasAfter) paging.next = this.pageLink(ctx, 'after', last);
		return ok({ data, paging, ...summary });
	}

	/** A time-based page link: the query with another `since` / `until` window (Unix seconds). */
	private windowLink(ctx: Ctx, since: number, until: number): string {
		const query = new URLSearchParams(ctx.query);
		query.set('access_token', this.token);
		query.set('since', String(since));
		query.set('until', String(until));
		return `${this.url}${ctx.path}?${query.toString()}`;
	}

	/** Meta echoes the query, with `access_token` in it even when the token came in the header. */
	private pageLink(ctx: Ctx, direction: 'after' | 'before', cursor: string): string {
		const query = new URLSearchParams(ctx.query);
		query.delete('after');
		query.delete('before');
		query.set('access_token', this.token);
		if (!query.has('limit')) query.set('limit', String(DEFAULT_LIMIT));
		query.set(direction, cursor);
		return `${this.url}${ctx.path}?${query.toString()}`;
	}

	/** `creates`: the write made a new object (a second one would be a duplicate). */
	private recordWrite(ctx: Ctx, objectId: string, creates = true): void {
		const params = objectFields(ctx.params, SECRET_PARAMS_AND_TIME);
		this.recorder.write({
			creates,
			method: ctx.method,
			path: ctx.graphPath,
			params,
			idempotencyKey: ctx.idempotencyKey,
			fingerprint: fingerprint(ctx.method, ctx.graphPath, params),
			objectId,
			time: ctx.now,
		});
	}
}

const SECRET_PARAMS_AND_TIME = new Set([...SECRET_PARAMS, 'appsecret_time']);

function limitCall(ctx: Ctx): LimitCall {
	return { method: ctx.method, segments: ctx.segments, params: ctx.params };
}

function ok(body: unknown): Answer {
	return { status: 200, body };
}

function isRecord(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringParam(value: unknown): string | undefined {
	return typeof value === 'string' ? value : undefined;
}

/** The parameters that become object fields. */
function objectFields(params: Record<string, unknown>, skip: Set<string> = CONTROL_PARAMS): Record<string, unknown> {
	const fields: Record<string, unknown> = {};
	for (const [name, value] of Object.entries(params)) if (!skip.has(name)) fields[name] = value;
	return fields;
}

/** `statuses=["ERROR"]` or `statuses=ERROR,SUCCESS` (likewise `effective_status`). */
function statusesParam(value: unknown): AsyncRequestStatus[] | undefined {
	if (Array.isArray(value)) return value.map(String) as AsyncRequestStatus[];
	if (typeof value === 'string' && value !== '') return value.split(',').map((s) => s.trim()) as AsyncRequestStatus[];
	return undefined;
}

function publicHeaders(req: IncomingMessage): Record<string, string> {
	const headers: Record<string, string> = {};
	for (const [name, value] of Object.entries(req.headers)) {
		if (name === 'authorization' || value === undefined) continue;
		headers[name] = Array.isArray(value) ? value.join(', ') : value;
	}
	return headers;
}

/** Meta's timestamp format: 2026-11-23T09:00:00+0000. */
function graphTime(ms: number): string {
	return new Date(ms).toISOString().replace(/\.\d{3}Z$/, '+0000');
}

export async function startFakeMeta(options: FakeMetaOptions = {}): Promise<FakeMeta> {
	const fake = new FakeMetaServer(options);
	await fake.listen();
	return fake;
}
