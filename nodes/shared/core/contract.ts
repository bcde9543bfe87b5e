// The fields one node writes and another reads: Meta Request's and the poller's `metaRequest`,
// the normalized error under `metaError`, and the shape of an item on n8n's error output. The
// Escalation Router and Classify Error read exactly these.
import type { MetaErrorInfo, MetaUsage } from './types';
import type { ReplayRecord } from './resilience/replayRecord';

/** Why a failed call was not retried (further). */
export type StopReason =
	| 'not_retryable'
	| 'max_attempts'
	| 'time_budget'
	| 'ambiguous_write'
	| 'circuit_open'
	| 'refused'
	| 'aborted'
	| 'state_unavailable';

export const STOP_REASONS: readonly StopReason[] = [
	'not_retryable',
	'max_attempts',
	'time_budget',
	'ambiguous_write',
	'circuit_open',
	'refused',
	'aborted',
	'state_unavailable',
];

/** Whether a value read from an item is one of the stop reasons (an unknown one reads as none). */
export function isStopReason(value: unknown): value is StopReason {
	return (STOP_REASONS as readonly unknown[]).includes(value);
}

/** `metaRequest` on every item Meta Request outputs: what was called and how it went. Never a secret. */
export interface MetaRequestStats {
	method: string;
	/** The URL without token or `appsecret_proof` (redacted like everything else). */
	url: string;
	/** Requests sent, over all retries and pages. */
	attempts: number;
	/** Time spent waiting (backoff and throttle), in ms. */
	waitedMs: number;
	/** Usage reported by the last response that had usage headers. */
	usage?: MetaUsage;
	/** HTTP status of a success. */
	status?: number;
	/** List Edge: pages read, and whether Meta had more than was read. */
	pages?: number;
	more?: boolean;
	/** List Edge: the list's `summary` as Meta sent it (e.g. `{ total_count }`). */
	summary?: unknown;
	/** Failures only: why the call was not retried (further). */
	stopReason?: StopReason;
	/** Writes: the `Idempotency-Key` sent. */
	idempotencyKey?: string;
	/** Answered from the write journal: this write had already succeeded, nothing was sent. */
	replayed?: boolean;
	/** With `replayed`: when the write it repeats succeeded (ISO time). */
	replayedFrom?: string;
	/** Where pacing, breakers and the journal were kept: `redis`, or `memory` (this n8n process only). */
	stateStore?: 'memory' | 'redis';
	/** What the item should know about its shared state (Redis unreachable, fallback to memory, per-worker state). */
	stateWarnings?: string[];
	/** What Validate Before Sending noticed without refusing the write (a template parameter type it does not know). */
	warnings?: string[];
	/** Failures only: what Replay Failed Items needs to send the request again (never a secret). */
	replay?: ReplayRecord;
}

/** The default field names. */
export const META_ERROR_FIELD = 'metaError';
export const META_REQUEST_FIELD = 'metaRequest';

/** An item on Meta Request's Failed output: the input's fields plus these. */
export interface FailedItemFields {
	metaError: MetaErrorInfo;
	metaRequest: Partial<MetaRequestStats>;
}

/**
 * An item on n8n's error output ("On Error: Continue (using error output)"): n8n keeps only
 * `error` and `message` of what a node returns there, so the normalized error rides in `error`.
 */
export interface ErrorOutputFields {
	error: MetaErrorInfo;
	message: string;
}
