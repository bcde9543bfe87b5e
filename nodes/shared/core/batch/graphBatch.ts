// The Graph Batch API (`POST /` with `batch`), without n8n and without HTTP: sub-requests grouped
// 50 per call, each part of Meta's answer read and classified on its own, and the rounds that send
// the retryable parts again. The HTTP call itself is injected (`BatchDeps.send`: Meta Request sends
// it through MetaClient, so pacing, the call's own retries and its breaker apply to it); the write
// journal and the breakers of the sub-requests' endpoints are the shared state stores.
import { classifyMetaError } from '../errors/classify';
import { internalErrors } from '../errors/internal';
import { parseUsageHeaders } from '../errors/usage';
import type { StopReason } from '../contract';
import type { HeaderBag, MetaErrorInfo, MetaUsage } from '../types';
import { provesNothingApplied } from '../resilience/idempotency';
import type { RetryPolicy } from '../resilience/retry';
import { retryDecision } from '../resilience/retryDecision';
import type { BreakerPolicy } from '../resilience/breaker';
import type { JournalPolicy } from '../resilience/journal';
import { StateUnavailableError, type BreakerStore, type JournalStore } from '../state/store';
import { isObject } from '../util';

/** Meta's limit of sub-requests in one batch call. */
export const MAX_BATCH_PARTS = 50;

/** One sub-request, as the node prepared it. */
export interface BatchPartRequest {
	method: string;
	/** Relative to the call's version: `act_1/ads?fields=id`. */
	relativeUrl: string;
	/** Form-encoded, as Meta's batch expects a sub-request's body. */
	body?: string;
	/** A write that makes something new: never sent again once it may have been applied. */
	creates: boolean;
	/** Creates: the key the write journal knows it by. */
	idempotencyKey?: string;
	/** The breaker key of the sub-request's endpoint (origin and path template). */
	endpoint: string;
}

/** A sub-request as the `batch` parameter carries it. */
export interface BatchEntry {
	method: string;
	relative_url: string;
	body?: string;
}

/** Groups of at most `size` (50: Meta's limit), in order. */
export function chunk<T>(items: readonly T[], size: number = MAX_BATCH_PARTS): T[][] {
	if (!Number.isInteger(size) || size < 1) throw new RangeError('chunk size must be a whole number ≥ 1');
	const groups: T[][] = [];
	for (let start = 0; start < items.length; start += size) groups.push(items.slice(start, start + size));
	return groups;
}

export function batchEntry(part: Pick<BatchPartRequest, 'method' | 'relativeUrl' | 'body'>): BatchEntry {
	return { method: part.method, relative_url: part.relativeUrl, ...(part.body !== undefined && part.method !== 'GET' ? { body: part.body } : {}) };
}

/** A JSON Body as a sub-request's form body: text as is, anything else as JSON (as Graph reads form values). */
export function formBody(body: Record<string, unknown> | undefined): string | undefined {
	if (!body) return undefined;
	const form = new URLSearchParams();
	for (const [name, value] of Object.entries(body)) {
		if (value === undefined) continue;
		form.append(name, typeof value === 'string' ? value : JSON.stringify(value));
	}
	const text = form.toString();
	return text === '' ? undefined : text;
}

/** What one part of a batch answer says. */
export type PartReading =
	| { ok: true; status: number; headers: HeaderBag; body: unknown; usage?: MetaUsage }
	| { ok: false; error: MetaErrorInfo; mayBeApplied: boolean; missing?: boolean; usage?: MetaUsage };

/** Part headers (`[{name, value}]`) as a header bag, lower-case names. */
export function partHeaders(raw: unknown): HeaderBag {
	const headers: HeaderBag = {};
	if (!Array.isArray(raw)) return headers;
	for (const entry of raw) {
		if (!isObject(entry) || typeof entry.name !== 'string' || entry.value === undefined || entry.value === null) continue;
		headers[entry.name.toLowerCase()] = String(entry.value);
	}
	return headers;
}

/** A null part (or anything that is no part): Meta did not process it, or it timed out. */
export function missingPartError(): MetaErrorInfo {
	return {
		...classifyMetaError({ code: 'ETIMEDOUT', message: 'Meta answered this part of the batch with null: it timed out or was not processed' }),
		code: 'BATCH_PART_MISSING',
		source: 'internal',
		message: 'Meta answered this part of the batch with null: it timed out or was not processed, and Meta does not say whether it was applied.',
		meaning: 'A sub-request of a Graph batch got no answer of its own.',
		remedy: 'Reads and updates are sent again; a create is not (it may have been applied): check on Meta whether the object exists.',
	};
}

