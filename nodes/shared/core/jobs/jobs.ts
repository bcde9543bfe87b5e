// The Batch Status Poller's decisions: one definition per job kind (where its status is polled,
// what a status answer means: running, completed, failed, progress; how a finished job splits into
// per-item successes and failures), how long to wait before the next poll, and how result lists
// are ordered. Pure: the node does the HTTP and the waiting.
import type { ErrorAction, MetaErrorInfo } from '../types';
import { compact, getPath, isObject } from '../util';

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

/** When to poll again: `initialMs × factor^n`, at most `maxIntervalMs`; the run ends at `timeoutMs`. */
export interface PollSchedule {
	initialMs: number;
	factor: number;
	maxIntervalMs: number;
	timeoutMs: number;
}

export const DEFAULT_POLL_SCHEDULE: PollSchedule = {
	initialMs: 2_000,
	factor: 1.5,
	maxIntervalMs: 60_000,
	timeoutMs: 5 * 60_000,
};

function num(value: unknown): number | undefined {
	if (typeof value === 'number' && Number.isFinite(value)) return value;
	if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
	return undefined;
}

function str(value: unknown): string | undefined {
	return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : undefined;
}

const internalFailure = (message: string) => ({ success: false, message });

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

const graphObject =
	(fields?: string) =>
	(jobId: string): StatusPoll => ({ path: `/${encodeURIComponent(jobId)}`, query: fields ? { fields } : {} });

const lower = (value: unknown) => str(value)?.toLowerCase();
const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

/** Instagram publishing subcodes a container's ERROR may carry, and what they mean. */
const CONTAINER_SUBCODES: Readonly<Record<number, { category: 'server' | 'validation'; meaning: string }>> = {
	2207001: { category: 'server', meaning: 'Instagram had a server error while processing the media.' },
	2207003: { category: 'server', meaning: 'Instagram took too long to download the media from its URL.' },
	2207004: { category: 'validation', meaning: 'The image is too large for Instagram to download.' },
	2207005: { category: 'validation', meaning: 'Instagram does not support this media format.' },
	2207009: { category: 'validation', meaning: 'Instagram does not support the aspect ratio of this media.' },
	2207026: { category: 'validation', meaning: 'Instagram does not support this video format.' },
};

/** A container that ended in ERROR: its `status` text (or number) is the error subcode, when it has one. */
function containerError(status: string | undefined): FailureHint {
	const subcode = num(status) ?? num(/\b(2207\d{3})\b/.exec(status ?? '')?.[1]);
	const known = subcode === undefined ? undefined : CONTAINER_SUBCODES[subcode];
	const category = known?.category ?? 'validation';
	const action: ErrorAction = category === 'server' ? 'retry' : 'dead_letter';
	return {
		always: compact({
			category,
			retryable: category === 'server',
			action,
			source: 'async_job' as const,
			code: 'IG_CONTAINER_ERROR',
			subcode,
			message: `The Instagram media container ended in ERROR${status ? `: ${status}` : ''}.`,
			meaning: known?.meaning ?? 'Instagram could not process the media of this container, so it cannot be published.',
			remedy:
				category === 'server'
					? 'Create a new container with the same media and follow it again; publish it with media_publish once it is FINISHED.'
					: 'Check the media (format, size, aspect ratio, a URL Instagram can download), create a new container and follow it again.',
		}),
	};
}

const CONTAINER_EXPIRED: FailureHint = {
	always: {
		category: 'validation',
		retryable: false,
		action: 'dead_letter',
		source: 'async_job',
		code: 'IG_CONTAINER_EXPIRED',
		message: 'The Instagram media container EXPIRED: it was not published within 24 hours of its creation.',
		meaning: 'A container can only be published within 24 hours; this one can no longer be published.',
		remedy: 'Create a new container with the same media and publish it with media_publish as soon as it is FINISHED.',
	},
};

/** The errors Meta lists in a video's upload, processing and publishing phases. */
function videoErrors(status: Record<string, unknown>): Array<Record<string, unknown>> {
	return ['uploading_phase', 'processing_phase', 'publishing_phase'].flatMap((phase) =>
		list(getPath(status, `${phase}.errors`)).filter(isObject),
	);
}

