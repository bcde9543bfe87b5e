// The failures this package reports itself (nothing was sent, or a layer stopped the call), each
// a MetaErrorInfo with `source: internal` and a code of its own, next to the catalog of Meta's.
import type { MetaErrorInfo, MetaUsage } from '../types';
import type { PrevalidationProblem } from '../validation/prevalidate';

type Fields = Pick<MetaErrorInfo, 'category' | 'retryable' | 'action' | 'code' | 'message' | 'meaning' | 'remedy'> &
	Partial<MetaErrorInfo>;

const internal = (fields: Fields): MetaErrorInfo => ({ source: 'internal', ...fields });

/**
 * Why a token cannot be sent in an `Authorization` header, or undefined when it can. Undici would
 * refuse it (UND_ERR_INVALID_ARG) on every try; the user has to paste it again.
 */
export function tokenProblem(token: string): string | undefined {
	if (/[\r\n]/.test(token)) return 'the access token contains a line break: paste it again, on one line';
	if (/\s/.test(token)) return 'the access token contains a space or a tab: paste it again, without spaces';
	if (/[\x00-\x1f\x7f]/.test(token)) return 'the access token contains a control character: paste it again';
	if (/[^\x21-\x7e]/.test(token)) {
		return 'the access token contains a character outside plain ASCII (a curly quote or an invisible character from copying): paste it again';
	}
	return undefined;
}

