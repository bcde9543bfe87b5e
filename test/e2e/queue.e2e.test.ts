/**
 * The package in n8n's queue mode: a main that receives webhooks and workers that run them, over
 * PostgreSQL and Redis started by the harness (testing/queueCluster.ts). On the lines queueLines() gives
 * (both by default). N8N_E2E_QUEUE_LOG=1 prints every n8n log line.
 */
import { ME_ID, useFakeMeta } from '../../testing/fake-meta';
import { nodeOutput } from '../../testing/n8n';
import { startPostgres, startQueueCluster, type Postgres, type QueueCluster } from '../../testing/queueCluster';
import { startRedis, type RedisServer } from '../../testing/redisServer';
import { packageTarball, queueLines } from './setup';
import { DEMO_CREDENTIAL_REF, demoCredential, workflow, type NodeSpec } from './workflows';


const range = (n: number) => Array.from({ length: n }, (_, i) => i);

async function eventually<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = await probe();
		if (value) return value;
		if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
		await new Promise((resolve) => setTimeout(resolve, 200));
	}
}

const META_PATH = 'queue-meta';
const FLAKY_PATH = 'queue-flaky';

const webhookNode = (path: string): NodeSpec & { webhookId: string } => ({
	name: 'Webhook',
	type: 'n8n-nodes-base.webhook',
	typeVersion: 2,
	webhookId: `e2e-${path}`,
	// the answer is the last node's first item: the worker's result, carried back by the main
	parameters: { httpMethod: 'POST', path, responseMode: 'lastNode', options: {} },
});

/** The worker that ran it, from a variable only that worker has, beside the input's own fields. */
const answerNode = (extra: Array<{ name: string; value: string; type: string }> = []): NodeSpec => ({
	name: 'Answer',
	type: 'n8n-nodes-base.set',
	typeVersion: 3.4,
	parameters: {
		mode: 'manual',
		includeOtherFields: true,
		assignments: {
			assignments: [{ name: 'worker', value: '={{ $env.META_E2E_WORKER }}', type: 'string' }, ...extra].map((a, i) => ({ id: `a${i}`, ...a })),
		},
		options: {},
	},
});

const metaRequest = (objectId: string): NodeSpec => ({
	name: 'Meta Request',
	type: 'n8n-nodes-meta-resilience.metaRequest',
	parameters: { operation: 'getObject', objectId, options: {} },
	credentials: DEMO_CREDENTIAL_REF,
});

