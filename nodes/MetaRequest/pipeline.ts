// Meta Request's run frame, the same for every operation: the credential and the shared state,
// then every item prepared before anything is sent (a typo in item 7 must not leave items 0–6
// written), then the sends (bounded concurrency, or the operation's own sendAll), then each item's
// outcome on Success or Failed, in input order, and last the redaction of every output.
// An operation (operations/<name>.operation.ts) plugs into it through `MetaOperation`.
import { NodeOperationError } from 'n8n-workflow';
import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties, INodePropertyOptions } from 'n8n-workflow';
import type { z } from 'zod';

import {
	cancellableSleep,
	createRedactor,
	deriveIdempotencyKey,
	internalErrors,
	isWriteMethod,
	prevalidate,
	prevalidationWarnings,
	replaySigningKey,
} from '../shared/core';
import type { MetaErrorInfo, PrevalidationRequest, StateStore } from '../shared/core';
import { compact, forEachLimited } from '../shared/core/util';
import { formatZodIssues, getMetaCredential, redactOutputs, REPLAY_VERBATIM, sharedState, storeForItem } from '../shared/n8n';
import type { MetaCredentialConfig, SharedState } from '../shared/n8n';
import { MetaClient } from '../shared/transport';
import type { MetaFailure, MetaPageResult, MetaRequestOptions, MetaResult, QueryValue } from '../shared/transport';
import { headersSchema, queryParamsSchema, queryParametersProperty } from './fields';
import { clientSettings, DEFAULT_OPTIONS, optionsProperty, optionsSchema } from './options';
import type { NodeOptions } from './options';
import { failedItem, recordItems, successItem, type ItemOutcome } from './outcome';
import { replayOf, type NodeReplayBase } from './replayRecords';

/** An item ready to send: its parameters, options and the call they stand for. */
export interface Prepared<P = Record<string, unknown>> {
	params: P;
	options: NodeOptions;
	request: MetaRequestOptions;
	/** What Validate Before Sending noticed without refusing (a template parameter type it does not know). */
	warnings?: string[];
}

/** An item that ends on Failed without a request: invalid parameters (under Continue On Fail), or refused by Validate Before Sending. */
export interface NotSent {
	notSent: MetaErrorInfo;
	options: NodeOptions;
	/** Its `metaRequest` (empty for invalid parameters). */
	stats: IDataObject;
	/** Fields of the Failed item besides the error (a refused replay's `recovery`). */
	extra?: IDataObject;
}

export type ParameterParser = <T>(schema: z.ZodType<T>, value: unknown, itemIndex: number, what: string) => T;

/** What a run knows once, for all its items. */
export interface Run {
	ctx: IExecuteFunctions;
	items: INodeExecutionData[];
	credential: MetaCredentialConfig;
	state: SharedState;
	/** The credential's and the state store's secrets: redacted from every output. */
	secrets: string[];
	/** Where `metaRequest.replay` records point, and how they are sealed. */
	replayBase: NodeReplayBase;
	signal: AbortSignal | undefined;
	/** Backoff and throttle waits end when the execution is cancelled. */
	sleep(ms: number): Promise<void>;
	/** Parses a parameter, or stops with what is wrong, named as the editor names it. */
	parse: ParameterParser;
	/** The item's options (the first thing read of every item). */
	options(itemIndex: number): NodeOptions;
	/** A client with the item's settings; `warnings` collects what the state store says (a fallback to memory). */
	client(options: NodeOptions, warnings: string[]): { client: MetaClient; store: StateStore };
	/** A Failed item of input `itemIndex`. */
	failed(itemIndex: number, input: INodeExecutionData, options: NodeOptions, error: MetaErrorInfo, stats: IDataObject, extra?: IDataObject): INodeExecutionData;
	/** `metaRequest` of a call. */
	stats(result: MetaResult | MetaPageResult, request: MetaRequestOptions, warnings: string[]): IDataObject;
	/** The write key and retry switch of a prepared request (left as it is for a read). */
	withKey(request: MetaRequestOptions, options: NodeOptions, itemIndex: number): MetaRequestOptions;
}

/**
 * What an operation is. `value` is what saved workflows hold: never change it. The registry adds
 * `displayOptions.show.operation` to `properties`; the item parameters read are `schema`'s keys.
 */
