/**
 * The package's guarantees in real n8n queue mode (a main, two workers, PostgreSQL, Redis for n8n's
 * queue and another redis-server for the package's state), scenarios A–F of testing/queueScenarios.ts:
 * the same runs `npm run bench:queue` reports, asserted here on behaviour. On the lines
 * queueLines() gives (both by default; N8N_E2E_QUEUE_LINES=1 for line 1 only).
 */
import { useFakeMeta } from '../../testing/fake-meta';
import { startPostgres, startQueueCluster, type Postgres, type QueueCluster } from '../../testing/queueCluster';
import { scenarioA, scenarioB, scenarioC, scenarioCredentials, scenarioD, scenarioE, scenarioF, scenarioWorkflows, type ScenarioEnv } from '../../testing/queueScenarios';
import { startRedis, type RedisServer } from '../../testing/redisServer';
import { packageTarball, queueLines } from './setup';


const report = (row: object) => process.stderr.write(`[e2e] ${JSON.stringify(row)}\n`);

describe.each(queueLines())('n8n %s in queue mode: shared state across two workers', (line) => {
	const fake = useFakeMeta({}, { reset: false });
	let postgres: Postgres | undefined;
	let queueRedis: RedisServer | undefined;
	let stateRedis: RedisServer | undefined;
	let cluster: QueueCluster;
	let env: ScenarioEnv;

	beforeAll(async () => {
		[postgres, queueRedis, stateRedis] = await Promise.all([startPostgres(), startRedis(), startRedis()]);
		// F posts to the main and to a webhook process
		cluster = await startQueueCluster({ line, tgz: packageTarball(), workers: 2, webhookProcesses: 1, concurrency: 10, redis: queueRedis.connection, postgres });
		env = { cluster, fake, stateRedis, log: (l) => process.stderr.write(`[e2e] ${l}\n`) };
		await cluster.importCredentials(scenarioCredentials(env));
		await cluster.importWorkflows(scenarioWorkflows());
		await cluster.start();
	}, 10 * 60_000);

	afterAll(async () => {
		await cluster?.stop();
		await Promise.all([queueRedis?.stop(), stateRedis?.stop()]);
		await postgres?.stop();
	}, 2 * 60_000);

	test('A. 1,000 reads as 10 executions on 2 workers with Redis: every item succeeds, at most 2 % of calls throttled', async () => {
		const row = await scenarioA(env, 'redis');
		report(row);
		expect(row).toMatchObject({ items: 1000, succeeded: 1000, failed: 0 });
		expect(row.throttledPct).toBeLessThanOrEqual(2);
		expect(row.details?.workers).toEqual([0, 1]);
	}, 20 * 60_000);

	test('B. 200 concurrent webhook executions, one disapproval each: with Redis every event counts, "3 in 1 h" and "200 in 1 h" fire once each', async () => {
		const row = await scenarioB(env, 'redis');
		report(row);
		expect(row).toMatchObject({ items: 200, succeeded: 200, failed: 0, eventsExpected: 200, eventsCounted: 200 });
		expect(row.details?.escalations).toHaveLength(2);
		expect(row.details?.escalations).toEqual(expect.arrayContaining([{ threshold: 'Campaign trend', count: 3 }, { threshold: 'Every event', count: 200 }]));
		// Process memory on two workers: each counts its own share, none sees all 200.
		const memory = await scenarioB(env, 'memory');
		report(memory);
		expect(memory).toMatchObject({ items: 200, succeeded: 200, failed: 0 });
		expect(memory.eventsCounted).toBeLessThan(200);
	}, 10 * 60_000);

	test('C. a worker killed while 200 creates are in flight, then the failed executions retried: 0 duplicates, every item accounted for', async () => {
		const row = await scenarioC(env);
		report(row);
		expect(row).toMatchObject({ items: 200, duplicateWrites: 0 });
		expect(row.details).toMatchObject({ unaccounted: 0, other: 0 });
		const { created, replayed, ambiguousEscalated } = row.details as Record<string, number>;
		expect(created + replayed + ambiguousEscalated).toBe(200);
		// Every create Meta applied is on Success once (created or replayed) or escalated as ambiguous.
		expect(row.details?.appliedOnMeta).toBeGreaterThanOrEqual(created);
	}, 15 * 60_000);

	test("D. the package's Redis killed for 3 s mid-run: creates then are refused (state_unavailable), none lost or sent twice", async () => {
		const row = await scenarioD(env);
		report(row);
		expect(row).toMatchObject({ items: 100, duplicateWrites: 0 });
		const details = row.details as Record<string, number>;
		expect(details).toMatchObject({ unaccounted: 0, other: 0 });
		expect(details.refusedWhileRedisDown).toBeGreaterThan(0);
		expect(details.created + details.refusedWhileRedisDown + details.ambiguous).toBe(100);
		// What Meta applied is exactly what the items say was created or may have been.
		expect(details.appliedOnMeta).toBeGreaterThanOrEqual(details.created);
		expect(details.appliedOnMeta).toBeLessThanOrEqual(details.created + details.ambiguous);
	}, 10 * 60_000);

	test('E. Meta Health Check, New and Resolved Only, 20 concurrent runs twice with Redis: the disapproved ad is reported once, its approval once', async () => {
		const row = await scenarioE(env, 'redis');
		report(row);
		expect(row).toMatchObject({ items: 40, succeeded: 40, failed: 0, eventsExpected: 2, eventsCounted: 2 });
		expect(row.details).toMatchObject({ disapprovedRound: { reported: 1, resolved: 0 }, approvedRound: { reported: 0, resolved: 1 } });
		// both workers ran checks in each round: the once-only report held across processes
		expect(row.details).toMatchObject({ disapprovedRound: { workers: [0, 1] }, approvedRound: { workers: [0, 1] } });
	}, 10 * 60_000);

	test('F. Meta Webhook Trigger with Redis, each of 10 signed events posted at once to the main and to a webhook process: every post answered 200, each event starts one run', async () => {
		const row = await scenarioF(env, 'redis');
		report(row);
		expect(row).toMatchObject({ items: 20, succeeded: 20, failed: 0, eventsExpected: 10 });
		expect(row.details).toMatchObject({ receivers: 2, runsFailed: 0, distinctEvents: 10, unexplainedRepeats: 0 });
		// A claim Redis does not answer in time falls back to the process's memory, and every item
		// of that post says so (`warnings`): an event may then start twice, never silently. With no
		// such warning, each event started exactly once.
		if (Object.keys(row.details?.warnings as object).length === 0) expect(row).toMatchObject({ eventsCounted: 10 });
	}, 5 * 60_000);
});
