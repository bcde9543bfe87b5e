// Sliding windows and cooldowns over plain JSON (numbers and records), so the state fits in n8n's
// workflow static data and survives between scheduled executions. Pure: `now` is always passed in.

/** Last time (ms) each key fired. */
export type Cooldowns = Record<string, number>;

/**
 * The timestamps still inside the window that ends at `now`, oldest first, keeping only the newest
 * `keep` (a count threshold never needs more than its count). A timestamp ahead of `now` (another
 * host's clock) stays in: dropping it would hide events.
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

/** Whether `key` fired less than `cooldownMs` ago. */
export function coolingDown(cooldowns: Cooldowns, key: string, now: number, cooldownMs: number): boolean {
	const last = cooldowns[key];
	return last !== undefined && now - last < cooldownMs;
}

/** Drops expired cooldowns, then the oldest ones beyond `maxEntries`, so the state stays small. */
export function pruneCooldowns(cooldowns: Cooldowns, now: number, cooldownMs: number, maxEntries: number): Cooldowns {
	const live = Object.entries(cooldowns).filter(
		([, at]) => Number.isFinite(at) && now - at < cooldownMs,
	);
	live.sort((a, b) => b[1] - a[1]);
	return Object.fromEntries(live.slice(0, Math.max(0, maxEntries)));
}
