// Replay Failed Items: each incoming item's `metaRequest.replay` (written by Meta Request on
// Failed) is sent again with the same idempotency key through the same layers (write journal,
// retry, breaker, pacing), and every output item gets the audit record `recovery`. A replay that
// fails again keeps its record, so it can be replayed later.
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';
import { z } from 'zod';

import {
	internalErrors,
	isWriteMethod,
	prevalidate,
	readReplayRecord,
	recoveryRecord,
	replayRecordSigned,
	StateUnavailableError,
	type MetaErrorInfo,
	type ReplayRecord,
	type StateStore,
} from '../../shared/core';
import { compact, isObject } from '../../shared/core/util';
import type { MetaClient, MetaFailure, MetaPageResult, MetaRequestOptions, MetaResult } from '../../shared/transport';
import type { NodeOptions } from '../options';
import { recordItems, successItem, type ItemOutcome } from '../outcome';
import { defineOperation, type NotSent } from '../pipeline';
import { sealRecord } from '../replayRecords';

interface ReplayEntry {
	options: NodeOptions;
	request: MetaRequestOptions;
	/** The record the request comes from. */
	record: ReplayRecord;
}

export const replay = defineOperation<z.ZodObject, ReplayEntry>({
	value: 'replay',
	option: {
		name: 'Replay Failed Items',
		description:
			"Send again what items from this node's Failed output recorded (metaRequest.replay), with the same idempotency key: the write journal keeps a create that already succeeded from being sent twice",
		action: 'Replay failed items',
	},
	// The request comes from each item's metaRequest.replay, not from parameters.
	properties: [],
	schema: z.object({}),
	subtitle: '"Replay failed items"',
	writes: true,
	keepsInputFields: true,
	prepare: (run, itemIndex): ReplayEntry | NotSent => {
		const options = run.options(itemIndex);
		const prepared = prepareReplay(run.items[itemIndex].json, options, options.validateBeforeSending, run.replayBase.signingKey);
		if ('request' in prepared) return { options, ...prepared };
		const stats = compact({ method: prepared.method, attempts: 0, waitedMs: 0, stopReason: 'refused', replay: prepared.record as unknown as IDataObject | undefined });
		return { notSent: prepared.refused, options, stats, ...(prepared.recovery ? { extra: { recovery: prepared.recovery } } : {}) };
	},
	send: async (run, { options, request, record }, itemIndex) => {
		const warnings: string[] = [];
		const { client, store } = run.client(options, warnings);
		return await replayItem({
			client,
			store,
			request,
			record,
			input: run.items[itemIndex],
			itemIndex,
			options,
			signal: run.signal,
			stats: (result) => run.stats(result, request, [...warnings, ...result.warnings]),
			failed: (error, stats, extra) => run.failed(itemIndex, run.items[itemIndex], options, error, stats, extra),
			seal: (sealed) => sealRecord(sealed, run.replayBase),
		});
	},
});

export type PreparedReplay =
	| { request: MetaRequestOptions; record: ReplayRecord }
	| { refused: MetaErrorInfo; method: string | undefined; record?: ReplayRecord; recovery?: IDataObject };

/**
 * The call an incoming item's record stands for, or why it cannot be sent: no (valid) record, or
 * Validate Before Sending refuses it (then the record stays on the item, to be fixed and replayed).
 * The Idempotency Key option, when given, replaces the record's key (after checking on Meta that
 * an unconfirmed create was not applied).
 */
export function prepareReplay(json: IDataObject, options: NodeOptions, validate: boolean, signingKey: Buffer): PreparedReplay {
	const read = readReplayRecord(json);
	if ('problem' in read) {
		// The method, when the broken record still names one (else none: nothing says what it was).
		const named = isObject(json.metaRequest) && isObject(json.metaRequest.replay) ? json.metaRequest.replay.method : undefined;
		return { refused: internalErrors.replayInvalid(read.problem), method: typeof named === 'string' ? named.toUpperCase() : undefined };
	}
	const { record } = read;
	// Only what this node wrote is sent, unless told to send records that were changed (a value fixed by hand).
	if (!options.sendEditedRecords && !replayRecordSigned(record, signingKey)) {
		return { refused: internalErrors.replayUnverified(record.signature !== undefined), method: record.method, record };
	}
	const write = isWriteMethod(record.method);
	if (validate && write) {
		const problems = prevalidate({ method: record.method, path: record.path, body: record.body, headers: record.headers });
		if (problems.length > 0) {
			const recovery = recoveryRecord(json, record, Date.now(), 0, 'failed') as unknown as IDataObject;
			return { refused: internalErrors.prevalidation(problems), method: record.method, record, recovery };
		}
	}
	const request: MetaRequestOptions = {
		method: record.method,
		path: record.path,
		query: record.query as MetaRequestOptions['query'],
		body: record.method === 'GET' ? undefined : record.body,
		...(record.headers ? { headers: record.headers } : {}),
		...(record.writeKind ? { writeKind: record.writeKind } : {}),
	};
	if (write) {
		request.idempotencyKey = options.idempotencyKey || record.idempotencyKey;
		request.retryWritesWithKey = options.retryWritesWithKey;
	}
	return { request, record };
}

