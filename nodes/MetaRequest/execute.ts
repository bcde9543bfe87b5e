// Meta Request's run: validate every item first (nothing is sent if the configuration is wrong),
// then call Meta with bounded concurrency and put each input item on Success or Failed, in order.
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { executeBatch } from './batch';
import { cancellableSleep, createRedactor, internalErrors, isWriteMethod, prevalidate, prevalidationWarnings, replaySigningKey } from '../shared/core';
import type { MetaErrorInfo, StoreKind } from '../shared/core';
import { getMetaCredential, redactOutputs, REPLAY_VERBATIM, sharedState, storeForItem } from '../shared/n8n';
import { MetaClient } from '../shared/transport';
import type { MetaFailure, MetaPageResult, MetaRequestOptions, MetaResult, QueryValue } from '../shared/transport';
import { buildRequest, clientSettings, headersSchema, itemParamsSchema, optionsSchema, prevalidationRequest, queryParamsSchema, WRITE_BY_ID } from './params';
import type { ItemParams, NodeOptions } from './params';
import { compact, forEachLimited } from '../shared/core/util';
import { resendRequest, sendConversionEvents } from './events';
import { idempotencyKeyOf, parameterParser, prepareEvery } from './prepare';
import { failedItem, recordItems, successItem, type ItemOutcome } from './outcome';
import { prepareReplay, replayItem, replayOf, sealRecord, type NodeReplayBase } from './replay';
import type { ReplayRecord } from '../shared/core';

interface Prepared {
	params: ItemParams;
	options: NodeOptions;
	request: MetaRequestOptions;
	/** Replay Failed Items: the record the request comes from. */
	replay?: ReplayRecord;
	/** What Validate Before Sending noticed without refusing (a template parameter type it does not know). */
	warnings?: string[];
}

/** An item whose configuration is invalid, under "continue on fail": it fails without a request. */
interface Invalid {
	invalid: string;
	options: NodeOptions;
}

/** A write that "Validate Before Sending" refused: it fails without a request, whatever On Error says. */
interface Refused {
	refused: MetaErrorInfo;
	/** Undefined for a Replay item whose record names no method. */
	method: string | undefined;
	options: NodeOptions;
	/** `metaRequest.replay` of the refused item (what to fix and send again), when its parameters make a request. */
	replay?: IDataObject;
	/** Replay Failed Items: the audit record of a replay refused again. */
	recovery?: IDataObject;
}

const ITEM_PARAMETERS = ['objectId', 'edge', 'fields', 'returnAll', 'limit', 'method', 'path', 'jsonBody', 'writeKind', 'events', 'testEventCode', 'hashCustomerData'] as const;