const VIDEO_FAILURES = {
	error: { fallback: 'The video ended with video_status "error".', meaning: 'Meta could not process this video.' },
	expired: { fallback: 'The video upload expired before it was finished.', meaning: 'The upload session ended before the whole video arrived.' },
	copyright: { fallback: 'The copyright check of the video ended in error.', meaning: 'Meta\'s copyright check of this video failed, so it will not be published.' },
	publishing: { fallback: 'Publishing the video failed.', meaning: 'The video was processed but Meta could not publish it.' },
} as const;

/** A video that will not become ready or published: classified from its first phase error. */
function videoFailure(status: Record<string, unknown>, videoStatus: string, progress: number | undefined, why: keyof typeof VIDEO_FAILURES): JobStatus {
	const errors = [...videoErrors(status), ...list(getPath(status, 'copyright_check_status.errors')).filter(isObject)];
	const messages = errors.map((e) => str(e.message)).filter((m): m is string => m !== undefined);
	const first = errors[0];
	const { fallback, meaning } = VIDEO_FAILURES[why];
	const failure = first ? { error: compact({ message: str(first.message), code: num(first.code), error_subcode: num(first.error_subcode) }) } : internalFailure(fallback);
	const hint: FailureHint = {
		ifUnknown: {
			category: 'validation',
			retryable: false,
			action: 'dead_letter',
			source: 'async_job',
			meaning,
			remedy:
				why === 'copyright'
					? 'Check that you own the rights to every part of the video (music included), then upload it again.'
					: 'Check the file against Meta\'s video specifications (format, codec, size, length), then upload it again.',
		},
		...(messages.length > 1 ? { always: { details: messages.join('\n') } } : {}),
	};
	return compact({ state: 'failed', progress, status: why === 'copyright' || why === 'publishing' ? `${videoStatus} (${why} error)` : videoStatus, failure, hint });
}

/** A value Meta sends as JSON text (an async session's `result`), parsed; anything else as it is. */
function jsonText(value: unknown): unknown {
	if (typeof value !== 'string') return value;
	try {
		return JSON.parse(value) as unknown;
	} catch {
		return value;
	}
}

/** Catalog batch errors and warnings are `{ line, id, message }`, `id` being the product's retailer id. */
const retailerIdOf = (request: unknown) => str(getPath(request, 'data.id') ?? getPath(request, 'retailer_id') ?? getPath(request, 'data.retailer_id'));

/** The one status entry of `check_batch_request_status` (`data: []` until Meta has registered the handle). */
function catalogEntry(body: Record<string, unknown>): Record<string, unknown> {
	const first = list(body.data)[0];
	return isObject(first) ? first : Array.isArray(body.data) ? {} : body;
}

/**
 * What a catalog batch's status entry proves. Meta's reference for check_batch_request_status:
 * `errors` is a sample of the errors (`errors_total_count` counts them all); the complete list of
 * rejected requests is `ids_of_invalid_requests`, sent only when the poll asks for it
 * (`load_ids_of_invalid_requests=true`). Status `finished` means every request was processed;
 * `error` means some may not have been.
 */
interface CatalogVerdict {
	/** Retailer ids Meta rejected, each with the messages the sample has for it. */
	rejected: Map<string, { line?: number; messages: string[] }>;
	/** Rejections without an id (a line number only). */
	unnamed: Array<{ line?: number; message?: string }>;
	/** Every product Meta does not name as rejected was applied. */
	othersApplied: boolean;
	/** Why the others are not proven applied, when they are not. */
	doubt?: string;
	errorsTotal?: number;
}

