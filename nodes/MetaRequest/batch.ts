// Meta Request's Send as Graph Batch: every input item is one sub-request (Method, Path, Query
// Parameters, JSON Body, per item); they go out 50 per `POST /` with `batch`, and each item ends
// on Success or Failed by its own part of Meta's answer (core/batch runs the rounds).
import { NodeOperationError } from 'n8n-workflow';
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import {
	batchUsage,
	breakerKey,
	cancellableSleep,
	createRedactor,
	DEFAULT_BREAKER_POLICY,
	DEFAULT_RETRY_POLICY,
	formBody,
	inferWriteKind,
	pathAfterBase,
	internalErrors,
	isWriteMethod,
	prevalidate,
	runBatch,
	replaySigningKey,
} from '../shared/core';
import type { BatchCallResult, BatchPartRequest, MetaErrorInfo, PartOutcome } from '../shared/core';
import { getMetaCredential, redactOutputs, REPLAY_VERBATIM, sharedState, storeForItem } from '../shared/n8n';
import { ForeignHostError, MetaClient, PathOutsideBaseError, resolveMetaUrl } from '../shared/transport';
import type { MetaRequestOptions, QueryValue } from '../shared/transport';
import { compact } from '../shared/core/util';
import { buildRequest, clientSettings, itemParamsSchema, optionsSchema, prevalidationRequest, queryParamsSchema } from './params';
import type { NodeOptions } from './params';
import { failedItem, successItem } from './outcome';
import { idempotencyKeyOf, parameterParser, prepareEvery } from './prepare';
import { replayOf, type NodeReplayBase } from './replay';

/** The methods a Graph batch sub-request can have. */
export const BATCH_METHODS = ['GET', 'POST', 'DELETE'] as const;

interface Part {
	request: BatchPartRequest;
	method: string;
	/** The sub-request's URL as it may be shown (no token). */
	url: string;
	/** The same request as a single call: what `metaRequest.replay` records for Replay Failed Items. */
	source: MetaRequestOptions;
	options: NodeOptions;
}

interface NotSent {
	error: MetaErrorInfo;
	stopReason?: 'refused';
	method?: string;
	options: NodeOptions;
}

