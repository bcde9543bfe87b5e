// `npm run bench:queue [-- --line 2] [-- --only A,B]`: the queue-mode scenarios of
// testing/queueScenarios.ts on a real cluster (n8n main + 2 workers, PostgreSQL, Redis for the
// queue, another redis-server for the package's state, the fake Meta server in its own process),
// each with Redis and, where it says something, with process memory. Prints the table and writes
// bench/results/queue-<timestamp>.json: { scenarios: [ { name, store, items, succeeded, ... } ] }.
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ensureN8n, packPackage, type N8nLine } from '../testing/n8n';
import { startPostgres, startQueueCluster } from '../testing/queueCluster';
import { scenarioA, scenarioB, scenarioC, scenarioCredentials, scenarioD, scenarioE, scenarioF, scenarioWorkflows, type ScenarioEnv, type ScenarioName, type ScenarioRow } from '../testing/queueScenarios';
import { startRedis } from '../testing/redisServer';
import Redis from 'ioredis';
import { startFakeProcess } from './fakeServer';
import { table, type Row } from './report';

const TOKEN = 'EAAcanary0000SECRET0000TOKEN';
const ALL: ScenarioName[] = ['A', 'B', 'C', 'D', 'E', 'F'];

function parseArgs(argv: string[]): { line: N8nLine; only: ScenarioName[] } {
	let line: N8nLine = '1';
	let only = ALL;
	for (let i = 0; i < argv.length; i++) {
		const [flag, inline] = argv[i].split('=', 2);
		const value = () => inline ?? argv[++i];
		if (flag === '--line') {
			const v = value();
			if (v !== '1' && v !== '2') throw new Error('--line is 1 or 2');
			line = v;
		} else if (flag === '--only') {
			only = value().split(',').map((s) => s.trim().toUpperCase()) as ScenarioName[];
			if (only.some((s) => !ALL.includes(s))) throw new Error(`--only takes ${ALL.join(',')}`);
		} else throw new Error(`unknown argument ${argv[i]}; usage: bench:queue [-- --line 1|2] [-- --only A,B,C,D]`);
	}
	return { line, only };
}

/** The contract's fields, in its order (details stay out of the JSON's rows). */
function contractRow({ details: _details, ...row }: ScenarioRow): Omit<ScenarioRow, 'details'> {
	return row;
}

function printable(row: ScenarioRow): Row {
	const d = row.details ?? {};
	const extra: string[] = [];
	if (row.name === 'A') extra.push(`wall ${d.wallS} s (minimum ${d.minimumS} s), ${d.calls} calls, workers ${(d.workers as number[]).join('+')}`);
	if (row.name === 'B') extra.push(`escalations: ${(d.escalations as Array<{ threshold: string; count: number }>).map((e) => `${e.threshold}@${e.count}`).join(', ') || 'none'}`);
	if (row.name === 'C') extra.push(`created ${d.created}, replayed ${d.replayed}, ambiguous→escalated ${d.ambiguousEscalated}, retried executions ${d.retriedExecutions}, redelivered ${d.redelivered}, applied on Meta ${d.appliedOnMeta}`);
	if (row.name === 'D') extra.push(`created ${d.created}, refused while Redis was down ${d.refusedWhileRedisDown}, ambiguous ${d.ambiguous}, applied on Meta ${d.appliedOnMeta}`);
	return { ...contractRow(row), seen: extra.join('; ') };
}

/** The package's keys left in its Redis after the runs: how many of each family, their size and TTL. */
async function stateKeys(port: number): Promise<Row[]> {
	const redis = new Redis({ host: '127.0.0.1', port, lazyConnect: true });
	await redis.connect();
	try {
		const families = new Map<string, { keys: number; bytes: number; ttlS: number[] }>();
		let cursor = '0';
		do {
			const [next, keys] = await redis.scan(cursor, 'MATCH', 'mr:*', 'COUNT', 1000);
			cursor = next;
			for (const key of keys) {
				const family = key.startsWith('mr:win:') ? `mr:win:…:${key.split(':')[3]}` : key.split(':').slice(0, 2).join(':');
				const entry = families.get(family) ?? { keys: 0, bytes: 0, ttlS: [] };
				entry.keys++;
				entry.bytes += Number(await redis.call('MEMORY', 'USAGE', key)) || 0;
				entry.ttlS.push(Math.round((await redis.pttl(key)) / 1000));
				families.set(family, entry);
			}
		} while (cursor !== '0');
		return [...families].map(([family, { keys, bytes, ttlS }]) => ({
			family,
			keys,
			'bytes per key': Math.round(bytes / keys),
			'TTL left, s (min–max)': `${Math.min(...ttlS)}–${Math.max(...ttlS)}`,
		}));
	} finally {
		redis.disconnect();
	}
}

