import { sleep } from 'n8n-workflow';

/**
 * n8n's `sleep`, cut short when the execution is cancelled. (n8n-workflow's own `sleepWithAbort`
 * exists in 1.x but not in the n8n-workflow that n8n 2.x loads, so it cannot be used here.)
 * Resolves, never rejects: the caller's next request sees the aborted signal and stops.
 */
export async function sleepUnlessCancelled(ms: number, signal?: AbortSignal): Promise<void> {
	if (!signal) return await sleep(ms);
	if (signal.aborted) return;
	let onAbort = () => {};
	const cancelled = new Promise<void>((resolve) => {
		onAbort = resolve;
		signal.addEventListener('abort', onAbort, { once: true });
	});
	await Promise.race([sleep(ms), cancelled]);
	signal.removeEventListener('abort', onAbort);
}
