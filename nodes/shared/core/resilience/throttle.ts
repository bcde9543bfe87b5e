// Proactive throttling: once Meta's usage headers report utilisation past a threshold, space the
// following calls out so the limit is not hit, instead of waiting for the rate-limit error.
import { internalErrors } from '../errors/internal';
import type { MetaUsage } from '../types';
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

interface ThrottleState {
	/** Spacing between two call starts, from the last usage seen. */
	spacingMs: number;
	/** Start time of the latest call that took a slot (may lie ahead: a caller waiting for it). */
	lastSlot: number;
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
		// Once usage has recovered, nobody queues behind slots handed out under the old spacing.
		const at = state.spacingMs === 0 ? now : Math.max(now, state.lastSlot + state.spacingMs);
		state.lastSlot = Math.max(state.lastSlot, at);
		return at - now;
	}

	/** Feeds the usage a response reported; the next slots on `key` are spaced accordingly. */
	observe(key: string, usage: MetaUsage | undefined, now: number, policy: ThrottlePolicy): void {
		if (!usage) return;
		const state = this.states.get(key) ?? { spacingMs: 0, lastSlot: now };
		state.spacingMs = throttleDelay(usage, policy);
		state.usage = usage;
		this.states.set(key, state);
	}

	/** The last usage seen on `key`. */
	usage(key: string): MetaUsage | undefined {
		return this.states.get(key)?.usage;
	}
}

/** The throttle's key: origin, plus the ad account when the path names one (Meta's limits are per account). */
export function throttleKey(url: URL): string {
	const account = /\/(act_\d+)(\/|$)/.exec(url.pathname)?.[1];
	return account ? `${url.origin}/${account}` : url.origin;
}

/**
 * Waits for the next slot the usage headers allow before an attempt, and feeds the usage it
 * reports back. A wait that would cross the item's time budget is not started (`time_budget`).
 */
export function throttleLayer(registry: ThrottleRegistry, policy: ThrottlePolicy): Layer {
	return (next) => async (call) => {
		const key = throttleKey(call.url);
		const wait = registry.reserve(key, call.now());
		if (wait > 0 && call.now() + wait > call.deadline) return stopped('time_budget', internalErrors.throttled(wait, registry.usage(key)));
		await call.pause(wait);
		const outcome = await next(call);
		registry.observe(key, outcome.usage, call.now(), policy);
		return outcome;
	};
}
