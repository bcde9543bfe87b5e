// Asynchronous work as Meta reports it: async batch request sets, ad report runs, async sessions,
// Instagram media containers, video uploads, product catalog batches (items_batch handles), and a
// custom `/v1/batch-status/{id}` API. A job advances with each status poll or with time.

import { DEFAULT_ITEM_ERROR, graphError, type GraphErrorBody } from './errors';
import type { SortedView } from './graphObjects';

export type JobKind = 'async_batch' | 'report_run' | 'async_session' | 'ig_container' | 'video' | 'catalog_batch' | 'custom';
/** `expired`: an Instagram container not published within 24 h, a video upload session that ran out. */
export type JobOutcome = 'completed' | 'failed' | 'skipped' | 'expired';

export interface AsyncJobOptions {
	kind: JobKind;
	/** Sub-requests (async batch), report rows (report run) or ads (custom). Default 1. */
	total?: number;
	/** Indices (0-based) of sub-requests / ads that fail. */
	failIndices?: number[];
	/** Error body for failed items and failed jobs. Default: an ad-creative validation error (code 100). */
	failWith?: GraphErrorBody;
	/** Complete on the n-th status poll (default 2 when completeAfterMs is not set either). */
	completeAfterPolls?: number;
	/** Complete this long after creation. With both options, both must be reached. */
	completeAfterMs?: number;
	/** How the whole job ends. Default `completed` (with failIndices failed inside it). */
	outcome?: JobOutcome;
	name?: string;
	/** Ad account id without `act_` (Instagram container: its IG user id). Default `1`. */
	accountId?: string;
	/** Async batch: the `adbatch` items, returned as each request's `input`. Catalog batch: the `requests` sent. Instagram container: the create's parameters. */
	inputs?: unknown[];
	/** Catalog batch: indices (0-based) of products that get a warning (they are still applied). */
	warnIndices?: number[];
	/** Catalog batch: the catalog the handle belongs to. Default `1`. */
	catalogId?: string;
	/** Async batch: the final status of some requests (index → AdAsyncRequest status, e.g. `ERROR_DEPENDENCY`). */
	itemStatuses?: Record<number, AsyncRequestStatus>;
	/** Video: a Reel published after processing (its publishing phase runs one more poll after ready). */
	reel?: boolean;
	/** Video: the copyright check ends in error, or the upload is never finished (stays upload_complete). */
	videoProblem?: 'copyright' | 'unfinished_upload';
	/** Catalog batch: how many errors `errors` samples (`errors_total_count` counts them all). Default 10. */
	errorSample?: number;
}

/** What a test or benchmark may read about a job. */
export interface JobSummary {
	id: string;
	kind: JobKind;
	total: number;
	/** Status polls answered so far. */
	polls: number;
	/** 0–1. */
	progress: number;
	done: boolean;
	/** Poll number that first saw the job done, and when the job became done (epoch ms). */
	completedAtPoll?: number;
	completedAt?: number;
}

interface Job {
	id: string;
	kind: JobKind;
	total: number;
	fail: Set<number>;
	failWith: GraphErrorBody;
	afterPolls?: number;
	afterMs?: number;
	outcome: JobOutcome;
	name: string;
	accountId: string;
	inputs?: unknown[];
	warn: Set<number>;
	catalogId: string;
	errorSample: number;
	itemStatuses: Record<number, AsyncRequestStatus>;
	reel: boolean;
	videoProblem?: 'copyright' | 'unfinished_upload';
	/** Video: the poll that first saw it ready (a Reel publishes on the next). */
	readyAtPoll?: number;
	createdAt: number;
	/** First id of `total` consecutive ids for sub-requests, and of their results (created ads). */
	firstItemId: number;
	firstResultId: number;
	polls: number;
	/** Instagram container: the media `media_publish` made of it. */
	publishedId?: string;
	/** When the afterPolls-th poll came. */
	nthPollAt?: number;
	completedAtPoll?: number;
}

/**
 * An async batch request's status, as the business SDKs' AdAsyncRequest.Statuses list them (the
 * processing ones, PROCESS_BY_AD_ASYNC_ENGINE and PROCESS_BY_EVENT_PROCESSOR, are not imitated).
 */