export interface MetaOperation<S extends z.ZodObject = z.ZodObject, E = Prepared<z.output<S>>> {
	value: string;
	option: Omit<INodePropertyOptions, 'value'> & { description: string; action: string };
	properties: INodeProperties[];
	schema: S;
	/** A JavaScript expression fragment for the node's subtitle; `shown(name)` reads a parameter ("(expression)" for one), `id` is the Object ID. */
	subtitle: string;
	/** Whether it can write: Validate Before Sending is shown for it. */
	writes: boolean;
	/** Whether its success items keep the input's fields (Include Input Fields is shown for it). */
	keepsInputFields?: boolean;
	/** Whether it takes the Headers parameter. */
	headers?: boolean;
	/** Validate Before Sending: what to check of an item, from its raw parameters (before zod, so an object given as an ID is refused, not the node stopped); undefined for a read. */
	check?(raw: Record<string, unknown>): PrevalidationRequest | undefined;
	/** The call an item stands for (the default prepare). */
	request?(params: z.output<S>, query: Record<string, QueryValue>, headers: Record<string, string>): MetaRequestOptions;
	/** A read of every page, up to `maxRecords` (List Edge); `list` is what its replay record says of the list. */
	pages?(params: z.output<S>): { maxRecords: number | undefined; list: { limit?: number } };
	/** A write to one object by ID, answered { success: true } only: its success item says which object and keeps the input's fields. */
	answersById?: boolean;
	/** Its own preparation of an item (Replay Failed Items, Send as Graph Batch). */
	prepare?(run: Run, itemIndex: number): E | NotSent;
	/** Its own send of one prepared item (Send Conversions Events, Replay Failed Items). */
	send?(run: Run, entry: E, itemIndex: number): Promise<ItemOutcome>;
	/** Its own send of every prepared item at once (Send as Graph Batch): an outcome per item index. */
	sendAll?(run: Run, entries: Array<{ itemIndex: number; entry: E }>): Promise<Map<number, ItemOutcome>>;
}

/** Types an operation's definition from its schema. */
export const defineOperation = <S extends z.ZodObject, E = Prepared<z.output<S>>>(operation: MetaOperation<S, E>): MetaOperation<S, E> => operation;

/** The fields every operation has besides its own (Query Parameters; Shared State and Options are added by the description). */
export const COMMON_PROPERTIES: INodeProperties[] = [queryParametersProperty];

/** Parameter names as the editor shows them, for messages (which never echo values: a pasted URL may hold a token). */
export function labelsOf(operation: Pick<MetaOperation, 'properties'>): Record<string, string> {
	const labels: Record<string, string> = {};
	const options = optionsProperty({ keepInputFields: [], validate: [], replay: [] }).options as INodeProperties[];
	for (const property of [...options, ...COMMON_PROPERTIES, HEADERS_LABEL, ...operation.properties]) labels[property.name] = property.displayName;
	return labels;
}
const HEADERS_LABEL = { displayName: 'Headers', name: 'headers' } as INodeProperties;

/** Runs `operation` over the node's input items. */
export async function runOperation(ctx: IExecuteFunctions, operation: MetaOperation<z.ZodObject, unknown>): Promise<INodeExecutionData[][]> {
	const run = await openRun(ctx, operation);
	const prepare = operation.prepare ?? ((r: Run, itemIndex: number) => prepareCall(r, operation, itemIndex));
	const prepared = prepareEvery(run, (itemIndex) => prepare(run, itemIndex));

	const outcomes: ItemOutcome[] = new Array(run.items.length);
	const notSent = (entry: unknown): entry is NotSent => typeof entry === 'object' && entry !== null && 'notSent' in entry;
	prepared.forEach((entry, itemIndex) => {
		if (notSent(entry)) outcomes[itemIndex] = { success: [], failed: [run.failed(itemIndex, run.items[itemIndex], entry.options, entry.notSent, entry.stats, entry.extra)] };
	});
	const sendable = prepared.flatMap((entry, itemIndex) => (notSent(entry) ? [] : [{ itemIndex, entry }]));
	if (operation.sendAll) {
		const sent = await operation.sendAll(run, sendable);
		for (const { itemIndex } of sendable) outcomes[itemIndex] = sent.get(itemIndex)!;
	} else {
		const send = operation.send ?? ((r: Run, entry: unknown, itemIndex: number) => sendCall(r, operation, entry as Prepared, itemIndex));
		// The first sendable item's Concurrency is the run's: items are sent side by side, not per item.
		const concurrency = (sendable[0]?.entry as Prepared | undefined)?.options.concurrency ?? 1;
		await forEachLimited(sendable.length, concurrency, async (position) => {
			const { itemIndex, entry } = sendable[position];
			outcomes[itemIndex] = await send(run, entry, itemIndex);
		});
	}

	const success: INodeExecutionData[] = [];
	const failed: INodeExecutionData[] = [];
	for (const outcome of outcomes) {
		success.push(...outcome.success);
		failed.push(...outcome.failed);
	}
	// Last: Meta may echo the token (paging.next, a redirect, an error text), the input may carry it.
	return redactOutputs([success, failed], createRedactor(run.secrets), { verbatim: REPLAY_VERBATIM });
}

