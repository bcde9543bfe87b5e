import {
	DEFAULT_POLICY_CONFIG,
	decide,
	decideAll,
	loadPolicyState,
	type ErrorCategory,
	type MetaErrorInfo,
	type PolicyConfig,
	type PolicyInput,
	type PolicyState,
	type Route,
} from '../../../nodes/shared/core';

const ACTIONS: Record<ErrorCategory, MetaErrorInfo['action']> = {
	rate_limit: 'retry',
	server: 'retry',
	network: 'retry',
	auth: 'escalate',
	permission: 'escalate',
	policy: 'pause',
	validation: 'dead_letter',
	not_found: 'dead_letter',
	template: 'dead_letter',
	delivery: 'dead_letter',
	business: 'escalate',
	unknown: 'escalate',
};

function err(category: ErrorCategory, extra: Partial<MetaErrorInfo> = {}): MetaErrorInfo {
	return {
		category,
		action: ACTIONS[category],
		retryable: ACTIONS[category] === 'retry',
		source: 'graph',
		meaning: 'm',
		remedy: 'r',
		...extra,
	};
}

const EMPTY: PolicyState = { thresholds: {}, cooldowns: {} };
const MIN = 60_000;
const T0 = Date.UTC(2025, 0, 1, 10);

function config(overrides: Partial<PolicyConfig> = {}): PolicyConfig {
	return { ...DEFAULT_POLICY_CONFIG, ...overrides };
}

function routeOf(input: PolicyInput, cfg = config(), state = EMPTY, now = T0) {
	return decide(input, cfg, state, now).decision;
}

describe('default policy', () => {
	const expected: Array<[ErrorCategory, Route]> = [
		['rate_limit', 'retry'],
		['server', 'retry'],
		['network', 'retry'],
		['auth', 'escalate'],
		['permission', 'escalate'],
		['policy', 'pause'],
		['validation', 'dead_letter'],
		['not_found', 'dead_letter'],
		['template', 'dead_letter'],
		['delivery', 'dead_letter'],
		['business', 'escalate'],
		['unknown', 'escalate'],
	];

	test.each(expected)('%s → %s', (category, route) => {
		const decision = routeOf({ error: err(category, { code: 1 }) });
		expect(decision.route).toBe(route);
		expect(decision.by).toBe('default');
		expect(decision.reason).toContain(`default policy for ${category} 1`);
	});

	test('retryable errors retry until the attempt cap, then go to Dead Letter', () => {
		const error = err('rate_limit', { code: 4 });
		expect(routeOf({ error, attempts: 4 }).route).toBe('retry');
		expect(routeOf({ error, attempts: 4 }).reason).toContain('attempt 5 of 5');
		const capped = routeOf({ error, attempts: 5 });
		expect(capped).toMatchObject({ route: 'dead_letter', by: 'retry_cap' });
		expect(capped.reason).toContain('retry cap is reached (5 attempts, cap 5)');
		expect(routeOf({ error, attempts: 2 }, config({ retryCap: 2 })).route).toBe('dead_letter');
	});

	test('policy errors pause and ask for an alert once per (category, code, object)', () => {
		const cfg = config();
		const first = decide({ error: err('policy', { code: 368 }), objectId: 'ad1' }, cfg, EMPTY, T0);
		expect(first.decision).toMatchObject({ route: 'pause', alert: true });
		const again = decide({ error: err('policy', { code: 368 }), objectId: 'ad1' }, cfg, first.state, T0 + MIN);
		expect(again.decision).toMatchObject({ route: 'pause', alert: false });
		expect(again.decision.reason).toContain('alert already sent');
		const otherAd = decide({ error: err('policy', { code: 368 }), objectId: 'ad2' }, cfg, again.state, T0 + MIN);
		expect(otherAd.decision.alert).toBe(true);
		const later = decide({ error: err('policy', { code: 368 }), objectId: 'ad1' }, cfg, otherAd.state, T0 + 61 * MIN);
		expect(later.decision.alert).toBe(true);
	});

	test('the classification action wins over the category table (a transient validation error retries)', () => {
		expect(routeOf({ error: err('validation', { action: 'retry', retryable: true }) }).route).toBe('retry');
	});
});

