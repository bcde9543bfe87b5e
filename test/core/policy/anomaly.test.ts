// Anomaly rules (issue 14, section 5): a reading against the trailing average of its object's
// earlier readings, compare first then add, minimum samples, sample keys, routing like a rule.
import {
	BASELINE_TTL_MS,
	decide,
	decideInPlace,
	DEFAULT_POLICY_CONFIG,
	loadPolicyState,
	MAX_BASELINE_KEYS,
	parseReading,
	savePolicyState,
	type AnomalyRule,
	type MeasurementInput,
	type PolicyConfig,
	type PolicyState,
	type Reading,
} from '../../../nodes/shared/core';

const T0 = Date.UTC(2026, 10, 1, 10);
const HOUR = 3_600_000;

const spike: AnomalyRule = { name: 'Spend spike', field: 'spend', condition: 'above', factor: 3, windowSamples: 7, minSamples: 3, route: 'pause' };
const drop: AnomalyRule = { name: 'Spend drop', field: 'spend', condition: 'below', factor: 0.2, windowSamples: 7, minSamples: 3, route: 'alert' };

const config = (anomalies: AnomalyRule[], extra: Partial<PolicyConfig> = {}): PolicyConfig => ({ ...DEFAULT_POLICY_CONFIG, anomalies, ...extra });
const empty = (): PolicyState => ({ thresholds: {}, cooldowns: {} });
const reading = (value: number, objectId = 'adset-1', sampleKey?: string): Reading => ({ value, objectId, ...(sampleKey ? { sampleKey } : {}) });
const one = (r: Reading | undefined, rules = 1): MeasurementInput => ({ readings: Array.from({ length: rules }, () => r) });

describe('parseReading', () => {
	test.each([
		[12.34, 12.34],
		['12.34', 12.34],
		[' 7 ', 7],
		['0', 0],
		['1e3', 1000],
		['.5', 0.5],
		[0, 0],
	])('%p is the number %p', (value, expected) => {
		expect(parseReading(value)).toEqual({ kind: 'number', value: expected });
	});

	test.each([undefined, null, '', '   '])('%p is missing', (value) => {
		expect(parseReading(value)).toEqual({ kind: 'missing' });
	});

	test.each([
		['abc', 'is text that is not a number'],
		['12,34', 'is text that is not a number'],
		['12abc', 'is text that is not a number'],
		['-3', 'is negative; readings are 0 or more'],
		[-3, 'is negative; readings are 0 or more'],
		[Number.NaN, 'is not a finite number'],
		[Number.POSITIVE_INFINITY, 'is not a finite number'],
		['Infinity', 'is text that is not a number'],
		[true, 'is a boolean, not a number'],
	])('%p is invalid: %s', (value, problem) => {
		expect(parseReading(value)).toEqual({ kind: 'invalid', problem });
	});

	test('a list or an object says where to point the field', () => {
		const parsed = parseReading([{ action_type: 'omni_purchase', value: '2.1' }]);
		expect(parsed.kind).toBe('invalid');
		expect(parsed.kind === 'invalid' && parsed.problem).toContain('purchase_roas.0.value');
	});
});