function catalogVerdict(entry: Record<string, unknown>): CatalogVerdict {
	const rejected: CatalogVerdict['rejected'] = new Map();
	const unnamed: CatalogVerdict['unnamed'] = [];
	const errors = list(entry.errors);
	for (const error of errors) {
		const id = str(getPath(error, 'id'));
		const line = num(getPath(error, 'line'));
		const message = str(getPath(error, 'message'));
		if (id === undefined) {
			unnamed.push(compact({ line, message }));
			continue;
		}
		const found = rejected.get(id) ?? { line, messages: [] };
		if (message !== undefined) found.messages.push(message);
		rejected.set(id, found);
	}
	const sampled = new Set(rejected.keys());
	const invalidIds = Array.isArray(entry.ids_of_invalid_requests) ? entry.ids_of_invalid_requests.map(str).filter((id): id is string => id !== undefined) : undefined;
	for (const id of invalidIds ?? []) if (!rejected.has(id)) rejected.set(id, { messages: [] });
	const errorsTotal = num(entry.errors_total_count);
	let doubt: string | undefined;
	if (lower(entry.status) !== 'finished') {
		doubt = `the batch ended with status "${str(entry.status) ?? 'unknown'}", so some of its requests may not have been processed`;
	} else if (invalidIds === undefined) {
		// Without the list, only a sample that holds every error names every rejected product.
		if (errorsTotal === undefined || errors.length < errorsTotal) {
			doubt = `Meta returned a sample of ${errors.length} error(s)${errorsTotal === undefined ? '' : ` of ${errorsTotal}`} and no ids_of_invalid_requests`;
		}
	} else if ([...sampled].some((id) => !invalidIds.includes(id)) || (invalidIds.length === 0 && (errorsTotal ?? 0) > 0)) {
		doubt = 'ids_of_invalid_requests is incomplete (it misses products the errors name)';
	}
	if (doubt === undefined && unnamed.length > 0) doubt = 'Meta named some rejected requests by line only';
	return { rejected, unnamed, othersApplied: doubt === undefined, doubt, errorsTotal };
}

const catalogItemHint = (messages: string[]): FailureHint => ({
	always: {
		category: 'validation',
		retryable: false,
		action: 'dead_letter',
		source: 'async_job',
		code: 'CATALOG_ITEM_ERROR',
		meaning: 'Meta rejected this product of the catalog batch; the other products were still applied.',
		remedy:
			'Correct the product in the source feed data, send it again, and check in Commerce Manager that it was ingested before reactivating the ad sets that use its product set.',
		...(messages.length > 1 ? { details: messages.join('\n') } : {}),
	},
});

/** A product Meta neither names as rejected nor proves applied: sending it again is safe (items_batch applies by retailer id). */
const catalogUnconfirmedHint = (doubt: string): FailureHint => ({
	always: {
		category: 'server',
		retryable: true,
		action: 'retry',
		source: 'async_job',
		code: 'CATALOG_ITEM_UNCONFIRMED',
		message: `Meta's answer does not prove this product was applied: ${doubt}.`,
		meaning: 'The catalog batch did not say whether this product was applied; it was not reported as rejected either.',
		remedy:
			'Send the product again (an items_batch request applies by retailer id, so a product applied twice is the same product), or check it in Commerce Manager.',
	},
});

