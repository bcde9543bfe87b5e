// Send as Graph Batch: every input item is one sub-request (Method, Path, Query Parameters, JSON
// Body, per item); they go out 50 per `POST /` with `batch`, and each item ends on Success or
// Failed by its own part of Meta's answer (the core's runBatch runs the rounds).
import type { IDataObject } from 'n8n-workflow';
import { z } from 'zod';

import {
	batchUsage,
	breakerKey,
	DEFAULT_BREAKER_POLICY,
	DEFAULT_RETRY_POLICY,
	formBody,
	inferWriteKind,
	internalErrors,
	isWriteMethod,
	pathAfterBase,
	prevalidate,
	runBatch,
} from '../../shared/core';
import type { BatchCallResult, BatchPartRequest, MetaErrorInfo } from '../../shared/core';
import { compact } from '../../shared/core/util';
import { ForeignHostError, PathOutsideBaseError, resolveMetaUrl } from '../../shared/transport';
import type { MetaRequestOptions } from '../../shared/transport';
import { clientSettings, DEFAULT_OPTIONS } from '../options';
import type { NodeOptions } from '../options';
import { successItem, type ItemOutcome } from '../outcome';
import { defineOperation, idempotencyKeyOf, queryOf, rawParameters, type NotSent } from '../pipeline';
import { replayOf } from '../replayRecords';
import { methodProperty } from '../fields';
import { checkCall, custom, customSchema } from './custom.operation';

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

const schema = customSchema.extend({ method: z.enum(BATCH_METHODS, { error: `a Graph batch sub-request is ${BATCH_METHODS.join(', ')}` }) });

