// The policy engine's state (issue 11, part 2): repaired when read (timestamps that are not finite,
// out of Date's range, or later than now + CLOCK_SKEW_MS), decided on in place in O(1) per item,
// and bounded to MAX_COOLDOWN_KEYS cooldowns, the most recent, when saved.
import {
	CLOCK_SKEW_MS,
	decide,
	decideAll,
	decideInPlace,
	DEFAULT_POLICY_CONFIG,
	loadPolicyState,
	MAX_COOLDOWN_KEYS,
	savePolicyState,
	thresholdKey,
	type ErrorCategory,
	type MetaErrorInfo,
	type PolicyConfig,
	type PolicyInput,
	type PolicyState,
	type Threshold,
} from '../../../nodes/shared/core';
import { actionFor } from '../../../nodes/shared/core/errors/catalog';

const MIN = 60_000;
const HOUR = 60 * MIN;
const T0 = Date.UTC(2025, 0, 1, 10);

function err(category: ErrorCategory, extra: Partial<MetaErrorInfo> = {}): MetaErrorInfo {
	const action = actionFor(category);
	return { category, action, retryable: action === 'retry', source: 'graph', meaning: 'm', remedy: 'r', ...extra };
}

const config = (overrides: Partial<PolicyConfig> = {}): PolicyConfig => ({ ...DEFAULT_POLICY_CONFIG, ...overrides });
const auth: PolicyInput = { error: err('auth', { code: 190 }) };
const AUTH_KEY = 'escalate|auth|190|';
const disapproval = (id: string): PolicyInput => ({ error: err('policy', { code: 368 }), objectId: id });
const trend: Threshold = { name: 'trend', match: { categories: ['policy'] }, count: 3, windowMs: HOUR, route: 'escalate' };
const withTrend = config({ thresholds: [trend] });
const TREND_KEY = thresholdKey(trend);

/** Decides `inputs` at `now` on the state read from `saved`, as one execution of the node does. */
function run(saved: unknown, inputs: PolicyInput[], cfg: PolicyConfig, now = T0) {
	return decideAll(inputs, cfg, loadPolicyState(saved, cfg, now), now);
}

describe('repair on load', () => {
	test('a cooldown at 9e15 (beyond Date’s range) is dropped: no RangeError, the escalation goes out', () => {
		const saved = { thresholds: {}, cooldowns: { [AUTH_KEY]: 9e15 } };
		expect(loadPolicyState(saved, config(), T0).cooldowns).toEqual({});
		const { decisions, state } = run(saved, [auth, auth], config());
		expect(decisions.map((d) => d.route)).toEqual(['escalate', 'ignore']);
		expect(state.cooldowns[AUTH_KEY]).toBe(T0);
	});

	test('a cooldown 6 h ahead is dropped: it does not silence the next escalation', () => {
		const saved = { thresholds: {}, cooldowns: { [AUTH_KEY]: T0 + 6 * HOUR } };
		expect(run(saved, [auth], config()).decisions[0]).toMatchObject({ route: 'escalate', by: 'default' });
	});

	test('a threshold whose last firing lies ahead fires again', () => {
		for (const firedAt of [T0 + 6 * HOUR, 9e15]) {
			const saved = { thresholds: { [TREND_KEY]: { events: [], firedAt } }, cooldowns: {} };
			const { decisions } = run(saved, ['a', 'b', 'c'].map(disapproval), withTrend);
			expect(decisions.map((d) => d.route)).toEqual(['pause', 'pause', 'escalate']);
		}
	});

	test('threshold events ahead or out of range are dropped, each on its own: they never count forever', () => {
		const saved = { thresholds: { [TREND_KEY]: { events: [9e15, T0 + 6 * HOUR, 'x', null, T0 - MIN] } }, cooldowns: {} };
		expect(loadPolicyState(saved, withTrend, T0).thresholds[TREND_KEY]).toEqual({ events: [T0 - MIN] });
		// One saved event and two new ones reach the count of 3 on the second item.
		expect(run(saved, ['a', 'b'].map(disapproval), withTrend).decisions.map((d) => d.route)).toEqual(['pause', 'escalate']);
	});

	test(`within the clock-skew allowance (${CLOCK_SKEW_MS / MIN} min) a time ahead is kept, clamped to now`, () => {
		expect(CLOCK_SKEW_MS).toBe(MIN);
		const saved = {
			thresholds: { [TREND_KEY]: { events: [T0 + 30_000], firedAt: T0 + 30_000 } },
			cooldowns: { [AUTH_KEY]: T0 + 30_000, later: T0 + CLOCK_SKEW_MS + 1 },
		};
		const state = loadPolicyState(saved, withTrend, T0);
		expect(state).toEqual({ thresholds: { [TREND_KEY]: { events: [T0], firedAt: T0 } }, cooldowns: { [AUTH_KEY]: T0 } });
		expect(decide(auth, config(), state, T0).decision.route).toBe('ignore');
	});

	test('values that are not finite numbers are dropped one by one, the rest is kept', () => {
		const cooldowns = { a: NaN, b: Infinity, c: '5', d: null, e: -9e15, f: T0 - MIN, g: { at: T0 } };
		expect(loadPolicyState({ cooldowns }, config(), T0).cooldowns).toEqual({ f: T0 - MIN });
		const thresholds = { [TREND_KEY]: { events: [NaN, -Infinity, T0 - 2 * MIN], firedAt: NaN } };
		expect(loadPolicyState({ thresholds }, withTrend, T0).thresholds).toEqual({ [TREND_KEY]: { events: [T0 - 2 * MIN] } });
	});

	test('decide itself treats an unrepaired future time as absent (a state that skipped loadPolicyState)', () => {
		const state: PolicyState = { thresholds: { [TREND_KEY]: { events: [], firedAt: 9e15 } }, cooldowns: { [AUTH_KEY]: 9e15 } };
		expect(decide(auth, config(), state, T0).decision.route).toBe('escalate');
		const threes = decideAll(['a', 'b', 'c'].map(disapproval), withTrend, state, T0);
		expect(threes.decisions.map((d) => d.route)).toEqual(['pause', 'pause', 'escalate']);
	});
});

