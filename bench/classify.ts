// Classification cost: classifyMetaError(jsonString) against JSON.parse(jsonString) on realistic bodies.
import { classifyMetaError } from '../nodes/shared/core';
import { corpus } from './corpus';
import { round, type BenchReport, type Row } from './report';

export interface ClassifyOptions {
	/** Time spent measuring each side of each body, in ms. */
	msPerCase?: number;
}

// Results feed a sink so the optimiser cannot drop the calls.
let sink = 0;

/** Operations per second of fn, measured in rounds until `ms` has passed (after a warm-up). */
function opsPerSecond(fn: () => unknown, ms: number): number {
	for (let i = 0; i < 2_000; i++) sink ^= fn() ? 1 : 0;
	let ops = 0;
	const start = process.hrtime.bigint();
	const end = start + BigInt(ms) * 1_000_000n;
	let now = start;
	while (now < end) {
		for (let i = 0; i < 500; i++) sink ^= fn() ? 1 : 0;
		ops += 500;
		now = process.hrtime.bigint();
	}
	return ops / (Number(now - start) / 1e9);
}

export async function runClassify(options: ClassifyOptions = {}): Promise<BenchReport> {
	const ms = options.msPerCase ?? 400;
	const rows: Row[] = [];
	let parseTotalS = 0;
	let classifyTotalS = 0;
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
		const parseOps = opsPerSecond(parse, ms);
		const classifyOps = opsPerSecond(() => classifyMetaError(wire, context), ms);
		parseTotalS += 1 / parseOps;
		classifyTotalS += 1 / classifyOps;
		rows.push({
			body: entry.name,
			bytes: wire.length,
			'JSON.parse ops/s': Math.round(parseOps),
			'classify ops/s': Math.round(classifyOps),
			ratio: round(parseOps / classifyOps),
		});
	}
	// The corpus as a whole: one pass over every body, each side.
	const ratio = classifyTotalS / parseTotalS;
	rows.push({
		body: 'whole corpus (one pass)',
		bytes: rows.reduce((n, r) => n + Number(r.bytes), 0),
		'JSON.parse ops/s': Math.round(corpus.length / parseTotalS),
		'classify ops/s': Math.round(corpus.length / classifyTotalS),
		ratio: round(ratio),
	});
	const worst = rows.slice(0, -1).reduce((a, b) => (Number(b.ratio) > Number(a.ratio) ? b : a));
	return {
		name: 'classify',
		title: 'Classification cost: classifyMetaError(string) vs JSON.parse(string)',
		rows,
		targets: [{ what: 'classify ≤ 2× JSON.parse (whole corpus)', value: `${round(ratio)}×`, met: ratio <= 2 }],
		notes: [`slowest body relative to JSON.parse: ${worst.body} (${worst.ratio}×)`],
	};
}
