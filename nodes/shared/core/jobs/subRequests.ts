// The requests of an async batch (AdAsyncRequest): what each status means for its item, beyond plain
// SUCCESS and ERROR (conflicts, dependencies, cancels), and what to classify when it failed.
import { getPath, isObject } from '../util';
import { internalFailure, str } from './jobValues';
import type { FailureHint } from './jobModel';

export type SubOutcome = 'succeeded' | 'failed' | 'pending';

/**
 * What each status of an async batch's request (AdAsyncRequest, the business SDKs' Statuses) means
 * when it is not plain SUCCESS or ERROR; absent from this table and not failed: still pending.
 */
const SUB_REQUEST_FAILURES: Readonly<Record<string, { message: string; meaning: string; remedy: string; cancel?: true }>> = {
	ERROR_CONFLICTS: {
		message: 'The request conflicted with another request on the same object.',
		meaning: 'Another request of the set (or another writer) changed the same object at the same time.',
		remedy: 'Send this request again on its own, after the other change.',
	},
	ERROR_DEPENDENCY: {
		message: 'A request this one depends on failed, so it was not run.',
		meaning: 'The request was not run because a request it depends on failed.',
		remedy: 'Fix the request it depends on (its own item shows why it failed), then send both again.',
	},
	CANCELED: { message: 'The request was canceled before it ran.', meaning: 'The request set was canceled before this request ran.', remedy: 'Send the request again if it is still wanted.', cancel: true },
	USER_CANCELED: { message: 'The request was canceled by a user before it ran.', meaning: 'Someone canceled this request before it ran.', remedy: 'Send the request again if it is still wanted.', cancel: true },
	CANCELED_DEPENDENCY: {
		message: 'A request this one depends on was canceled, so it was canceled too.',
		meaning: 'The request was canceled because a request it depends on was canceled.',
		remedy: 'Send it again together with the request it depends on.',
		cancel: true,
	},
	USER_CANCELED_DEPENDENCY: {
		message: 'A request this one depends on was canceled by a user, so it was canceled too.',
		meaning: 'The request was canceled because a request it depends on was canceled by a user.',
		remedy: 'Send it again together with the request it depends on.',
		cancel: true,
	},
};

/** One sub-request of an async batch (`{id, status, result, input}`): its outcome, what to classify, and what its status adds. */
export function subRequestOutcome(record: unknown): { outcome: SubOutcome; failure?: unknown; hint?: FailureHint } {
	const status = str(getPath(record, 'status'))?.toUpperCase();
	const result = getPath(record, 'result');
	const error = isObject(result) && isObject(result.error) ? result : undefined;
	if (status === 'SUCCESS') return { outcome: 'succeeded' };
	if (status === 'ERROR') return { outcome: 'failed', failure: result ?? internalFailure('The request failed without an error body.') };
	const known = status === undefined ? undefined : SUB_REQUEST_FAILURES[status];
	if (!known) return { outcome: 'pending' };
	// Meta's own error, when the result has one, is classified; the status says what it adds.
	const hint: FailureHint = {
		ifUnknown: { category: known.cancel ? 'business' : 'validation', retryable: false, action: 'dead_letter', source: 'async_job' },
		always: { meaning: known.meaning, remedy: known.remedy },
	};
	return { outcome: 'failed', failure: error ?? internalFailure(known.message), hint };
}