export async function executeMetaRequest(ctx: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	// Send as Graph Batch: the items go out together, 50 per call (batch.ts).
	if (ctx.getNodeParameter('operation', 0) === 'batch') return await executeBatch(ctx);
	const items = ctx.getInputData();
	const node = ctx.getNode();
	const toErrorOutput = node.onError === 'continueErrorOutput';

	const { accessToken, appSecret, apiVersion, baseUrl, secrets: credentialSecrets } = await getMetaCredential(ctx);
	const state = await sharedState(ctx);
	const secrets = [...credentialSecrets, ...state.secrets];
	// Records point at the Base URL and version, sealed with the credential (replay.ts).
	const replayBase: NodeReplayBase = { baseUrl, apiVersion, signingKey: replaySigningKey(accessToken, appSecret), redactor: createRedactor(secrets) };

	const parse = parameterParser(ctx);

	const prepare = (itemIndex: number): Prepared | Refused => {
		const raw: Record<string, unknown> = { operation: ctx.getNodeParameter('operation', itemIndex) };
		// Parameters hidden for this operation come back as the fallback (null) and are left out.
		for (const name of ITEM_PARAMETERS) raw[name] = ctx.getNodeParameter(name, itemIndex, null) ?? undefined;
		if (raw.operation === 'custom') raw.headers = ctx.getNodeParameter('headers.header', itemIndex, []);
		const validate = ctx.getNodeParameter('options.validateBeforeSending', itemIndex, true) !== false;
		if (raw.operation === 'replay') {
			const options = parse(optionsSchema, ctx.getNodeParameter('options', itemIndex, {}), itemIndex, 'option');
			const replay = prepareReplay(items[itemIndex].json, options, validate, replayBase.signingKey);
			if ('refused' in replay) return { refused: replay.refused, method: replay.method, options, replay: replay.record as unknown as IDataObject | undefined, recovery: replay.recovery };
			return { params: { operation: 'replay' }, options, request: replay.request, replay: replay.record };
		}
		// Validate Before Sending (writes): on the raw values, so an object given as an ID is refused, not the node stopped.
		const check = validate ? prevalidationRequest(raw) : undefined;
		const problems = check ? prevalidate(check) : [];
		if (check && problems.length > 0) {
			const options = parse(optionsSchema, ctx.getNodeParameter('options', itemIndex, {}), itemIndex, 'option');
			return { refused: internalErrors.prevalidation(problems), method: check.method, options, replay: refusedReplay(raw, options, itemIndex) };
		}
		const params = parse(itemParamsSchema, raw, itemIndex, 'parameter');
		const options = parse(optionsSchema, ctx.getNodeParameter('options', itemIndex, {}), itemIndex, 'option');
		const query: Record<string, QueryValue> = parse(queryParamsSchema, ctx.getNodeParameter('queryParameters.parameter', itemIndex, []), itemIndex, 'query parameter');
		const headers = params.operation === 'custom' ? parse(headersSchema, raw.headers, itemIndex, 'header') : {};
		const request = withKey(buildRequest(params, query, headers), options, itemIndex);
		const warnings = check ? prevalidationWarnings(check) : [];
		return { params, options, request, ...(warnings.length > 0 ? { warnings } : {}) };
	};

	const withKey = (request: MetaRequestOptions, options: NodeOptions, itemIndex: number): MetaRequestOptions => {
		if (isWriteMethod(request.method)) {
			request.idempotencyKey = idempotencyKeyOf(ctx, options, itemIndex, request);
			request.retryWritesWithKey = options.retryWritesWithKey;
		}
		return request;
	};

	/** A refused write's replay record (marked notSent), when its parameters make a request at all (an object as Object ID does not). */
	const refusedReplay = (raw: Record<string, unknown>, options: NodeOptions, itemIndex: number): IDataObject | undefined => {
		const params = itemParamsSchema.safeParse(raw);
		const query = queryParamsSchema.safeParse(ctx.getNodeParameter('queryParameters.parameter', itemIndex, []));
		const headers = headersSchema.safeParse(raw.operation === 'custom' ? raw.headers : []);
		if (!params.success || !query.success || !headers.success) return undefined;
		return replayOf(withKey(buildRequest(params.data, query.data, headers.data), options, itemIndex), replayBase, { notSent: true });
	};

	const prepared: Array<Prepared | Invalid | Refused> = prepareEvery<Prepared | Invalid | Refused>(ctx, prepare, (invalid, options) => ({ invalid, options }));

	const signal = ctx.getExecutionCancelSignal();
	const outcomes: ItemOutcome[] = new Array(items.length);
	const fail = (itemIndex: number, options: NodeOptions, error: MetaErrorInfo, stats: IDataObject, extra: IDataObject = {}) =>
		failedItem(items[itemIndex], itemIndex, toErrorOutput, options, error, stats, extra);

	const run = async (itemIndex: number) => {
		const entry = prepared[itemIndex];
		if ('invalid' in entry) {
			outcomes[itemIndex] = { success: [], failed: [fail(itemIndex, entry.options, internalErrors.invalidParameter(entry.invalid), {})] };
			return;
		}
		if ('refused' in entry) {
			const stats = compact({ method: entry.method, attempts: 0, waitedMs: 0, stopReason: 'refused', replay: entry.replay });
			outcomes[itemIndex] = { success: [], failed: [fail(itemIndex, entry.options, entry.refused, stats, entry.recovery ? { recovery: entry.recovery } : {})] };
			return;
		}
		const { params, options, request } = entry;
		// Backoff and throttle waits end when the execution is cancelled.
		const sleep = async (ms: number) => await cancellableSleep(ms, signal);
		const warnings: string[] = [];
		const store = storeForItem(state, warnings);
		const client = new MetaClient({ accessToken, appSecret, apiVersion, baseUrl, ...clientSettings(options), store, sleep });
		if (params.operation === 'sendEvents') {
			outcomes[itemIndex] = await sendConversionEvents({
				client,
				request,
				pixelId: params.objectId,
				events: params.events,
				testEventCode: params.testEventCode,
				hash: params.hashCustomerData,
				validate: options.validateBeforeSending,
				now: Date.now(),
				signal,
				itemIndex,
				stats: (result, sent) => ({
					...requestStats(result, sent, state.kind, [...warnings, ...result.warnings]),
					...(result.ok ? {} : { replay: replayOf(sent, replayBase, { stopReason: result.stopReason }) }),
				}),
				failed: (error, stats, extra, replayEvent) => {
					// A rejected event is replayed on its own, with the key a resend of it alone would have.
					const replay =
						replayEvent === undefined
							? stats.replay
							: replayOf(resendRequest(request, [replayEvent], params.testEventCode), replayBase, stats.stopReason === 'refused' ? { notSent: true } : {});
					// Without the input's fields: they may hold the customer data unhashed (pairedItem still leads to them).
					return failedItem({ json: {} }, itemIndex, toErrorOutput, options, error, compact({ ...stats, replay }), extra);
				},
			});
			return;
		}
		if (params.operation === 'replay' && entry.replay) {
			outcomes[itemIndex] = await replayItem({
				client,
				store,
				request,
				record: entry.replay,
				input: items[itemIndex],
				itemIndex,
				options,
				signal,
				stats: (result) => requestStats(result, request, state.kind, [...warnings, ...result.warnings]),
				failed: (error, stats, extra) => fail(itemIndex, options, error, stats, extra),
				seal: (record) => sealRecord(record, replayBase),
			});
			return;
		}
		const result =
			params.operation === 'listEdge'
				? await client.paginate(
						{ ...request, signal },
						{ maxPages: options.maxPages, maxRecords: params.returnAll ? undefined : params.limit },
					)
				: await client.request({ ...request, signal });
		const stats = requestStats(result, request, state.kind, [...warnings, ...result.warnings]);
		if (entry.warnings) stats.warnings = entry.warnings;
		if (!result.ok) {
			const list = params.operation === 'listEdge' ? { list: params.returnAll ? {} : { limit: params.limit } } : {};
			stats.replay = replayOf(request, replayBase, { ...list, stopReason: result.stopReason });
			outcomes[itemIndex] = { success: [], failed: [fail(itemIndex, options, result.error, stats)] };
			return;
		}
		if (WRITE_BY_ID.includes(params.operation) && 'objectId' in params) {
			// Meta answers an update, delete or pause with { success: true } only: the item says which object.
			const body = 'body' in result ? result.body : undefined;
			outcomes[itemIndex] = { success: [successItem(items[itemIndex], itemIndex, options, body, { id: params.objectId, metaRequest: stats })], failed: [] };
			return;
		}
		outcomes[itemIndex] = { success: recordItems('records' in result ? result.records : [result.body], itemIndex, { metaRequest: stats }), failed: [] };
	};

	const concurrency = prepared.find((entry): entry is Prepared => 'request' in entry)?.options.concurrency ?? 1;
	await forEachLimited(items.length, concurrency, run);

	const success: INodeExecutionData[] = [];
	const failed: INodeExecutionData[] = [];
	for (const outcome of outcomes) {
		success.push(...outcome.success);
		failed.push(...outcome.failed);
	}
	// Last: Meta may echo the token (paging.next, a redirect, an error text), the input may carry it.
	return redactOutputs([success, failed], createRedactor(secrets), { verbatim: REPLAY_VERBATIM });
}

/** What every output item says about the call: no token, no app secret proof. */
function requestStats(result: MetaResult | MetaPageResult, request: MetaRequestOptions, stateStore: StoreKind, stateWarnings: string[]): IDataObject {
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
