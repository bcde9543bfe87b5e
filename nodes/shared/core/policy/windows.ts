// Sliding windows and cooldowns over plain JSON (numbers and records), so the state fits in n8n's
// workflow static data and survives between scheduled executions. Pure: `now` is always passed in.

/**
 * Last time (ms) each key fired. Keys are kept in the order they were set, oldest first (setCooldown
 * moves a key set again to the end), so among equal times the later key is the more recent.
 */
export type Cooldowns = Record<string, number>;

/**
 * How far (ms) a saved time may lie ahead of `now` and still be believed: another host's clock a
 * little ahead. Further ahead, a cooldown or a firing would silence everything until that time.
 */
export const CLOCK_SKEW_MS = 60_000;

/** The furthest time from 1970 a Date can hold (±100,000,000 days); beyond it toISOString throws. */
const MAX_DATE_MS = 8.64e15;

/**
 * A saved time as it may be used at `now`: undefined unless it is a finite number within Date's range
 * and at most CLOCK_SKEW_MS ahead of `now`; a time ahead within that allowance counts as `now`.
 */
export function trustedTime(value: unknown, now: number): number | undefined {
	if (typeof value !== 'number' || !Number.isFinite(value) || Math.abs(value) > MAX_DATE_MS) return undefined;
	if (value > now + CLOCK_SKEW_MS) return undefined;
	return Math.min(value, now);
}

/** The trusted time of `value` when it lies less than `periodMs` before `now`, else undefined. */
export function recentTime(value: unknown, now: number, periodMs: number): number | undefined {
	const at = trustedTime(value, now);
	return at !== undefined && now - at < periodMs ? at : undefined;
}

/** The trusted times among saved values (see trustedTime), each repaired or dropped on its own. */
export function trustedTimes(values: readonly unknown[], now: number): number[] {
	const times: number[] = [];
	for (const value of values) {
		const at = trustedTime(value, now);
		if (at !== undefined) times.push(at);
	}
	return times;
}

/**
 * The timestamps still inside the window that ends at `now`, oldest first, keeping only the newest
 * `keep` (a count threshold never needs more than its count). A timestamp ahead of `now` stays in
 * (loadPolicyState has already dropped those ahead by more than CLOCK_SKEW_MS).
 */
export function slide(timestamps: readonly number[], now: number, windowMs: number, keep: number): number[] {
	const inside = timestamps.filter((t) => Number.isFinite(t) && now - t < windowMs);
	inside.sort((a, b) => a - b);
	return keep > 0 ? inside.slice(-keep) : [];
}

/** Adds one event at `now` and slides the window. */
export function record(timestamps: readonly number[], now: number, windowMs: number, keep: number): number[] {
	return slide([...timestamps, now], now, windowMs, keep);
}

/**
 * `record` in place, for timestamps already slid (finite, oldest first): adds `now` in order, then
 * drops the expired and the oldest beyond `keep` from the front. Amortized O(1): each timestamp is
 * added once and dropped once.
 */
export function recordInPlace(timestamps: number[], now: number, windowMs: number, keep: number): number[] {
	let at = timestamps.length;
	while (at > 0 && timestamps[at - 1] > now) at--; // only when a clock went back
	if (at === timestamps.length) timestamps.push(now);
	else timestamps.splice(at, 0, now);
	let expired = 0;
	while (expired < timestamps.length && now - timestamps[expired] >= windowMs) expired++;
	const drop = Math.max(expired, timestamps.length - Math.max(0, keep));
	if (drop === 1) timestamps.shift();
	else if (drop > 1) timestamps.splice(0, drop);
	return timestamps;
}

/** The time `key` last fired when that is less than `cooldownMs` ago, else undefined. */
export function lastFiredWithin(cooldowns: Cooldowns, key: string, now: number, cooldownMs: number): number | undefined {
	return Object.prototype.hasOwnProperty.call(cooldowns, key) ? recentTime(cooldowns[key], now, cooldownMs) : undefined;
}

/** Whether `key` fired less than `cooldownMs` ago. */
export function coolingDown(cooldowns: Cooldowns, key: string, now: number, cooldownMs: number): boolean {
	return lastFiredWithin(cooldowns, key, now, cooldownMs) !== undefined;
}

/** Records that `key` fired at `now`, in place, as the most recent key. O(1). */
export function setCooldown(cooldowns: Cooldowns, key: string, now: number): void {
	if (Object.prototype.hasOwnProperty.call(cooldowns, key)) delete cooldowns[key];
	cooldowns[key] = now;
}

/**
 * Repairs (see trustedTime) and drops expired cooldowns, then keeps the newest `maxEntries`: by time,
 * and among equal times the ones set later. The result is ordered oldest first, like Cooldowns.
 */
export function pruneCooldowns(
	cooldowns: Readonly<Record<string, unknown>>,
	now: number,
	cooldownMs: number,
	maxEntries: number,
): Cooldowns {
	const live: Array<[string, number]> = [];
	for (const [key, value] of Object.entries(cooldowns)) {
		const at = recentTime(value, now, cooldownMs);
		if (at !== undefined) live.push([key, at]);
	}
	live.sort((a, b) => a[1] - b[1]); // stable: equal times stay in the order they were set
	return Object.fromEntries(live.slice(Math.max(0, live.length - Math.max(0, maxEntries))));
}
