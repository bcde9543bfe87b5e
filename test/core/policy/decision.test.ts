// "Retry or not" is decided once: the classification's action (the catalog's, as the client left
// it) gives the default route, and the client's verdict (attempts, stopReason) says whether a Retry
// may still go out. The router keeps no table of its own.
import fc from 'fast-check';

import {
	actionFor,
	decide,
	defaultRoute,
	DEFAULT_POLICY_CONFIG,
	ERROR_ACTIONS,
	ERROR_CATEGORIES,
	isStopReason,
	STOP_REASONS,
	type ErrorCategory,
	type MetaErrorInfo,
	type PolicyConfig,
	type PolicyInput,
	type Route,
	type StopReason,
} from '../../../nodes/shared/core';

const T0 = Date.UTC(2025, 0, 1, 10);
const EMPTY = { thresholds: {}, cooldowns: {} };

function err(category: ErrorCategory, extra: Partial<MetaErrorInfo> = {}): MetaErrorInfo {
	const action = actionFor(category);
	return { category, action, retryable: action === 'retry', source: 'graph', meaning: 'm', remedy: 'r', ...extra };
}

function routeOf(input: PolicyInput, config: PolicyConfig = DEFAULT_POLICY_CONFIG) {
	return decide(input, config, EMPTY, T0).decision;
}

describe('the default route is the error’s action', () => {
	test.each(ERROR_CATEGORIES.map((c) => [c]))('%s: its action, else the catalog’s action for the category', (category) => {
		expect(defaultRoute(err(category))).toBe(actionFor(category));
		const withoutAction = { category } as MetaErrorInfo;
		expect(defaultRoute(withoutAction)).toBe(actionFor(category));
		expect(defaultRoute({ category, action: 'bogus' as never })).toBe(actionFor(category));
	});

	test('every action is a route of the same name; a category the catalog does not know escalates', () => {
		for (const action of ERROR_ACTIONS) expect(defaultRoute({ category: 'unknown', action })).toBe(action);
		expect(defaultRoute({ category: 'nonsense' as never, action: undefined as never })).toBe('escalate');
		expect(defaultRoute({ category: 'toString' as never, action: 'constructor' as never })).toBe('escalate');
	});

	test('an item without action (hand-made metaError) routes like its category', () => {
		expect(routeOf({ error: { category: 'policy' } as MetaErrorInfo })).toMatchObject({ route: 'pause', by: 'default' });
		expect(routeOf({ error: { category: 'server' } as MetaErrorInfo, attempts: 1 }).route).toBe('retry');
	});
});

describe('the client’s verdict: stopReason and attempts', () => {
	const server = err('server', { code: 2 });

	test('max_attempts: the client used its own Max Attempts, so no Retry, whatever the Retry Cap', () => {
		const decision = routeOf({ error: server, attempts: 3, stopReason: 'max_attempts' });
		expect(decision).toMatchObject({ route: 'dead_letter', by: 'retry_cap' });
		expect(decision.reason).toBe(
			'default policy for server 2, but Meta Request already retried up to its Max Attempts (3 attempts, stopReason max_attempts) → dead letter',
		);
		// A rule sending to Retry does not get past it either.
		const retryAll: PolicyConfig = { ...DEFAULT_POLICY_CONFIG, rules: [{ name: 'retry all', match: {}, route: 'retry' }] };
		expect(routeOf({ error: server, attempts: 1, stopReason: 'max_attempts' }, retryAll)).toMatchObject({
			route: 'dead_letter',
			by: 'retry_cap',
			rule: 'retry all',
		});
	});

	test('with the defaults (Max Attempts 5, Retry Cap 5) the reason stays the retry cap’s', () => {
		const decision = routeOf({ error: server, attempts: 5, stopReason: 'max_attempts' });
		expect(decision).toMatchObject({ route: 'dead_letter', by: 'retry_cap' });
		expect(decision.reason).toBe('default policy for server 2, but the retry cap is reached (5 attempts, cap 5) → dead letter');
	});

	test('time_budget, circuit_open, aborted: the next try is later, so Retry until the cap', () => {
		expect(routeOf({ error: err('rate_limit', { code: 'THROTTLED' }), attempts: 0, stopReason: 'time_budget' }).reason).toContain(
			'(attempt 1 of 5)',
		);
		expect(routeOf({ error: server, attempts: 2, stopReason: 'time_budget' }).route).toBe('retry');
		expect(routeOf({ error: server, attempts: 5, stopReason: 'time_budget' }).route).toBe('dead_letter');
		expect(routeOf({ error: err('server', { code: 'CIRCUIT_OPEN' }), attempts: 0, stopReason: 'circuit_open' }).route).toBe('retry');
		expect(routeOf({ error: err('network', { code: 'ABORTED' }), attempts: 1, stopReason: 'aborted' }).route).toBe('retry');
	});

	test('ambiguous_write arrives with action escalate: Escalate, never Retry by default', () => {
		const ambiguous = err('network', { code: 'ECONNRESET', retryable: true, action: 'escalate' });
		expect(routeOf({ error: ambiguous, attempts: 1, stopReason: 'ambiguous_write' })).toMatchObject({ route: 'escalate', by: 'default' });
	});

	test('items from elsewhere: attempts alone, against the Retry Cap', () => {
		expect(routeOf({ error: server, attempts: 4 }).route).toBe('retry');
		expect(routeOf({ error: server, attempts: 5 }).route).toBe('dead_letter');
		expect(routeOf({ error: server }).reason).toContain('(attempt 1 of 5)');
	});

	test('stop reasons read from items: known ones only', () => {
		for (const reason of STOP_REASONS) expect(isStopReason(reason)).toBe(true);
		for (const value of ['', 'MAX_ATTEMPTS', 'retry', 5, null, undefined, {}]) expect(isStopReason(value)).toBe(false);
	});
});

/** The router before the decision was made once: its own action and category tables, then the cap on attempts. */
function routeBefore(input: PolicyInput): Route {
	const route: Route = input.error.action;
	return route === 'retry' && (input.attempts ?? 0) >= DEFAULT_POLICY_CONFIG.retryCap ? 'dead_letter' : route;
}

test('the default policy routes every item as before (Meta Request at its default Max Attempts, 5)', () => {
	const MAX_ATTEMPTS = 5;
	const item = fc
		.record({
			category: fc.constantFrom(...ERROR_CATEGORIES),
			action: fc.option(fc.constantFrom(...ERROR_ACTIONS), { nil: undefined }),
			attempts: fc.option(fc.nat(12), { nil: undefined }),
			stopReason: fc.option(fc.constantFrom(...STOP_REASONS), { nil: undefined }),
		})
		// The client stops with max_attempts only after Max Attempts requests (more with a replay or pages).
		.filter(({ attempts, stopReason }) => stopReason !== 'max_attempts' || (attempts ?? 0) >= MAX_ATTEMPTS)
		.map(({ category, action, attempts, stopReason }): PolicyInput => ({
			error: err(category, { action: action ?? actionFor(category) }),
			attempts,
			stopReason: stopReason as StopReason | undefined,
		}));
	fc.assert(
		fc.property(item, (input) => {
			expect(routeOf(input).route).toBe(routeBefore(input));
		}),
		{ numRuns: 500 },
	);
});
