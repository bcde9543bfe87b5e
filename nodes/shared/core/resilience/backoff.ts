// Retry timing: exponential backoff with full jitter, where a server hint that asks for a longer
// wait wins. Pure: the random source is injected so tests are deterministic.

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
