// The Escalation Router's policy engine: one classified error in, one route out, with the reason.
// No I/O and no clock: the node passes the state it keeps in workflow static data and the current
// time, so the same decisions can be unit-tested and benchmarked without n8n. A run's state:
// loadPolicyState (repaired, pruned), decideInPlace per item (O(1) in the state's size), then
// savePolicyState (at most MAX_COOLDOWN_KEYS cooldowns). decide and decideAll leave their state as is.

import { z } from 'zod';

import { type MetaRequestStats } from '../contract';
import { actionFor } from '../errors/catalog';
import { ERROR_ACTIONS, ERROR_CATEGORIES, type ErrorCategory, type MetaErrorInfo } from '../types';
import type { WindowStore } from '../state/store';
import { type Route } from './routes';
import {
	BASELINE_TTL_MS,
	MAX_BASELINE_KEYS,
	assessReading,
	baselineKey,
	describeFinding,
	missingFinding,
	sampleInPlace,
	trustedBaseline,
	type AnomalyFinding,
	type AnomalyRule,
	type BaselineState,
	type MeasurementInput,
	type SampleAnswer,
} from './anomaly';
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

export * from './routes';
export * from './anomaly';

/** What sent an item to its route, strongest first. */
export type DecidedBy = 'guard' | 'threshold' | 'anomaly' | 'rule' | 'default' | 'retry_cap' | 'cooldown';

/**
 * Conditions of a rule or threshold: every condition given must hold (AND); a list matches when
 * any of its values does (OR). No condition at all matches every item.
 */
export interface ErrorMatch {
	categories?: readonly ErrorCategory[];
	/** Compared with the error's code as text, case-insensitively (Graph, AdCP and transport codes). */
	codes?: readonly string[];
	subcodes?: readonly number[];
	/** Like `codes`, but only for errors read from an AdCP task failure. */
	adcpCodes?: readonly string[];
	objectTypes?: readonly string[];
	/** An n8n expression the node already evaluated for this item. */
	condition?: boolean;
}

export interface PolicyRule {
	name?: string;
	match: ErrorMatch;
	route: Route;
}

/** "When `count` matching items arrive within `windowMs` → `route`", at most once per window. */
export interface Threshold {
	name?: string;
	match: Pick<ErrorMatch, 'categories' | 'codes'>;
	count: number;
	windowMs: number;
	route: Route;
}

export interface PolicyConfig {
	/** In order; the first rule that matches decides. */
	rules: readonly PolicyRule[];
	thresholds: readonly Threshold[];
	/**
	 * Checked on items that carry readings (MeasurementInput) instead of an error, in order: every
	 * rule adds its reading to its baseline; the first that fires decides.
	 */
	anomalies?: readonly AnomalyRule[];
	/**
	 * A retry decided once the item has made this many attempts becomes a dead letter (so does one
	 * whose client already used its own Max Attempts, `stopReason: "max_attempts"`).
	 */
	retryCap: number;
	/** The same alert or escalation goes out at most once per cooldown; 0 turns this off. */
	cooldownMs: number;
	/** Pause decisions also ask for an alert (`alert: true`), de-duplicated like alerts. */
	alertOnPause: boolean;
	/** Keywords (case-insensitive) that, found in what an item touches, force Escalate. */
	neverAutomate: readonly string[];
	/** Categories about the token or app rather than one object: their cooldown key leaves the object out. */
	objectlessCategories: readonly ErrorCategory[];
}

export const DEFAULT_POLICY_CONFIG: PolicyConfig = {
	rules: [],
	thresholds: [],
	anomalies: [],
	retryCap: 5,
	cooldownMs: 60 * 60_000,
	alertOnPause: true,
	neverAutomate: ['budget', 'bid_amount', 'bid_cap', 'spend_cap'],
	objectlessCategories: ['auth', 'rate_limit', 'server', 'network'],
};

/**
 * One item as the engine sees it. `attempts` and `stopReason` are the client's verdict as data
 * (`metaRequest` on a Meta Request item, see MetaRequestStats); an item from elsewhere brings its
 * attempts alone.
 */
