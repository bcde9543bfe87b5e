// When to poll next from the progress a job has reported so far: soon after it is predicted to end,
// never more often than the schedule alone would poll (pollSchedule.ts).
import { pollDelay, type PollSchedule } from './pollSchedule';

/** One status answer as the predictor sees it: when it came (ms since following began) and its progress. */
export interface ProgressReading {
	atMs: number;
	/** 0–100, absent when the answer had none. */
	progress?: number;
}

export interface PredictOptions {
	/** Now, in ms since following began; default the last reading's time. */
	nowMs?: number;
	/** Progress step of the readings (they are rounded down to it): 1 for whole percents, 100 / total for counts. */
	resolution?: number;
}

/** Shortest wait the prediction asks for: 1 s (the node's minimum interval), or the schedule's first wait if shorter. */
const MIN_PREDICTED_MS = 1_000;
/** How far past the predicted end to poll: 0.5 % of the time elapsed, at least 250 ms. */
const MARGIN_SHARE = 0.005;
const MIN_MARGIN_MS = 250;
/** Once the latest predicted end has passed: poll every 2 % of the time elapsed. */
const OVERDUE_SHARE = 0.02;

/**
 * The wait before the next poll, given every reading so far (in order) and the schedule.
 *
 * Without progress, or while progress has not moved since the first reading, it is `pollDelay(n)`
 * exactly (n = readings − 1). With moving progress it fits the readings' rate, first to last: as
 * readings are rounded down to `resolution`, the rate lies between (Δp − step) / Δt and (Δp + step) / Δt,
 * which bounds when the job ends. When even the latest such end is within one wait, it waits until
 * just after it (a margin of 0.5 % of the time elapsed, at least 250 ms); otherwise it waits as long as
 * it may, to skip polls that cannot see the end. Once the latest end has passed, it polls every 2 % of
 * the time elapsed.
 *
 * Bounds: at least `min(1 s, initialMs)`; at most `maxIntervalMs` and at most the larger of
 * `pollDelay(n)` and the time elapsed (progress is rarely linear: a job that speeds up is seen at
 * most one elapsed time late); and never a poll earlier than the schedule's poll of the same number
 * (the sum of `pollDelay(0…n)`), so no job is polled more often than the schedule alone would poll it.
 */
export function nextPollDelay(readings: readonly ProgressReading[], schedule: PollSchedule, options: PredictOptions = {}): number {
	const n = Math.max(0, readings.length - 1);
	const baseline = pollDelay(n, schedule);
	const known = readings.filter((r) => r.progress !== undefined && Number.isFinite(r.progress));
	if (known.length < 2) return baseline;
	const first = known[0];
	const last = known[known.length - 1];
	const span = last.atMs - first.atMs;
	const moved = last.progress! - first.progress!;
	if (span <= 0 || moved <= 0) return baseline;
	const nowMs = Math.max(options.nowMs ?? last.atMs, last.atMs);
	const step = Math.max(0, options.resolution ?? 1);
	const slowest = (moved - step) / span;
	// The job ends by then, if its rate holds (Infinity: the readings cannot tell).
	const latestEnd = slowest > 0 ? last.atMs + (100 - last.progress!) / slowest : Infinity;

	let scheduled = 0;
	for (let i = 0; i <= n; i++) scheduled += pollDelay(i, schedule);
	const shortest = Math.max(Math.min(MIN_PREDICTED_MS, schedule.initialMs), scheduled - nowMs);
	const longest = Math.min(schedule.maxIntervalMs, Math.max(baseline, nowMs));

	let wanted: number;
	if (latestEnd <= nowMs) wanted = OVERDUE_SHARE * nowMs;
	else {
		const untilEnd = latestEnd + Math.max(MIN_MARGIN_MS, MARGIN_SHARE * nowMs) - nowMs;
		wanted = untilEnd <= longest ? untilEnd : longest;
	}
	return Math.min(longest, Math.max(wanted, shortest));
}