export const JOB_DEFINITIONS: Readonly<Record<JobKind, JobDefinition>> = {
	async_batch: {
		poll: graphObject('id,name,is_completed,total_count,initial_count,in_progress_count,success_count,error_count,canceled_count'),
		parse(b) {
			const total = num(b.total_count);
			const succeeded = num(b.success_count);
			const failed = num(b.error_count);
			const canceled = num(b.canceled_count) ?? 0;
			const finished = (succeeded ?? 0) + (failed ?? 0) + canceled;
			const progress = b.is_completed === true ? 100 : total ? Math.floor((finished / total) * 100) : undefined;
			const status = b.is_completed === true ? 'completed' : 'in_progress';
			if (b.is_completed === true && total !== undefined && total > 0 && canceled === total) {
				return compact({ state: 'failed', progress, total, succeeded, failed, status: 'canceled', failure: internalFailure('Every request of the async batch was canceled.') });
			}
			return compact({ state: b.is_completed === true ? 'completed' : 'running', progress, total, succeeded, failed, status });
		},
		// Counts are rounded down to whole requests: one request is the readings' resolution.
		resolution: (status) => (status.total ? Math.max(1, 100 / status.total) : 1),
		async results(job, read) {
			// Every sub-request is read (not only failed ones) so each keeps its index in the batch.
			const records = await read('requests', { fields: 'id,status,result,input', limit: 100 });
			if (!Array.isArray(records)) return records;
			return records.map((record, index): ItemOutcome => {
				const { outcome, failure, hint } = subRequestOutcome(record);
				const base = { index, id: str(getPath(record, 'id')), input: getPath(record, 'input') };
				if (outcome === 'succeeded') return { ...base, outcome, result: getPath(record, 'result') };
				const status = str(getPath(record, 'status'));
				return compact({
					...base,
					outcome: 'failed' as const,
					status: status === 'ERROR' ? undefined : status,
					failure: failure ?? internalFailure(`The request had not finished when the batch completed (status ${status ?? 'unknown'}).`),
					hint,
				});
			});
		},
	},
	report_run: {
		// A failed AdReportRun says why in error_code, error_message, error_subcode, error_user_title
		// and error_user_msg (the business SDKs' generated AdReportRun).
		poll: graphObject('id,async_status,async_percent_completion,error_code,error_message,error_subcode,error_user_title,error_user_msg'),
		parse(b) {
			const status = str(b.async_status);
			const progress = num(b.async_percent_completion);
			if (status === 'Job Completed') return compact({ state: 'completed', progress: 100, status });
			if (status === 'Job Failed' || status === 'Job Skipped') {
				const error = compact({
					code: num(b.error_code),
					message: str(b.error_message),
					error_subcode: num(b.error_subcode),
					error_user_title: str(b.error_user_title),
					error_user_msg: str(b.error_user_msg),
				});
				const failure = error.code !== undefined || error.message !== undefined ? { error: { ...error, message: error.message ?? `The report run ended with "${status}".` } } : internalFailure(`The report run ended with "${status}".`);
				return compact({ state: 'failed', progress, status, failure });
			}
			return compact({ state: 'running', progress, status });
		},
		async results(job, read) {
			if (!job.withSucceeded) return [];
			const rows = await read('insights', { limit: 500 });
			if (!Array.isArray(rows)) return rows;
			return rows.map((row, index): ItemOutcome => ({ outcome: 'succeeded', index, result: row }));
		},
	},
	async_session: {
		// Meta's async requests guide polls a session with these fields; statuses UNKNOWN, NOT_STARTED,
		// IN_PROGRESS, COMPLETED, FAILED, and `result` is JSON text (the copied object's id…).
		// Business `async_requests` end FINISHED; older answers say SUCCESS.
		poll: graphObject('id,status,result,percent_completed'),
		parse(b) {
			const status = str(b.status);
			const upper = status?.toUpperCase();
			if (upper === 'COMPLETED' || upper === 'FINISHED' || upper === 'SUCCESS') {
				return compact({ state: 'completed', progress: 100, status, result: jsonText(b.result) });
			}
			if (upper === 'FAILED' || upper === 'ERROR') return compact({ state: 'failed', status, failure: { ...b, result: jsonText(b.result) } });
			if (upper === 'CANCELED' || upper === 'CANCELLED') {
				return compact({ state: 'failed', status, failure: internalFailure('The async session was canceled.') });
			}
			return compact({ state: 'running', progress: num(b.percent_completed) ?? num(b.progress), status });
		},
	},
	ig_container: {
		poll: graphObject('id,status_code,status'),
		parse(b) {
			const code = str(b.status_code);
			const text = str(b.status);
			switch (code?.toUpperCase()) {
				// PUBLISHED: someone already published it; the media exists, nothing is left to wait for.
				case 'FINISHED':
				case 'PUBLISHED':
					return compact({ state: 'completed', progress: 100, status: code });
				case 'ERROR':
					return compact({ state: 'failed', status: code, failure: internalFailure(text ?? 'ERROR'), hint: containerError(text) });
				case 'EXPIRED':
					return compact({ state: 'failed', status: code, failure: internalFailure('EXPIRED'), hint: CONTAINER_EXPIRED });
				default:
					return compact({ state: 'running', status: code });
			}
		},
	},
	video: {
		// Meta's video and Reels publishing references: video_status (upload_complete, processing,
		// ready, error, expired) and a status per phase; a Reel is published after it is ready.
		poll: graphObject('id,status'),
		parse(b) {
			const status = isObject(b.status) ? b.status : {};
			const videoStatus = str(status.video_status);
			const progress = num(status.processing_progress);
			const copyright = lower(getPath(status, 'copyright_check_status.status'));
			const publishing = lower(getPath(status, 'publishing_phase.status'));
			if (copyright === 'error') return videoFailure(status, videoStatus ?? 'ready', progress, 'copyright');
			if (publishing === 'error') return videoFailure(status, videoStatus ?? 'ready', progress, 'publishing');
			switch (videoStatus?.toLowerCase()) {
				case 'ready':
					// Publishing runs after processing: a Reel is not out until its publishing phase is.
					// not_started is taken as "nothing to publish" (a video uploaded for ads never starts it).
					if (publishing !== undefined && publishing !== 'complete' && publishing !== 'not_started') {
						return compact({ state: 'running', progress: 100, status: `ready (publishing ${publishing})` });
					}
					return compact({ state: 'completed', progress: 100, status: videoStatus });
				case 'error':
				case 'expired':
					return videoFailure(status, videoStatus, progress, videoStatus.toLowerCase() === 'expired' ? 'expired' : 'error');
				case 'upload_complete':
					return compact({
						state: 'running',
						progress,
						status: videoStatus,
						reason:
							'Meta has the whole file but has not started processing it. A resumable or Reels upload starts only once it is finished (upload_phase=finish, for Reels with video_state): if this stays, finish the upload.',
					});
				default:
					return compact({ state: 'running', progress, status: videoStatus });
			}
		},
	},
	catalog_batch: {
		poll: (handle, target) => ({
			path: `/${encodeURIComponent(target.catalogId ?? '')}/check_batch_request_status`,
			query: { handle, load_ids_of_invalid_requests: 'true' },
		}),
		parse(body) {
			const entry = catalogEntry(body);
			const status = str(entry.status);
			const warnings = list(entry.warnings);
			// `error`: a partial result, split per product like `finished`; any other status (an empty
			// `data`, scheduled, dispatched, started, in_progress) is still running.
			if (lower(status) === 'finished' || lower(status) === 'error') {
				const { rejected, unnamed } = catalogVerdict(entry);
				return compact({ state: 'completed', progress: 100, status, failed: rejected.size + unnamed.length, warnings: warnings.length ? warnings : undefined });
			}
			return compact({ state: 'running', status });
		},
		async results(job) {
			const entry = catalogEntry(isObject(job.body) ? job.body : {});
			const verdict = catalogVerdict(entry);
			const requests = job.target.requests;
			const position = new Map<string, number>();
			requests?.forEach((request, index) => {
				const id = retailerIdOf(request);
				if (id !== undefined && !position.has(id)) position.set(id, index);
			});
			const warningsFor = new Map<string, unknown[]>();
			list(entry.warnings).forEach((warning) => {
				const id = str(getPath(warning, 'id'));
				if (id === undefined) return;
				warningsFor.set(id, [...(warningsFor.get(id) ?? []), warning]);
			});
			const warningsOf = (id: string | undefined) => (id === undefined ? undefined : warningsFor.get(id));
			// One product, one item: a product with several errors keeps them together.
			const outcomes: ItemOutcome[] = [];
			for (const [id, { line, messages }] of verdict.rejected) {
				const index = position.get(id) ?? line;
				const message =
					messages.join('; ') ||
					`Meta lists this product in ids_of_invalid_requests; its error is not in the sample of ${verdict.errorsTotal ?? 'the'} error(s) Meta returns (see Commerce Manager).`;
				outcomes.push(
					compact({ outcome: 'failed' as const, index, id, input: position.has(id) ? requests?.[index!] : undefined, failure: internalFailure(message), hint: catalogItemHint(messages), warnings: warningsOf(id) }),
				);
			}
			for (const { line, message } of verdict.unnamed) {
				outcomes.push(compact({ outcome: 'failed' as const, index: line, failure: internalFailure(message ?? 'Meta rejected this product without a message.'), hint: catalogItemHint(message ? [message] : []) }));
			}
			// The other products are known only from the requests that were sent; Meta's answer proves them applied or not.
			const others = (requests ?? []).map((request, index) => ({ request, index, id: retailerIdOf(request) })).filter(({ id }) => id === undefined || !verdict.rejected.has(id));
			for (const { request, index, id } of others) {
				if (verdict.othersApplied) outcomes.push(compact({ outcome: 'succeeded' as const, index, id, input: request, warnings: warningsOf(id) }));
				else outcomes.push(compact({ outcome: 'failed' as const, unconfirmed: true, index, id, input: request, failure: internalFailure('unconfirmed'), hint: catalogUnconfirmedHint(verdict.doubt!), warnings: warningsOf(id) }));
			}
			// Without the requests, the doubt is still said: one item for the products that cannot be named.
			if (!requests && !verdict.othersApplied) {
				outcomes.push({ outcome: 'failed', unconfirmed: true, failure: internalFailure('unconfirmed'), hint: catalogUnconfirmedHint(`${verdict.doubt!}; give Sent Requests to see which products`) });
			}
			return orderRecords(outcomes, 'index');
		},
		total: (target) => target.requests?.length,
	},
	custom: {
		poll: (jobId, target) => ({ path: statusPath(target.statusUrl ?? '', jobId), query: {} }),
		parse(b, mapping) {
			const status = str(getPath(b, mapping.status));
			const progress = num(getPath(b, mapping.progress));
			const total = num(getPath(b, mapping.total));
			const succeeded = num(getPath(b, mapping.succeeded));
			const errors = getPath(b, mapping.errors);
			const failed = Array.isArray(errors) ? errors.length : undefined;
			const is = (values: readonly string[]) => status !== undefined && values.some((v) => v.toLowerCase() === status.toLowerCase());
			if (is(mapping.failedValues)) {
				const message = str(getPath(b, mapping.errorMessage)) ?? `The job ended with status "${status}".`;
				return compact({ state: 'failed', progress, total, succeeded, failed, status, failure: internalFailure(message) });
			}
			// Without a status field, 100 % means done.
			const done = is(mapping.doneValues) || (status === undefined && progress !== undefined && progress >= 100);
			return compact({ state: done ? 'completed' : 'running', progress: done ? 100 : progress, total, succeeded, failed, status });
		},
		async results(job) {
			const outcomes: ItemOutcome[] = customItemFailures(job.body, job.mapping).map(({ index, id, failure }) => ({ outcome: 'failed', index, id, failure }));
			// Counts without a list: the failures exist but cannot be told apart.
			const { total, succeeded } = parseJobStatus('custom', job.body, job.mapping);
			if (outcomes.length === 0 && total !== undefined && succeeded !== undefined && succeeded < total) {
				const message = str(getPath(job.body, job.mapping.errorMessage)) ?? `${total - succeeded} of ${total} items failed.`;
				outcomes.push({ outcome: 'failed', failure: internalFailure(message) });
			}
			return outcomes;
		},
	},
};