describe('rules', () => {
	const rules: PolicyConfig['rules'] = [
		{ name: 'creative 1487 to alert', match: { codes: ['100'], subcodes: [1487390] }, route: 'alert' },
		{ match: { categories: ['validation'] }, route: 'ignore' },
		{ name: 'adcp budget', match: { adcpCodes: ['budget_exceeded'] }, route: 'pause' },
		{ name: 'campaigns', match: { objectTypes: ['Campaign'], categories: ['server'] }, route: 'escalate' },
		{ name: 'expression', match: { condition: true, categories: ['delivery'] }, route: 'alert' },
	];
	const cfg = config({ rules, neverAutomate: [] });

	test('first match wins, in order', () => {
		const decision = routeOf({ error: err('validation', { code: 100, subcode: 1487390 }) }, cfg);
		expect(decision).toMatchObject({ route: 'alert', by: 'rule', rule: 'creative 1487 to alert' });
		expect(decision.reason).toBe('rule "creative 1487 to alert" matched validation 100/1487390 → alert');
		expect(routeOf({ error: err('validation', { code: 100, subcode: 33 }) }, cfg)).toMatchObject({
			route: 'ignore',
			rule: 'rule 2',
		});
	});

	test('AdCP codes match only AdCP errors; codes compare as text, case-insensitively', () => {
		const adcp = err('business', { source: 'adcp', code: 'BUDGET_EXCEEDED' });
		expect(routeOf({ error: adcp }, cfg)).toMatchObject({ route: 'pause', rule: 'adcp budget' });
		const graph = err('business', { source: 'graph', code: 'BUDGET_EXCEEDED' });
		expect(routeOf({ error: graph }, cfg).by).toBe('default');
	});

	test('all conditions of a rule must hold', () => {
		expect(routeOf({ error: err('server', { code: 2 }), objectType: 'campaign' }, cfg).rule).toBe('campaigns');
		expect(routeOf({ error: err('server', { code: 2 }), objectType: 'ad' }, cfg).by).toBe('default');
		expect(routeOf({ error: err('server', { code: 2 }) }, cfg).by).toBe('default');
	});

	test('a false expression condition never matches', () => {
		const withFalse = config({ rules: [{ match: { condition: false }, route: 'ignore' }] });
		expect(routeOf({ error: err('delivery') }, withFalse).by).toBe('default');
		expect(routeOf({ error: err('delivery') }, cfg).rule).toBe('expression');
	});

	test('a rule sending to Retry still obeys the attempt cap', () => {
		const retryAll = config({ rules: [{ name: 'retry all', match: {}, route: 'retry' }] });
		expect(routeOf({ error: err('validation'), attempts: 1 }, retryAll).route).toBe('retry');
		const capped = routeOf({ error: err('validation'), attempts: 9 }, retryAll);
		expect(capped).toMatchObject({ route: 'dead_letter', by: 'retry_cap', rule: 'retry all' });
	});
});

describe('never-automate guard', () => {
	test('an item touching a budget field always escalates, beating rules and thresholds', () => {
		const cfg = config({
			rules: [{ match: {}, route: 'ignore' }],
			thresholds: [{ match: {}, count: 1, windowMs: 60 * MIN, route: 'alert' }],
		});
		const decision = routeOf({ error: err('rate_limit', { code: 17 }), subjects: ['body.daily_budget'] }, cfg);
		expect(decision).toMatchObject({ route: 'escalate', by: 'guard' });
		expect(decision.reason).toContain('"body.daily_budget" concerns "budget"');
	});

	test('checks the object type and the error field, and is never de-duplicated', () => {
		const cfg = config();
		let state = EMPTY;
		for (const input of [
			{ error: err('auth', { code: 190 }), objectType: 'Bid_Amount_Update' },
			{ error: err('auth', { code: 190 }), objectType: 'bid_amount_update' },
			{ error: err('validation', { field: 'lifetime_budget' }) },
		]) {
			const result = decide(input, cfg, state, T0);
			expect(result.decision.route).toBe('escalate');
			expect(result.decision.by).toBe('guard');
			state = result.state;
		}
	});

	test('no keywords, no guard', () => {
		expect(routeOf({ error: err('rate_limit'), subjects: ['daily_budget'] }, config({ neverAutomate: [] })).route).toBe(
			'retry',
		);
	});
});