describe('deciding on readings', () => {
	test('the baseline builds to Minimum Samples, then a spike above 3× fires and takes the rule route', () => {
		const state = empty();
		const cfg = config([spike]);
		const decisions = [10, 12, 11, 11, 40].map((v, i) => decideInPlace(one(reading(v)), cfg, state, T0 + i * HOUR));
		expect(decisions.map((d) => [d.route, d.by])).toEqual([
			['ignore', 'anomaly'],
			['ignore', 'anomaly'],
			['ignore', 'anomaly'],
			['ignore', 'anomaly'],
			['pause', 'anomaly'],
		]);
		expect(decisions[0].anomalies![0]).toMatchObject({ status: 'building', samples: 0, value: 10 });
		expect(decisions[2].anomalies![0]).toMatchObject({ status: 'building', samples: 2, baseline: 11 });
		expect(decisions[3].anomalies![0]).toMatchObject({ status: 'normal', samples: 3, baseline: 11, ratio: 1 });
		expect(decisions[4].anomaly).toEqual({
			name: 'Spend spike',
			field: 'spend',
			status: 'fired',
			condition: 'above',
			factor: 3,
			minSamples: 3,
			objectId: 'adset-1',
			value: 40,
			baseline: 11,
			ratio: 3.6364,
			samples: 4,
		});
		expect(decisions[4].reason).toBe(
			'anomaly "Spend spike": spend 40 of adset-1 is 3.6364× its baseline 11 (4 samples), above 3× baseline → pause',
		);
		expect(decisions[4].alert).toBe(true);
		expect(decisions[3].reason).toContain('normal (fires above 3× baseline) → ignore');
	});

	test('compare first, then add: the spike joins the baseline after it was judged', () => {
		const state = empty();
		const cfg = config([spike]);
		for (const [i, v] of [10, 10, 10].entries()) decideInPlace(one(reading(v)), cfg, state, T0 + i);
		expect(decideInPlace(one(reading(31)), cfg, state, T0 + 10).route).toBe('pause'); // 31 > 3 × 10
		// Now the baseline is (10 + 10 + 10 + 31) / 4 = 15.25: 40 is not above 45.75.
		const next = decideInPlace(one(reading(40)), cfg, state, T0 + 11);
		expect(next.route).toBe('ignore');
		expect(next.anomalies![0]).toMatchObject({ status: 'normal', baseline: 15.25, samples: 4 });
		expect(state.baselines!['spend|7||adset-1'].values).toEqual([10, 10, 10, 31, 40]);
	});

	test('exactly at N× baseline does not fire (strictly above / below)', () => {
		const state = empty();
		const cfg = config([spike]);
		for (const v of [10, 10, 10]) decideInPlace(one(reading(v)), cfg, state, T0);
		expect(decideInPlace(one(reading(30)), cfg, state, T0).route).toBe('ignore');
	});

	test('the baseline is the average of the last Window readings only', () => {
		const state = empty();
		const cfg = config([{ ...spike, windowSamples: 3, minSamples: 3 }]);
		for (const v of [100, 100, 100, 10, 10, 10]) decideInPlace(one(reading(v)), cfg, state, T0);
		const d = decideInPlace(one(reading(31)), cfg, state, T0);
		expect(d.route).toBe('pause');
		expect(d.anomaly).toMatchObject({ baseline: 10, samples: 3 });
		expect(state.baselines!['spend|3||adset-1'].values).toEqual([10, 10, 31]);
	});

	test('falls below: a drop fires; each object has its own baseline', () => {
		const state = empty();
		const cfg = config([spike, drop]);
		for (const v of [10, 12, 11]) {
			decideInPlace(one(reading(v, 'a'), 2), cfg, state, T0);
			decideInPlace(one(reading(v * 100, 'b'), 2), cfg, state, T0);
		}
		const a = decideInPlace(one(reading(1, 'a'), 2), cfg, state, T0);
		expect(a.route).toBe('alert');
		expect(a.anomaly).toMatchObject({ name: 'Spend drop', status: 'fired', ratio: 0.0909 });
		expect(a.anomalies!.map((f) => f.status)).toEqual(['normal', 'fired']);
		const b = decideInPlace(one(reading(1100, 'b'), 2), cfg, state, T0);
		expect(b.route).toBe('ignore');
		// The two rules share one baseline per object: each reading was added once.
		expect(state.baselines!['spend|7||a'].values).toEqual([10, 12, 11, 1]);
	});

	test('a zero baseline: any spend fires "above", the ratio is left out', () => {
		const state = empty();
		const cfg = config([spike]);
		for (const v of [0, 0, 0]) decideInPlace(one(reading(v)), cfg, state, T0);
		const d = decideInPlace(one(reading(5)), cfg, state, T0);
		expect(d.route).toBe('pause');
		expect(d.anomaly).toMatchObject({ baseline: 0, samples: 3 });
		expect(d.anomaly!.ratio).toBeUndefined();
	});

	test('a sample key not after the newest one counted is a repeat: not compared, not added', () => {
		const state = empty();
		const cfg = config([{ ...spike, sampleKeyField: 'date_start' }]);
		const days = ['2026-11-01', '2026-11-02', '2026-11-03'];
		for (const day of days) decideInPlace(one(reading(10, 'x', day)), cfg, state, T0);
		// The next hourly run reads the same days again.
		for (const day of days) {
			const again = decideInPlace(one(reading(10, 'x', day)), cfg, state, T0 + HOUR);
			expect(again.route).toBe('ignore');
			expect(again.anomalies![0]).toMatchObject({ status: 'repeat', lastKey: '2026-11-03' });
			expect(again.reason).toContain('already counted (newest 2026-11-03)');
		}
		expect(state.baselines!['spend|7|date_start|x'].values).toEqual([10, 10, 10]);
		const spiked = decideInPlace(one(reading(50, 'x', '2026-11-04')), cfg, state, T0 + HOUR);
		expect(spiked.route).toBe('pause');
		// Re-read an hour later: the spike is not paused twice.
		expect(decideInPlace(one(reading(50, 'x', '2026-11-04')), cfg, state, T0 + 2 * HOUR).route).toBe('ignore');
	});

	test('a rule whose field the item lacks says so; the others still decide', () => {
		const roas: AnomalyRule = { name: 'ROAS drop', field: 'purchase_roas.0.value', condition: 'below', factor: 0.5, windowSamples: 7, minSamples: 1, route: 'alert' };
		const d = decideInPlace({ readings: [reading(10), undefined] }, config([spike, roas]), empty(), T0);
		expect(d.route).toBe('ignore');
		expect(d.anomalies![1]).toMatchObject({ name: 'ROAS drop', status: 'missing' });
		expect(d.reason).toContain('anomaly "ROAS drop": no purchase_roas.0.value on this item');
	});

	test('an alert from an anomaly goes out once per cooldown per object; a pause carries alert false on a repeat', () => {
		const state = empty();
		const cfg = config([{ ...drop, factor: 0.5, minSamples: 1 }, { ...spike, minSamples: 1 }], { cooldownMs: HOUR });
		decideInPlace(one(reading(10), 2), cfg, state, T0);
		const first = decideInPlace(one(reading(1), 2), cfg, state, T0 + 1);
		expect(first.route).toBe('alert');
		const second = decideInPlace(one(reading(1), 2), cfg, state, T0 + 2);
		expect(second).toMatchObject({ route: 'ignore', by: 'cooldown', suppressed: { route: 'alert', key: 'alert|anomaly|Spend drop|adset-1' } });
		expect(second.anomaly).toMatchObject({ name: 'Spend drop', status: 'fired' });
		// Other object: its own alert.
		decideInPlace(one(reading(10, 'other'), 2), cfg, state, T0);
		expect(decideInPlace(one(reading(1, 'other'), 2), cfg, state, T0 + 3).route).toBe('alert');
		// Spikes pause every time, the alert flag once per cooldown.
		const p1 = decideInPlace(one(reading(500), 2), cfg, state, T0 + 4);
		const p2 = decideInPlace(one(reading(5000), 2), cfg, state, T0 + 5);
		expect([p1.route, p1.alert, p2.route, p2.alert]).toEqual(['pause', true, 'pause', false]);
	});

	test('decide leaves the given state unchanged', () => {
		const state = empty();
		const { state: next } = decide(one(reading(10)), config([spike]), state, T0);
		expect(state.baselines).toBeUndefined();
		expect(next.baselines!['spend|7||adset-1'].values).toEqual([10]);
	});
});