async function openRun(ctx: IExecuteFunctions, operation: Pick<MetaOperation, 'properties'>): Promise<Run> {
	const items = ctx.getInputData();
	const toErrorOutput = ctx.getNode().onError === 'continueErrorOutput';
	const credential = await getMetaCredential(ctx);
	const { accessToken, appSecret, apiVersion, baseUrl } = credential;
	const state = await sharedState(ctx);
	const secrets = [...credential.secrets, ...state.secrets];
	const signal = ctx.getExecutionCancelSignal();
	const labels = labelsOf(operation);
	const parse: ParameterParser = (schema, value, itemIndex, what) => {
		const result = schema.safeParse(value);
		if (result.success) return result.data;
		const problems = formatZodIssues(result.error, labels).split('\n').join('; ');
		throw new NodeOperationError(ctx.getNode(), `Item ${itemIndex}: invalid ${what} — ${problems}`, {
			itemIndex,
			description: `Fix the parameter named above (item ${itemIndex}, counting from 0).`,
		});
	};
	const run: Run = {
		ctx,
		items,
		credential,
		state,
		secrets,
		// Records point at the Base URL and version, sealed with the credential (replayRecords.ts).
		replayBase: { baseUrl, apiVersion, signingKey: replaySigningKey(accessToken, appSecret), redactor: createRedactor(secrets) },
		signal,
		sleep: async (ms) => await cancellableSleep(ms, signal),
		parse,
		options: (itemIndex) => parse(optionsSchema, ctx.getNodeParameter('options', itemIndex, {}), itemIndex, 'option'),
		client: (options, warnings) => {
			const store = storeForItem(state, warnings);
			return { client: new MetaClient({ accessToken, appSecret, apiVersion, baseUrl, ...clientSettings(options), store, sleep: run.sleep }), store };
		},
		failed: (itemIndex, input, options, error, stats, extra) => failedItem(input, itemIndex, toErrorOutput, options, error, stats, extra),
		stats: (result, request, warnings) => requestStats(result, request, state.kind, warnings),
		withKey: (request, options, itemIndex) => {
			if (isWriteMethod(request.method)) {
				request.idempotencyKey = idempotencyKeyOf(ctx, options, itemIndex, request);
				request.retryWritesWithKey = options.retryWritesWithKey;
			}
			return request;
		},
	};
	return run;
}

/**
 * Prepares every item before anything is sent. Under Continue On Fail an item that cannot be
 * prepared ends on Failed (invalid parameter) with its own options when they parse, else the
 * defaults; otherwise its error stops the node.
 */
function prepareEvery<T>(run: Run, prepare: (itemIndex: number) => T | NotSent): Array<T | NotSent> {
	const continueOnFail = run.ctx.continueOnFail();
	return run.items.map((_, itemIndex) => {
		try {
			return prepare(itemIndex);
		} catch (error) {
			if (!continueOnFail) throw error;
			const options = optionsSchema.safeParse(run.ctx.getNodeParameter('options', itemIndex, {}));
			return { notSent: internalErrors.invalidParameter((error as Error).message), options: options.success ? options.data : DEFAULT_OPTIONS, stats: {} };
		}
	});
}

/** The item's raw parameters: `operation` and its schema's keys (a parameter this operation hides is left out). */
export function rawParameters(ctx: IExecuteFunctions, operation: Pick<MetaOperation, 'value' | 'schema' | 'headers'>, itemIndex: number): Record<string, unknown> {
	const raw: Record<string, unknown> = { operation: operation.value };
	for (const name of Object.keys(operation.schema.shape)) raw[name] = ctx.getNodeParameter(name, itemIndex, null) ?? undefined;
	if (operation.headers) raw.headers = ctx.getNodeParameter('headers.header', itemIndex, []);
	return raw;
}

/** The query an item's Query Parameters stand for. */
export const queryOf = (run: Run, itemIndex: number): Record<string, QueryValue> =>
	run.parse(queryParamsSchema, run.ctx.getNodeParameter('queryParameters.parameter', itemIndex, []), itemIndex, 'query parameter');

/** The default preparation: parameters → Validate Before Sending → the call, with its write key. */
function prepareCall(run: Run, operation: MetaOperation<z.ZodObject, unknown>, itemIndex: number): Prepared | NotSent {
	const raw = rawParameters(run.ctx, operation, itemIndex);
	const options = run.options(itemIndex);
	const check = options.validateBeforeSending ? operation.check?.(raw) : undefined;
	const problems = check ? prevalidate(check) : [];
	if (check && problems.length > 0) {
		const stats = compact({ method: check.method, attempts: 0, waitedMs: 0, stopReason: 'refused', replay: refusedReplay(run, operation, raw, options, itemIndex) });
		return { notSent: internalErrors.prevalidation(problems), options, stats };
	}
	const params = run.parse(operation.schema, raw, itemIndex, 'parameter');
	const query = queryOf(run, itemIndex);
	const headers = operation.headers ? run.parse(headersSchema, raw.headers, itemIndex, 'header') : {};
	const request = run.withKey(operation.request!(params, query, headers), options, itemIndex);
	const warnings = check ? prevalidationWarnings(check) : [];
	return { params, options, request, ...(warnings.length > 0 ? { warnings } : {}) };
}