export interface PolicyInput {
	error: MetaErrorInfo;
	/** Attempts the item has already made. */
	attempts?: MetaRequestStats['attempts'];
	/** Why the client that made `attempts` stopped: `max_attempts` says its retries are spent. */
	stopReason?: MetaRequestStats['stopReason'];
	objectType?: string;
	objectId?: string;
	/** Field paths and names the item touches, checked by the never-automate guard. */
	subjects?: readonly string[];
}

export interface Decision {
	route: Route;
	/** One readable sentence for the audit trail. */
	reason: string;
	by: DecidedBy;
	/** The rule's name (or `rule N`) when a rule decided. */
	rule?: string;
	/** The threshold that fired, with the count it saw. */
	threshold?: { name: string; count: number; windowMinutes: number };
	/** Every threshold this item counted towards: how many matching items its window holds now (at most `of`). */
	counts?: Array<{ name: string; count: number; of: number; windowMinutes: number }>;
	/** Pause only: whether this item should raise an alert (false for a repeat within the cooldown). */
	alert?: boolean;
	/** Ignore by cooldown: the route the item would have taken, and when that went out last. */
	suppressed?: { route: Route; key: string; lastAt: string };
	/** The anomaly rule that fired: value, baseline, ratio, samples. */
	anomaly?: AnomalyFinding;
	/** What every anomaly rule found on a measurement item. */
	anomalies?: AnomalyFinding[];
}

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

/**
 * The route the classification itself recommends: its `action`, which the catalog set and the
 * client may have changed (an ambiguous write escalates); an error without a valid one takes its
 * category's action from the catalog. Every action is a route of the same name.
 */
export function defaultRoute(error: Pick<MetaErrorInfo, 'category' | 'action'>): Route {
	if ((ERROR_ACTIONS as readonly unknown[]).includes(error.action)) return error.action;
	return ERROR_CATEGORIES.includes(error.category) ? actionFor(error.category) : 'escalate';
}

/**
 * Why an item may not be retried (again), or undefined when it may: its attempts reached the
 * cap, or the client that made them already used its own Max Attempts.
 */
function retriesSpent(input: Pick<PolicyInput, 'attempts' | 'stopReason'>, retryCap: number): string | undefined {
	const attempts = input.attempts ?? 0;
	if (attempts >= retryCap) return `the retry cap is reached (${attempts} attempts, cap ${retryCap})`;
	if (input.stopReason === 'max_attempts') {
		return `Meta Request already retried up to its Max Attempts (${attempts} attempts, stopReason max_attempts)`;
	}
	return undefined;
}

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

/** A copy sharing nothing with `state`, to decide on without changing it. */
function copyState(state: PolicyState): PolicyState {
	const thresholds: Record<string, ThresholdState> = {};
	for (const [key, entry] of Object.entries(state.thresholds)) thresholds[key] = { ...entry, events: [...entry.events] };
	const copy: PolicyState = { thresholds, cooldowns: { ...state.cooldowns } };
	if (state.baselines) {
		copy.baselines = {};
		for (const [key, entry] of Object.entries(state.baselines)) copy.baselines[key] = { ...entry, values: [...entry.values] };
	}
	return copy;
}

function sameText(a: unknown, b: unknown): boolean {
	return String(a).trim().toLowerCase() === String(b).trim().toLowerCase();
}

function matches(match: ErrorMatch, input: PolicyInput): boolean {
	const { error } = input;
	const has = (values?: readonly unknown[]) => values !== undefined && values.length > 0;
	if (has(match.categories) && !match.categories!.includes(error.category)) return false;
	if (has(match.codes) && (error.code === undefined || !match.codes!.some((c) => sameText(c, error.code)))) return false;
	if (has(match.subcodes) && (error.subcode === undefined || !match.subcodes!.includes(error.subcode))) return false;
	if (
		has(match.adcpCodes) &&
		(error.source !== 'adcp' || error.code === undefined || !match.adcpCodes!.some((c) => sameText(c, error.code)))
	)
		return false;
	if (
		has(match.objectTypes) &&
		(input.objectType === undefined || !match.objectTypes!.some((t) => sameText(t, input.objectType)))
	)
		return false;
	return match.condition !== false;
}