describe('thresholds over windows', () => {
	const trend = config({
		thresholds: [{ name: 'disapproval trend', match: { categories: ['policy'] }, count: 3, windowMs: 60 * MIN, route: 'escalate' }],
	});
	const disapproval = (id: string): PolicyInput => ({ error: err('policy', { code: 368 }), objectId: id });

	test('the third disapproval within an hour escalates once; the others pause', () => {
		const { decisions } = decideAll(['a', 'b', 'c', 'd'].map(disapproval), trend, EMPTY, T0);
		expect(decisions.map((d) => d.route)).toEqual(['pause', 'pause', 'escalate', 'pause']);
		expect(decisions[2]).toMatchObject({ by: 'threshold', threshold: { name: 'disapproval trend', count: 3, windowMinutes: 60 } });
	});

	test('counts across executions through the saved state, and expire with the window', () => {
		let state = loadPolicyState(undefined, trend, T0);
		state = decide(disapproval('a'), trend, state, T0).state;
		state = decide(disapproval('b'), trend, loadPolicyState(JSON.parse(JSON.stringify(state)), trend, T0 + 20 * MIN), T0 + 20 * MIN).state;
		const saved = JSON.parse(JSON.stringify(state));
		expect(decide(disapproval('c'), trend, loadPolicyState(saved, trend, T0 + 50 * MIN), T0 + 50 * MIN).decision.route).toBe(
			'escalate',
		);
		// 70 min later, 'a' has left the window: only two in the last hour.
		expect(decide(disapproval('c'), trend, loadPolicyState(saved, trend, T0 + 70 * MIN), T0 + 70 * MIN).decision.route).toBe(
			'pause',
		);
	});

	test('fires at most once per window, then again when the trend goes on', () => {
		const times = [0, 1, 2, 3, 30, 61, 62].map((m) => T0 + m * MIN);
		let state = EMPTY;
		const routes = times.map((now, i) => {
			const result = decide(disapproval(`ad${i}`), trend, loadPolicyState(state, trend, now), now);
			state = result.state;
			return result.decision.route;
		});
		expect(routes).toEqual(['pause', 'pause', 'escalate', 'pause', 'pause', 'pause', 'escalate']);
	});

	test('matches by code, and state stays bounded by the count', () => {
		const byCode = config({ thresholds: [{ match: { codes: ['190'] }, count: 2, windowMs: 10 * MIN, route: 'alert' }] });
		const inputs = Array.from({ length: 50 }, () => ({ error: err('auth', { code: 190 }) }));
		const { decisions, state } = decideAll(inputs, byCode, EMPTY, T0);
		expect(decisions[1]).toMatchObject({ route: 'alert', by: 'threshold' });
		expect(decisions[1].threshold?.name).toBe('2 × 190 in 10 min');
		expect(Object.values(state.thresholds)[0].events).toHaveLength(2);
	});

	test('thresholds on the same errors count separately, identical ones once', () => {
		const two = config({
			thresholds: [
				{ match: { categories: ['policy'] }, count: 2, windowMs: 60 * MIN, route: 'alert' },
				{ match: { categories: ['policy'] }, count: 3, windowMs: 60 * MIN, route: 'escalate' },
				{ match: { categories: ['policy'] }, count: 3, windowMs: 60 * MIN, route: 'escalate' },
			],
		});
		const { decisions } = decideAll(['a', 'b', 'c', 'd'].map(disapproval), two, EMPTY, T0);
		expect(decisions.map((d) => d.route)).toEqual(['pause', 'alert', 'escalate', 'pause']);
	});

	test('unreadable saved state starts empty; removed thresholds are dropped', () => {
		expect(loadPolicyState('garbage', trend, T0)).toEqual({ thresholds: {}, cooldowns: {} });
		expect(loadPolicyState({ thresholds: { x: 5 }, cooldowns: { k: 'no' } }, trend, T0)).toEqual({
			thresholds: {},
			cooldowns: {},
		});
		const { state } = decideAll([disapproval('a')], trend, EMPTY, T0);
		expect(Object.keys(loadPolicyState(state, config(), T0).thresholds)).toEqual([]);
	});
});