export type AsyncRequestStatus =
	| 'INITIAL'
	| 'IN_PROGRESS'
	| 'PENDING_DEPENDENCY'
	| 'SUCCESS'
	| 'ERROR'
	| 'ERROR_CONFLICTS'
	| 'ERROR_DEPENDENCY'
	| 'CANCELED'
	| 'CANCELED_DEPENDENCY'
	| 'USER_CANCELED'
	| 'USER_CANCELED_DEPENDENCY';

interface Services {
	now(): number;
	traceId(): string;
	/** Object ids (the store's range): the ads a job creates. */
	reserveIds(count: number): number;
}

/**
 * Jobs and their sub-requests are numbered in a range of their own, far from the objects' (ads
 * are 12021…), so a batch item's id is never read as an ad's; the ads a job creates are objects.
 */
const FIRST_JOB_ID = 6_000_000_000_001;

export class Jobs {
	private jobs = new Map<string, Job>();
	private nextJobId = FIRST_JOB_ID;

	constructor(private readonly services: Services) {}

	create(options: AsyncJobOptions): string {
		const total = Math.max(0, Math.floor(options.total ?? 1));
		const first = this.nextJobId;
		this.nextJobId += 1 + total;
		const firstResultId = this.services.reserveIds(Math.max(total, 1));
		// A catalog batch is known by its handle, an opaque text (Meta's look like base64).
		const id = options.kind === 'catalog_batch' ? `AcBatch${first}Hndl` : String(first);
		const usesPolls = options.completeAfterPolls !== undefined || options.completeAfterMs === undefined;
		this.jobs.set(id, {
			id,
			kind: options.kind,
			total,
			fail: new Set(options.failIndices ?? []),
			failWith: options.failWith ?? graphError(DEFAULT_ITEM_ERROR, this.services.traceId()).body,
			afterPolls: usesPolls ? (options.completeAfterPolls ?? 2) : undefined,
			afterMs: options.completeAfterMs,
			outcome: options.outcome ?? 'completed',
			name: options.name ?? `${options.kind} ${id}`,
			accountId: options.accountId ?? '1',
			inputs: options.inputs,
			warn: new Set(options.warnIndices ?? []),
			catalogId: options.catalogId ?? '1',
			errorSample: options.errorSample ?? 10,
			itemStatuses: options.itemStatuses ?? {},
			reel: options.reel ?? false,
			videoProblem: options.videoProblem,
			createdAt: this.services.now(),
			firstItemId: first + 1,
			firstResultId,
			polls: 0,
		});
		return id;
	}

	has(id: string): boolean {
		return this.jobs.has(id);
	}

	kind(id: string): JobKind | undefined {
		return this.jobs.get(id)?.kind;
	}

	/** Catalog batch: the catalog its handle belongs to. */
	catalogOf(handle: string): string | undefined {
		const job = this.jobs.get(handle);
		return job?.kind === 'catalog_batch' ? job.catalogId : undefined;
	}

	summary(id: string): JobSummary | undefined {
		const job = this.jobs.get(id);
		if (!job) return undefined;
		const progress = this.progress(job);
		const summary: JobSummary = { id, kind: job.kind, total: job.total, polls: job.polls, progress, done: progress >= 1 };
		if (job.completedAtPoll !== undefined) summary.completedAtPoll = job.completedAtPoll;
		if (progress >= 1) summary.completedAt = this.completedAt(job);
		return summary;
	}

	clear(): void {
		this.jobs.clear();
	}

	/** Answers a status poll (and counts it). `loadInvalidIds`: a catalog poll's `load_ids_of_invalid_requests=true`. */
	poll(id: string, { loadInvalidIds = false } = {}): Record<string, unknown> | undefined {
		const job = this.jobs.get(id);
		if (!job) return undefined;
		job.polls++;
		if (job.polls === job.afterPolls) job.nthPollAt = this.services.now();
		const progress = this.progress(job);
		if (progress >= 1 && job.completedAtPoll === undefined) job.completedAtPoll = job.polls;
		switch (job.kind) {
			case 'async_batch':
				return this.asyncBatchView(job, progress);
			case 'report_run':
				return this.reportRunView(job, progress);
			case 'async_session':
				return this.sessionView(job, progress);
			case 'ig_container':
				return this.containerView(job, progress);
			case 'video':
				return this.videoView(job, progress);
			case 'catalog_batch':
				return this.catalogView(job, progress, loadInvalidIds);
			case 'custom':
				return this.customView(job, progress);
		}
	}

