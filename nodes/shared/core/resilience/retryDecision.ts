// "Send it again?", decided in one place. A single call (the retry layer, retry.ts) and each part
// of a Graph batch (decidePart) ask this rule, so a call and a batch part in the same situation
// cannot end differently, and the write-safety rule cannot drift apart in two copies. Pure: the
// callers send, wait, count attempts and keep the journal.
import type { StopReason } from '../contract';
import { internalErrors } from '../errors/internal';
import type { MetaErrorInfo } from '../types';
import type { RetryPolicy } from './retry';

/**
 * Full jitter (uniform in `[0, min(cap, base * 2^retry))`): spreads clients that failed together,
 * which plain exponential backoff would keep in lock-step. `retry` is 0 for the first retry.
 */
export function backoffDelay(retry: number, policy: RetryPolicy, random: () => number = Math.random): number {
	const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, retry));
	return Math.floor(random() * ceiling);
}

/** The wait before the next attempt: the computed delay, or the server's hint when that is longer. */
export function retryDelay(
	retry: number,
	policy: RetryPolicy,
	hintMs: number | undefined,
	random: () => number = Math.random,
): number {
	return Math.max(backoffDelay(retry, policy, random), hintMs !== undefined && hintMs > 0 ? Math.ceil(hintMs) : 0);
}

/** One failed attempt, as far as the decision depends on it. */
export interface RetrySituation {
	/** The failure, classified. */
	error: MetaErrorInfo;
	method: string;
	/** A write that makes something new (a second send makes a second object). */
	creates: boolean;
	/** This failure does not prove that Meta did nothing. */
	mayBeApplied: boolean;
	/** An earlier attempt of the same call failed in a way that may have applied it. */
	mayHaveAppliedBefore: boolean;
	/** It failed on this side of the wire: nothing reached Meta, and trying again would fail the same way. */
	local?: boolean;
	/** The user's opt-in to repeat a create with its idempotency key (a batch part carries none). */
	retryWritesWithKey: boolean;
	/** Times sent, this one included. */
	attempts: number;
	/**
	 * The clock and the deadline no wait may cross. Left out by a caller that bounds its waits itself
	 * (a batch round waits once, for the longest of its parts).
	 */
	timeBudget?: { now(): number; deadline: number };
}

export type RetryStopReason = Extract<StopReason, 'not_retryable' | 'ambiguous_write' | 'max_attempts' | 'time_budget'>;

export type RetryDecision =
	/** A DELETE that an earlier attempt may have applied now finds nothing: that is its success. */
	| { verdict: 'already_deleted'; status: number; body: { success: true; alreadyDeleted: true } }
	| { verdict: 'retry'; delayMs: number }
	/** `error`: the failure to report (an ambiguous write says why it was not sent again). */
	| { verdict: 'stop'; stopReason: RetryStopReason; error: MetaErrorInfo };

/**
 * In this order: a DELETE already applied has succeeded; a local or not retryable failure stops; a
 * create that may have been applied stops as `ambiguous_write` unless writes are retried with their
 * key; Max Attempts stops; otherwise the next attempt waits the longer of backoff and Meta's hint,
 * unless that wait would cross the time budget.
 */
export function retryDecision(situation: RetrySituation, policy: RetryPolicy, random: () => number = Math.random): RetryDecision {
	const { error } = situation;
	if (situation.method === 'DELETE' && situation.mayHaveAppliedBefore && error.category === 'not_found') {
		return { verdict: 'already_deleted', status: error.httpStatus ?? 200, body: { success: true, alreadyDeleted: true } };
	}
	if (situation.local || !error.retryable) return { verdict: 'stop', stopReason: 'not_retryable', error };
	if (situation.creates && situation.mayBeApplied && !situation.retryWritesWithKey) {
		return { verdict: 'stop', stopReason: 'ambiguous_write', error: internalErrors.ambiguousWrite(error, situation.method) };
	}
	if (situation.attempts >= policy.maxAttempts) return { verdict: 'stop', stopReason: 'max_attempts', error };
	const delayMs = retryDelay(situation.attempts - 1, policy, error.retryAfterMs, random);
	const budget = situation.timeBudget;
	if (budget && budget.now() + delayMs > budget.deadline) return { verdict: 'stop', stopReason: 'time_budget', error };
	return { verdict: 'retry', delayMs };
}
