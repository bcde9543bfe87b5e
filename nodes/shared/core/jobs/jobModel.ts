// What the Batch Status Poller knows of a job, whatever its kind: the kinds, what a status answer
// says (JobStatus), a custom status API's field names, where a status is polled, what a finished job's
// items are, and what one kind's definition must say (JobDefinition: jobDefinitions.ts has them).
import type { MetaErrorInfo } from '../types';

export const JOB_KINDS = ['async_batch', 'report_run', 'async_session', 'ig_container', 'video', 'catalog_batch', 'custom'] as const;
export type JobKind = (typeof JOB_KINDS)[number];

export type JobState = 'running' | 'completed' | 'failed';

export interface JobStatus {
	state: JobState;
	/** 0–100 when known. */
	progress?: number;
	total?: number;
	succeeded?: number;
	failed?: number;
	/** The status as the API wrote it, e.g. `Job Running`, `IN_PROGRESS`, `partial`. */
	status?: string;
	/** What to classify when the whole job failed (the body, or a message wrapped as an internal failure). */
	failure?: unknown;
	/** What the kind knows of that failure (see FailureHint). */
	hint?: FailureHint;
	/** Catalog batch: Meta's warnings (the products were applied). */
	warnings?: unknown[];
	/** What a completed job produced, when its status carries it (an async session's `result`, parsed). */
	result?: unknown;
	/** Why a job that is still running may not end by itself (a video stuck at `upload_complete`). */
	reason?: string;
}

/** Field names of a custom status API (dot paths allowed). Defaults follow `/v1/batch-status/:id`. */
export interface StatusMapping {
	status: string;
	progress: string;
	total: string;
	succeeded: string;
	errorMessage: string;
	/** List of per-item failures in the status body. */
	errors: string;
	/** In each failure: its index in the batch and its id. */
	itemIndex: string;
	itemId: string;
	/** Status values (any case) that mean done, and failed. Done with failures is still done. */
	doneValues: readonly string[];
	failedValues: readonly string[];
}

export const DEFAULT_STATUS_MAPPING: StatusMapping = {
	status: 'status',
	progress: 'progress',
	total: 'totalAds',
	succeeded: 'successfulAds',
	errorMessage: 'errorMessage',
	errors: 'errors',
	itemIndex: 'index',
	itemId: 'adId',
	doneValues: ['completed', 'complete', 'partial', 'success', 'succeeded', 'done', 'finished'],
	failedValues: ['failed', 'failure', 'error', 'canceled', 'cancelled', 'skipped'],
};

/** Where a job's status is read, beside its id: the custom kind's URL template, the catalog a batch went to. */
export interface JobTarget {
	/** Custom kind: status path template such as `/v1/batch-status/{id}`. */
	statusUrl?: string;
	/** Catalog batch: the `{catalog_id}` of `POST /{catalog_id}/items_batch`. */
	catalogId?: string;
	/** Catalog batch: the `requests` list that was sent, when known (to name the products that succeeded). */
	requests?: readonly unknown[];
}

/** One status poll: the path (on the credential's host) and its query. */
export interface StatusPoll {
	path: string;
	query: Record<string, string>;
}

/**
 * What a kind knows about a failure that the classifier cannot: `always` is written over the
 * classification, `ifUnknown` only when the classifier found no category (`unknown`).
 */
export interface FailureHint {
	always?: Partial<MetaErrorInfo>;
	ifUnknown?: Partial<MetaErrorInfo>;
}

/** One item of a finished job: a sub-request, a report row, a product. */
export interface ItemOutcome {
	outcome: 'succeeded' | 'failed';
	/** Position in the batch, counting from 0. */
	index?: number;
	id?: string;
	/** The item as sent, when known. */
	input?: unknown;
	/** Succeeded: what it produced (`{id}` of a created ad, a report row). */
	result?: unknown;
	/** Failed: what to classify, and what the kind knows of it. */
	failure?: unknown;
	hint?: FailureHint;
	/** Catalog products: Meta's warnings for this product (it was still applied). */
	warnings?: unknown[];
	/** Failed because Meta's answer cannot prove it was applied, not because it was rejected. */
	unconfirmed?: boolean;
	/** The item's own status as Meta wrote it, when it says more than failed (`ERROR_DEPENDENCY`, `USER_CANCELED`). */
	status?: string;
}

/** What a kind's result reader is handed: the job, its last status answer, and how to read a paged list. */
export interface DoneJob {
	jobId: string;
	body: unknown;
	mapping: StatusMapping;
	target: JobTarget;
	/** Whether succeeded items are wanted (a report's rows are only read then). */
	withSucceeded: boolean;
}
/** A list that could not be read (the client's failure, handed back unchanged). */
export interface ReadStop {
	ok: false;
}
/** Reads every page of `/{jobId}/{edge}`, in a stable order. */
export type ReadList = (edge: string, query: Record<string, string | number>) => Promise<unknown[] | ReadStop>;

/**
 * One asynchronous job kind: where its status is polled, what a status answer says (running,
 * completed, failed; progress), and how a finished job splits into per-item successes and failures.
 */
export interface JobDefinition {
	poll(jobId: string, target: JobTarget): StatusPoll;
	/** Never throws; a body in an unexpected shape is still running. */
	parse(body: Record<string, unknown>, mapping: StatusMapping): JobStatus;
	/** Progress step of the readings (they are rounded down to it); default 1, whole percents. */
	resolution?(status: JobStatus): number;
	/** Per-item outcomes of a completed job; none when absent. */
	results?(job: DoneJob, read: ReadList): Promise<ItemOutcome[] | ReadStop>;
	/** How many items the job has, when only the target tells (the catalog requests that were sent). */
	total?(target: JobTarget): number | undefined;
}