	/**
	 * `media_publish`: a FINISHED container of this IG user is published once (`publish` makes the
	 * media and gives its id; reading the status here is no poll). Undefined when the container is
	 * unknown, another user's, not FINISHED (in progress, ERROR, EXPIRED) or already published.
	 */
	publishContainer(id: string, igUserId: string, publish: (params: Record<string, unknown>) => string): string | undefined {
		const job = this.jobs.get(id);
		if (job?.kind !== 'ig_container' || job.accountId !== igUserId || job.publishedId !== undefined) return undefined;
		if (this.progress(job) < 1 || job.outcome !== 'completed') return undefined;
		job.publishedId = publish((job.inputs?.[0] ?? {}) as Record<string, unknown>);
		return job.publishedId;
	}

	/** The async batch's sub-requests (`GET /{set}/requests`), optionally only some statuses. */
	asyncRequests(id: string, statuses?: AsyncRequestStatus[]): { view: SortedView; item(key: string): Record<string, unknown> } | undefined {
		const job = this.jobs.get(id);
		if (!job || job.kind !== 'async_batch') return undefined;
		const done = this.doneCount(job, this.progress(job));
		const statusOf = (i: number) => this.itemStatus(job, i, done);
		let view: SortedView = { length: job.total, at: (i) => String(job.firstItemId + i) };
		if (statuses?.length) {
			const keys: string[] = [];
			for (let i = 0; i < job.total; i++) if (statuses.includes(statusOf(i))) keys.push(String(job.firstItemId + i));
			view = { length: keys.length, at: (i) => keys[i] };
		}
		const item = (key: string) => {
			const i = Number(key) - job.firstItemId;
			const status = statusOf(i);
			const request: Record<string, unknown> = { id: key, status };
			if (status === 'SUCCESS') request.result = { id: String(job.firstResultId + i) };
			if (status.startsWith('ERROR')) request.result = job.failWith;
			request.input = job.inputs?.[i] ?? { method: 'POST', relative_url: `act_${job.accountId}/ads`, name: `Ad ${i + 1}` };
			return request;
		};
		return { view, item };
	}

	/** A completed report run's rows; a string explains why they cannot be read yet. */
	reportRows(id: string): { view: SortedView; item(key: string): Record<string, unknown> } | string | undefined {
		const job = this.jobs.get(id);
		if (!job || job.kind !== 'report_run') return undefined;
		const progress = this.progress(job);
		if (progress < 1 || job.outcome !== 'completed') {
			return `Report run ${id} has no results: its async_status is ${this.reportStatus(job, progress)}. Poll the report run until async_status is Job Completed.`;
		}
		const key = (i: number) => String(i).padStart(9, '0');
		const item = (k: string) => {
			const i = Number(k);
			// Deterministic per row, independent of the order of reads.
			const impressions = 1000 + ((i * 7919 + Number(job.id)) % 9000);
			return {
				account_id: job.accountId,
				ad_id: String(job.firstResultId + i),
				impressions: String(impressions),
				clicks: String(Math.floor(impressions / 37)),
				spend: (impressions / 250).toFixed(2),
				date_start: '2026-11-01',
				date_stop: '2026-11-22',
			};
		};
		return { view: { length: job.total, at: key }, item };
	}

	private progress(job: Job): number {
		let progress = 1;
		if (job.afterPolls !== undefined) progress = job.afterPolls <= 0 ? 1 : Math.min(1, job.polls / job.afterPolls);
		if (job.afterMs !== undefined) {
			const elapsed = this.services.now() - job.createdAt;
			progress = Math.min(progress, job.afterMs <= 0 ? 1 : Math.min(1, elapsed / job.afterMs));
		}
		return progress;
	}

	/** Only meaningful once the job is done. */
	private completedAt(job: Job): number {
		const byPolls = job.afterPolls ? (job.nthPollAt ?? job.createdAt) : job.createdAt;
		return Math.max(byPolls, job.createdAt + (job.afterMs ?? 0));
	}

