// Follows one asynchronous job to its end, or to the timeout: polls its status through the client
// (MetaClient, whose layers absorb throttled polls), then reads and splits its results. Pure: the
// client, the clock and the sleep are handed in.
import type { StopReason } from '../contract';
import { classifyMetaError } from '../errors/classify';
import type { MetaErrorInfo } from '../types';
import { getPath } from '../util';
import {
	customItemFailures,
	nextPollDelay,
	orderRecords,
	parseJobStatus,
	statusPath,
	subRequestOutcome,
	type JobKind,
	type JobStatus,
	type PollSchedule,
	type ProgressReading,
	type StatusMapping,
} from './jobs';

/** A failed call, as the client reports it. */
export interface ClientFailure {
	ok: false;
	error: MetaErrorInfo;
	stopReason: StopReason;
}

/** What following a job needs of the Graph client (MetaClient has it). */
export interface JobClient {
	request(options: { method: 'GET'; path: string; query?: Record<string, string>; signal?: AbortSignal }): Promise<
		{ ok: true; body: unknown } | ClientFailure
	>;
	paginate(
		options: { method: 'GET'; path: string; query?: Record<string, string | number>; signal?: AbortSignal },
		limits: { maxPages?: number },
	): Promise<{ ok: true; records: unknown[] } | ClientFailure>;
}

export interface FollowSettings {
	kind: JobKind;
	schedule: PollSchedule;
	/** Custom kind: status path template such as `/v1/batch-status/{id}`. */
	statusUrl: string;
	mapping: StatusMapping;
	/** Read and return succeeded sub-requests (async batch) or rows (report run). */
	withSucceeded: boolean;
	/** Primary sort key of result lists; the id is always the tiebreak. */
	sortBy: string;
	maxPages: number;
}

export interface ItemResult {
	/** Position in the batch, counting from 0. */
	index?: number;
	id?: string;
	/** The sub-request as sent (async batch `input`) when the API returns it. */
	input?: unknown;
	/** Succeeded: the result (`{id}` of what was created, or a report row). */
	result?: unknown;
	error?: MetaErrorInfo;
}

export type FollowState = 'completed' | 'failed' | 'running' | 'poll_failed';

export interface Followed {
	state: FollowState;
	status?: JobStatus;
	polls: number;
	elapsedMs: number;
	/** Why the job failed, or why it could not be polled. */
	error?: MetaErrorInfo;
	/** Still running: the last poll's transient failure, if it failed. */
	lastPollError?: MetaErrorInfo;
	/** Still running because the job is done but its results could not be read yet. */
	resultsPending?: boolean;
	failures: ItemResult[];
	successes: ItemResult[];
}

export interface FollowDeps {
	client: JobClient;
	sleep: (ms: number) => Promise<void>;
	now: () => number;
	signal?: AbortSignal;
	/** Secrets to redact from classified errors (the credential's). */
	secrets: string[];
}

const STATUS_FIELDS: Partial<Record<JobKind, string>> = {
	async_batch: 'id,name,is_completed,total_count,initial_count,in_progress_count,success_count,error_count,canceled_count',
	report_run: 'id,async_status,async_percent_completion',
};

/** A failed call is a job failure only when retrying cannot help (unknown id, bad token…). */
function transient(failure: ClientFailure): boolean {
	return failure.error.retryable || failure.stopReason === 'circuit_open';
}

