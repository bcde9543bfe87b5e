// The one wait of the package (retry backoff, throttle spacing, poll intervals): a timer that ends
// early when the execution is cancelled. Its own timer rather than n8n's `sleep`/`sleepWithAbort`,
// which differ between n8n lines (n8n-workflow 2.34 removed `sleepWithAbort`).

/**
 * Waits `ms`, or less if `signal` aborts first (or already has). Resolves, never rejects: the
 * caller's next step sees the aborted signal and stops. The timer is cleared on abort, so a
 * cancelled 60 s backoff keeps nothing alive.
 */
export async function cancellableSleep(ms: number, signal?: AbortSignal): Promise<void> {
	if (ms <= 0 || signal?.aborted) return;
	await new Promise<void>((resolve) => {
		const done = () => {
			clearTimeout(timer);
			signal?.removeEventListener('abort', done);
			resolve();
		};
		const timer = setTimeout(done, ms);
		signal?.addEventListener('abort', done, { once: true });
	});
}