export const internalErrors = {
	/** A node parameter of this item is invalid; nothing was sent. */
	invalidParameter: (message: string) =>
		internal({
			category: 'validation',
			retryable: false,
			action: 'dead_letter',
			code: 'INVALID_PARAMETER',
			message,
			meaning: 'The node parameters for this item are invalid, so no request was sent.',
			remedy: 'Fix the parameter named in the message.',
		}),

	/**
	 * "Validate before sending" refused this write (nothing was sent): the first problem gives the
	 * code, field and message; every problem is listed in `details` when there are more.
	 */
	prevalidation: (problems: Array<Pick<PrevalidationProblem, 'code' | 'field' | 'message'>>) => {
		const [first] = problems;
		return internal({
			category: 'validation',
			retryable: false,
			action: 'dead_letter',
			code: first.code,
			field: first.field,
			message: `${first.message} Nothing was sent.`,
			...(problems.length > 1 ? { details: problems.map((problem) => `${problem.code} ${problem.field}: ${problem.message}`).join('\n') } : {}),
			meaning: 'Validate Before Sending found a mistake Meta would refuse (or fail on later), so this write was not sent.',
			remedy: 'Fix the field named in the message and run the item again; turn off the option Validate Before Sending only if Meta accepts this request.',
		});
	},

	invalidJobId: (message: string) =>
		internal({
			category: 'validation',
			retryable: false,
			action: 'dead_letter',
			code: 'INVALID_JOB_ID',
			message,
			meaning: 'The item carries no usable job ID, so the job was not polled.',
			remedy: 'Set Job ID Field to the field that holds the job ID.',
		}),

	invalidToken: (problem: string) =>
		internal({
			category: 'auth',
			retryable: false,
			action: 'escalate',
			code: 'INVALID_TOKEN_FORMAT',
			message: `Meta Graph API credential: ${problem}. Nothing was sent.`,
			meaning: 'The access token in the credential cannot be sent in an HTTP header, so no request can reach Meta.',
			remedy: 'Open the Meta Graph API credential, paste the access token again (one line, no spaces) and save it.',
		}),

	/** `code`: FOREIGN_HOST (another origin), PATH_OUTSIDE_BASE (a `..` out of the Base URL's path), INVALID_HEADER (a header no send may carry) or INVALID_URL (not a URL at all). */
	refused: (code: 'FOREIGN_HOST' | 'PATH_OUTSIDE_BASE' | 'INVALID_HEADER' | 'INVALID_URL', message: string) =>
		internal({
			category: 'validation',
			retryable: false,
			action: 'dead_letter',
			code,
			message,
			...(code === 'INVALID_HEADER'
				? {
						meaning: 'The request was refused before sending: one of its headers is not one a request may carry.',
						remedy: 'Remove the header: the credential sends the token, the node sets Host, Content-Type and Idempotency-Key.',
					}
				: {
						meaning: "The request was refused before sending: it does not point at the credential's Graph API host and path.",
						remedy: 'Use a path such as "act_123/ads" or a full URL on the credential\'s host.',
					}),
		}),

	requestNotSent: (detail: string) =>
		internal({
			category: 'validation',
			retryable: false,
			action: 'dead_letter',
			code: 'REQUEST_NOT_SENT',
			message: `The request could not be sent: ${detail}`,
			meaning: 'The request was refused on this side before it left (an invalid header or argument); Meta saw nothing.',
			remedy: 'Check the parameters and the credential for characters that cannot be sent, then run it again.',
		}),

	circuitOpen: (endpoint: string, failures: number, halfOpensAt: number, now: number) => {
		const inMs = Math.max(0, halfOpensAt - now);
		return internal({
			category: 'server',
			retryable: true,
			action: 'retry',
			code: 'CIRCUIT_OPEN',
			retryAfterMs: inMs,
			message:
				`Circuit breaker open for ${endpoint} after ${failures} consecutive server or network failures; ` +
				`request not sent. It lets one trial request through in ${Math.ceil(inMs / 1000)} s ` +
				`(at ${new Date(halfOpensAt).toISOString()}).`,
			meaning: 'Meta kept failing on this endpoint, so calls fail fast for a while instead of adding load.',
			remedy: "Retry after the cool-down; if it keeps opening, check Meta's status page.",
		});
	},

	throttled: (waitMs: number, usage: MetaUsage | undefined) =>
		internal({
			category: 'rate_limit',
			retryable: true,
			action: 'retry',
			code: 'THROTTLED',
			retryAfterMs: waitMs,
			usage,
			message:
				`Usage is at ${usage?.maxPercent ?? '?'} %: the next call should wait ${Math.ceil(waitMs / 1000)} s, ` +
				'longer than the time budget left for this item; request not sent.',
			meaning: 'Meta reports the rate limit is nearly used up, so calls are being spaced out.',
			remedy: 'Retry later, or raise the Total Time Budget or the Throttle Target.',
		}),

	aborted: () =>
		internal({
			category: 'network',
			retryable: true,
			action: 'retry',
			code: 'ABORTED',
			message: 'The request was cancelled (the execution was stopped).',
			meaning: 'The request was cancelled before Meta answered.',
			remedy: 'Run the workflow again.',
		}),

	/** The write journal could not be reached, so a write that creates was not sent (see Journal Unavailable). */
	journalUnavailable: (detail: string) =>
		internal({
			category: 'network',
			retryable: true,
			action: 'retry',
			code: 'JOURNAL_UNAVAILABLE',
			message: `The write journal could not be reached (${detail}); this write was not sent, so it cannot be sent twice.`,
			meaning: 'Writes that create something are recorded in the shared state store (Redis) before they are sent; the store did not answer.',
			remedy: 'Check that Redis is running and reachable from every n8n worker, then retry. To send without the journal while Redis is down, set the option If Redis Is Unreachable to Send Without the Journal.',
		}),

	/** The journal holds this write's key: sent earlier, and nobody knows whether it was applied. */
	writeNotConfirmed: (since: number, inFlight: boolean) =>
		internal({
			category: 'server',
			retryable: false,
			action: 'escalate',
			code: inFlight ? 'WRITE_IN_FLIGHT' : 'WRITE_NOT_CONFIRMED',
			message: inFlight
				? `The same write (same idempotency key) is being sent by another execution since ${new Date(since).toISOString()}; it was not sent again.`
				: `The same write (same idempotency key) was sent at ${new Date(since).toISOString()} and never confirmed (the worker stopped or the answer was lost); it was not sent again, to avoid creating a second object.`,
			meaning: 'The write journal shows an earlier attempt of this exact write whose result is unknown.',
			remedy: 'Check on Meta whether the object exists before sending it again; to send it anyway, give it a new key (Idempotency Key option) or wait for the journal entry to expire.',
		}),

	/** The write's idempotency key already stands for a different request (another method, path, query or body); nothing was sent. */
	idempotencyKeyReused: (key: string, since: number) =>
		internal({
			category: 'validation',
			retryable: false,
			action: 'dead_letter',
			code: 'IDEMPOTENCY_KEY_REUSED',
			message: `The idempotency key "${key.length > 80 ? `${key.slice(0, 80)}…` : key}" was used at ${new Date(since).toISOString()} for a different request (another method, path or body); this one was not sent, and not answered with the other one's result.`,
			meaning: 'One key must stand for one write: the write journal answers a repeat of a key with the first write\'s result, which would be wrong for a different request.',
			remedy:
				'Give each different write its own key: leave Idempotency Key empty (the node derives one from the request), or make the expression name the write as well, e.g. {{ "ad-" + $json.orderId }} and {{ "wa-" + $json.orderId }}.',
		}),

	/** Replay: the record is not as a Meta Request with this credential wrote it; nothing was sent. */
	replayUnverified: (signed: boolean) =>
		internal({
			category: 'validation',
			retryable: false,
			action: 'dead_letter',
			code: 'REPLAY_UNVERIFIED',
			message: signed
				? 'The record (metaRequest.replay) was changed after Meta Request wrote it, or was written with another credential; it was not sent.'
				: 'The record (metaRequest.replay) carries no signature: it was not written by this version of Meta Request; it was not sent.',
			meaning: 'Replay Failed Items sends only records a Meta Request with this credential wrote, unchanged, so nobody who can write to your dead-letter store can make it call the API with your credential.',
			remedy: 'If you changed the record yourself (a value fixed by hand) or trust where it comes from, turn on the option Send Edited Records and replay it.',
		}),

	/** Replay: the incoming item holds no usable `metaRequest.replay`; nothing was sent. */
	replayInvalid: (problem: string) =>
		internal({
			category: 'validation',
			retryable: false,
			action: 'dead_letter',
			code: 'REPLAY_INVALID',
			message: `Cannot replay this item: ${problem}.`,
			meaning: 'Replay Failed Items sends again what a failed Meta Request item recorded in metaRequest.replay; this item has no such record, or an incomplete one.',
			remedy: 'Feed Replay Failed Items with items from a Meta Request Failed output (or stored from one), with metaRequest.replay intact.',
		}),

	/** Replay: a create that may have been applied, and the write journal has no record of its key. */
	replayUnconfirmed: (failedAt: string) =>
		internal({
			category: 'server',
			retryable: false,
			action: 'escalate',
			code: 'WRITE_NOT_CONFIRMED',
			message: `This create failed at ${failedAt} in a way that may have applied it, and the write journal has no record of its idempotency key (expired, or kept in another state store): it was not sent again, to avoid creating a second object.`,
			meaning: 'Only the write journal can tell whether a create that may have been applied succeeded; without its record a replay could create a duplicate.',
			remedy: 'Check on Meta whether the object exists. If it does not, replay the item with a new key (Idempotency Key option); if it does, drop the item.',
		}),

	/** A creating write that failed in a way that may still have applied it: what happened and what to check. */
	ambiguousWrite: (error: MetaErrorInfo, method: string): MetaErrorInfo => {
		const answer =
			error.category === 'network' || error.httpStatus === undefined
				? 'the connection broke or timed out'
				: `Meta answered HTTP ${error.httpStatus}`;
		return {
			...error,
			action: 'escalate',
			message:
				`${error.message ?? 'The request failed'} — ${answer} after this ${method} was sent, so it may have been ` +
				'applied; it was not sent again, to avoid creating a second object.',
			remedy:
				'Check on Meta whether the object exists (list the edge and look for its name or creation time; for a message or ' +
				'an event, its recipient and time) before sending it again. Turn on "Retry Writes With Idempotency Key" only ' +
				'if the endpoint de-duplicates by that key.',
		};
	},
};