/** What one status answer says. An answer in an unexpected shape counts as still running. */
export function parseJobStatus(kind: JobKind, body: unknown, mapping: StatusMapping = DEFAULT_STATUS_MAPPING): JobStatus {
	return JOB_DEFINITIONS[kind].parse(isObject(body) ? body : {}, mapping);
}

/** The wait before poll `n + 1` (n = 0 after the first poll). */
export function pollDelay(n: number, schedule: PollSchedule): number {
	return Math.min(schedule.maxIntervalMs, schedule.initialMs * schedule.factor ** Math.max(0, n));
}

/** One status answer as the predictor sees it: when it came (ms since following began) and its progress. */
export interface ProgressReading {
	atMs: number;
	/** 0–100, absent when the answer had none. */
	progress?: number;
}

export interface PredictOptions {
	/** Now, in ms since following began; default the last reading's time. */
	nowMs?: number;
	/** Progress step of the readings (they are rounded down to it): 1 for whole percents, 100 / total for counts. */
	resolution?: number;
}

/** Shortest wait the prediction asks for: 1 s (the node's minimum interval), or the schedule's first wait if shorter. */
const MIN_PREDICTED_MS = 1_000;
/** How far past the predicted end to poll: 0.5 % of the time elapsed, at least 250 ms. */
const MARGIN_SHARE = 0.005;
const MIN_MARGIN_MS = 250;
/** Once the latest predicted end has passed: poll every 2 % of the time elapsed. */
const OVERDUE_SHARE = 0.02;

