// Properties of the policy engine over random error streams, configs and saved states: it never
// throws, every item gets exactly one known route, guarded items always escalate, and the state
// stays bounded (threshold events ≤ count, cooldown keys ≤ the cap) across saves and reloads.
import fc from 'fast-check';

import {
	decide,
	DEFAULT_POLICY_CONFIG,
	ERROR_CATEGORIES,
	loadPolicyState,
	MAX_COOLDOWN_KEYS,
	ROUTES,
	thresholdKey,
	type MetaErrorInfo,
	type PolicyConfig,
	type PolicyInput,
} from '../../../nodes/shared/core';

const category = fc.constantFrom(...ERROR_CATEGORIES);
const route = fc.constantFrom(...ROUTES);
const code = fc.oneof(fc.constantFrom(4, 17, 100, 190, 368, 132001), fc.constantFrom('RATE_LIMIT_EXCEEDED', 'ECONNRESET'));

const error = fc.record({ category, code: fc.option(code, { nil: undefined }) }).map(
	({ category, code }): MetaErrorInfo => ({
		category,
		code,
		action: 'escalate',
		retryable: false,
		source: typeof code === 'string' ? 'adcp' : 'graph',
		meaning: 'm',
		remedy: 'r',
	}),
);

const input: fc.Arbitrary<PolicyInput> = fc.record({
	error,
	attempts: fc.option(fc.nat(10), { nil: undefined }),
	objectId: fc.option(fc.constantFrom('a', 'b', 'c'), { nil: undefined }),
	subjects: fc.constantFrom([], ['name'], ['body.daily_budget']),
});

const config: fc.Arbitrary<PolicyConfig> = fc.record({
	rules: fc.array(fc.record({ match: fc.record({ categories: fc.array(category, { maxLength: 2 }) }), route }), { maxLength: 3 }),
	thresholds: fc.array(
		fc.record({
			match: fc.record({ categories: fc.array(category, { maxLength: 2 }) }),
			count: fc.integer({ min: 1, max: 4 }),
			windowMs: fc.constantFrom(60_000, 3_600_000),
			route,
		}),
		{ maxLength: 2 },
	),
	retryCap: fc.integer({ min: 1, max: 6 }),
	cooldownMs: fc.integer({ min: 0, max: 3_600_000 }),
	alertOnPause: fc.boolean(),
	neverAutomate: fc.constantFrom([], DEFAULT_POLICY_CONFIG.neverAutomate),
	objectlessCategories: fc.array(category, { maxLength: 3 }),
});

/** Batches of items, each batch at a later time, state saved as JSON in between (like static data). */
const runs = fc.array(fc.record({ advanceMs: fc.nat(7_200_000), items: fc.array(input, { maxLength: 15 }) }), { maxLength: 5 });

test('one known route per item, guard wins, bounded state across saves', () => {
	fc.assert(
		fc.property(config, runs, fc.anything(), (cfg, batches, garbage) => {
			let saved: unknown = garbage;
			let now = 1_700_000_000_000;
			for (const { advanceMs, items } of batches) {
				now += advanceMs;
				let state = loadPolicyState(saved, cfg, now);
				for (const item of items) {
					const result = decide(item, cfg, state, now);
					expect(ROUTES).toContain(result.decision.route);
					expect(result.decision.reason).toMatch(/ → (retry|pause|alert|escalate|dead letter|ignore)$/);
					if (cfg.neverAutomate.length && item.subjects?.includes('body.daily_budget')) {
						expect(result.decision).toMatchObject({ route: 'escalate', by: 'guard' });
					}
					if (result.decision.route === 'retry') expect(item.attempts ?? 0).toBeLessThan(cfg.retryCap);
					state = result.state;
				}
				for (const t of cfg.thresholds) expect(state.thresholds[thresholdKey(t)]?.events.length ?? 0).toBeLessThanOrEqual(t.count);
				saved = JSON.parse(JSON.stringify(state));
			}
			expect(Object.keys(loadPolicyState(saved, cfg, now).cooldowns).length).toBeLessThanOrEqual(MAX_COOLDOWN_KEYS);
		}),
		{ numRuns: 150 },
	);
});
