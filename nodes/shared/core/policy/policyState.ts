// The router's state between executions, as plain JSON in workflow static data: each threshold's
// recent events and last firing, the cooldowns, the anomaly baselines. Read back repaired and pruned
// (a time that cannot be true is dropped), saved bounded, and offered to the decision as windows.
import { z } from 'zod';

import type { WindowStore } from '../state/store';
import { BASELINE_TTL_MS, MAX_BASELINE_KEYS, sampleInPlace, trustedBaseline, type BaselineState, type SampleAnswer } from './anomaly';
import type { PolicyConfig, Threshold } from './policyConfig';
import {
	type Cooldowns,
	lastFiredWithin,
	pruneCooldowns,
	recentTime,
	recordInPlace,
	setCooldown,
	slide,
	trustedTime,
	trustedTimes,
} from './windows';

export interface ThresholdState {
	/** Timestamps (ms) of matching items inside the window, oldest first, newest `count` at most. */
	events: number[];
	firedAt?: number;
}

export interface PolicyState {
	thresholds: Record<string, ThresholdState>;
	cooldowns: Cooldowns;
	/** Anomaly baselines by baselineKey (absent: none yet). */
	baselines?: Record<string, BaselineState>;
}

/** Cooldown keys kept at most between executions (savePolicyState, loadPolicyState); the oldest go first. */
export const MAX_COOLDOWN_KEYS = 1000;

// Only the shape is checked here; every timestamp is repaired or dropped on its own (trustedTime).
const thresholdStateSchema = z.object({ events: z.array(z.unknown()).catch([]), firedAt: z.unknown().optional() });
const stateSchema = z.object({
	thresholds: z.record(z.string(), thresholdStateSchema.catch({ events: [] })).catch({}),
	cooldowns: z.record(z.string(), z.unknown()).catch({}),
	baselines: z.record(z.string(), z.unknown()).optional().catch(undefined),
});
type SavedState = z.infer<typeof stateSchema>;

/** A threshold's key in the saved state: any edit to it starts its count over. */
export function thresholdKey(threshold: Threshold): string {
	const sorted = (values?: readonly string[]) => [...(values ?? [])].map((v) => v.toLowerCase()).sort().join(',');
	const { name, match, count, windowMs, route } = threshold;
	return [name ?? '', sorted(match.categories), sorted(match.codes), count, windowMs, route].join('|');
}

/**
 * A new state holding what is worth keeping of `state`: every timestamp repaired (trustedTime: not a
 * finite number, beyond Date's range or more than CLOCK_SKEW_MS ahead is dropped, ahead within it
 * counts as now), expired events, firings and cooldowns dropped, thresholds no longer configured
 * dropped, and the newest MAX_COOLDOWN_KEYS cooldowns kept.
 */
function prune(state: SavedState | PolicyState, config: PolicyConfig, now: number): PolicyState {
	const thresholds: Record<string, ThresholdState> = {};
	for (const threshold of config.thresholds) {
		const key = thresholdKey(threshold);
		const previous = Object.prototype.hasOwnProperty.call(state.thresholds, key) ? state.thresholds[key] : undefined;
		if (!previous) continue;
		const events = slide(trustedTimes(previous.events, now), now, threshold.windowMs, threshold.count);
		const firedAt = recentTime(previous.firedAt, now, threshold.windowMs);
		if (events.length > 0 || firedAt !== undefined) thresholds[key] = firedAt === undefined ? { events } : { events, firedAt };
	}
	const result: PolicyState = { thresholds, cooldowns: pruneCooldowns(state.cooldowns, now, config.cooldownMs, MAX_COOLDOWN_KEYS) };
	const baselines = pruneBaselines(state.baselines, now);
	if (baselines) result.baselines = baselines;
	return result;
}

/**
 * Baselines repaired (trustedBaseline) and younger than BASELINE_TTL_MS, the MAX_BASELINE_KEYS most
 * recently sampled (kept whatever the rules are now: a baseline is about its field and object).
 */
function pruneBaselines(saved: Readonly<Record<string, unknown>> | undefined, now: number): Record<string, BaselineState> | undefined {
	if (!saved) return undefined;
	const live: Array<[string, BaselineState]> = [];
	for (const [key, value] of Object.entries(saved)) {
		const baseline = trustedBaseline(value, now, (at) => trustedTime(at, now));
		if (baseline) live.push([key, baseline]);
	}
	if (live.length === 0) return undefined;
	live.sort((a, b) => a[1].at - b[1].at);
	return Object.fromEntries(live.slice(Math.max(0, live.length - MAX_BASELINE_KEYS)));
}

/**
 * Reads the state saved by an earlier execution (anything unreadable starts empty), repairs and
 * prunes it (see prune). A saved time that cannot be true (9e15, a cooldown hours ahead) is dropped,
 * so it can neither throw nor silence an escalation. The result shares nothing with `saved`.
 */
export function loadPolicyState(saved: unknown, config: PolicyConfig, now: number): PolicyState {
	const parsed = stateSchema.safeParse(saved ?? {});
	return prune(parsed.success ? parsed.data : { thresholds: {}, cooldowns: {} }, config, now);
}

/**
 * What to save after a run: `state` pruned the way loadPolicyState prunes, so the saved state never
 * holds more than MAX_COOLDOWN_KEYS cooldowns (the newest; among equal times the last set), however
 * many a run added. `state` is not modified.
 */
export function savePolicyState(state: PolicyState, config: PolicyConfig, now: number): PolicyState {
	return prune(state, config, now);
}

/** What a cooldown claim answers (WindowStore's, here without the promise). */
type Claim = Awaited<ReturnType<WindowStore['claim']>>;

/** The windows of a PolicyState, synchronously: what decideInPlace runs the decision on. */
export function stateWindows(state: PolicyState) {
	const has = (record: object, key: string) => Object.prototype.hasOwnProperty.call(record, key);
	const entry = (key: string) => (has(state.thresholds, key) ? state.thresholds[key] : (state.thresholds[key] = { events: [] }));
	return {
		count: (key: string, now: number, windowMs: number, keep: number): number => recordInPlace(entry(key).events, now, windowMs, keep).length,
		fire: (key: string, now: number, windowMs: number): boolean => {
			const threshold = entry(key);
			if (recentTime(threshold.firedAt, now, windowMs) !== undefined) return false;
			threshold.firedAt = now;
			return true;
		},
		claim: (key: string, now: number, cooldownMs: number): Claim => {
			const lastAt = lastFiredWithin(state.cooldowns, key, now, cooldownMs);
			if (lastAt !== undefined) return { claimed: false, lastAt };
			setCooldown(state.cooldowns, key, now);
			return { claimed: true };
		},
		sample: (key: string, now: number, value: number, sampleKey: string | undefined, keep: number): SampleAnswer => {
			const baselines = (state.baselines ??= {});
			let baseline = has(baselines, key) ? baselines[key] : undefined;
			if (baseline && now - baseline.at >= BASELINE_TTL_MS) baseline = undefined;
			if (!baseline) baseline = { values: [], at: now };
			// Re-set, so the most recently sampled is last (pruneBaselines keeps the newest).
			delete baselines[key];
			baselines[key] = baseline;
			return sampleInPlace(baseline, value, sampleKey, keep, now);
		},
	};
}
