// Classification cost: classifyMetaError(jsonString) against JSON.parse(jsonString) on realistic bodies.
import { classifyMetaError } from '../nodes/shared/core';
import { corpus } from './corpus';
import { percentile, round, type BenchReport, type Row } from './report';

export interface ClassifyOptions {
	/** Time spent measuring each side of each body, in ms. */
	msPerCase?: number;
}

// Results feed a sink so the optimiser cannot drop the calls.
let sink = 0;

/** Length of one measuring round of one side. */
const ROUND_MS = 10;

/** Operations per second of fn over one round of `ms`. */
function roundOps(fn: () => unknown, ms: number): number {
	let ops = 0;
	const start = process.hrtime.bigint();
	const end = start + BigInt(ms) * 1_000_000n;
	let now = start;
	while (now < end) {
		for (let i = 0; i < 100; i++) sink ^= fn() ? 1 : 0;
		ops += 100;
		now = process.hrtime.bigint();
	}
	return ops / (Number(now - start) / 1e9);
}

/**
 * Both sides in alternating short rounds until each has run `ms` (after a warm-up), so that a slow
 * spell of a busy or virtual machine hits both alike: one long window per side moved a body's
 * ratio by 2–3× from run to run. Each figure is the median over the rounds.
 */
function compare(base: () => unknown, fn: () => unknown, ms: number): { baseOps: number; ops: number; ratio: number } {
	for (let i = 0; i < 2_000; i++) sink ^= (base() ? 1 : 0) ^ (fn() ? 1 : 0);
	const baseOps: number[] = [];
	const ops: number[] = [];
	const ratios: number[] = [];
	for (let round = 0; round < Math.max(1, Math.round(ms / ROUND_MS)); round++) {
		baseOps.push(roundOps(base, ROUND_MS));
		ops.push(roundOps(fn, ROUND_MS));
		ratios.push(baseOps[round] / ops[round]);
	}
	return { baseOps: percentile(baseOps, 50), ops: percentile(ops, 50), ratio: percentile(ratios, 50) };
}

export async function runClassify(options: ClassifyOptions = {}): Promise<BenchReport> {
	const ms = options.msPerCase ?? 400;
	const rows: Row[] = [];
	let parseTotalS = 0;
	let classifyTotalS = 0;
	const ratios: number[] = [];
	for (const entry of corpus) {
		const wire = typeof entry.body === 'string' ? entry.body : JSON.stringify(entry.body);
		const context = entry.httpStatus ? { httpStatus: entry.httpStatus } : undefined;
		// JSON.parse throws on the HTML page: the baseline pays for the throw, as a real caller would.
		const parse = () => {
			try {
				return JSON.parse(wire);
			} catch {
				return undefined;
			}
		};
		const { baseOps: parseOps, ops: classifyOps, ratio } = compare(parse, () => classifyMetaError(wire, context), ms);
		parseTotalS += 1 / parseOps;
		classifyTotalS += 1 / classifyOps;
		ratios.push(ratio);
		rows.push({
			body: entry.name,
			bytes: wire.length,
			'JSON.parse ops/s': Math.round(parseOps),
			'classify ops/s': Math.round(classifyOps),
			ratio: round(ratio),
		});
	}
	// The corpus as a whole: one pass over every body, each side (information: long bodies weigh more).
	const corpusRatio = classifyTotalS / parseTotalS;
	rows.push({
		body: 'whole corpus (one pass)',
		bytes: rows.reduce((n, r) => n + Number(r.bytes), 0),
		'JSON.parse ops/s': Math.round(corpus.length / parseTotalS),
		'classify ops/s': Math.round(corpus.length / classifyTotalS),
		ratio: round(corpusRatio),
	});
	// The target (issue 12 §4): the median body.
	const median = percentile(ratios, 50);
	const worst = rows.slice(0, -1).reduce((a, b) => (Number(b.ratio) > Number(a.ratio) ? b : a));
	return {
		name: 'classify',
		title: 'Classification cost: classifyMetaError(string) vs JSON.parse(string)',
		rows,
		targets: [{ what: 'classify ≤ 2× JSON.parse (median of the bodies)', value: `${round(median)}×`, met: median <= 2 }],
		notes: [
			`whole corpus in one pass: ${round(corpusRatio)}×`,
			`slowest body relative to JSON.parse: ${worst.body} (${worst.ratio}×)`,
		],
	};
}
