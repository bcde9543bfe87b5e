// The Batch Status Poller's decisions: what a status answer means (running, completed, failed),
import { compact, getPath, isObject } from '../util';
// how long to wait before the next poll, and how result lists are ordered and split into
// per-item successes and failures. Pure: the node does the HTTP and the waiting.

export const JOB_KINDS = ['async_batch', 'report_run', 'async_session', 'custom'] as const;
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

/** What one status answer says. An answer in an unexpected shape counts as still running. */
export function parseJobStatus(kind: JobKind, body: unknown, mapping: StatusMapping = DEFAULT_STATUS_MAPPING): JobStatus {
	const b = isObject(body) ? body : {};
	switch (kind) {
		case 'async_batch': {
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
		}
		case 'report_run': {
			const status = str(b.async_status);
			const progress = num(b.async_percent_completion);
			if (status === 'Job Completed') return compact({ state: 'completed', progress: 100, status });
			if (status === 'Job Failed' || status === 'Job Skipped') {
				return compact({ state: 'failed', progress, status, failure: internalFailure(`The report run ended with "${status}".`) });
			}
			return compact({ state: 'running', progress, status });
		}
		case 'async_session': {
			const status = str(b.status);
			const upper = status?.toUpperCase();
			if (upper === 'SUCCESS' || upper === 'COMPLETED') return compact({ state: 'completed', progress: 100, status });
			if (upper === 'FAILED' || upper === 'ERROR') return compact({ state: 'failed', status, failure: body });
			if (upper === 'CANCELED' || upper === 'CANCELLED') {
				return compact({ state: 'failed', status, failure: internalFailure('The async session was canceled.') });
			}
			return compact({ state: 'running', progress: num(b.progress), status });
		}
		case 'custom': {
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
		}
	}
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

/** One sub-request of an async batch (`{id, status, result, input}`): its outcome and what to classify. */
export function subRequestOutcome(record: unknown): { outcome: SubOutcome; failure?: unknown } {
	const status = str(getPath(record, 'status'))?.toUpperCase();
	const result = getPath(record, 'result');
	if (status === 'SUCCESS') return { outcome: 'succeeded' };
	if (status === 'ERROR') return { outcome: 'failed', failure: result ?? internalFailure('The request failed without an error body.') };
	if (status === 'CANCELED' || status === 'CANCELLED') {
		return { outcome: 'failed', failure: internalFailure('The request was canceled before it ran.') };
	}
	return { outcome: 'pending' };
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