async function main(): Promise<void> {
	const { line, only } = parseArgs(process.argv.slice(2));
	const log = (l: string) => console.error(`  ${l}`);
	const host = `${os.cpus()[0]?.model ?? 'cpu'}, ${os.cpus().length} cores, Node ${process.version}`;
	console.log(`# Queue-mode scenarios (n8n line ${line}, main + 2 workers + 1 webhook process)\n\nmachine: ${host}\n`);
	await ensureN8n(line, log);
	const tgz = await packPackage(path.resolve(__dirname, '..', '..'));
	const fakeProcess = await startFakeProcess(['--token', TOKEN, '--log-limit', '20000']);
	const [postgres, queueRedis, stateRedis] = await Promise.all([startPostgres(), startRedis(), startRedis()]);
	const cluster = await startQueueCluster({ line, tgz, workers: 2, webhookProcesses: 1, concurrency: 10, redis: queueRedis.connection, postgres, log: process.env.BENCH_QUEUE_LOG ? log : undefined });
	const rows: ScenarioRow[] = [];
	let keys: Row[] = [];
	try {
		const env: ScenarioEnv = { cluster, fake: { url: fakeProcess.url, token: TOKEN }, stateRedis, log };
		await cluster.importCredentials(scenarioCredentials(env));
		await cluster.importWorkflows(scenarioWorkflows());
		await cluster.start();
		const runs: Array<[ScenarioName, () => Promise<ScenarioRow>]> = [
			['A', () => scenarioA(env, 'redis')],
			['A', () => scenarioA(env, 'memory')],
			['B', () => scenarioB(env, 'redis')],
			['B', () => scenarioB(env, 'memory')],
			['C', () => scenarioC(env)],
			['D', () => scenarioD(env)],
			['E', () => scenarioE(env, 'redis')],
			['E', () => scenarioE(env, 'memory')],
			['F', () => scenarioF(env, 'redis')],
			['F', () => scenarioF(env, 'memory')],
		];
		for (const [name, run] of runs) {
			if (!only.includes(name)) continue;
			// D restarts the package's Redis empty: its keys are read before
			if (name === 'D') keys = await stateKeys(stateRedis.port);
			const started = Date.now();
			log(`scenario ${name}...`);
			const row = await run();
			rows.push(row);
			log(`scenario ${name} (${row.store}) done in ${Math.round((Date.now() - started) / 1000)} s: ${JSON.stringify(row)}`);
		}
		if (keys.length === 0) keys = await stateKeys(stateRedis.port);
	} finally {
		await cluster.stop();
		await Promise.all([queueRedis.stop(), stateRedis.stop(), fakeProcess.stop()]);
		await postgres.stop();
	}
	console.log(table(rows.map(printable)));
	console.log(`\nThe package's keys in its Redis after the runs (before D restarts it empty):\n\n${table(keys)}`);
	const dir = path.resolve(__dirname, '..', '..', 'bench', 'results');
	await fs.mkdir(dir, { recursive: true });
	const file = path.join(dir, `queue-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
	await fs.writeFile(file, `${JSON.stringify({ machine: host, n8n: cluster.version, scenarios: rows.map(contractRow), keys, details: rows.map((r) => ({ name: r.name, store: r.store, ...r.details })) }, null, 2)}\n`);
	console.log(`\nwritten: ${path.relative(process.cwd(), file)}`);
}

main().catch((error) => {
	console.error((error as Error).stack ?? String(error));
	process.exit(1);
});