/**
 * The wait before the next poll, given every reading so far (in order) and the schedule.
 *
 * Without progress, or while progress has not moved since the first reading, it is `pollDelay(n)`
 * exactly (n = readings − 1). With moving progress it fits the readings' rate, first to last: as
 * readings are rounded down to `resolution`, the rate lies between (Δp − step) / Δt and (Δp + step) / Δt,
 * which bounds when the job ends. When even the latest such end is within one wait, it waits until
 * just after it (a margin of 0.5 % of the time elapsed, at least 250 ms); otherwise it waits as long as
 * it may, to skip polls that cannot see the end. Once the latest end has passed, it polls every 2 % of
 * the time elapsed.
 *
 * Bounds: at least `min(1 s, initialMs)`; at most `maxIntervalMs` and at most the larger of
 * `pollDelay(n)` and the time elapsed (progress is rarely linear: a job that speeds up is seen at
 * most one elapsed time late); and never a poll earlier than the schedule's poll of the same number
 * (the sum of `pollDelay(0…n)`), so no job is polled more often than the schedule alone would poll it.
 */
export function nextPollDelay(readings: readonly ProgressReading[], schedule: PollSchedule, options: PredictOptions = {}): number {
	const n = Math.max(0, readings.length - 1);
	const baseline = pollDelay(n, schedule);
	const known = readings.filter((r) => r.progress !== undefined && Number.isFinite(r.progress));
	if (known.length < 2) return baseline;
	const first = known[0];
	const last = known[known.length - 1];
	const span = last.atMs - first.atMs;
	const moved = last.progress! - first.progress!;
	if (span <= 0 || moved <= 0) return baseline;
	const nowMs = Math.max(options.nowMs ?? last.atMs, last.atMs);
	const step = Math.max(0, options.resolution ?? 1);
	const slowest = (moved - step) / span;
	// The job ends by then, if its rate holds (Infinity: the readings cannot tell).
	const latestEnd = slowest > 0 ? last.atMs + (100 - last.progress!) / slowest : Infinity;

	let scheduled = 0;
	for (let i = 0; i <= n; i++) scheduled += pollDelay(i, schedule);
	const shortest = Math.max(Math.min(MIN_PREDICTED_MS, schedule.initialMs), scheduled - nowMs);
	const longest = Math.min(schedule.maxIntervalMs, Math.max(baseline, nowMs));

	let wanted: number;
	if (latestEnd <= nowMs) wanted = OVERDUE_SHARE * nowMs;
	else {
		const untilEnd = latestEnd + Math.max(MIN_MARGIN_MS, MARGIN_SHARE * nowMs) - nowMs;
		wanted = untilEnd <= longest ? untilEnd : longest;
	}
	return Math.min(longest, Math.max(wanted, shortest));
}