export async function executeBatch(ctx: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = ctx.getInputData();
	const node = ctx.getNode();
	const toErrorOutput = node.onError === 'continueErrorOutput';
	const credential = await getMetaCredential(ctx);
	const { accessToken, appSecret, apiVersion, baseUrl } = credential;
	const state = await sharedState(ctx);
	const secrets = [...credential.secrets, ...state.secrets];
	const replayBase: NodeReplayBase = { baseUrl, apiVersion, signingKey: replaySigningKey(accessToken, credential.appSecret), redactor: createRedactor(secrets) };

	const parse = parameterParser(ctx);
	const basePath = new URL(baseUrl).pathname.replace(/\/+$/, '');

	const prepare = (itemIndex: number): Part | NotSent => {
		const raw: Record<string, unknown> = { operation: 'custom' };
		for (const name of ['method', 'path', 'jsonBody', 'writeKind']) raw[name] = ctx.getNodeParameter(name, itemIndex, null) ?? undefined;
		const options = parse(optionsSchema, ctx.getNodeParameter('options', itemIndex, {}), itemIndex, 'option');
		const check = options.validateBeforeSending ? prevalidationRequest(raw) : undefined;
		const problems = check ? prevalidate(check) : [];
		if (check && problems.length > 0) return { error: internalErrors.prevalidation(problems), stopReason: 'refused', method: check.method, options };
		const params = parse(itemParamsSchema, raw, itemIndex, 'parameter');
		if (params.operation !== 'custom' || !(BATCH_METHODS as readonly string[]).includes(params.method)) {
			throw new NodeOperationError(node, `Item ${itemIndex}: invalid parameter — Method: a Graph batch sub-request is ${BATCH_METHODS.join(', ')}`, { itemIndex });
		}
		const query: Record<string, QueryValue> = parse(queryParamsSchema, ctx.getNodeParameter('queryParameters.parameter', itemIndex, []), itemIndex, 'query parameter');
		const request = buildRequest(params, query);
		let resolved;
		try {
			resolved = resolveMetaUrl({ baseUrl, apiVersion, accessToken }, request.path, request.query);
		} catch (error) {
			const message = error instanceof Error ? error.message : String(error);
			const refused =
				error instanceof ForeignHostError
					? internalErrors.refused('FOREIGN_HOST', message)
					: error instanceof PathOutsideBaseError
						? internalErrors.refused('PATH_OUTSIDE_BASE', message)
						: internalErrors.refused('INVALID_URL', `Invalid path or URL: ${message}`);
			return { error: refused, stopReason: 'refused', method: request.method, options };
		}
		const shown = new URL(resolved.display);
		// Relative to the batch call's version: a path in the credential's version loses it, another version stays.
		let relative = shown.pathname.slice(basePath.length).replace(/^\/+/, '');
		if (relative === apiVersion || relative.startsWith(`${apiVersion}/`)) relative = relative.slice(apiVersion.length).replace(/^\/+/, '');
		const write = isWriteMethod(request.method);
		// Inferred from the path after the Base URL: a proxy's prefix (`/api/v2`) is no API version.
		const creates = write && (request.writeKind ?? inferWriteKind(request.method, pathAfterBase(shown, baseUrl))) === 'create';
		const idempotencyKey = creates ? idempotencyKeyOf(ctx, options, itemIndex, request) : undefined;
		return {
			request: {
				method: request.method,
				relativeUrl: `${relative}${shown.search}`,
				body: write ? formBody(request.body as Record<string, unknown> | undefined) : undefined,
				creates,
				idempotencyKey,
				endpoint: breakerKey(shown),
			},
			method: request.method,
			url: resolved.display,
			source: { ...request, idempotencyKey, writeKind: request.writeKind ?? (write ? (creates ? 'create' : 'idempotent') : undefined) },
			options,
		};
	};

	const prepared = prepareEvery<Part | NotSent>(ctx, prepare, (message, options) => ({ error: internalErrors.invalidParameter(message), options }));

	const sendable = prepared.flatMap((entry, itemIndex) => ('request' in entry ? [{ itemIndex, part: entry }] : []));
	// The run's policies (retries, pacing, breaker, journal): the first item's options.
	const runOptions = sendable[0]?.part.options ?? optionsSchema.parse({});
	const settings = clientSettings(runOptions);
	const signal = ctx.getExecutionCancelSignal();
	const sleep = async (ms: number) => await cancellableSleep(ms, signal);
	const warnings: string[] = [];
	const store = storeForItem(state, warnings);
	const client = new MetaClient({ accessToken, appSecret, apiVersion, baseUrl, ...settings, store, sleep });
	const retry = { ...DEFAULT_RETRY_POLICY, ...settings.retry };
	const run = await runBatch(
		sendable.map(({ part }) => part.request),
		{
			send: async (entries, { creates, weight }): Promise<BatchCallResult> => {
				const result = await client.request({
					method: 'POST',
					path: '',
					body: { batch: entries },
					writeKind: creates ? 'create' : 'idempotent',
					weight,
					bodyUsage: (body, usage) => batchUsage(usage, body),
					signal,
				});
				if (result.ok) return { ok: true, body: result.body, usage: result.usage, attempts: result.attempts, waitedMs: result.waitedMs, warnings: result.warnings };
				return { ok: false, error: result.error, stopReason: result.stopReason, usage: result.usage, attempts: result.attempts, waitedMs: result.waitedMs, warnings: result.warnings };
			},
			retry,
			journal: store.journal,
			journalPolicy: { ttlMs: settings.journal?.ttlMs ?? 24 * 3_600_000, whenUnavailable: settings.journal?.whenUnavailable ?? 'fail' },
			breakers: store.breakers,
			breakerPolicy: { ...DEFAULT_BREAKER_POLICY, ...settings.breaker },
			now: Date.now,
			pause: sleep,
			signal,
			secrets,
		},
	);

	const success: INodeExecutionData[] = [];
	const failed: INodeExecutionData[] = [];
	const fail = (itemIndex: number, options: NodeOptions, error: MetaErrorInfo, stats: IDataObject) =>
		failed.push(failedItem(items[itemIndex], itemIndex, toErrorOutput, options, error, stats));
	const outcomes = new Map<number, PartOutcome>(sendable.map(({ itemIndex }, position) => [itemIndex, run.outcomes[position]]));
	prepared.forEach((entry, itemIndex) => {
		if (!('request' in entry)) {
			const stats = entry.stopReason ? { method: entry.method, attempts: 0, waitedMs: 0, stopReason: entry.stopReason } : {};
			fail(itemIndex, entry.options, entry.error, stats);
			return;
		}
		const outcome = outcomes.get(itemIndex)!;
		const stats = compact({
			method: entry.method,
			url: entry.url,
			attempts: outcome.attempts,
			waitedMs: outcome.waitedMs,
			usage: outcome.usage as IDataObject | undefined,
			status: outcome.ok ? outcome.status : undefined,
			stopReason: outcome.stopReason,
			idempotencyKey: entry.request.idempotencyKey,
			replayed: outcome.replayedFrom === undefined ? undefined : true,
			replayedFrom: outcome.replayedFrom === undefined ? undefined : new Date(outcome.replayedFrom).toISOString(),
			batchCall: outcome.batchCall,
			batchCalls: run.calls,
			stateStore: state.kind,
			stateWarnings: [...warnings, ...outcome.warnings].length > 0 ? [...new Set([...warnings, ...outcome.warnings])] : undefined,
		}) as IDataObject;
		if (!outcome.ok) {
			// Replay Failed Items sends it again as a single call, with the same idempotency key.
			stats.replay = replayOf(entry.source, replayBase, { stopReason: outcome.stopReason });
			fail(itemIndex, entry.options, outcome.error!, stats);
			return;
		}
		success.push(successItem(items[itemIndex], itemIndex, entry.options, outcome.body, { metaRequest: stats }));
	});
	// Last: Meta may echo the token (paging.next in a part), the input may carry it.
	return redactOutputs([success, failed], createRedactor(secrets), { verbatim: REPLAY_VERBATIM });
}
