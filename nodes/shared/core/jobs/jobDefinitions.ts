// One definition per job kind, the Batch Status Poller's decisions: where its status is polled, what
// a status answer means (running, completed, failed; progress), and how a finished job splits into
// per-item successes and failures. Pure: the node does the HTTP and the waiting (follow.ts).
import { compact, getPath, isObject } from '../util';
import { catalogEntry, catalogItemHint, catalogUnconfirmedHint, catalogVerdict, retailerIdOf } from './catalogBatch';
import { DEFAULT_STATUS_MAPPING, type ItemOutcome, type JobDefinition, type JobKind, type JobStatus, type StatusMapping, type StatusPoll } from './jobModel';
import { internalFailure, list, lower, num, str } from './jobValues';
import { CONTAINER_EXPIRED, containerError, videoFailure } from './mediaFailures';
import { orderRecords } from './recordOrder';
import { subRequestOutcome } from './subRequests';

/** A kind polled as a Graph object: `GET /{id}`, with the fields its status needs. */
const graphObject =
	(fields?: string) =>
	(jobId: string): StatusPoll => ({ path: `/${encodeURIComponent(jobId)}`, query: fields ? { fields } : {} });

/** A value Meta sends as JSON text (an async session's `result`), parsed; anything else as it is. */
function jsonText(value: unknown): unknown {
	if (typeof value !== 'string') return value;
	try {
		return JSON.parse(value) as unknown;
	} catch {
		return value;
	}
}

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
