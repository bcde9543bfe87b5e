// Meta Request's Replay Failed Items: each incoming item's `metaRequest.replay` (written by Meta
// Request on Failed) is sent again with the same idempotency key through the same layers (write
// journal, retry, breaker, pacing), and every output item gets the audit record `recovery`. A
// replay that fails again keeps its record, so it can be replayed later.
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import {
	buildReplayRecord,
	internalErrors,
	isWriteMethod,
	prevalidate,
	readReplayRecord,
	recoveryRecord,
	replayRecordSigned,
	signReplayRecord,
	StateUnavailableError,
	type Redactor,
	type MetaErrorInfo,
	type ReplayBase,
	type ReplayRecord,
	type ReplaySource,
	type StateStore,
} from '../shared/core';
import type { MetaClient, MetaFailure, MetaPageResult, MetaRequestOptions, MetaResult } from '../shared/transport';
import { isObject } from '../shared/core/util';
import { recordItems, successItem, type ItemOutcome } from './outcome';
import type { NodeOptions } from './params';

/** Where records point (the credential's Base URL and version), and how this node seals them. */
export interface NodeReplayBase extends ReplayBase {
	/** `replaySigningKey` of the credential. */
	signingKey: Buffer;
	/** The credential's redactor: a record is sealed as it will stand in the output. */
	redactor: Redactor;
}

/**
 * A record as it will stand in the node's output (the path and headers redacted like the rest of
 * the item, the body and query of the credential's secrets only: they are sent again), signed.
 */
export function sealRecord(record: ReplayRecord, base: Pick<NodeReplayBase, 'signingKey' | 'redactor'>): ReplayRecord {
	const { redactor } = base;
	const shown: ReplayRecord = {
		...record,
		path: redactor.text(record.path),
		...(record.query ? { query: redactor.secretsOnly.deep(record.query) } : {}),
		...(record.body !== undefined ? { body: redactor.secretsOnly.deep(record.body) } : {}),
		...(record.headers ? { headers: redactor.deep(record.headers) } : {}),
		...(record.idempotencyKey ? { idempotencyKey: redactor.text(record.idempotencyKey) } : {}),
	};
	return signReplayRecord(shown, base.signingKey);
}

/** The record a failed request of this node carries on `metaRequest.replay`. */
export function replayOf(request: MetaRequestOptions, base: NodeReplayBase, extra: Pick<ReplaySource, 'list' | 'notSent'> & { stopReason?: string } = {}): IDataObject {
	const { stopReason, ...rest } = extra;
	const record = buildReplayRecord(
		{
			method: request.method,
			path: request.path,
			query: request.query as Record<string, unknown> | undefined,
			body: request.body,
			headers: request.headers,
			idempotencyKey: request.idempotencyKey,
			writeKind: request.writeKind,
			mayBeApplied: stopReason === 'ambiguous_write',
			...rest,
		},
		base,
		Date.now(),
	);
	return sealRecord(record, base) as unknown as IDataObject;
}

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