/** Reads one part (`{code, headers, body}` with body a JSON text, or null) into a success or a classified failure. */
export function readPart(raw: unknown, secrets: string[] = []): PartReading {
	if (!isObject(raw) || typeof raw.code !== 'number') return { ok: false, error: missingPartError(), mayBeApplied: true, missing: true };
	const status = raw.code;
	const headers = partHeaders(raw.headers);
	const usage = parseUsageHeaders(headers);
	const text = typeof raw.body === 'string' ? raw.body : raw.body === undefined || raw.body === null ? '' : JSON.stringify(raw.body);
	const success = status >= 200 && status < 300;
	let body: unknown;
	try {
		body = text.trim() === '' ? {} : JSON.parse(text);
	} catch {
		if (status >= 300 && status < 400) return { ok: true, status, headers, body: { location: headers.location }, usage };
		const error = classifyMetaError(text, { httpStatus: status, headers, secrets });
		return { ok: false, error, mayBeApplied: success || status >= 500, usage };
	}
	const errorBody = isObject(body) && isObject(body.error) && (body.error.code !== undefined || typeof body.error.message === 'string');
	if ((success && !errorBody) || (status >= 300 && status < 400)) {
		const location = headers.location;
		return { ok: true, status, headers, body: location !== undefined && isObject(body) ? { ...body, location } : body, usage };
	}
	const error = classifyMetaError(body, { httpStatus: status, headers, secrets });
	return { ok: false, error, mayBeApplied: !provesNothingApplied(error, status), usage };
}

/** The highest usage of a batch answer: the call's headers and every part's. */
export function batchUsage(callUsage: MetaUsage | undefined, parts: unknown): MetaUsage | undefined {
	let best = callUsage;
	if (!Array.isArray(parts)) return best;
	for (const part of parts) {
		if (!isObject(part)) continue;
		const usage = parseUsageHeaders(partHeaders(part.headers));
		if (!usage) continue;
		if (!best) best = usage;
		else {
			// The highest reading whole (its decay reset is its own); a block lasts as long as the longest.
			const regain = Math.max(best.regainAccessMs ?? 0, usage.regainAccessMs ?? 0);
			best = { ...(usage.maxPercent > best.maxPercent ? usage : best), ...(regain > 0 ? { regainAccessMs: regain } : {}) };
		}
	}
	return best;
}

/** What becomes of a part after an answer: done, or sent again in a later call. */
export type PartDecision =
	| { settle: 'success'; status: number; body: unknown; usage?: MetaUsage }
	| { settle: 'retry'; error: MetaErrorInfo; delayMs: number }
	| { settle: 'failed'; error: MetaErrorInfo; stopReason: StopReason };

/**
 * One part after an answer (attempts: times it has been sent, this one included): success, or what
 * retryDecision says, the rule the retry layer follows for a single call. A batch carries no
 * idempotency key per part, so a create that may have been applied is never resent. The time
 * budget is runBatch's: a round waits once, for the longest of its parts.
 */
export function decidePart(
	reading: PartReading,
	part: Pick<BatchPartRequest, 'method' | 'creates'>,
	attempts: number,
	mayHaveApplied: boolean,
	policy: RetryPolicy,
	random: () => number = Math.random,
): PartDecision {
	if (reading.ok) return { settle: 'success', status: reading.status, body: reading.body, usage: reading.usage };
	const { error } = reading;
	const decision = retryDecision(
		{ error, method: part.method, creates: part.creates, mayBeApplied: reading.mayBeApplied, mayHaveAppliedBefore: mayHaveApplied, retryWritesWithKey: false, attempts },
		policy,
		random,
	);
	if (decision.verdict === 'already_deleted') return { settle: 'success', status: decision.status, body: decision.body, usage: reading.usage };
	if (decision.verdict === 'stop') return { settle: 'failed', error: decision.error, stopReason: decision.stopReason };
	return { settle: 'retry', error, delayMs: decision.delayMs };
}

/** The result of one batch HTTP call, as the sender reports it (MetaClient's result, reduced). */
export type BatchCallResult =
	| { ok: true; body: unknown; usage?: MetaUsage; attempts: number; waitedMs: number; warnings?: string[] }
	| { ok: false; error: MetaErrorInfo; stopReason: StopReason; attempts: number; waitedMs: number; usage?: MetaUsage; warnings?: string[] };