describe('baselines between executions', () => {
	test('saved and loaded as they are; forgotten BASELINE_TTL_MS after their last reading', () => {
		const state = empty();
		const cfg = config([spike]);
		for (const v of [10, 11, 12]) decideInPlace(one(reading(v)), cfg, state, T0);
		const saved = JSON.parse(JSON.stringify(savePolicyState(state, cfg, T0)));
		expect(loadPolicyState(saved, cfg, T0 + HOUR).baselines).toEqual({ 'spend|7||adset-1': { values: [10, 11, 12], at: T0 } });
		expect(loadPolicyState(saved, cfg, T0 + BASELINE_TTL_MS).baselines).toBeUndefined();
		// A baseline past its time starts over when sampled again.
		const late = loadPolicyState(saved, cfg, T0 + BASELINE_TTL_MS - 1);
		decideInPlace(one(reading(99)), cfg, late, T0 + BASELINE_TTL_MS + 1);
		expect(late.baselines!['spend|7||adset-1'].values).toEqual([99]);
	});

	test('saved state that cannot be true is repaired, never thrown on', () => {
		const saved = {
			thresholds: {},
			cooldowns: {},
			baselines: {
				good: { values: [1, 'x', -2, null, 3, Number.NaN], at: T0, lastKey: '2026-11-01' },
				future: { values: [1], at: T0 + 10 * HOUR },
				nonsense: 'text',
				noValues: { at: T0 },
			},
		};
		expect(loadPolicyState(saved, config([spike]), T0).baselines).toEqual({ good: { values: [1, 3], at: T0, lastKey: '2026-11-01' } });
		expect(loadPolicyState({ thresholds: {}, cooldowns: {}, baselines: 7 }, config([spike]), T0).baselines).toBeUndefined();
	});

	test(`at most ${MAX_BASELINE_KEYS} baselines are saved, the most recently sampled`, () => {
		const state = empty();
		const cfg = config([spike]);
		for (let i = 0; i < MAX_BASELINE_KEYS + 50; i++) decideInPlace(one(reading(1, `o${i}`)), cfg, state, T0 + i);
		decideInPlace(one(reading(1, 'o0')), cfg, state, T0 + 10_000); // o0 sampled again: kept
		const saved = savePolicyState(state, cfg, T0 + 10_000);
		const keys = Object.keys(saved.baselines!);
		expect(keys).toHaveLength(MAX_BASELINE_KEYS);
		expect(keys).toContain('spend|7||o0');
		expect(keys).not.toContain('spend|7||o1');
		expect(keys).toContain(`spend|7||o${MAX_BASELINE_KEYS + 49}`);
	});
});
