// The chaos run (npm run test:chaos; CHAOS_ITEMS, default 10,000): reads and writes through the
// Meta Request node in n8n's engine, against the fake Meta server answering 30 % of requests with
// a fault (every rate-limit code with usage headers, 500/503, 131016, resets before and after
// sending, stalls past the timeout, an HTML 502, truncated JSON, writes applied and then answered
// with a 5xx or a gateway page). Nothing may be lost, created twice, left unclassified, or leak
// the token; memory must stay flat.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';
import { metaErrorInfoSchema } from '../../nodes/shared/core';
import { chaosFaults, useFakeMeta, type Fault, type FaultRule } from '../../testing/fake-meta';
import { runNode } from '../helpers/engine';

const ITEMS = Number(process.env.CHAOS_ITEMS ?? 10_000);
/** The items go through in 4 executions, so the heap can be compared at 25 % and at 100 %. */
const CHUNKS = 4;
/** Generous: a leak of a few hundred bytes per item would cross it at 10,000 items. */
const MAX_HEAP_GROWTH_MB = 48;
const STALL_MS = 1_500;

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function heapMb(): number {
	gc();
	gc();
	return process.memoryUsage().heapUsed / 2 ** 20;
}

// Production defaults, except the waits: short backoff, timeout, throttle cap and breaker
// cool-down keep the run in minutes. Retries, hints, breaker and throttle stay real.
const PARAMETERS = {
	operation: 'custom',
	method: '={{ $json.method }}',
	path: '={{ $json.path }}',
	jsonBody: '={{ $json.body ?? {} }}',
	options: {
		concurrency: 32,
		baseDelayMs: 5,
		maxDelayMs: 50,
		timeoutMs: 400,
		throttleMaxDelayMs: 50,
		breakerCoolDownMs: 250,
	},
};

/**
 * The fake server's chaos mix, with one change: its rate-limit answers say usage is at 100 % but
 * access comes back at once (the preset's reset_time_duration of 1 s would make the throttle,
 * rightly, space every following call 1 s apart, and the run would take an hour).
 */
function chaosRule(): FaultRule {
	const preset = chaosFaults({ rate: 0.3, stallMs: STALL_MS });
	const usage = JSON.stringify({ call_count: 100, total_cputime: 100, total_time: 100 });
	const headers = {
		'x-app-usage': usage,
		'x-business-use-case-usage': JSON.stringify({
			'100000000000001': [{ type: 'ads_management', call_count: 100, total_cputime: 100, total_time: 100, estimated_time_to_regain_access: 0 }],
		}),
	};
	const faults = (preset.fault as Fault[]).map((fault) => (fault.type === 'graphError' && fault.headers ? { ...fault, headers } : fault));
	return { ...preset, fault: faults };
}

/** Item g of the run: a quarter each of reads, field reads, updates and creates. */
function chaosItem(g: number, objectIds: string[]): IDataObject {
	const id = objectIds[g % objectIds.length];
	switch (g % 4) {
		case 0:
			return { g, method: 'GET', path: id };
		case 1:
			return { g, method: 'GET', path: `${id}?fields=name,status` };
		case 2:
			return { g, method: 'POST', path: id, body: { name: `Ad ${g}` } };
		default:
			return { g, method: 'POST', path: 'act_1/ads', body: { name: `New ad ${g}`, status: 'PAUSED' } };
	}
}

describe(`chaos: ${ITEMS} items through Meta Request, 30 % faults`, () => {
	const fake = useFakeMeta({ logLimit: 2_000, faults: [chaosRule()] });

	it('ends every item on exactly one output, writes nothing twice, classifies every failure, leaks no token, keeps memory flat', async () => {
		const objectIds = fake.seedObjects(Array.from({ length: 200 }, (_, i) => ({ name: `Ad ${i}`, status: 'ACTIVE' })));
		const credentials = { metaGraphApi: { accessToken: fake.token, appSecret: '', apiVersion: 'v24.0', baseUrl: fake.url } };
		const chunkSize = Math.ceil(ITEMS / CHUNKS);
		const categories: Record<string, number> = {};
		const stopReasons: Record<string, number> = {};
		let succeeded = 0;
		let failed = 0;
		let attempts = 0;
		let heapAtQuarter = 0;
		const started = Date.now();

		for (let chunk = 0; chunk < CHUNKS; chunk++) {
			// After the first quarter, once its run data is out of reach.
			if (chunk === 1) heapAtQuarter = heapMb();
			const first = chunk * chunkSize;
			const count = Math.min(chunkSize, ITEMS - first);
			const items = Array.from({ length: count }, (_, i) => chaosItem(first + i, objectIds));
			const run = await runNode('n8n-nodes-meta-resilience.metaRequest', PARAMETERS, items, {
				credentials,
				timeoutMs: 30 * 60_000,
			});
			expect(run.error).toBeUndefined();
			const [success = [], failure = []] = run.nodeOutputs;

			// Exactly one output per input item: the pairedItem indexes of both outputs are 0..count-1, once each.
			const paired = [...success, ...failure].map((item: INodeExecutionData) => (item.pairedItem as { item: number }).item);
			expect(paired.length).toBe(count);
			expect([...paired].sort((a, b) => a - b)).toEqual(Array.from({ length: count }, (_, i) => i));

			for (const item of failure) {
				const info = metaErrorInfoSchema.parse(item.json.metaError);
				categories[info.category] = (categories[info.category] ?? 0) + 1;
				const stats = item.json.metaRequest as IDataObject;
				stopReasons[String(stats.stopReason)] = (stopReasons[String(stats.stopReason)] ?? 0) + 1;
				attempts += Number(stats.attempts ?? 0);
			}
			for (const item of success) attempts += Number((item.json.metaRequest as IDataObject).attempts ?? 0);
			succeeded += success.length;
			failed += failure.length;

			const text = JSON.stringify(run.runData);
			for (const form of [fake.token, fake.token.toLowerCase(), Buffer.from(fake.token).toString('base64').slice(4, -4)]) {
				expect(text.includes(form)).toBe(false);
			}
		}
		const heapAtEnd = heapMb();
		const stats = fake.stats();
		const seconds = (Date.now() - started) / 1000;

		console.log(
			[
				`chaos: ${ITEMS} items in ${seconds.toFixed(1)} s (${Math.round(ITEMS / seconds)} items/s)`,
				`  succeeded ${succeeded}, failed ${failed}; attempts ${attempts} (${(attempts / ITEMS).toFixed(2)} per item)`,
				`  failures by category ${JSON.stringify(categories)}, by stop reason ${JSON.stringify(stopReasons)}`,
				`  server: ${stats.total} requests, ${stats.faulted} faulted, ${stats.writes} writes applied; faults ${JSON.stringify(stats.byFault)}`,
				`  heapUsed after GC: ${heapAtQuarter.toFixed(1)} MB at 25 %, ${heapAtEnd.toFixed(1)} MB at 100 % (growth ${(heapAtEnd - heapAtQuarter).toFixed(1)} MB, bound ${MAX_HEAP_GROWTH_MB} MB)`,
			].join('\n'),
		);

		expect(succeeded + failed).toBe(ITEMS);
		expect(fake.duplicateWrites()).toEqual([]);
		expect(categories.unknown ?? 0).toBe(0);
		// The faults really happened, and retries really absorbed most of them.
		expect(stats.faulted).toBeGreaterThan(ITEMS * 0.2);
		expect(succeeded).toBeGreaterThan(ITEMS * 0.8);
		expect(heapAtEnd - heapAtQuarter).toBeLessThan(MAX_HEAP_GROWTH_MB);
	});
});