describe.each(queueLines())('n8n %s in queue mode, two workers', (line) => {
	const fake = useFakeMeta();
	let postgres: Postgres | undefined;
	let redis: RedisServer | undefined;
	let cluster: QueueCluster;

	beforeAll(async () => {
		const started = Date.now();
		[postgres, redis] = await Promise.all([startPostgres(), startRedis()]);
		cluster = await startQueueCluster({
			line,
			tgz: packageTarball(),
			workers: 2,
			// a worker holds at most 5 runs: a burst of slow ones must spread over both
			concurrency: 5,
			redis: redis.connection,
			postgres,
			env: { N8N_BLOCK_ENV_ACCESS_IN_NODE: 'false' }, // 2.x blocks $env by default
			workerEnv: (i) => ({ META_E2E_WORKER: `worker-${i}` }),
			log: process.env.N8N_E2E_QUEUE_LOG ? (l) => process.stderr.write(`${new Date().toISOString().slice(11, 23)} ${l}\n`) : undefined,
		});
		await cluster.importCredentials([demoCredential(fake)]);
		await cluster.importWorkflows([
			{
				...workflow('qMeta', [webhookNode(META_PATH), metaRequest('={{ $json.body.objectId }}'), answerNode([{ name: 'seq', value: "={{ $('Webhook').item.json.body.seq }}", type: 'number' }])], [
					['Webhook', 'Meta Request'],
					['Meta Request', 'Answer'],
				]),
				active: true,
			},
			{
				...workflow('qFlaky', [
					webhookNode(FLAKY_PATH),
					metaRequest('me'),
					{
						// n8n's HTTP Request fails the execution on a 5xx: a run to retry
						name: 'Flaky step',
						type: 'n8n-nodes-base.httpRequest',
						typeVersion: 4.2,
						parameters: { url: `${fake.url}/v24.0/${ME_ID}?access_token=${fake.token}`, options: {} },
					},
					answerNode([{ name: 'meta', value: "={{ $('Meta Request').item.json.name }}", type: 'string' }]),
				], [
					['Webhook', 'Meta Request'],
					['Meta Request', 'Flaky step'],
					['Flaky step', 'Answer'],
				]),
				active: true,
			},
		]);
		await cluster.start();
		process.stderr.write(`[e2e] queue cluster of n8n ${cluster.version} ready in ${Math.round((Date.now() - started) / 1000)} s\n`);
	}, 10 * 60_000);

	afterAll(async () => {
		await cluster?.stop();
		await redis?.stop();
		await postgres?.stop();
	}, 2 * 60_000);

	const burst = async (count: number, from = 0) =>
		await Promise.all(range(count).map(async (i) => await cluster.webhook(META_PATH, { objectId: 'me', seq: from + i })));

	test('20 concurrent webhooks each answer with the Meta Request output, and both workers ran them', async () => {
		// 300 ms per Graph call: runs overlap, so a worker's 5 slots cannot take them all
		fake.addFault({ match: { path: '/v24.0/me' }, fault: { type: 'stall', ms: 300 } });

		const answers = await burst(20);

		expect(answers).toEqual(
			range(20).map((seq) => ({
				id: ME_ID,
				name: 'Fake Meta Test User',
				metaRequest: expect.objectContaining({ method: 'GET', status: 200, attempts: 1 }),
				seq,
				worker: expect.stringMatching(/^worker-[01]$/),
			})),
		);
		expect(new Set(answers.map((a) => a.worker))).toEqual(new Set(['worker-0', 'worker-1']));
		// the database and the workers' logs tell the same story
		const runs = (await cluster.executions()).filter((e) => e.workflowId === 'qMeta');
		expect(runs).toHaveLength(20);
		expect(runs.every((run) => run.status === 'success' && run.mode === 'webhook')).toBe(true);
		expect(new Set(runs.map((run) => run.worker))).toEqual(new Set([0, 1]));
	});

	test("n8n's retry of a failed execution runs on a worker from the failed node, without calling Meta again", async () => {
		fake.addFault({ match: { method: 'GET', path: `/v24.0/${ME_ID}` }, times: 1, fault: { type: 'status', status: 503, body: 'Service Unavailable' } });

		await expect(cluster.webhook(FLAKY_PATH, {})).rejects.toMatchObject({ status: 500 });
		const [failed, ...others] = (await cluster.executions()).filter((e) => e.workflowId === 'qFlaky');
		expect(others).toEqual([]);
		expect(failed).toMatchObject({ status: 'error', mode: 'webhook', worker: expect.any(Number) });
		const metaCalls = () => fake.requests.filter((r) => r.path === '/v24.0/me').length;
		expect(metaCalls()).toBe(1);

		const retry = await cluster.retryExecution(failed.id);

		expect(retry).toMatchObject({ status: 'success', mode: 'retry', retryOf: failed.id });
		expect(nodeOutput(retry, 'Answer')).toEqual([
			expect.objectContaining({ id: ME_ID, meta: 'Fake Meta Test User', worker: expect.stringMatching(/^worker-[01]$/) }),
		]);
		expect(metaCalls()).toBe(1); // Meta Request's output was kept from the failed run
		const executions = await cluster.executions();
		expect(executions.find((e) => e.id === String(retry.id))).toMatchObject({ status: 'success', mode: 'retry', retryOf: failed.id, worker: expect.any(Number) });
		expect(executions.find((e) => e.id === failed.id)).toMatchObject({ retrySuccessId: String(retry.id) });
	});

	test('a worker killed mid-run: its job is run again elsewhere (1.x) or failed (2.x); restarted, it takes jobs again', async () => {
		// the first Graph call hangs, so the run is in flight when its worker dies
		fake.addFault({ match: { path: '/v24.0/me' }, times: 1, fault: { type: 'stall', ms: 120_000 } });
		const before = new Set((await cluster.executions()).map((e) => e.id));
		const pending = cluster.webhook(META_PATH, { objectId: 'me', seq: 100 }).catch((error: Error & { status?: number }) => error);
		await eventually('the hanging Graph call', () => fake.requests.some((r) => r.faultApplied === 'stall'));
		const run = await eventually('the worker running it', async () => (await cluster.executions()).find((e) => !before.has(e.id) && e.worker !== undefined));
		const victim = run.worker!;
		const survivor = 1 - victim;

		await cluster.killWorker(victim, 'SIGKILL');
		expect(cluster.workerPids()[victim]).toBeUndefined();

		// Bull sees the job's lock expire. n8n 1.x lets it stall once: the survivor runs it from the
		// start and answers. n8n 2.x allows no stall (maxStalledCount 0): the run fails, the webhook
		// answers 500, and the execution keeps no run data to retry
		if (line === '1') {
			expect(await pending).toMatchObject({ id: ME_ID, seq: 100, worker: `worker-${survivor}` });
			expect((await cluster.executions()).find((e) => e.id === run.id)).toMatchObject({ status: 'success', worker: survivor });
		} else {
			expect(await pending).toMatchObject({ status: 500 });
			expect((await cluster.executions()).find((e) => e.id === run.id)).toMatchObject({ status: 'error', worker: victim });
			expect((await cluster.execution(run.id)).data.resultData.error?.message).toMatch(/failed to be processed too many times/);
		}
		expect((await burst(3, 200)).map((a) => a.worker)).toEqual(range(3).map(() => `worker-${survivor}`));

		await cluster.startWorker(victim);
		expect(cluster.workerPids()[victim]).toEqual(expect.any(Number));
		fake.addFault({ match: { path: '/v24.0/me' }, fault: { type: 'stall', ms: 300 } });
		expect(new Set((await burst(20, 300)).map((a) => a.worker))).toEqual(new Set(['worker-0', 'worker-1']));
	});
});
