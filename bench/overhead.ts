// Request overhead: MetaClient (the core request path without n8n) against raw undici, on the same
// loopback fake server, at concurrency 1 and 32. Contenders alternate in blocks so drift in the
// machine's load (2 cores shared with other work) hits them equally.
import { Pool, request } from 'undici';
import { closeMetaPools, MetaClient } from '../nodes/shared/transport';
import { startFakeProcess } from './fakeServer';
import { percentile, round, type BenchReport, type Row } from './report';

export interface OverheadOptions {
	/** Requests per contender and concurrency (default 10,000). */
	requests?: number;
	concurrencies?: number[];
}

const TOKEN = 'EAAcanary0000SECRET0000TOKEN';
const BLOCK = 500;

type Call = () => Promise<unknown>;

/** Runs `count` calls with `concurrency` workers; returns each call's latency in ms. */
async function measure(call: Call, count: number, concurrency: number): Promise<number[]> {
	const latencies: number[] = [];
	let started = 0;
	const worker = async () => {
		while (started < count) {
			started++;
			const t0 = process.hrtime.bigint();
			await call();
			latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
		}
	};
	await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
	return latencies;
}

export async function runOverhead(options: OverheadOptions = {}): Promise<BenchReport> {
	const total = options.requests ?? 10_000;
	const concurrencies = options.concurrencies ?? [1, 32];
	const fake = await startFakeProcess(['--token', TOKEN, '--log-limit', '1000']);
	const url = `${fake.url}/v24.0/me`;
	const authorization = `Bearer ${TOKEN}`;
	// The client's own pool holds 16 connections per origin; a raw Pool of the same size shows
	// how much of a difference at concurrency 32 is the pool size rather than the client's code.
	const pool16 = new Pool(fake.url, { connections: 16 });
	const client = new MetaClient({
		baseUrl: fake.url,
		apiVersion: 'v24.0',
		accessToken: TOKEN,
		sleep: async (ms) => await new Promise((resolve) => setTimeout(resolve, ms)),
	});
	const contenders: Array<{ name: string; call: Call }> = [
		{
			name: 'raw undici request()',
			call: async () => {
				const response = await request(url, { headers: { authorization, accept: 'application/json' } });
				return await response.body.json();
			},
		},
		{
			name: 'raw undici Pool(16)',
			call: async () => {
				const response = await pool16.request({ method: 'GET', path: '/v24.0/me', headers: { authorization, accept: 'application/json' } });
				return await response.body.json();
			},
		},
		{
			name: 'MetaClient.request',
			call: async () => {
				const result = await client.request({ method: 'GET', path: 'me' });
				if (!result.ok) throw new Error(`MetaClient failed: ${result.error.message}`);
				return result.body;
			},
		},
	];

	const rows: Row[] = [];
	const targets = [];
	try {
		for (const concurrency of concurrencies) {
			const latencies = new Map<string, number[]>(contenders.map((c) => [c.name, []]));
			const busyMs = new Map<string, number>(contenders.map((c) => [c.name, 0]));
			for (const c of contenders) await measure(c.call, 300, concurrency); // warm-up: JIT, connections
			for (let done = 0; done < total; done += BLOCK) {
				const size = Math.min(BLOCK, total - done);
				for (const c of contenders) {
					const t0 = Date.now();
					latencies.get(c.name)!.push(...(await measure(c.call, size, concurrency)));
					busyMs.set(c.name, busyMs.get(c.name)! + Date.now() - t0);
				}
			}
			const base = latencies.get(contenders[0].name)!;
			const baseMedian = percentile(base, 50);
			const baseP99 = percentile(base, 99);
			for (const c of contenders) {
				const l = latencies.get(c.name)!;
				rows.push({
					concurrency,
					contender: c.name,
					requests: l.length,
					'median ms': round(percentile(l, 50), 3),
					'p99 ms': round(percentile(l, 99), 3),
					'req/s': Math.round(l.length / (busyMs.get(c.name)! / 1000)),
					'median ratio': round(percentile(l, 50) / baseMedian),
					'p99 ratio': round(percentile(l, 99) / baseP99),
				});
			}
			const own = latencies.get('MetaClient.request')!;
			const ratio = Math.max(percentile(own, 50) / baseMedian, percentile(own, 99) / baseP99);
			targets.push({
				what: `MetaClient ≤ 1.2× raw undici request() at concurrency ${concurrency} (worse of median, p99)`,
				value: `${round(ratio)}×`,
				met: ratio <= 1.2,
			});
		}
	} finally {
		await pool16.close();
		await closeMetaPools();
		await fake.stop();
	}
	return {
		name: 'overhead',
		title: 'Request overhead: MetaClient vs raw undici (GET /v24.0/me, loopback, fake server in its own process)',
		rows,
		targets,
		notes: [
			'ratios are against raw undici request() (global dispatcher) at the same concurrency',
			'MetaClient does per request: URL resolution, breaker and throttle bookkeeping, body as text, JSON.parse, usage-header parsing, secret scrub',
		],
	};
}
