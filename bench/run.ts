// `npm run bench [-- --quick] [-- --only classify,overhead,polling,pacing,health]`: runs the
// benches, prints a table per bench and the machine, writes JSON to bench/results/<name>-<date>.json.
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runClassify } from './classify';
import { runHealth } from './health';
import { runOverhead } from './overhead';
import { runPacing } from './pacing';
import { runPolling } from './polling';
import { formatReport, type BenchReport } from './report';

const BENCHES = ['classify', 'overhead', 'polling', 'pacing', 'health'] as const;
type BenchName = (typeof BENCHES)[number];

const USAGE = `usage: node .tools/bench/run.js [--quick] [--only ${BENCHES.join(',')}] [--skip name,...]
  --quick   smaller runs: classify 150 ms per case, overhead 2,000 requests, pacing fewer items per model (same budgets)
  --only    the benches to run (default: all)
  --skip    benches to leave out`;

function parseArgs(argv: string[]): { quick: boolean; benches: BenchName[] } {
	let quick = false;
	let benches: BenchName[] = [...BENCHES];
	const list = (value: string | undefined): BenchName[] => {
		const names = (value ?? '').split(',').map((s) => s.trim()).filter(Boolean);
		const unknown = names.filter((n) => !(BENCHES as readonly string[]).includes(n));
		if (names.length === 0 || unknown.length) throw new Error(`unknown bench "${unknown.join(',')}"\n${USAGE}`);
		return names as BenchName[];
	};
	for (let i = 0; i < argv.length; i++) {
		const [flag, inline] = argv[i].split('=', 2);
		if (flag === '--quick') quick = true;
		else if (flag === '--only') benches = list(inline ?? argv[++i]);
		else if (flag === '--skip') {
			const skip = list(inline ?? argv[++i]);
			benches = benches.filter((b) => !skip.includes(b));
		} else if (flag === '--help' || flag === '-h') {
			console.log(USAGE);
			process.exit(0);
		} else throw new Error(`unknown argument ${argv[i]}\n${USAGE}`);
	}
	return { quick, benches };
}

function machine() {
	const cpus = os.cpus();
	return {
		cpu: cpus[0]?.model ?? 'unknown',
		cores: cpus.length,
		memoryGb: Math.round(os.totalmem() / 2 ** 30),
		os: `${os.type()} ${os.release()} ${os.arch()}`,
		node: process.version,
	};
}

async function main(): Promise<void> {
	const { quick, benches } = parseArgs(process.argv.slice(2));
	const host = machine();
	console.log(`# Benchmarks${quick ? ' (quick)' : ''}\n\nmachine: ${host.cpu}, ${host.cores} cores, ${host.memoryGb} GB, ${host.os}, Node ${host.node}\n`);
	const log = (line: string) => console.error(`  ${line}`);
	const runners: Record<BenchName, () => Promise<BenchReport>> = {
		classify: async () => await runClassify({ msPerCase: quick ? 150 : 400 }),
		overhead: async () => await runOverhead({ requests: quick ? 2_000 : 10_000 }),
		polling: async () => await runPolling(),
		pacing: async () => await runPacing({ quick, log }),
		health: async () => await runHealth(),
	};
	const reports: BenchReport[] = [];
	const failures: string[] = [];
	for (const name of benches) {
		const started = Date.now();
		log(`${name}...`);
		try {
			const report = await runners[name]();
			reports.push(report);
			console.log(`${formatReport(report)}\n\n(${name}: ${Math.round((Date.now() - started) / 1000)} s)\n`);
		} catch (error) {
			failures.push(name);
			console.error(`${name} failed: ${(error as Error).stack ?? String(error)}`);
		}
	}
	const dir = path.resolve(__dirname, '..', '..', 'bench', 'results');
	await fs.mkdir(dir, { recursive: true });
	const stamp = new Date().toISOString().replace(/[:.]/g, '-');
	const file = path.join(dir, `${quick ? 'quick' : 'full'}-${stamp}.json`);
	await fs.writeFile(file, `${JSON.stringify({ date: new Date().toISOString(), quick, machine: host, reports }, null, 2)}\n`);
	console.log(`results: ${path.relative(process.cwd(), file)}`);
	if (failures.length) {
		console.error(`failed: ${failures.join(', ')}`);
		process.exitCode = 1;
	}
}

main().catch((error: unknown) => {
	console.error((error as Error).message ?? error);
	process.exit(2);
});