export interface BatchDeps {
	/** Sends one batch call (`creates`: some part creates; `weight`: its parts, for pacing). Never throws. */
	send(entries: BatchEntry[], options: { creates: boolean; weight: number }): Promise<BatchCallResult>;
	retry: RetryPolicy;
	journal?: JournalStore;
	journalPolicy: JournalPolicy;
	breakers?: BreakerStore;
	breakerPolicy: BreakerPolicy;
	now(): number;
	/** Waits between rounds (cut short on cancel). */
	pause(ms: number): Promise<void>;
	random?: () => number;
	signal?: AbortSignal;
	secrets?: string[];
	/** Parts per call (default and at most 50). */
	partsPerCall?: number;
}

/** How a part ended. */
export interface PartOutcome {
	ok: boolean;
	status?: number;
	body?: unknown;
	error?: MetaErrorInfo;
	stopReason?: StopReason;
	/** Times the part went out (a call retried as a whole counts each time). */
	attempts: number;
	waitedMs: number;
	usage?: MetaUsage;
	/** Answered from the write journal: the create had succeeded before, nothing was sent. */
	replayedFrom?: number;
	/** 1-based number of the batch call whose answer settled it (0: settled without a call). */
	batchCall: number;
	warnings: string[];
}

export interface BatchRun {
	outcomes: PartOutcome[];
	/** Batch HTTP calls made (each sent once or more by the call's own retries). */
	calls: number;
}

/** A claim lease like the journal layer's: the whole budget and a margin. */
const LEASE_MARGIN_MS = 60_000;

/**
 * Sends every part, 50 per call, round after round: each round sends the parts still open; a part
 * ends on its own answer, and only the retryable ones go into the next round, after the longest
 * wait any of them needs (no wait starts that would cross the time budget).
 */
