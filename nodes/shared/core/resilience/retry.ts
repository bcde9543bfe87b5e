// The retry layer, outermost: decides after each failed attempt whether to try again, and when.
// Exponential backoff with full jitter, where a server hint that asks for a longer wait wins; a
// write that creates something is not repeated when the failure may have applied it. The one
// place where "retry or not" is decided for a call. The random source is injected for tests.
import { internalErrors } from '../errors/internal';
import { stopped, type Layer, type Outcome } from './attempt';

export interface RetryPolicy {
	/** Attempts in total, the first one included. */
	maxAttempts: number;
	/** Delay scale of the first retry, in ms. */
	baseDelayMs: number;
	/** Upper bound of a computed delay, in ms (a server hint may ask for longer). */
	maxDelayMs: number;
	/** Time one request may take overall, waits included; no wait starts that would cross it. */
	totalBudgetMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
	maxAttempts: 5,
	baseDelayMs: 1_000,
	maxDelayMs: 60_000,
	totalBudgetMs: 5 * 60_000,
};

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

/**
 * Retries what can succeed later, within Max Attempts and the time budget. Stops (`stop` on the
 * outcome) with `not_retryable`, `ambiguous_write`, `max_attempts`, `time_budget` or `aborted`.
 */
export function retryLayer(policy: RetryPolicy, random: () => number = Math.random): Layer {
	return (next) => async (call) => {
		/** An earlier attempt failed in a way that may still have applied the call. */
		let mayBeApplied = false;
		for (let attempt = 1; ; attempt++) {
			if (call.signal?.aborted) return stopped('aborted', internalErrors.aborted());
			const outcome = await next(call);
			if (outcome.ok || outcome.stop) return outcome;
			if (outcome.aborted) return { ...outcome, stop: 'aborted' };
			const { error } = outcome;
			// A DELETE whose earlier attempt may have gone through finds nothing left: that is its success.
			if (call.method === 'DELETE' && mayBeApplied && error.category === 'not_found') return alreadyDeleted(outcome);
			mayBeApplied ||= outcome.mayBeApplied;
			if (outcome.local || !error.retryable) return { ...outcome, stop: 'not_retryable' };
			if (call.creates && outcome.mayBeApplied && !call.retryWritesWithKey) {
				return { ...outcome, error: internalErrors.ambiguousWrite(error, call.method), stop: 'ambiguous_write' };
			}
			if (attempt >= policy.maxAttempts) return { ...outcome, stop: 'max_attempts' };
			const delay = retryDelay(attempt - 1, policy, error.retryAfterMs, random);
			if (call.now() + delay > call.deadline) return { ...outcome, stop: 'time_budget' };
			await call.pause(delay);
		}
	};
}

function alreadyDeleted(outcome: Outcome & { ok: false }): Outcome {
	return { ok: true, status: outcome.error.httpStatus ?? 200, headers: {}, body: { success: true, alreadyDeleted: true }, usage: outcome.usage };
}
