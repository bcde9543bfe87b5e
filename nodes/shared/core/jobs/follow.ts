// Follows one asynchronous job to its end, or to the timeout: polls its status through the client
// (MetaClient, whose layers absorb throttled polls), then reads and splits its results. Pure: the
// client, the clock and the sleep are handed in.
import type { StopReason } from '../contract';
import { classifyMetaError } from '../errors/classify';
import type { MetaErrorInfo } from '../types';
import { JOB_DEFINITIONS, parseJobStatus } from './jobDefinitions';
import type { FailureHint, JobKind, JobStatus, JobTarget, StatusMapping } from './jobModel';
import { nextPollDelay, type ProgressReading } from './pollPrediction';
import type { PollSchedule } from './pollSchedule';
import { orderRecords } from './recordOrder';

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
	/** Catalog products: Meta's warnings for the product. */
	warnings?: unknown[];
	/** Failed because Meta's answer cannot prove the item was applied (catalog products), not because it was rejected. */
	unconfirmed?: boolean;	/** The item's own status as Meta wrote it, when it says more than failed (`ERROR_DEPENDENCY`, `USER_CANCELED`). */
	status?: string;
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

/** A failed call is a job failure only when retrying cannot help (unknown id, bad token…). */
function transient(failure: ClientFailure): boolean {
	return failure.error.retryable || failure.stopReason === 'circuit_open';
}

/** A classified failure, with what its kind knows of it written over (or into) the classification. */
function classifyWith(value: unknown, hint: FailureHint | undefined, secrets: string[]): MetaErrorInfo {
	const error = classifyMetaError(value, { secrets });
	if (!hint) return error;
	const known = error.category === 'unknown' ? { ...hint.ifUnknown, ...hint.always } : hint.always;
	return { ...error, ...known };
}

/**
 * Follows one job. `job`: where the kind reads its status beside the id (the catalog of a catalog
 * batch, and the requests it was sent) — the Status URL of the custom kind comes from the settings.
 */
export async function followJob(jobId: string, settings: FollowSettings, deps: FollowDeps, job: Omit<JobTarget, 'statusUrl'> = {}): Promise<Followed> {
	const { client, now, signal } = deps;
	const classify = (value: unknown, hint?: FailureHint) => classifyWith(value, hint, deps.secrets);
	const definition = JOB_DEFINITIONS[settings.kind];
	const target: JobTarget = { ...job, statusUrl: settings.statusUrl };
	const started = now();
	const deadline = started + settings.schedule.timeoutMs;
	const followed: Followed = { state: 'running', polls: 0, elapsedMs: 0, failures: [], successes: [] };
	const finish = (state: FollowState, extra: Partial<Followed> = {}): Followed =>
		Object.assign(followed, extra, { state, elapsedMs: now() - started });

	const { path, query } = definition.poll(jobId, target);
	// Every poll's time and progress (none for a failed poll), to predict when the job ends.
	const readings: ProgressReading[] = [];
	for (;;) {
		const answer = await client.request({ method: 'GET', path, query, signal });
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
			if (status.state === 'failed') return finish('failed', { error: classify(status.failure, status.hint) });
			if (status.state === 'completed') {
				const read = await readResults(jobId, answer.body, target, settings, deps, classify);
				if ('error' in read) {
					if (!transient(read)) return finish('poll_failed', { error: read.error });
					return finish('running', { resultsPending: true, lastPollError: read.error });
				}
				// A kind that knows its size only from what was sent (catalog products) counts the successes.
				const total = definition.total?.(target);
				if (total !== undefined) Object.assign(status, { total, succeeded: Math.max(0, total - read.failures.length) });
				return finish('completed', read);
			}
		}
		const resolution = followed.status && definition.resolution ? definition.resolution(followed.status) : 1;
		const delay = nextPollDelay(readings, settings.schedule, { nowMs: now() - started, resolution });
		if (now() + delay > deadline) return finish('running');
		await deps.sleep(delay);
	}
}

async function readResults(
	jobId: string,
	statusBody: unknown,
	target: JobTarget,
	settings: FollowSettings,
	deps: FollowDeps,
	classify: (value: unknown, hint?: FailureHint) => MetaErrorInfo,
): Promise<Pick<Followed, 'failures' | 'successes'> | ClientFailure> {
	const definition = JOB_DEFINITIONS[settings.kind];
	const failures: ItemResult[] = [];
	const successes: ItemResult[] = [];
	if (!definition.results) return { failures, successes };
	const read = async (edge: string, query: Record<string, string | number>) => {
		const page = await deps.client.paginate(
			{ method: 'GET', path: `/${encodeURIComponent(jobId)}/${edge}`, query, signal: deps.signal },
			{ maxPages: settings.maxPages },
		);
		return page.ok ? orderRecords(page.records, settings.sortBy) : page;
	};
	const outcomes = await definition.results(
		{ jobId, body: statusBody, mapping: settings.mapping, target, withSucceeded: settings.withSucceeded },
		read,
	);
	if (!Array.isArray(outcomes)) return outcomes as ClientFailure;
	for (const { outcome, failure, hint, ...item } of outcomes) {
		if (outcome === 'failed') failures.push({ ...item, error: classify(failure, hint) });
		else if (settings.withSucceeded) successes.push(item);
	}
	return { failures, successes };
}
