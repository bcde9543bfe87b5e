// Anomalies in numbers an insights read returns (spend, ROAS, CPA, …): one reading compared with
// the trailing average of the same object's earlier readings, "rises above N× baseline" or "falls
// below N× baseline". Compare first, then add: the reading is judged against the readings before
// it, then joins them, so a spike is measured against normal days and does not hide itself. Pure:
// no I/O, no clock; the baselines live in the router's window store (`sample`, one atomic step).
import type { Route } from './routes';

export type AnomalyCondition = 'above' | 'below';

export interface AnomalyRule {
	name?: string;
	/** The item's field holding the reading (dotted path, e.g. `spend`, `purchase_roas.0.value`). */
	field: string;
	condition: AnomalyCondition;
	/** Fires when the reading is > factor × baseline (`above`) or < factor × baseline (`below`). */
	factor: number;
	/** The baseline is the average of at most this many latest earlier readings of the object. */
	windowSamples: number;
	/** Earlier readings the baseline needs before the rule can fire. */
	minSamples: number;
	/**
	 * Names each reading (e.g. `date_start` of a daily insights row): a reading whose key is not
	 * after the newest one counted (compared as text; ISO dates compare right) is not counted again,
	 * so re-reading the same days never counts them twice. Absent: every reading counts.
	 */
	sampleKeyField?: string;
	route: Route;
}

/** One rule's reading on an item, read by the node: the number, the object it is about, its key. */
export interface Reading {
	value: number;
	objectId: string;
	sampleKey?: string;
}

/** An item carrying readings instead of an error: one entry per rule of `anomalies`, undefined when the item lacks that rule's field. */
export interface MeasurementInput {
	readings: ReadonlyArray<Reading | undefined>;
}

/** A baseline's state: the latest readings (oldest first, at most the window), when the last was added, its key. */
export interface BaselineState {
	values: number[];
	at: number;
	lastKey?: string;
}

/** What `sample` answers: the readings before this one (it was added), or the newer key that made it a repeat. */
export type SampleAnswer = { counted: true; before: number[] } | { counted: false; lastKey: string };

/** A baseline not added to for this long is forgotten (every store: TTL in Redis, pruned in memory). */
export const BASELINE_TTL_MS = 35 * 24 * 60 * 60_000;
/** The longest Baseline Window (readings kept per baseline), so the snapshot stays small: 2,000 × 100 numbers at most. */
export const MAX_BASELINE_WINDOW = 100;
/** Baselines (objects × rules) kept at most in process memory and the static-data snapshot; the least recently sampled go first. */
export const MAX_BASELINE_KEYS = 2000;

export type AnomalyStatus = 'fired' | 'normal' | 'building' | 'repeat' | 'missing';

/** What one rule found on one item: written to `routing.anomaly` (the rule that fired) and `routing.anomalies` (every rule). */
export interface AnomalyFinding {
	name: string;
	field: string;
	status: AnomalyStatus;
	condition: AnomalyCondition;
	factor: number;
	objectId?: string;
	value?: number;
	/** Average of the earlier readings (at most `windowSamples`); absent while there are none. */
	baseline?: number;
	/** value ÷ baseline; absent when the baseline is 0 or there is none. */
	ratio?: number;
	/** Earlier readings the baseline was made of. */
	samples?: number;
	minSamples: number;
	sampleKey?: string;
	/** `repeat`: the newest key already counted. */
	lastKey?: string;
}

/** A rule as the user named it, or as it reads (`spend above 3× baseline`). */
export function anomalyName(rule: AnomalyRule): string {
	return rule.name || `${rule.field} ${rule.condition} ${rule.factor}× baseline`;
}

/**
 * The baseline's key in the store: one per field, window, sample key and object. Rules that share
 * them (a spike and a drop on `spend`) share one baseline, and an item adds its reading once.
 */
export function baselineKey(rule: AnomalyRule, objectId: string): string {
	return [rule.field, rule.windowSamples, rule.sampleKeyField ?? '', objectId].join('|');
}

/** A reading as the item holds it: a number, or text as Meta returns numbers (`"12.34"`). */
export type ParsedReading = { kind: 'missing' } | { kind: 'number'; value: number } | { kind: 'invalid'; problem: string };

const NUMERIC_TEXT = /^\+?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * Reads one value: absent, null and empty text are `missing` (Meta leaves out metrics without
 * data, e.g. `purchase_roas` without purchases); a finite number 0 or more, or text holding one, is a
 * `number`; anything else is `invalid`, with why.
 */
