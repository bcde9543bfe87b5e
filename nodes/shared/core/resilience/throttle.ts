// Proactive throttling: once Meta's usage headers report utilisation past a threshold, space the
// following calls out so the limit is not hit, instead of waiting for the rate-limit error.
import { internalErrors } from '../errors/internal';
import type { MetaUsage } from '../types';
import type { PacingStore } from '../state/store';
import { stopped, type Layer } from './attempt';

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

/** The throttle's key: origin, plus the ad account when the path names one (Meta's limits are per account). */
export function throttleKey(url: URL): string {
	const account = /\/(act_\d+)(\/|$)/.exec(url.pathname)?.[1];
	return account ? `${url.origin}/${account}` : url.origin;
}

/**
 * Waits for the next slot the usage headers allow before an attempt, and feeds the usage it
 * reports back. Slots live in the pacing store, so every call on the key (every execution, every
 * worker with Redis) is spaced together. A wait that would cross the item's time budget is not
 * started (`time_budget`).
 */
export function throttleLayer(pacing: PacingStore, policy: ThrottlePolicy): Layer {
	return (next) => async (call) => {
		const key = throttleKey(call.url);
		const { waitMs, usage } = await pacing.take(key, call.now());
		if (waitMs > 0 && call.now() + waitMs > call.deadline) return stopped('time_budget', internalErrors.throttled(waitMs, usage));
		await call.pause(waitMs);
		const outcome = await next(call);
		if (outcome.usage) await pacing.observe(key, throttleDelay(outcome.usage, policy), outcome.usage, call.now());
		return outcome;
	};
}