export async function followJob(jobId: string, settings: FollowSettings, deps: FollowDeps): Promise<Followed> {
	const { client, now, signal } = deps;
	const classify = (value: unknown) => classifyMetaError(value, { secrets: deps.secrets });
	const started = now();
	const deadline = started + settings.schedule.timeoutMs;
	const followed: Followed = { state: 'running', polls: 0, elapsedMs: 0, failures: [], successes: [] };
	const finish = (state: FollowState, extra: Partial<Followed> = {}): Followed =>
		Object.assign(followed, extra, { state, elapsedMs: now() - started });

	const path = settings.kind === 'custom' ? statusPath(settings.statusUrl, jobId) : `/${encodeURIComponent(jobId)}`;
	const fields = STATUS_FIELDS[settings.kind];
	// Every poll's time and progress (none for a failed poll), to predict when the job ends.
	const readings: ProgressReading[] = [];
	for (;;) {
		const answer = await client.request({ method: 'GET', path, query: fields ? { fields } : {}, signal });
		followed.polls++;
		const reading: ProgressReading = { atMs: now() - started };
		readings.push(reading);
		if (!answer.ok) {
			if (answer.stopReason === 'aborted' || !transient(answer)) return finish('poll_failed', { error: answer.error });
			followed.lastPollError = answer.error;
		} else {
			delete followed.lastPollError;
			const status = parseJobStatus(settings.kind, answer.body, settings.mapping);
			followed.status = status;
			if (status.progress !== undefined) reading.progress = status.progress;
			if (status.state === 'failed') return finish('failed', { error: classify(status.failure) });
			if (status.state === 'completed') {
				const read = await readResults(jobId, answer.body, settings, deps, classify);
				if ('error' in read) {
					if (!transient(read)) return finish('poll_failed', { error: read.error });
					return finish('running', { resultsPending: true, lastPollError: read.error });
				}
				return finish('completed', read);
			}
		}
		// Counts are rounded down to whole items: one item is the readings' resolution.
		const total = followed.status?.total;
		const resolution = settings.kind === 'async_batch' && total ? Math.max(1, 100 / total) : 1;
		const delay = nextPollDelay(readings, settings.schedule, { nowMs: now() - started, resolution });
		if (now() + delay > deadline) return finish('running');
		await deps.sleep(delay);
	}
}

async function readResults(
	jobId: string,
	statusBody: unknown,
	settings: FollowSettings,
	deps: FollowDeps,
	classify: (value: unknown) => MetaErrorInfo,
): Promise<Pick<Followed, 'failures' | 'successes'> | ClientFailure> {
	const failures: ItemResult[] = [];
	const successes: ItemResult[] = [];
	const readAll = async (edge: string, query: Record<string, string | number>) => {
		const page = await deps.client.paginate(
			{ method: 'GET', path: `/${encodeURIComponent(jobId)}/${edge}`, query, signal: deps.signal },
			{ maxPages: settings.maxPages },
		);
		return page.ok ? orderRecords(page.records, settings.sortBy) : page;
	};

	switch (settings.kind) {
		case 'async_batch': {
			// Every sub-request is read (not only failed ones) so each keeps its index in the batch.
			const records = await readAll('requests', { fields: 'id,status,result,input', limit: 100 });
			if (!Array.isArray(records)) return records;
			records.forEach((record, index) => {
				const { outcome, failure } = subRequestOutcome(record);
				const id = getPath(record, 'id');
				const base: ItemResult = { index, id: id === undefined ? undefined : String(id), input: getPath(record, 'input') };
				if (outcome === 'succeeded') {
					if (settings.withSucceeded) successes.push({ ...base, result: getPath(record, 'result') });
				} else {
					failures.push({
						...base,
						error: classify(failure ?? { success: false, message: 'The request had not finished when the batch completed.' }),
					});
				}
			});
			break;
		}
		case 'report_run': {
			if (!settings.withSucceeded) break;
			const rows = await readAll('insights', { limit: 500 });
			if (!Array.isArray(rows)) return rows;
			rows.forEach((row, index) => successes.push({ index, result: row }));
			break;
		}
		case 'custom': {
			for (const { index, id, failure } of customItemFailures(statusBody, settings.mapping)) {
				failures.push({ index, id, error: classify(failure) });
			}
			// Counts without a list: the failures exist but cannot be told apart.
			const { total, succeeded } = parseJobStatus('custom', statusBody, settings.mapping);
			if (failures.length === 0 && total !== undefined && succeeded !== undefined && succeeded < total) {
				const message = String(getPath(statusBody, settings.mapping.errorMessage) ?? `${total - succeeded} of ${total} items failed.`);
				failures.push({ error: classify({ success: false, message }) });
			}
			break;
		}
		case 'async_session':
			break;
	}
	return { failures, successes };
}