	private doneCount(job: Job, progress: number): number {
		return Math.floor(progress * job.total);
	}

	private itemStatus(job: Job, i: number, done: number): AsyncRequestStatus {
		if (i < done) {
			if (job.outcome === 'skipped') return 'CANCELED';
			const forced = job.itemStatuses[i];
			if (forced !== undefined) return forced;
			return job.outcome === 'failed' || job.fail.has(i) ? 'ERROR' : 'SUCCESS';
		}
		// A tenth of what remains is being worked on, the rest waits.
		const inProgress = done > 0 || job.polls > 0 ? Math.max(1, Math.ceil((job.total - done) / 10)) : 0;
		return i < done + inProgress ? 'IN_PROGRESS' : 'INITIAL';
	}

	private asyncBatchView(job: Job, progress: number): Record<string, unknown> {
		const done = this.doneCount(job, progress);
		const counts = { INITIAL: 0, IN_PROGRESS: 0, SUCCESS: 0, ERROR: 0, CANCELED: 0 };
		// The set's counters group the statuses: every ERROR_* is an error, every *CANCELED* a cancel.
		for (let i = 0; i < job.total; i++) {
			const status = this.itemStatus(job, i, done);
			const group = status.startsWith('ERROR') ? 'ERROR' : status.includes('CANCELED') ? 'CANCELED' : status === 'PENDING_DEPENDENCY' ? 'INITIAL' : status;
			counts[group as keyof typeof counts]++;
		}
		return {
			id: job.id,
			name: job.name,
			owner_id: job.accountId,
			is_completed: progress >= 1,
			total_count: job.total,
			initial_count: counts.INITIAL,
			in_progress_count: counts.IN_PROGRESS,
			success_count: counts.SUCCESS,
			error_count: counts.ERROR,
			canceled_count: counts.CANCELED,
		};
	}

	private reportStatus(job: Job, progress: number): string {
		if (progress >= 1) return { completed: 'Job Completed', failed: 'Job Failed', skipped: 'Job Skipped', expired: 'Job Skipped' }[job.outcome];
		if (progress < 0.1) return 'Job Not Started';
		return progress < 0.5 ? 'Job Started' : 'Job Running';
	}

	private reportRunView(job: Job, progress: number): Record<string, unknown> {
		const view: Record<string, unknown> = {
			id: job.id,
			account_id: job.accountId,
			async_status: this.reportStatus(job, progress),
			async_percent_completion: progress >= 1 && job.outcome !== 'completed' ? 0 : Math.floor(progress * 100),
			date_start: '2026-11-01',
			date_stop: '2026-11-22',
			time_ref: Math.floor(job.createdAt / 1000),
		};
		if (progress >= 1) view.time_completed = Math.floor(this.completedAt(job) / 1000);
		// A failed run says why (the business SDKs' AdReportRun: error_code, error_message, …).
		if (progress >= 1 && job.outcome === 'failed') {
			const { code, message, error_subcode, error_user_title, error_user_msg } = job.failWith.error;
			Object.assign(view, { error_code: code, error_message: message, error_subcode, error_user_title, error_user_msg });
		}
		return view;
	}

	/**
	 * `GET /{session-id}?fields=id,status,result,percent_completed` (Meta's async requests guide):
	 * NOT_STARTED before the first progress, IN_PROGRESS, then COMPLETED with `result` as JSON text
	 * (an ad copy: the copied ad's id), FAILED (the shape of Meta's async error-handling guide:
	 * `result.error`, `error_code`, `exception`) or CANCELED.
	 */
	private sessionView(job: Job, progress: number): Record<string, unknown> {
		const started = progress >= 1 || job.polls > 1;
		const percent_completed = started ? Math.floor(progress * 100) : 0;
		if (progress < 1) return { id: job.id, status: started ? 'IN_PROGRESS' : 'NOT_STARTED', percent_completed };
		if (job.outcome === 'completed') {
			return { id: job.id, status: 'COMPLETED', percent_completed, result: JSON.stringify({ copied_ad_id: String(job.firstResultId), success: true }) };
		}
		if (job.outcome === 'skipped' || job.outcome === 'expired') return { id: job.id, status: 'CANCELED', percent_completed };
		const failure = job.failWith;
		// The failure's shape is Meta's async error-handling guide's (`result.error` as an object).
		return {
			result: failure,
			error_code: failure.error.code,
			status: 'FAILED',
			exception: failure.error.message,
			id: job.id,
			percent_completed,
		};
	}

