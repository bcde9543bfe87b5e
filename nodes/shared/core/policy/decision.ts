// The Escalation Router's policy engine: one classified error in, one route out, with the reason.
// No I/O and no clock: the node passes the state it keeps in workflow static data (policyState.ts)
// and the current time, so the same decisions can be unit-tested and benchmarked without n8n. A
// run's state: loadPolicyState (repaired, pruned), decideInPlace per item (O(1) in the state's
// size), then savePolicyState (at most MAX_COOLDOWN_KEYS cooldowns). decide and decideAll leave
// their state as is; decideWith decides on a shared store.
import { actionFor } from '../errors/catalog';
import { ERROR_ACTIONS, ERROR_CATEGORIES, type MetaErrorInfo } from '../types';
import type { WindowStore } from '../state/store';
import { assessReading, baselineKey, describeFinding, missingFinding, type AnomalyFinding, type AnomalyRule, type MeasurementInput, type SampleAnswer } from './anomaly';
import type { Decision, ErrorMatch, PolicyConfig, PolicyInput, Threshold } from './policyConfig';
import { stateWindows, thresholdKey, type PolicyState, type ThresholdState } from './policyState';
import { type Route } from './routes';

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


/** What a cooldown claim answers (WindowStore's, here without the promise). */
type Claim = Awaited<ReturnType<WindowStore['claim']>>;

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