/** Short label for reasons: `rate_limit 4`, `policy 368/1487`. */
function label(error: MetaErrorInfo): string {
	const code = error.code === undefined ? '' : ` ${error.code}${error.subcode === undefined ? '' : `/${error.subcode}`}`;
	return `${error.category}${code}`;
}

function routeLabel(route: Route): string {
	return route.replace('_', ' ');
}

function guardHit(input: PolicyInput, keywords: readonly string[]): { subject: string; keyword: string } | undefined {
	const subjects = [input.objectType, input.error.field, ...(input.subjects ?? [])].filter(
		(s): s is string => typeof s === 'string' && s !== '',
	);
	for (const keyword of keywords) {
		const needle = keyword.trim().toLowerCase();
		if (needle === '') continue;
		const subject = subjects.find((s) => s.toLowerCase().includes(needle));
		if (subject !== undefined) return { subject, keyword: keyword.trim() };
	}
	return undefined;
}

function cooldownKey(route: Route, input: PolicyInput, config: PolicyConfig): string {
	const { error } = input;
	const object = config.objectlessCategories.includes(error.category) ? '' : input.objectId ?? '';
	return [route, error.category, error.code ?? '', object].join('|');
}

/** What the decision asks of its windows and cooldowns; each is one atomic store operation. */
export type WindowOp =
	| { op: 'count'; key: string; windowMs: number; keep: number }
	| { op: 'fire'; key: string; windowMs: number }
	| { op: 'claim'; key: string; cooldownMs: number }
	| { op: 'sample'; key: string; value: number; sampleKey?: string; keep: number };

type Claim = { claimed: true } | { claimed: false; lastAt: number };

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

/**
 * The decision for one item, as steps: it yields each window operation it needs and goes on with
 * the answer, so the same logic runs on a PolicyState in memory (decideInPlace, synchronous) and
 * on a shared store (decideWith, one atomic operation per step).
 * Order: the never-automate guard, then a threshold that fires, then the user's rules (first match),
 * then the classification's own action. A retry whose retries are spent (past the cap, or the
 * client's Max Attempts used) becomes a dead letter; a repeated alert or escalation from a rule or
 * the default goes to Ignore.
 */
function* decisionSteps(input: PolicyInput | MeasurementInput, config: PolicyConfig): Generator<WindowOp, Decision, unknown> {
	if (isMeasurement(input)) return yield* measurementSteps(input, config);
	const { error } = input;

	// Every matching item counts towards its thresholds, whatever route it takes.
	const reached: Array<{ threshold: Threshold; key: string; count: number }> = [];
	const counts: NonNullable<Decision['counts']> = [];
	const counted = new Set<string>();
	for (const threshold of config.thresholds) {
		const key = thresholdKey(threshold);
		// Two identical thresholds share one count; each event counts once.
		if (counted.has(key) || !matches(threshold.match, input)) continue;
		counted.add(key);
		const count = (yield { op: 'count', key, windowMs: threshold.windowMs, keep: threshold.count }) as number;
		counts.push({ name: thresholdName(threshold), count, of: threshold.count, windowMinutes: threshold.windowMs / 60_000 });
		if (count >= threshold.count) reached.push({ threshold, key, count });
	}

	// `cause` says why, the route is appended once the final route is known.
	let decision: Omit<Decision, 'reason'> | undefined;
	let cause = '';
	const guard = guardHit(input, config.neverAutomate);
	if (guard) {
		decision = { route: 'escalate', by: 'guard' };
		cause = `never automate: "${guard.subject}" concerns "${guard.keyword}" (${label(error)})`;
	} else {
		// The first threshold reached that has not fired within its window fires (once per window).
		for (const { threshold, key, count } of reached) {
			if (!((yield { op: 'fire', key, windowMs: threshold.windowMs }) as boolean)) continue;
			const windowMinutes = threshold.windowMs / 60_000;
			const name = thresholdName(threshold);
			decision = { route: threshold.route, by: 'threshold', threshold: { name, count, windowMinutes } };
			cause = `threshold "${name}": ${count} matching errors within ${windowMinutes} min (this one ${label(error)})`;
			break;
		}
	}
	if (!decision) {
		const index = config.rules.findIndex((rule) => matches(rule.match, input));
		if (index >= 0) {
			const rule = config.rules[index];
			const name = rule.name || `rule ${index + 1}`;
			decision = { route: rule.route, by: 'rule', rule: name };
			cause = `rule "${name}" matched ${label(error)}`;
		} else {
			decision = { route: defaultRoute(error), by: 'default' };
			cause = `default policy for ${label(error)}`;
		}
	}

	const settled = yield* settle(decision, cause, input, config, (route) => cooldownKey(route, input, config));
	return counts.length > 0 ? { ...settled, counts } : settled;
}