export function parseReading(value: unknown): ParsedReading {
	if (value === undefined || value === null) return { kind: 'missing' };
	let number: number;
	if (typeof value === 'number') number = value;
	else if (typeof value === 'string') {
		const text = value.trim();
		if (text === '') return { kind: 'missing' };
		if (/^-/.test(text) && NUMERIC_TEXT.test(text.slice(1))) return { kind: 'invalid', problem: 'is negative; readings are 0 or more' };
		if (!NUMERIC_TEXT.test(text)) return { kind: 'invalid', problem: 'is text that is not a number' };
		number = Number(text);
	} else if (Array.isArray(value) || typeof value === 'object') {
		return { kind: 'invalid', problem: 'is a list or an object, not a number: point the field at the number inside it, e.g. purchase_roas.0.value' };
	} else return { kind: 'invalid', problem: `is a ${typeof value}, not a number` };
	if (!Number.isFinite(number)) return { kind: 'invalid', problem: 'is not a finite number' };
	if (number < 0) return { kind: 'invalid', problem: 'is negative; readings are 0 or more' };
	return { kind: 'number', value: number };
}

/** Whether `sampleKey` comes after the newest key counted (no key: always). */
export function isNewSample(sampleKey: string | undefined, lastKey: string | undefined): boolean {
	return sampleKey === undefined || lastKey === undefined || sampleKey > lastKey;
}

/**
 * `sample` on a BaselineState, in place: unless the key is a repeat, returns the readings before
 * this one and adds it (keeping the newest `keep`). The pure step every backend implements.
 */
export function sampleInPlace(state: BaselineState, value: number, sampleKey: string | undefined, keep: number, now: number): SampleAnswer {
	if (!isNewSample(sampleKey, state.lastKey)) return { counted: false, lastKey: state.lastKey! };
	const before = [...state.values];
	state.values.push(value);
	if (state.values.length > keep) state.values.splice(0, state.values.length - keep);
	state.at = now;
	if (sampleKey !== undefined) state.lastKey = sampleKey;
	return { counted: true, before };
}

const round = (value: number) => Math.round(value * 10_000) / 10_000;

/** What `rule` finds for `reading`, given the store's answer. */
export function assessReading(rule: AnomalyRule, reading: Reading, answer: SampleAnswer): AnomalyFinding {
	const common = {
		name: anomalyName(rule),
		field: rule.field,
		condition: rule.condition,
		factor: rule.factor,
		minSamples: rule.minSamples,
		objectId: reading.objectId,
		value: reading.value,
		...(reading.sampleKey !== undefined ? { sampleKey: reading.sampleKey } : {}),
	};
	if (!answer.counted) return { ...common, status: 'repeat', lastKey: answer.lastKey };
	const earlier = answer.before.slice(-rule.windowSamples);
	const samples = earlier.length;
	if (samples === 0) return { ...common, status: 'building', samples };
	const baseline = earlier.reduce((sum, v) => sum + v, 0) / samples;
	const shown = { baseline: round(baseline), ...(baseline > 0 ? { ratio: round(reading.value / baseline) } : {}), samples };
	if (samples < rule.minSamples) return { ...common, ...shown, status: 'building' };
	const limit = rule.factor * baseline;
	const fired = rule.condition === 'above' ? reading.value > limit : reading.value < limit;
	return { ...common, ...shown, status: fired ? 'fired' : 'normal' };
}

/** The finding of a rule whose field the item lacks. */
export function missingFinding(rule: AnomalyRule): AnomalyFinding {
	return { name: anomalyName(rule), field: rule.field, status: 'missing', condition: rule.condition, factor: rule.factor, minSamples: rule.minSamples };
}

const number = (value: number | undefined) => (value === undefined ? '?' : String(round(value)));

/** One sentence per finding, for the item's reason. */
export function describeFinding(finding: AnomalyFinding): string {
	const head = `anomaly "${finding.name}"`;
	const what = `${finding.field} ${number(finding.value)}${finding.sampleKey !== undefined ? ` (${finding.sampleKey})` : ''} of ${finding.objectId ?? '?'}`;
	const test = `fires ${finding.condition} ${finding.factor}× baseline`;
	const against =
		finding.ratio !== undefined
			? `${finding.ratio}× its baseline ${finding.baseline} (${finding.samples} samples)`
			: `its baseline ${finding.baseline ?? 'none yet'} (${finding.samples ?? 0} samples)`;
	switch (finding.status) {
		case 'missing':
			return `${head}: no ${finding.field} on this item`;
		case 'repeat':
			return `${head}: ${what} already counted (newest ${finding.lastKey})`;
		case 'building':
			return `${head}: ${what}, baseline building (${finding.samples ?? 0} of ${finding.minSamples} samples needed)`;
		case 'normal':
			return `${head}: ${what} is ${against}, normal (${test})`;
		case 'fired':
			return `${head}: ${what} is ${against}, ${finding.condition} ${finding.factor}× baseline`;
	}
}

/** A BaselineState as it may be used at `now`, or undefined (unreadable or older than BASELINE_TTL_MS). */
export function trustedBaseline(saved: unknown, now: number, trustedAt: (value: unknown) => number | undefined): BaselineState | undefined {
	if (saved === null || typeof saved !== 'object') return undefined;
	const { values, at, lastKey } = saved as Record<string, unknown>;
	const when = trustedAt(at);
	if (when === undefined || now - when >= BASELINE_TTL_MS || !Array.isArray(values)) return undefined;
	const kept = values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0);
	return { values: kept, at: when, ...(typeof lastKey === 'string' ? { lastKey } : {}) };
}
