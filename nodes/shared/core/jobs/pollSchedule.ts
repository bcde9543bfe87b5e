// How often a job is polled when nothing better is known: a wait that grows by a factor up to a cap,
// and a timeout that ends the run (pollPrediction.ts shortens or skips waits from the job's progress).

/** When to poll again: `initialMs × factor^n`, at most `maxIntervalMs`; the run ends at `timeoutMs`. */
export interface PollSchedule {
	initialMs: number;
	factor: number;
	maxIntervalMs: number;
	timeoutMs: number;
}

export const DEFAULT_POLL_SCHEDULE: PollSchedule = {
	initialMs: 2_000,
	factor: 1.5,
	maxIntervalMs: 60_000,
	timeoutMs: 5 * 60_000,
};

/** The wait before poll `n + 1` (n = 0 after the first poll). */
export function pollDelay(n: number, schedule: PollSchedule): number {
	return Math.min(schedule.maxIntervalMs, schedule.initialMs * schedule.factor ** Math.max(0, n));
}