/** Whether the item carries readings for the anomaly rules rather than an error. */
export function isMeasurement(input: PolicyInput | MeasurementInput): input is MeasurementInput {
	return 'readings' in input && Array.isArray(input.readings);
}

/**
 * A measurement item: every anomaly rule with a reading adds it to its baseline (compare first, then
 * add: one atomic `sample` per baseline), the first rule that fires decides its route; none firing
 * is Ignore. Then the same adjustments as a rule's route (retry cap, cooldown, alert on pause), the
 * cooldown key naming the rule and the object.
 */
function* measurementSteps(input: MeasurementInput, config: PolicyConfig): Generator<WindowOp, Decision, unknown> {
	const rules = config.anomalies ?? [];
	const findings: AnomalyFinding[] = [];
	const answers = new Map<string, SampleAnswer>();
	let fired: { rule: AnomalyRule; finding: AnomalyFinding } | undefined;
	for (let index = 0; index < rules.length; index++) {
		const rule = rules[index];
		const reading = input.readings[index];
		if (!reading) {
			findings.push(missingFinding(rule));
			continue;
		}
		const key = baselineKey(rule, reading.objectId);
		let answer = answers.get(key);
		if (!answer) {
			answer = (yield { op: 'sample', key, value: reading.value, sampleKey: reading.sampleKey, keep: rule.windowSamples }) as SampleAnswer;
			answers.set(key, answer);
		}
		const finding = assessReading(rule, reading, answer);
		findings.push(finding);
		if (!fired && finding.status === 'fired') fired = { rule, finding };
	}
	const anomalies = { anomalies: findings };
	if (!fired) {
		const reason = `${findings.map(describeFinding).join('; ') || 'no anomaly rule'} → ignore`;
		return { route: 'ignore', by: 'anomaly', ...anomalies, reason };
	}
	const { rule, finding } = fired;
	const decision: Omit<Decision, 'reason'> = { route: rule.route, by: 'anomaly', anomaly: finding };
	const objectKey = (route: Route) => [route, 'anomaly', finding.name, finding.objectId ?? ''].join('|');
	const settled = yield* settle(decision, describeFinding(finding), {}, config, objectKey);
	return { ...settled, ...anomalies };
}

/**
 * The adjustments every decided route goes through: a Retry whose retries are spent becomes a dead
 * letter; a repeated alert or escalation from a rule, the default or an anomaly goes to Ignore
 * within the cooldown; a Pause carries `alert`. `keyFor` names the cooldown key of a route.
 */