	/**
	 * `GET /{container-id}?fields=status_code,status`: IN_PROGRESS, then FINISHED, ERROR (its `status`
	 * names the publishing error subcode: failWith's when it is a 2207xxx one, else 2207026) or
	 * EXPIRED; PUBLISHED once `media_publish` made a media of it.
	 */
	private containerView(job: Job, progress: number): Record<string, unknown> {
		if (job.publishedId !== undefined) return { id: job.id, status_code: 'PUBLISHED', status: 'Published: Media has been successfully published.' };
		if (progress < 1) return { id: job.id, status_code: 'IN_PROGRESS', status: 'In Progress: Media is still being processed.' };
		if (job.outcome === 'completed') return { id: job.id, status_code: 'FINISHED', status: 'Finished: Media has been uploaded and it is ready to be published.' };
		if (job.outcome === 'failed') {
			const subcode = job.failWith.error.error_subcode;
			const code = typeof subcode === 'number' && String(subcode).startsWith('2207') ? subcode : 2207026;
			return { id: job.id, status_code: 'ERROR', status: `Error: Media upload has failed with error code ${code}` };
		}
		return { id: job.id, status_code: 'EXPIRED', status: 'Expired: Media container was not published within 24 hours.' };
	}

	/**
	 * `GET /{video-id}?fields=status` (Meta's video upload and Reels publishing references):
	 * processing (with processing_progress), then ready, error (the processing phase's errors) or
	 * expired. A Reel (`reel`) is published after it is ready: its publishing_phase is in_progress on
	 * the poll that first sees it ready, complete on the next. `videoProblem`: the copyright check ends
	 * in error once processed, or an upload never finished stays upload_complete.
	 */
	private videoView(job: Job, progress: number): Record<string, unknown> {
		const uploading_phase = { status: 'complete', bytes_transferred: 1_048_576 };
		if (job.videoProblem === 'unfinished_upload') {
			return { id: job.id, status: { video_status: 'upload_complete', uploading_phase, processing_phase: { status: 'not_started' }, publishing_phase: { status: 'not_started' } } };
		}
		const publishing_phase: Record<string, unknown> = { status: 'not_started' };
		if (progress < 1) {
			return { id: job.id, status: { video_status: 'processing', processing_progress: Math.floor(progress * 100), uploading_phase, processing_phase: { status: 'in_progress' }, publishing_phase } };
		}
		if (job.outcome === 'completed') {
			if (job.videoProblem === 'copyright') {
				const copyright_check_status = { status: 'error', errors: [{ code: 1363130, message: 'The video contains content that someone else owns.' }] };
				return { id: job.id, status: { video_status: 'ready', processing_progress: 100, uploading_phase, processing_phase: { status: 'complete' }, publishing_phase, copyright_check_status } };
			}
			if (job.reel) {
				job.readyAtPoll ??= job.polls;
				const published = job.polls > job.readyAtPoll;
				Object.assign(publishing_phase, published ? { status: 'complete', publish_status: 'published', publish_time: Math.floor(job.createdAt / 1000) } : { status: 'in_progress' });
			}
			return { id: job.id, status: { video_status: 'ready', processing_progress: 100, uploading_phase, processing_phase: { status: 'complete' }, publishing_phase, copyright_check_status: { status: 'complete', matches_found: false } } };
		}
		if (job.outcome === 'failed') {
			const errors = [{ code: 6000, message: 'There was a problem uploading your video file. Please try again with another file.' }];
			return { id: job.id, status: { video_status: 'error', uploading_phase, processing_phase: { status: 'error', errors }, publishing_phase } };
		}
		return { id: job.id, status: { video_status: 'expired', uploading_phase: { status: 'not_started', bytes_transferred: 0 }, processing_phase: { status: 'not_started' }, publishing_phase } };
	}