export async function runBatch(parts: readonly BatchPartRequest[], deps: BatchDeps): Promise<BatchRun> {
	const size = Math.min(MAX_BATCH_PARTS, Math.max(1, deps.partsPerCall ?? MAX_BATCH_PARTS));
	const random = deps.random ?? Math.random;
	const deadline = deps.now() + deps.retry.totalBudgetMs;
	const leaseMs = deps.retry.totalBudgetMs + LEASE_MARGIN_MS;
	const state = parts.map(() => ({ attempts: 0, waitedMs: 0, mayHaveApplied: false, warnings: [] as string[], last: undefined as MetaErrorInfo | undefined }));
	const outcomes: Array<PartOutcome | undefined> = parts.map(() => undefined);
	let calls = 0;
	const settle = (index: number, outcome: Omit<PartOutcome, 'attempts' | 'waitedMs' | 'warnings'>) => {
		const s = state[index];
		outcomes[index] = { ...outcome, attempts: s.attempts, waitedMs: s.waitedMs, warnings: s.warnings };
	};
	const fail = (index: number, error: MetaErrorInfo, stopReason: StopReason, batchCall = 0) => settle(index, { ok: false, error, stopReason, batchCall });

	let open = parts.map((_, index) => index);
	while (open.length > 0) {
		if (deps.signal?.aborted) {
			for (const index of open) fail(index, internalErrors.aborted(), 'aborted');
			break;
		}
		const retry: Array<{ index: number; delayMs: number; error: MetaErrorInfo }> = [];
		// The write journal and the breakers first: a create already done is answered, one not
		// confirmed or an endpoint whose circuit is open is not sent.
		const ready: Array<{ index: number; trial: boolean; claimed: boolean }> = [];
		for (const index of open) {
			const part = parts[index];
			let claimed = false;
			if (part.creates && part.idempotencyKey && deps.journal) {
				try {
					const entry = await deps.journal.claim(part.idempotencyKey, deps.now(), leaseMs);
					if (entry.state === 'done') {
						settle(index, { ok: true, status: entry.outcome.status, body: entry.outcome.body, replayedFrom: entry.at, batchCall: 0 });
						continue;
					}
					if (entry.state !== 'claimed') {
						fail(index, internalErrors.writeNotConfirmed(entry.at, entry.state === 'pending'), 'ambiguous_write');
						continue;
					}
					claimed = true;
				} catch (error) {
					if (!(error instanceof StateUnavailableError)) throw error;
					if (deps.journalPolicy.whenUnavailable === 'fail') {
						fail(index, internalErrors.journalUnavailable(error.message), 'state_unavailable');
						continue;
					}
					const warning = `write journal unreachable (${error.message}): sent without it`;
					if (!state[index].warnings.includes(warning)) state[index].warnings.push(warning);
				}
			}
			let trial = false;
			if (deps.breakers) {
				const permit = await deps.breakers.acquire(part.endpoint, deps.now(), deps.breakerPolicy);
				if (!permit.allowed) {
					if (claimed) await deps.journal?.release(part.idempotencyKey!);
					fail(index, internalErrors.circuitOpen(part.endpoint, permit.failures, permit.halfOpensAt, deps.now()), 'circuit_open');
					continue;
				}
				trial = permit.trial;
			}
			ready.push({ index, trial, claimed });
		}

		for (const group of chunk(ready, size)) {
			const call = ++calls;
			const creates = group.some(({ index }) => parts[index].creates);
			const result = await deps.send(
				group.map(({ index }) => batchEntry(parts[index])),
				{ creates, weight: group.length },
			);
			const answers = result.ok && Array.isArray(result.body) ? result.body : undefined;
			for (const [position, { index, trial, claimed }] of group.entries()) {
				const part = parts[index];
				const s = state[index];
				// (0 when the call was refused before it left: an open breaker on the batch endpoint, a bad token.)
				s.attempts += result.attempts;
				s.waitedMs += result.waitedMs;
				for (const warning of result.warnings ?? []) if (!s.warnings.includes(warning)) s.warnings.push(warning);
				let reading: PartReading;
				if (answers) reading = readPart(answers[position], deps.secrets);
				else if (result.ok) reading = { ok: false, error: missingPartError(), mayBeApplied: true, missing: true };
				else {
					// The whole call failed: its stop reason says whether it may have been applied.
					const mayBeApplied = result.stopReason === 'ambiguous_write';
					reading = { ok: false, error: mayBeApplied ? neutral(result.error) : result.error, mayBeApplied, usage: result.usage };
					if (!mayBeApplied) {
						if (claimed) await deps.journal?.release(part.idempotencyKey!);
						if (deps.breakers) await deps.breakers.release(part.endpoint, trial);
						fail(index, result.error, result.stopReason, call);
						continue;
					}
				}
				// A create in a call that failed after it was sent: MetaClient's ambiguous_write says so already.
				const decision: PartDecision =
					!result.ok && part.creates
						? { settle: 'failed', error: result.error, stopReason: 'ambiguous_write' }
						: decidePart(reading, part, s.attempts, s.mayHaveApplied, deps.retry, random);
				if (!reading.ok && reading.mayBeApplied) s.mayHaveApplied = true;
				if (deps.breakers) {
					const trouble = !reading.ok && (reading.error.category === 'server' || reading.error.category === 'network');
					await deps.breakers.record(part.endpoint, trouble ? 'failure' : 'success', deps.now(), trial, deps.breakerPolicy);
				}
				if (claimed && part.idempotencyKey && deps.journal) {
					const key = part.idempotencyKey;
					const now = deps.now();
					try {
						if (decision.settle === 'success') await deps.journal.complete(key, { status: decision.status, body: decision.body }, now, deps.journalPolicy.ttlMs);
						else if (s.mayHaveApplied) await deps.journal.abandon(key, now, deps.journalPolicy.ttlMs);
						else await deps.journal.release(key);
					} catch (error) {
						const warning = `write journal unreachable after sending (${error instanceof Error ? error.message : String(error)}): this write is not recorded as done`;
						if (!s.warnings.includes(warning)) s.warnings.push(warning);
					}
				}
				if (decision.settle === 'success') settle(index, { ok: true, status: decision.status, body: decision.body, usage: decision.usage ?? result.usage, batchCall: call });
				else if (decision.settle === 'failed') settle(index, { ok: false, error: decision.error, stopReason: decision.stopReason, usage: reading.usage ?? result.usage, batchCall: call });
				else retry.push({ index, delayMs: decision.delayMs, error: decision.error });
			}
		}

		if (retry.length === 0) break;
		const waitMs = Math.max(...retry.map((entry) => entry.delayMs));
		if (deps.now() + waitMs > deadline) {
			for (const { index, error } of retry) fail(index, error, 'time_budget', calls);
			break;
		}
		await deps.pause(waitMs);
		for (const { index } of retry) state[index].waitedMs += waitMs;
		open = retry.map((entry) => entry.index);
	}
	return { outcomes: outcomes.map((outcome) => outcome!), calls };
}

/** A batch call that failed after it was sent, as a part that is safe to repeat reads it (MetaClient's wording is for a create). */
function neutral(error: MetaErrorInfo): MetaErrorInfo {
	const answer = error.httpStatus === undefined ? 'the connection broke or timed out' : `Meta answered HTTP ${error.httpStatus}`;
	return { ...error, retryable: true, message: `The batch call failed after it was sent (${answer}); this part changes nothing when repeated, so it is sent again.` };
}