function* settle(
	decided: Omit<Decision, 'reason'>,
	decidedCause: string,
	input: Pick<PolicyInput, 'attempts' | 'stopReason'>,
	config: PolicyConfig,
	keyFor: (route: Route) => string,
): Generator<WindowOp, Decision, unknown> {
	let decision = decided;
	let cause = decidedCause;
	// Whether to retry is the classification's action and the client's verdict: a Retry (from any
	// step above) is refused once the retries are spent.
	if (decision.route === 'retry') {
		const spent = retriesSpent(input, config.retryCap);
		if (spent !== undefined) {
			decision = { ...decision, route: 'dead_letter', by: 'retry_cap' };
			cause = `${cause}, but ${spent}`;
		} else {
			cause = `${cause} (attempt ${(input.attempts ?? 0) + 1} of ${config.retryCap})`;
		}
	}

	// Guard and threshold decisions are never de-duplicated: each budget item needs a human, and a
	// threshold already fires at most once per window.
	const dedupable = (decision.by === 'rule' || decision.by === 'default' || decision.by === 'anomaly') && config.cooldownMs > 0;
	if (dedupable && (decision.route === 'alert' || decision.route === 'escalate')) {
		const key = keyFor(decision.route);
		const claim = (yield { op: 'claim', key, cooldownMs: config.cooldownMs }) as Claim;
		if (!claim.claimed) {
			const lastAt = new Date(claim.lastAt).toISOString();
			cause = `${cause}, but the same ${routeLabel(decision.route)} went out at ${lastAt} (cooldown ${config.cooldownMs / 60_000} min)`;
			decision = { ...(decision.anomaly ? { anomaly: decision.anomaly } : {}), route: 'ignore', by: 'cooldown', suppressed: { route: decision.route, key, lastAt } };
		}
	} else if (decision.route === 'pause' && config.alertOnPause) {
		const key = keyFor('alert');
		const repeat = config.cooldownMs > 0 && !((yield { op: 'claim', key, cooldownMs: config.cooldownMs }) as Claim).claimed;
		decision = { ...decision, alert: !repeat };
		if (repeat) cause = `${cause}; alert already sent within the cooldown`;
	}

	return { ...decision, reason: `${cause} → ${routeLabel(decision.route)}` };
}

/** A threshold as the user named it, or as it reads (`3 × policy in 60 min`). */
function thresholdName(threshold: Threshold): string {
	const what = [...(threshold.match.categories ?? []), ...(threshold.match.codes ?? [])].join('/') || 'errors';
	return threshold.name || `${threshold.count} × ${what} in ${threshold.windowMs / 60_000} min`;
}

/**
 * Decides one item's route and records it in `state`, in place: O(1) in the state's size (one
 * threshold entry per matching threshold, one cooldown key). `state` is one loadPolicyState returned
 * (or one this function has updated); a time in it that cannot be true counts as absent.
 */
export function decideInPlace(input: PolicyInput | MeasurementInput, config: PolicyConfig, state: PolicyState, now: number): Decision {
	const windows = stateWindows(state);
	const steps = decisionSteps(input, config);
	let step = steps.next();
	while (!step.done) step = steps.next(applyWindowOp(windows, step.value, now));
	return step.value;
}

/**
 * Decides one item like decideInPlace, on a shared store: each window step is one atomic
 * operation, so executions deciding at the same time (other workers too) lose no event and fire a
 * threshold or a cooldown once.
 */
export async function decideWith(input: PolicyInput | MeasurementInput, config: PolicyConfig, windows: WindowStore, now: number): Promise<Decision> {
	const steps = decisionSteps(input, config);
	let step = steps.next();
	while (!step.done) step = steps.next(await applyWindowOp(windows, step.value, now));
	return step.value;
}

/** One window step on in-memory windows (answers at once) or a store (answers a promise). */
function applyWindowOp(windows: WindowStore | ReturnType<typeof stateWindows>, op: WindowOp, now: number): unknown {
	if (op.op === 'count') return windows.count(op.key, now, op.windowMs, op.keep);
	if (op.op === 'fire') return windows.fire(op.key, now, op.windowMs);
	if (op.op === 'sample') return windows.sample(op.key, now, op.value, op.sampleKey, op.keep);
	return windows.claim(op.key, now, op.cooldownMs);
}

/**
 * Decides one item like decideInPlace, without modifying `state`: the returned state replaces it.
 * It copies the state, so it costs O(state) per call; a batch goes through decideAll.
 */
export function decide(
	input: PolicyInput | MeasurementInput,
	config: PolicyConfig,
	state: PolicyState,
	now: number,
): { decision: Decision; state: PolicyState } {
	const next = copyState(state);
	return { decision: decideInPlace(input, config, next, now), state: next };
}

/** Decides a batch in order on one copy of `state` (not modified): O(state + items). */
export function decideAll(
	inputs: ReadonlyArray<PolicyInput | MeasurementInput>,
	config: PolicyConfig,
	state: PolicyState,
	now: number,
): { decisions: Decision[]; state: PolicyState } {
	const current = copyState(state);
	const decisions = inputs.map((input) => decideInPlace(input, config, current, now));
	return { decisions, state: current };
}