/** A refused write's replay record (marked notSent), when its parameters make a request at all (an object as Object ID does not). */
function refusedReplay(run: Run, operation: MetaOperation<z.ZodObject, unknown>, raw: Record<string, unknown>, options: NodeOptions, itemIndex: number): IDataObject | undefined {
	const params = operation.schema.safeParse(raw);
	const query = queryParamsSchema.safeParse(run.ctx.getNodeParameter('queryParameters.parameter', itemIndex, []));
	const headers = headersSchema.safeParse(operation.headers ? raw.headers : []);
	if (!params.success || !query.success || !headers.success || !operation.request) return undefined;
	return replayOf(run.withKey(operation.request(params.data, query.data, headers.data), options, itemIndex), run.replayBase, { notSent: true });
}

/** The default send: one call (every page, for a list), and its answer on Success or its error on Failed. */
async function sendCall(run: Run, operation: MetaOperation<z.ZodObject, unknown>, entry: Prepared, itemIndex: number): Promise<ItemOutcome> {
	const { params, options, request } = entry;
	const warnings: string[] = [];
	const { client } = run.client(options, warnings);
	const pages = operation.pages?.(params);
	const result = pages
		? await client.paginate({ ...request, signal: run.signal }, { maxPages: options.maxPages, maxRecords: pages.maxRecords })
		: await client.request({ ...request, signal: run.signal });
	const stats = run.stats(result, request, [...warnings, ...result.warnings]);
	if (entry.warnings) stats.warnings = entry.warnings;
	if (!result.ok) {
		stats.replay = replayOf(request, run.replayBase, { ...(pages ? { list: pages.list } : {}), stopReason: result.stopReason });
		return { success: [], failed: [run.failed(itemIndex, run.items[itemIndex], options, result.error, stats)] };
	}
	if (operation.answersById) {
		// Meta answers an update, delete or pause with { success: true } only: the item says which object.
		const body = 'body' in result ? result.body : undefined;
		return { success: [successItem(run.items[itemIndex], itemIndex, options, body, { id: params.objectId as string, metaRequest: stats })], failed: [] };
	}
	return { success: recordItems('records' in result ? result.records : [result.body], itemIndex, { metaRequest: stats }), failed: [] };
}

/**
 * The idempotency key of item `itemIndex`'s write: the Idempotency Key option, else one derived
 * from the workflow, the node, the item and the request (and the execution, under Key Scope:
 * Execution), so a re-run of the same write finds the same key.
 */
export function idempotencyKeyOf(
	ctx: IExecuteFunctions,
	options: NodeOptions,
	itemIndex: number,
	request: Pick<MetaRequestOptions, 'method' | 'path' | 'query' | 'body'>,
): string {
	return (
		options.idempotencyKey ||
		deriveIdempotencyKey({
			workflowId: String(ctx.getWorkflow().id ?? ''),
			executionId: options.keyScope === 'execution' ? (ctx.getExecutionId() ?? '') : undefined,
			nodeName: ctx.getNode().name,
			itemIndex,
			method: request.method,
			path: request.path,
			query: request.query,
			body: request.body,
		})
	);
}

/** What every output item says about the call: no token, no app secret proof. */
function requestStats(result: MetaResult | MetaPageResult, request: MetaRequestOptions, stateStore: SharedState['kind'], stateWarnings: string[]): IDataObject {
	const replayedFrom = 'replayedFrom' in result ? result.replayedFrom : undefined;
	return compact({
		method: result.request.method,
		url: result.request.url,
		attempts: result.attempts,
		waitedMs: result.waitedMs,
		usage: result.usage as IDataObject | undefined,
		status: 'status' in result ? result.status : undefined,
		pages: 'pages' in result ? result.pages : undefined,
		more: 'more' in result ? result.more : undefined,
		summary: 'summary' in result ? (result.summary as IDataObject) : undefined,
		stopReason: (result as Partial<MetaFailure>).stopReason,
		idempotencyKey: request.idempotencyKey,
		replayed: replayedFrom === undefined ? undefined : true,
		replayedFrom: replayedFrom === undefined ? undefined : new Date(replayedFrom).toISOString(),
		stateStore,
		stateWarnings: stateWarnings.length > 0 ? stateWarnings : undefined,
	});
}
