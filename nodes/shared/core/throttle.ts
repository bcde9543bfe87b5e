// Proactive throttling: once Meta's usage headers report utilisation past a threshold, space the
// following calls out so the limit is not hit, instead of waiting for the rate-limit error.
import type { MetaUsage } from './types';

export interface ThrottlePolicy {
	/** Utilisation (%, highest of all usage headers) from which calls are spaced out. */
	thresholdPercent: number;
	/** Spacing between calls when utilisation reaches 100 %, in ms. */
	maxDelayMs: number;
}

export const DEFAULT_THROTTLE_POLICY: ThrottlePolicy = { thresholdPercent: 85, maxDelayMs: 60_000 };

/**
 * Spacing between calls for a given usage: zero below the threshold, then growing with the square
 * of how far past it we are (gentle just past the threshold, `maxDelayMs` at 100 %). Meta's reset
 * or regain-access time bounds the spacing before 100 % (waiting longer gains nothing) and is
 * waited out in full once the limit is reached.
 */
export function throttleDelay(usage: MetaUsage | undefined, policy: ThrottlePolicy): number {
	if (!usage || usage.maxPercent < policy.thresholdPercent) return 0;
	const regain = usage.regainAccessMs ?? 0;
	if (usage.maxPercent >= 100) return Math.max(policy.maxDelayMs, regain);
	const past = (usage.maxPercent - policy.thresholdPercent) / (100 - policy.thresholdPercent);
	const spacing = Math.ceil(policy.maxDelayMs * past * past);
	return regain > 0 ? Math.min(spacing, regain) : spacing;
}

interface ThrottleState {
	/** Spacing currently applied between two calls. */
	spacingMs: number;
	/** Earliest time the next call may start. */
	nextAt: number;
	usage?: MetaUsage;
}

/**
 * Throttle state per key (origin, plus the ad account when known), shared by every call of the
 * process so parallel items and executions slow down together.
 */
export class ThrottleRegistry {
	private readonly states = new Map<string, ThrottleState>();

	/** Takes the next slot for a call on `key`; returns how long to wait before making it. */
	reserve(key: string, now: number): number {
		const state = this.states.get(key);
		if (!state) return 0;
		const at = Math.max(now, state.nextAt);
		if (state.spacingMs > 0) state.nextAt = at + state.spacingMs;
		return at - now;
	}

	/** Feeds the usage a response reported; later calls on `key` are spaced accordingly. */
	observe(key: string, usage: MetaUsage | undefined, now: number, policy: ThrottlePolicy): void {
		if (!usage) return;
		const spacingMs = throttleDelay(usage, policy);
		const state = this.states.get(key) ?? { spacingMs: 0, nextAt: now };
		state.spacingMs = spacingMs;
		state.usage = usage;
		// Recovered usage frees the next call at once; otherwise keep slots already handed out.
		state.nextAt = spacingMs === 0 ? now : Math.max(state.nextAt, now + spacingMs);
		this.states.set(key, state);
	}

	/** The last usage seen on `key`. */
	usage(key: string): MetaUsage | undefined {
		return this.states.get(key)?.usage;
	}
}