/** Numeric ids in numeric order, other text in text order. */
function compareKeys(a: unknown, b: unknown): number {
	const na = num(a);
	const nb = num(b);
	if (na !== undefined && nb !== undefined) {
		// Graph ids exceed 2^53: compare digit strings by length first.
		const sa = String(a);
		const sb = String(b);
		if (/^\d+$/.test(sa) && /^\d+$/.test(sb)) return sa.length - sb.length || (sa < sb ? -1 : sa > sb ? 1 : 0);
		return na - nb;
	}
	if (a === undefined || b === undefined) return a === undefined ? (b === undefined ? 0 : 1) : -1;
	const ta = String(a);
	const tb = String(b);
	return ta < tb ? -1 : ta > tb ? 1 : 0;
}

/**
 * A result list in a stable order: by `primaryKey` when given, then by `id` as the tiebreak,
 * each id once (a record seen on two pages is kept once). Records without an id are kept, last.
 */
export function orderRecords<T>(records: readonly T[], primaryKey = ''): T[] {
	const seen = new Set<string>();
	const unique = records.filter((record) => {
		const id = str(getPath(record, 'id'));
		if (id === undefined) return true;
		if (seen.has(id)) return false;
		seen.add(id);
		return true;
	});
	return unique
		.map((record, position) => ({ record, position }))
		.sort(
			(x, y) =>
				(primaryKey ? compareKeys(getPath(x.record, primaryKey), getPath(y.record, primaryKey)) : 0) ||
				compareKeys(getPath(x.record, 'id'), getPath(y.record, 'id')) ||
				x.position - y.position,
		)
		.map(({ record }) => record);
}

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

/** A custom status body's per-item failures: index, id and the entry to classify, in index order. */
export function customItemFailures(
	body: unknown,
	mapping: StatusMapping = DEFAULT_STATUS_MAPPING,
): Array<{ index?: number; id?: string; failure: unknown }> {
	const errors = getPath(body, mapping.errors);
	if (!Array.isArray(errors)) return [];
	return orderRecords(
		errors.map((entry) =>
			compact({ index: num(getPath(entry, mapping.itemIndex)), id: str(getPath(entry, mapping.itemId)), failure: entry }),
		),
		'index',
	);
}

/** Puts the job id into a status URL template: `{id}` (any case) or `:id`, URL-encoded; else appends it. */
export function statusPath(template: string, jobId: string): string {
	const encoded = encodeURIComponent(jobId);
	if (/\{id\}/i.test(template)) return template.replace(/\{id\}/gi, () => encoded);
	if (/:id\b/.test(template)) return template.replace(/:id\b/g, () => encoded);
	return `${template.replace(/\/+$/, '')}/${encoded}`;
}