describe('deciding in place', () => {
	test('decideInPlace updates the state it is given and decides like decide', () => {
		const cfg = config({ thresholds: [trend] });
		const inputs = [auth, auth, ...['a', 'b', 'a', 'c'].map(disapproval), { error: err('business'), objectId: 'x' }];
		const pure = decideAll(inputs, cfg, loadPolicyState(undefined, cfg, T0), T0);
		const state = loadPolicyState(undefined, cfg, T0);
		const decisions = inputs.map((input) => decideInPlace(input, cfg, state, T0));
		expect(decisions).toEqual(pure.decisions);
		expect(JSON.stringify(state)).toBe(JSON.stringify(pure.state));
	});

	test('decideAll does not modify the state it is given', () => {
		const state = loadPolicyState({ cooldowns: { k: T0 - MIN } }, withTrend, T0);
		const frozen = JSON.stringify(state);
		decideAll([auth, disapproval('a')], withTrend, state, T0);
		expect(JSON.stringify(state)).toBe(frozen);
	});

	test('8,000 distinct ads in one batch (the figure is printed, not asserted)', () => {
		const inputs = Array.from({ length: 8000 }, (_, i) => disapproval(`ad${i}`));
		const started = performance.now();
		const { decisions, state } = decideAll(inputs, config(), loadPolicyState(undefined, config(), T0), T0);
		const ms = performance.now() - started;
		console.log(`policy engine, 8,000 distinct ads (pause + alert) in one batch: ${ms.toFixed(1)} ms`);
		expect(decisions.every((d) => d.route === 'pause' && d.alert === true)).toBe(true);
		expect(Object.keys(state.cooldowns)).toHaveLength(8000);
	});
});

describe('the bound when saving', () => {
	test(`after 8,000 distinct ads the saved state keeps ${MAX_COOLDOWN_KEYS} cooldowns: the last decided`, () => {
		const inputs = Array.from({ length: 8000 }, (_, i) => disapproval(`ad${i}`));
		const { state } = run(undefined, inputs, config());
		const saved = savePolicyState(state, config(), T0);
		const keys = Object.keys(saved.cooldowns);
		expect(keys).toEqual(Array.from({ length: MAX_COOLDOWN_KEYS }, (_, i) => `alert|policy|368|ad${7000 + i}`));
		// Saving does not change the state it is given.
		expect(Object.keys(state.cooldowns)).toHaveLength(8000);
	});

	test('oldest first: the newest times are kept, in order oldest → newest; expired ones go', () => {
		const cooldowns = Object.fromEntries(Array.from({ length: 1500 }, (_, i) => [`k${i}`, T0 - i * 1000]));
		const saved = savePolicyState({ thresholds: {}, cooldowns: { ...cooldowns, old: T0 - 2 * HOUR } }, config(), T0);
		const keys = Object.keys(saved.cooldowns);
		expect(keys).toHaveLength(MAX_COOLDOWN_KEYS);
		expect(keys[0]).toBe('k999');
		expect(keys.at(-1)).toBe('k0');
		// Read back, the same thousand.
		expect(loadPolicyState(JSON.parse(JSON.stringify(saved)), config(), T0)).toEqual(saved);
	});

	test('a key set again moves to the newest end, so it survives the bound', () => {
		const cfg = config({ cooldownMs: 10 * MIN });
		const state = loadPolicyState(undefined, cfg, T0);
		decideInPlace({ error: err('business'), objectId: 'first' }, cfg, state, T0);
		for (let i = 0; i < MAX_COOLDOWN_KEYS; i++) decideInPlace({ error: err('business'), objectId: `o${i}` }, cfg, state, T0 + 11 * MIN);
		// `first` expired and escalates again: now it is the most recent.
		expect(decideInPlace({ error: err('business'), objectId: 'first' }, cfg, state, T0 + 11 * MIN).route).toBe('escalate');
		const saved = Object.keys(savePolicyState(state, cfg, T0 + 11 * MIN).cooldowns);
		expect(saved.at(-1)).toBe('escalate|business||first');
		expect(saved).not.toContain('escalate|business||o0');
	});
});