export const batch = defineOperation<typeof schema, Part>({
	value: 'batch',
	option: {
		name: 'Send as Graph Batch',
		description: 'Each item is one request (method, path, body); they go out 50 per Graph batch call, and each item ends on its own answer',
		action: 'Send items as graph batch requests',
	},
	properties: [
		methodProperty(BATCH_METHODS, 'POST', "This item's request method (a Graph batch takes GET, POST and DELETE)"),
		{
			displayName: 'Path',
			name: 'path',
			type: 'string',
			required: true,
			default: '',
			placeholder: 'e.g. {{ $json.adId }} or act_123/ads',
			description:
				"This item's path after the version, usually an expression giving an ID from the input item. A full URL must be on the credential's host. Items go out 50 per batch call.",
		},
		{
			displayName: 'Write Kind',
			name: 'writeKind',
			type: 'options',
			default: 'auto',
			options: [
				{ name: 'From the Path', value: 'auto', description: 'POST /{ID} and DELETE are safe to repeat; a POST to an edge (/{parent}/{edge}) creates' },
				{ name: 'Safe to Repeat', value: 'idempotent', description: 'Sending it twice changes nothing more: sent again after a part that got no answer' },
				{ name: 'Creates Something', value: 'create', description: 'Sending it twice makes a second object: never sent again once it may have been applied' },
			],
			description: 'What sending this item twice would do, which decides whether it is sent again after an answer that does not say whether it was applied',
			displayOptions: { show: { method: ['POST', 'DELETE'] } },
		},
		{
			displayName: 'JSON Body',
			name: 'jsonBody',
			type: 'json',
			default: '{}',
			description: 'Fields to send, as a JSON object (sent form-encoded in the sub-request, objects as JSON), e.g. {"status": "PAUSED"}',
			displayOptions: { show: { method: ['POST', 'DELETE'] } },
		},
	],
	schema,
	subtitle: '"Batch " + shown("method") + " " + shown("path")',
	writes: true,
	keepsInputFields: true,

	prepare: (run, itemIndex): Part | NotSent => {
		const { baseUrl, apiVersion, accessToken } = run.credential;
		const raw = rawParameters(run.ctx, { value: 'batch', schema }, itemIndex);
		const options = run.options(itemIndex);
		const check = options.validateBeforeSending ? checkCall(raw) : undefined;
		const problems = check ? prevalidate(check) : [];
		const refused = (error: MetaErrorInfo, method: string | undefined): NotSent => ({
			notSent: error,
			options,
			stats: { method, attempts: 0, waitedMs: 0, stopReason: 'refused' },
		});
		if (check && problems.length > 0) return refused(internalErrors.prevalidation(problems), check.method);
		const params = run.parse(schema, raw, itemIndex, 'parameter');
		const request = custom.request!(params, queryOf(run, itemIndex), {});
		let resolved;
		try {
			resolved = resolveMetaUrl({ baseUrl, apiVersion, accessToken }, request.path, request.query);
		} catch (error) {
			const message = error instanceof Error ? error.message : String(error);
			const code = error instanceof ForeignHostError ? 'FOREIGN_HOST' : error instanceof PathOutsideBaseError ? 'PATH_OUTSIDE_BASE' : 'INVALID_URL';
			return refused(internalErrors.refused(code, code === 'INVALID_URL' ? `Invalid path or URL: ${message}` : message), request.method);
		}
		const shown = new URL(resolved.display);
		// Relative to the batch call's version: a path in the credential's version loses it, another version stays.
		const basePath = new URL(baseUrl).pathname.replace(/\/+$/, '');
		let relative = shown.pathname.slice(basePath.length).replace(/^\/+/, '');
		if (relative === apiVersion || relative.startsWith(`${apiVersion}/`)) relative = relative.slice(apiVersion.length).replace(/^\/+/, '');
		const write = isWriteMethod(request.method);
		// Inferred from the path after the Base URL: a proxy's prefix (`/api/v2`) is no API version.
		const creates = write && (request.writeKind ?? inferWriteKind(request.method, pathAfterBase(shown, baseUrl))) === 'create';
		const idempotencyKey = creates ? idempotencyKeyOf(run.ctx, options, itemIndex, request) : undefined;
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
	},

	sendAll: async (run, parts) => {
		// The run's policies (retries, pacing, breaker, journal): the first item's options.
		const runOptions = parts[0]?.entry.options ?? DEFAULT_OPTIONS;
		const settings = clientSettings(runOptions);
		const warnings: string[] = [];
		const { client, store } = run.client(runOptions, warnings);
		const batchRun = await runBatch(
			parts.map(({ entry }) => entry.request),
			{
				send: async (entries, { creates, weight }): Promise<BatchCallResult> => {
					const result = await client.request({
						method: 'POST',
						path: '',
						body: { batch: entries },
						writeKind: creates ? 'create' : 'idempotent',
						weight,
						bodyUsage: (body, usage) => batchUsage(usage, body),
						signal: run.signal,
					});
					const { usage, attempts, waitedMs, warnings: callWarnings } = result;
					if (result.ok) return { ok: true, body: result.body, usage, attempts, waitedMs, warnings: callWarnings };
					return { ok: false, error: result.error, stopReason: result.stopReason, usage, attempts, waitedMs, warnings: callWarnings };
				},
				retry: { ...DEFAULT_RETRY_POLICY, ...settings.retry },
				journal: store.journal,
				journalPolicy: { ttlMs: settings.journal?.ttlMs ?? 24 * 3_600_000, whenUnavailable: settings.journal?.whenUnavailable ?? 'fail' },
				breakers: store.breakers,
				breakerPolicy: { ...DEFAULT_BREAKER_POLICY, ...settings.breaker },
				now: Date.now,
				pause: run.sleep,
				signal: run.signal,
				secrets: run.secrets,
			},
		);

		const outcomes = new Map<number, ItemOutcome>();
		parts.forEach(({ itemIndex, entry }, position) => {
			const outcome = batchRun.outcomes[position];
			const partWarnings = [...new Set([...warnings, ...outcome.warnings])];
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
				batchCalls: batchRun.calls,
				stateStore: run.state.kind,
				stateWarnings: partWarnings.length > 0 ? partWarnings : undefined,
			}) as IDataObject;
			const input = run.items[itemIndex];
			if (!outcome.ok) {
				// Replay Failed Items sends it again as a single call, with the same idempotency key.
				stats.replay = replayOf(entry.source, run.replayBase, { stopReason: outcome.stopReason });
				outcomes.set(itemIndex, { success: [], failed: [run.failed(itemIndex, input, entry.options, outcome.error!, stats)] });
				return;
			}
			outcomes.set(itemIndex, { success: [successItem(input, itemIndex, entry.options, outcome.body, { metaRequest: stats })], failed: [] });
		});
		return outcomes;
	},
});