export interface ReplayDeps {
	client: MetaClient;
	store: StateStore;
	request: MetaRequestOptions;
	record: ReplayRecord;
	input: INodeExecutionData;
	itemIndex: number;
	options: NodeOptions;
	signal?: AbortSignal;
	/** `metaRequest` of the replay's call. */
	stats(result: MetaResult | MetaPageResult): IDataObject;
	/** A Failed item of this input item with the error, `metaRequest` and the extra fields. */
	failed(error: MetaErrorInfo, stats: IDataObject, extra: IDataObject): INodeExecutionData;
	/** Seals the record a failed replay keeps (sealRecord). */
	seal(record: ReplayRecord): ReplayRecord;
}

/**
 * A create that may have been applied is sent only while the write journal holds its key: the
 * journal layer then answers it (done) or refuses it (unconfirmed). Without a record (expired, or
 * another state store) nobody can say it was not applied: refused here, nothing sent.
 */
async function journalForgot(store: StateStore, key: string): Promise<'forgot' | 'known' | Error> {
	try {
		const entry = await store.journal.claim(key, Date.now(), 60_000);
		if (entry.state !== 'claimed') return 'known';
		await store.journal.release(key);
		return 'forgot';
	} catch (error) {
		if (error instanceof StateUnavailableError) return error;
		throw error;
	}
}

export async function replayItem(deps: ReplayDeps): Promise<ItemOutcome> {
	const { record, request, input, options } = deps;
	/**
	 * A replay that fails keeps the record as it now stands: the key it was sent with, and
	 * `mayBeApplied` once any attempt may have applied it (never cleared by a later refusal), so a
	 * later replay through a journal that never saw the key still refuses it.
	 */
	const fail = (error: MetaErrorInfo, stats: IDataObject, attempts: number, mayHaveApplied = false): ItemOutcome => {
		const now: ReplayRecord = deps.seal({
			...record,
			...(request.idempotencyKey ? { idempotencyKey: request.idempotencyKey } : {}),
			...(record.mayBeApplied || mayHaveApplied ? { mayBeApplied: true } : {}),
		});
		return {
			success: [],
			failed: [
				deps.failed(error, { ...stats, replay: now as unknown as IDataObject }, {
					recovery: recoveryRecord(input.json, now, Date.now(), attempts, 'failed') as unknown as IDataObject,
				}),
			],
		};
	};

	if (record.mayBeApplied && request.idempotencyKey && request.idempotencyKey === record.idempotencyKey) {
		const known = await journalForgot(deps.store, request.idempotencyKey);
		const stats = { method: record.method, attempts: 0, waitedMs: 0, idempotencyKey: request.idempotencyKey };
		if (known instanceof Error) return fail(internalErrors.journalUnavailable(known.message), { ...stats, stopReason: 'state_unavailable' }, 0);
		if (known === 'forgot') return fail(internalErrors.replayUnconfirmed(record.failedAt), { ...stats, stopReason: 'ambiguous_write' }, 0);
	}

	const result = record.list
		? await deps.client.paginate({ ...request, signal: deps.signal }, { maxPages: options.maxPages, maxRecords: record.list.limit })
		: await deps.client.request({ ...request, signal: deps.signal });
	const stats = deps.stats(result);
	if (!result.ok) return fail((result as MetaFailure).error, stats, result.attempts, (result as MetaFailure).stopReason === 'ambiguous_write');

	const outcome = 'replayedFrom' in result && result.replayedFrom !== undefined ? 'already_succeeded' : 'succeeded';
	const recovery = recoveryRecord(input.json, record, Date.now(), result.attempts, outcome) as unknown as IDataObject;
	const success =
		'records' in result
			? recordItems(result.records, deps.itemIndex, { metaRequest: stats, recovery })
			: // the input's fields (what the item was about), without the failure it carried, then Meta's answer
				[successItem(input, deps.itemIndex, options, result.body, { metaRequest: stats, recovery })];
	return { success, failed: [] };
}
