// The `metaRequest.replay` record a failed call of Meta Request carries (what Replay Failed Items
// sends again), as it stands in the output: redacted like the rest of the item, and sealed with
// the credential so that only what this node wrote is sent again.
import type { IDataObject } from 'n8n-workflow';

import { buildReplayRecord, signReplayRecord, type Redactor, type ReplayBase, type ReplayRecord, type ReplaySource } from '../shared/core';
import type { MetaRequestOptions } from '../shared/transport';

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