describe('cooldown de-duplication', () => {
	test('a storm of 500 auth errors on different objects escalates once; the rest go to Ignore', () => {
		const inputs = Array.from({ length: 500 }, (_, i) => ({ error: err('auth', { code: 190 }), objectId: `ad${i}` }));
		const { decisions } = decideAll(inputs, config(), EMPTY, T0);
		expect(decisions.filter((d) => d.route === 'escalate')).toHaveLength(1);
		expect(decisions[0].route).toBe('escalate');
		const ignored = decisions.filter((d) => d.route === 'ignore');
		expect(ignored).toHaveLength(499);
		expect(ignored[0]).toMatchObject({ by: 'cooldown', suppressed: { route: 'escalate', lastAt: new Date(T0).toISOString() } });
		expect(ignored[0].reason).toContain('cooldown 60 min');
	});

	test('alerts repeat per (category, code, object), and again after the cooldown', () => {
		const cfg = config({ rules: [{ match: { categories: ['template'] }, route: 'alert' }], cooldownMs: 30 * MIN });
		const t = (code: number, objectId: string): PolicyInput => ({ error: err('template', { code }), objectId });
		const run1 = decideAll([t(132000, 'x'), t(132000, 'x'), t(132001, 'x'), t(132000, 'y')], cfg, EMPTY, T0);
		expect(run1.decisions.map((d) => d.route)).toEqual(['alert', 'ignore', 'alert', 'alert']);
		const saved = JSON.parse(JSON.stringify(run1.state));
		expect(decide(t(132000, 'x'), cfg, loadPolicyState(saved, cfg, T0 + 29 * MIN), T0 + 29 * MIN).decision.route).toBe('ignore');
		expect(decide(t(132000, 'x'), cfg, loadPolicyState(saved, cfg, T0 + 31 * MIN), T0 + 31 * MIN).decision.route).toBe('alert');
	});

	test('cooldown 0 turns de-duplication off', () => {
		const inputs = Array.from({ length: 3 }, () => ({ error: err('auth', { code: 190 }) }));
		expect(decideAll(inputs, config({ cooldownMs: 0 }), EMPTY, T0).decisions.map((d) => d.route)).toEqual([
			'escalate',
			'escalate',
			'escalate',
		]);
	});

	test('cooldown keys are pruned and capped', () => {
		const cooldowns = Object.fromEntries(Array.from({ length: 1500 }, (_, i) => [`k${i}`, T0 - i * 1000]));
		const state = loadPolicyState({ thresholds: {}, cooldowns }, config(), T0);
		expect(Object.keys(state.cooldowns)).toHaveLength(1000);
		expect(state.cooldowns.k0).toBe(T0);
		expect(Object.keys(loadPolicyState({ cooldowns }, config(), T0 + 61 * MIN).cooldowns)).toHaveLength(0);
	});

	test('decide does not modify the state it is given', () => {
		const state = loadPolicyState(undefined, config(), T0);
		const frozen = JSON.stringify(state);
		decide({ error: err('auth', { code: 190 }) }, config(), state, T0);
		expect(JSON.stringify(state)).toBe(frozen);
	});
});
