// The retry layer, inside the write journal and outside the breaker, the throttle and the stale
// connection (MetaClient's constructor holds the order). After each failed attempt it asks
// retryDecision (retryDecision.ts: the rule each part of a Graph batch follows too) whether to try
// again, and waits the delay it gives: exponential backoff with full jitter, or a server hint that
// asks for longer. The random source is injected for tests.
import { internalErrors } from '../errors/internal';
import { stopped, type Layer } from './attempt';
import { retryDecision } from './retryDecision';

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

// The delays moved next to the decision that uses them; still exported from here.
export { backoffDelay, retryDelay } from './retryDecision';

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
			const decision = retryDecision(
				{
					error: outcome.error,
					method: call.method,
					creates: call.creates,
					mayBeApplied: outcome.mayBeApplied,
					mayHaveAppliedBefore: mayBeApplied,
					local: outcome.local,
					retryWritesWithKey: call.retryWritesWithKey,
					attempts: attempt,
					timeBudget: { now: () => call.now(), deadline: call.deadline },
				},
				policy,
				random,
			);
			if (decision.verdict === 'already_deleted') return { ok: true, status: decision.status, headers: {}, body: decision.body, usage: outcome.usage };
			mayBeApplied ||= outcome.mayBeApplied;
			if (decision.verdict === 'stop') return { ...outcome, error: decision.error, stop: decision.stopReason };
			await call.pause(decision.delayMs);
		}
	};
}