	/**
	 * `GET /{catalog_id}/check_batch_request_status?handle=…`, as Meta's reference for that edge and
	 * the business SDKs' CheckBatchRequestStatus (fields errors, errors_total_count, handle,
	 * ids_of_invalid_requests, status, warnings, warnings_total_count) describe it: `data` is empty
	 * until the handle is registered (the first poll), then one entry, `in_progress` until done, then
	 * `finished`; `errors` / `warnings` are `{line, id, message}` (`id`: the retailer id, `line`: the
	 * request's position), `errors` only a sample (`errorSample`, default 10) of `errors_total_count`;
	 * `ids_of_invalid_requests`, every rejected retailer id, only when the poll asks with
	 * `load_ids_of_invalid_requests=true`. A failed job (`outcome: failed`) ends `error` with only the
	 * first half of its requests processed: the rest are neither rejected nor applied.
	 */
	private catalogView(job: Job, progress: number, loadInvalidIds: boolean): Record<string, unknown> {
		if (progress < 1 && job.polls === 1) return { data: [] };
		const processed = progress < 1 ? Math.floor(progress * job.total) : job.outcome === 'failed' ? Math.ceil(job.total / 2) : job.total;
		const errors: Array<Record<string, unknown>> = [];
		const warnings: Array<Record<string, unknown>> = [];
		for (let i = 0; i < processed; i++) {
			const { retailerId, error } = this.catalogProduct(job, i);
			if (error !== undefined) errors.push({ line: i, id: retailerId, message: error });
			if (job.warn.has(i)) warnings.push({ line: i, id: retailerId, message: 'The optional field google_product_category is missing: add it to help ads find the right audience.' });
		}
		const status = progress < 1 ? 'in_progress' : job.outcome === 'failed' ? 'error' : 'finished';
		const entry: Record<string, unknown> = {
			handle: job.id,
			status,
			errors_total_count: errors.length,
			errors: errors.slice(0, job.errorSample),
			warnings_total_count: warnings.length,
			warnings,
		};
		if (loadInvalidIds) entry.ids_of_invalid_requests = [...new Set(errors.map((e) => e.id))];
		return { data: [entry] };
	}

	/** A product of a catalog batch: its retailer id, and why Meta rejects it (a missing price, or failIndices). */
	private catalogProduct(job: Job, i: number): { retailerId: string; error?: string } {
		const request = job.inputs?.[i] as Record<string, unknown> | undefined;
		const data = (request?.data ?? request) as Record<string, unknown> | undefined;
		const retailerId = String(data?.id ?? data?.retailer_id ?? request?.retailer_id ?? `product-${i + 1}`);
		const method = String(request?.method ?? 'UPDATE').toUpperCase();
		if (job.inputs && method !== 'DELETE' && (data?.price === undefined || data.price === '')) return { retailerId, error: 'A required field is missing: price.' };
		if (job.fail.has(i)) return { retailerId, error: job.failWith.error.error_user_msg ?? job.failWith.error.message };
		return { retailerId };
	}

	private customView(job: Job, progress: number): Record<string, unknown> {
		const done = this.doneCount(job, progress);
		const errors: Array<Record<string, unknown>> = [];
		for (let i = 0; i < done; i++) {
			if (this.itemStatus(job, i, done) !== 'ERROR') continue;
			const failure = job.failWith.error;
			errors.push({ index: i, adId: String(job.firstResultId + i), code: failure.code, message: failure.error_user_msg ?? failure.message });
		}
		let status = 'processing';
		let errorMessage: string | undefined;
		if (progress >= 1) {
			if (job.outcome === 'failed') {
				status = 'failed';
				errorMessage = job.failWith.error.message;
			} else if (job.outcome === 'skipped') {
				status = 'failed';
				errorMessage = 'The batch was skipped before any ad was created.';
			} else if (errors.length) {
				status = 'partial';
				errorMessage = `${errors.length} of ${job.total} ads failed`;
			} else status = 'completed';
		}
		const view: Record<string, unknown> = {
			id: job.id,
			status,
			progress: Math.floor(progress * 100),
			totalAds: job.total,
			successfulAds: job.outcome === 'completed' ? done - errors.length : 0,
			errors,
		};
		if (errorMessage !== undefined) view.errorMessage = errorMessage;
		return view;
	}
}
