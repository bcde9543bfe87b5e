// What every bench returns, and how run.ts prints it.

export type Cell = string | number | boolean | undefined;
export type Row = Record<string, Cell>;

export interface Target {
	what: string;
	/** The measured figure, as printed. */
	value: string;
	met: boolean;
}

export interface BenchReport {
	name: string;
	title: string;
	rows: Row[];
	targets: Target[];
	notes: string[];
}

export function round(n: number, digits = 2): number {
	const f = 10 ** digits;
	return Math.round(n * f) / f;
}

/** Nearest-rank percentile of an unsorted list (sorted copy). */
export function percentile(values: number[], p: number): number {
	if (values.length === 0) return NaN;
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export function table(rows: Row[]): string {
	if (rows.length === 0) return '(no rows)';
	const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))];
	const text = (c: Cell) => (c === undefined ? '' : typeof c === 'number' ? c.toLocaleString('en-US') : String(c));
	const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => text(r[c]).length)));
	const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
	return [line(columns), line(widths.map((w) => '-'.repeat(w))), ...rows.map((r) => line(columns.map((c) => text(r[c]))))].join('\n');
}

export function formatReport(report: BenchReport): string {
	const parts = [`## ${report.title}`, '', table(report.rows)];
	if (report.targets.length) {
		parts.push('', ...report.targets.map((t) => `- target ${t.what}: ${t.value} — ${t.met ? 'met' : 'MISSED'}`));
	}
	if (report.notes.length) parts.push('', ...report.notes.map((n) => `- ${n}`));
	return parts.join('\n');
}
