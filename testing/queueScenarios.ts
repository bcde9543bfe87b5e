/**
 * The shared-state scenarios of n8n queue mode (issue 11), run on a real cluster (testing/queueCluster.ts):
 * a main and two workers, the package's state in its own redis-server, the fake Meta server.
 * Each scenario returns its figures as a row; the e2e suite asserts on them, `npm run bench:queue`
 * prints and saves them. No jest imports.
 *
 * - A. throttled load across workers: 1,000 reads as 10 concurrent executions, one budget
 * - B. concurrent threshold counting: 200 webhook executions at once, one disapproval each
 * - C. a worker killed while 200 creates are in flight, then n8n's retry of the failed executions
 * - D. the package's Redis restarted mid-run
 * - E. Meta Health Check's "New and Resolved Only" across workers: 20 concurrent runs find one
 *   disapproved ad, then 20 find it approved again
 * - F. Meta Webhook Trigger's de-duplication across the processes that take webhooks: each of 10
 *   signed WhatsApp statuses posted at once to the main and to a webhook process (as Meta
 *   redelivers, through a load balancer); F needs a cluster started with `webhookProcesses: 1`
 */
import { nodeItems, nodeOutput, runDataOf } from './n8n';
import type { QueueCluster, QueueExecution, StoredExecution } from './queueCluster';
import { metaBytes, signBytes, statusBody, whatsAppStatus } from './metaWebhooks';
import type { RedisServer } from './redisServer';
import { workflow, type NodeSpec } from './workflow';

export type ScenarioName = 'A' | 'B' | 'C' | 'D' | 'E' | 'F';
export type ScenarioStore = 'redis' | 'memory';

/** One row of `bench/results/queue-*.json` (fields that do not apply are left out). */
export interface ScenarioRow {
	name: ScenarioName;
	store: ScenarioStore;
	items: number;
	succeeded?: number;
	failed?: number;
	throttledPct?: number;
	wallOverMinimum?: number;
	duplicateWrites?: number;
	eventsExpected?: number;
	eventsCounted?: number;
	/** Not in the contract: what else the scenario saw (for the table and the assertions). */
	details?: Record<string, unknown>;
}

/** The fake Meta server through its admin API (in-process or its own process alike). */
export interface FakeAdmin {
	url: string;
	token: string;
}

export interface ScenarioEnv {
	cluster: QueueCluster;
	fake: FakeAdmin;
	/** The redis-server that holds the package's state (not n8n's queue). */
	stateRedis: RedisServer;
	log?: (line: string) => void;
}

export const META_CREDENTIAL = { id: 'MetaQueueCred0001', name: 'Meta Graph API (queue)' };
export const REDIS_CREDENTIAL = { id: 'RedisQueueCred001', name: 'Redis (package state)' };
/** The Meta app whose webhooks scenario F receives: its App Secret signs the posts. */
export const META_APP_CREDENTIAL = { id: 'MetaQueueApp00001', name: 'Meta app (queue webhooks)' };
const APP_SECRET = 'queueAppSecret0042';

/** The credentials the scenario workflows use. */
export function scenarioCredentials(env: Pick<ScenarioEnv, 'fake' | 'stateRedis'>) {
	return [
		{ ...META_CREDENTIAL, type: 'metaGraphApi', data: { accessToken: env.fake.token, apiVersion: 'v24.0', baseUrl: env.fake.url } },
		{ ...REDIS_CREDENTIAL, type: 'redis', data: { host: '127.0.0.1', port: env.stateRedis.port, database: 0, password: '', ssl: false } },
		{ ...META_APP_CREDENTIAL, type: 'metaGraphApi', data: { accessToken: env.fake.token, appSecret: APP_SECRET, apiVersion: 'v24.0', baseUrl: env.fake.url } },
	];
}

const BUDGET = { calls: 100, windowMs: 10_000, penaltyMs: 1_000, style: 'buc' };
const A_ITEMS = 1_000;
const A_EXECUTIONS = 10;
const B_EXECUTIONS = 200;
const C_EXECUTIONS = 10;
const C_ITEMS_EACH = 20;
const D_EXECUTIONS = 5;
const D_ITEMS_EACH = 20;
const E_EXECUTIONS = 20;
const F_EVENTS = 10;

const webhook = (path: string): NodeSpec & { webhookId: string } => ({
	name: 'Webhook',
	type: 'n8n-nodes-base.webhook',
	typeVersion: 2,
	webhookId: `scenario-${path}`,
	// answered at once: the scenarios read the executions back from n8n
	parameters: { httpMethod: 'POST', path, responseMode: 'onReceived', options: {} },
});

const splitOut = (field: string): NodeSpec => ({
	name: 'One item each',
	type: 'n8n-nodes-base.splitOut',
	typeVersion: 1,
	parameters: { fieldToSplitOut: `body.${field}`, options: { destinationFieldName: field.replace(/s$/, '') } },
});

const stateOf = (store: ScenarioStore) => ({ stateStore: store });
const credentialsOf = (store: ScenarioStore) => ({ metaGraphApi: META_CREDENTIAL, ...(store === 'redis' ? { redis: REDIS_CREDENTIAL } : {}) });

const metaRequest = (store: ScenarioStore, parameters: Record<string, unknown>): NodeSpec => ({
	name: 'Meta Request',
	type: 'n8n-nodes-meta-resilience.metaRequest',
	parameters: { ...parameters, ...stateOf(store) },
	credentials: credentialsOf(store),
});

const active = (wf: object) => ({ ...wf, active: true });
const id = (name: ScenarioName, store: ScenarioStore) => `q${name}${store === 'redis' ? 'Redis' : 'Memory'}`;
const path = (name: ScenarioName, store: ScenarioStore) => `scenario-${name.toLowerCase()}-${store}`;
/** The Meta Webhook Trigger of F answers at /webhook/<webhookId>/webhook. */
const metaTriggerId = (store: ScenarioStore) => `scenario-f-${store}`;

/** Every scenario workflow, active: import them before the cluster starts. */
export function scenarioWorkflows(): object[] {
	const wfs: object[] = [];
	for (const store of ['redis', 'memory'] as const) {
		wfs.push(
			active(
				workflow(id('A', store), [webhook(path('A', store)), splitOut('ids'), metaRequest(store, { operation: 'getObject', objectId: '={{ $json.id }}', options: {} })], [
					['Webhook', 'One item each'],
					['One item each', 'Meta Request'],
				]),
			),
			active(
				workflow(
					id('B', store),
					[
						webhook(path('B', store)),
						{
							name: 'The event',
							type: 'n8n-nodes-base.set',
							typeVersion: 3.4,
							parameters: { mode: 'raw', jsonOutput: '={{ JSON.stringify($json.body) }}', options: {} },
						},
						{
							name: 'Escalation Router',
							type: 'n8n-nodes-meta-resilience.metaEscalationRouter',
							parameters: {
								...stateOf(store),
								errorField: 'metaError',
								thresholds: {
									threshold: [
										{ name: 'Campaign trend', categories: ['policy'], count: 3, windowMinutes: 60, route: 'escalate' },
										{ name: 'Every event', categories: ['policy'], count: B_EXECUTIONS, windowMinutes: 60, route: 'escalate' },
									],
								},
								options: { objectIdField: 'adId' },
							},
							credentials: store === 'redis' ? { redis: REDIS_CREDENTIAL } : {},
						},
					],
					[
						['Webhook', 'The event'],
						['The event', 'Escalation Router'],
					],
				),
			),
			active(
				workflow(
					id('E', store),
					[
						webhook(path('E', store)),
						{
							name: 'Meta Health Check',
							type: 'n8n-nodes-meta-resilience.metaHealthCheck',
							parameters: { checks: ['ads'], adAccountIds: '={{ $json.body.adAccountId }}', report: 'newAndResolved', ...stateOf(store), options: {} },
							credentials: credentialsOf(store),
						},
					],
					[['Webhook', 'Meta Health Check']],
				),
			),
			active(
				workflow(
					id('F', store),
					[
						{
							name: 'Meta events',
							type: 'n8n-nodes-meta-resilience.metaWebhookTrigger',
							webhookId: metaTriggerId(store),
							parameters: { verifyToken: 'queue-verify-token', fields: 'statuses', ...stateOf(store) },
							credentials: { metaGraphApi: META_APP_CREDENTIAL, ...(store === 'redis' ? { redis: REDIS_CREDENTIAL } : {}) },
						} as NodeSpec,
						{ name: 'Received', type: 'n8n-nodes-base.noOp', typeVersion: 1 },
					],
					[['Meta events', 'Received']],
				),
			),
		);
	}
	const create = (store: ScenarioStore) =>
		metaRequest(store, {
			operation: 'create',
			objectId: 'act_1',
			edge: 'ads',
			jsonBody: '={{ JSON.stringify({ name: $json.name, status: "PAUSED" }) }}',
			options: { concurrency: 5 },
		});
	wfs.push(
		active(
			workflow(id('C', 'redis'), [webhook(path('C', 'redis')), splitOut('names'), create('redis')], [
				['Webhook', 'One item each'],
				['One item each', 'Meta Request'],
			]),
		),
		active(
			workflow(id('D', 'redis'), [webhook(path('D', 'redis')), splitOut('names'), create('redis')], [
				['Webhook', 'One item each'],
				['One item each', 'Meta Request'],
			]),
		),
	);
	return wfs;
}

// ---------------------------------------------------------------------------------------------

async function admin<T = unknown>(fake: FakeAdmin, method: 'GET' | 'POST' | 'DELETE', what: string, body?: unknown): Promise<T> {
	const response = await fetch(`${fake.url}/__admin/${what}`, {
		method,
		headers: body === undefined ? undefined : { 'content-type': 'application/json' },
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	const text = await response.text();
	if (!response.ok) throw new Error(`fake Meta admin ${method} ${what}: ${response.status} ${text}`);
	return (text ? JSON.parse(text) : undefined) as T;
}

interface FakeStats {
	total: number;
	throttled: number;
}

const sleep = async (ms: number) => await new Promise((resolve) => setTimeout(resolve, ms));
const range = (n: number) => Array.from({ length: n }, (_, i) => i);
const round = (value: number, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits;

const FINISHED = new Set(['success', 'error', 'crashed', 'canceled']);

/** Waits until `count` executions of `workflowId` that started after `since` have finished; returns them. */
async function finishedRuns(cluster: QueueCluster, workflowId: string, count: number, since: number, timeoutMs: number): Promise<QueueExecution[]> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const runs = (await cluster.executions()).filter((e) => e.workflowId === workflowId && e.mode !== 'retry' && Date.parse(e.startedAt ?? '') >= since - 1000);
		if (runs.length >= count && runs.every((run) => FINISHED.has(run.status))) return runs;
		if (Date.now() > deadline) {
			throw new Error(`${workflowId}: ${runs.filter((r) => FINISHED.has(r.status)).length} of ${count} executions finished in ${timeoutMs / 1000} s (${runs.map((r) => r.status).join(', ')})`);
		}
		await sleep(500);
	}
}

/** Fires `bodies` at the webhook all at once. */
async function fire(cluster: QueueCluster, webhookPath: string, bodies: unknown[]): Promise<void> {
	await Promise.all(bodies.map(async (body) => await cluster.webhook(webhookPath, body)));
}

const output = (execution: StoredExecution, node: string, index: number) => nodeOutput(execution, node, index);

// ---------------------------------------------------------------------------------------------

/** A: 1,000 reads as 10 concurrent executions on 2 workers, one token, 100 calls per 10 s. */
export async function scenarioA(env: ScenarioEnv, store: ScenarioStore): Promise<ScenarioRow> {
	const { cluster, fake } = env;
	await admin(fake, 'POST', 'reset');
	await admin(fake, 'POST', 'budget', BUDGET);
	const each = A_ITEMS / A_EXECUTIONS;
	const started = Date.now();
	await fire(cluster, path('A', store), range(A_EXECUTIONS).map(() => ({ ids: range(each).map(() => 'me') })));
	const runs = await finishedRuns(cluster, id('A', store), A_EXECUTIONS, started, 20 * 60_000);
	const wallS = (Math.max(...runs.map((run) => Date.parse(run.stoppedAt ?? ''))) - started) / 1000;
	let succeeded = 0;
	let failed = 0;
	const workers = new Set<number>();
	for (const run of runs) {
		const execution = await cluster.execution(run.id);
		succeeded += output(execution, 'Meta Request', 0).length;
		failed += output(execution, 'Meta Request', 1).length;
		if (run.worker !== undefined) workers.add(run.worker);
	}
	const stats = await admin<FakeStats>(fake, 'GET', 'stats');
	await admin(fake, 'POST', 'budget', null);
	const minimumS = (A_ITEMS / BUDGET.calls) * (BUDGET.windowMs / 1000);
	return {
		name: 'A',
		store,
		items: A_ITEMS,
		succeeded,
		failed,
		throttledPct: round((100 * stats.throttled) / Math.max(1, stats.total)),
		wallOverMinimum: round(wallS / minimumS),
		details: { wallS: round(wallS, 1), minimumS, calls: stats.total, throttledCalls: stats.throttled, workers: [...workers].sort() },
	};
}

/** B: 200 webhook executions at once, one disapproval each (ads of one campaign), "3 in 1 h → Escalate". */
export async function scenarioB(env: ScenarioEnv, store: ScenarioStore): Promise<ScenarioRow> {
	const { cluster } = env;
	const tag = `${store}-${Date.now()}`;
	const started = Date.now();
	await fire(
		cluster,
		path('B', store),
		range(B_EXECUTIONS).map((i) => ({
			adId: `${tag}-ad-${i}`,
			campaignId: 'campaign-1',
			metaError: { category: 'policy', code: 368, action: 'pause', retryable: false, source: 'graph', meaning: 'Ad disapproved', remedy: 'Edit the ad' },
		})),
	);
	const runs = await finishedRuns(cluster, id('B', store), B_EXECUTIONS, started, 10 * 60_000);
	const escalations: Array<{ threshold?: string; count?: number }> = [];
	let routed = 0;
	let eventsCounted = 0;
	for (const run of runs) {
		const execution = await cluster.execution(run.id);
		for (let route = 0; route < 6; route++) {
			for (const item of output(execution, 'Escalation Router', route)) {
				routed++;
				const counts = (item.routing?.counts ?? []) as Array<{ name: string; count: number }>;
				eventsCounted = Math.max(eventsCounted, counts.find((c) => c.name === 'Every event')?.count ?? 0);
				if (item.route === 'escalate') escalations.push({ threshold: item.routing?.threshold?.name, count: item.routing?.threshold?.count });
			}
		}
	}
	return {
		name: 'B',
		store,
		items: B_EXECUTIONS,
		succeeded: routed,
		failed: B_EXECUTIONS - routed,
		eventsExpected: B_EXECUTIONS,
		eventsCounted,
		details: { escalations, expectedEscalations: [{ threshold: 'Campaign trend', count: 3 }, { threshold: 'Every event', count: B_EXECUTIONS }] },
	};
}

/** Per item of a create run: what it ended as. */
type CreateEnd = 'created' | 'replayed' | 'ambiguous' | 'state_unavailable' | 'other';

function createEnds(execution: StoredExecution): Map<string, { end: CreateEnd; warnings: string[] }> {
	const ends = new Map<string, { end: CreateEnd; warnings: string[] }>();
	// A run n8n kept no data of (2.x fails a dead worker's job outright): nothing to read.
	if (!runDataOf(execution)['Meta Request']) return ends;
	// A success item is Meta's answer ({ id }): its input item (by pairedItem) names the ad.
	const inputs = nodeOutput(execution, 'One item each', 0);
	const nameOf = (item: { json: Record<string, any>; pairedItem?: unknown }) => {
		const paired = (Array.isArray(item.pairedItem) ? item.pairedItem[0] : item.pairedItem) as { item?: number } | undefined;
		return item.json.name ?? inputs[paired?.item ?? -1]?.name;
	};
	for (const item of nodeItems(execution, 'Meta Request', 0)) {
		const stats = (item.json.metaRequest ?? {}) as Record<string, any>;
		ends.set(nameOf(item), { end: stats.replayed ? 'replayed' : 'created', warnings: stats.stateWarnings ?? [] });
	}
	for (const item of nodeItems(execution, 'Meta Request', 1)) {
		const stats = (item.json.metaRequest ?? {}) as Record<string, any>;
		const stop = stats.stopReason;
		const end: CreateEnd = stop === 'ambiguous_write' ? 'ambiguous' : stop === 'state_unavailable' ? 'state_unavailable' : 'other';
		ends.set(nameOf(item), { end, warnings: stats.stateWarnings ?? [] });
	}
	return ends;
}

interface Writes {
	writes: Array<{ method: string; path: string; idempotencyKey?: string; creates?: boolean; params?: { name?: string } }>;
}

/** Creates the fake applied per ad name (a name applied twice is a duplicate whatever its key). */
async function appliedByName(fake: FakeAdmin): Promise<Map<string, number>> {
	const { writes } = await admin<Writes>(fake, 'GET', 'writes');
	const byName = new Map<string, number>();
	for (const write of writes) {
		const name = write.params?.name;
		if (write.method === 'POST' && typeof name === 'string') byName.set(name, (byName.get(name) ?? 0) + 1);
	}
	return byName;
}

/** What became of a scenario's creates: the row's counts, and a tally per end. */
async function createFigures(fake: FakeAdmin, names: string[][], ends: Map<string, { end: CreateEnd; warnings: string[] }>) {
	await admin(fake, 'DELETE', 'faults');
	const applied = await appliedByName(fake);
	const { duplicates: byKey } = await admin<{ duplicates: unknown[] }>(fake, 'GET', 'duplicates');
	const all = names.flat();
	const tally = (end: CreateEnd) => all.filter((name) => ends.get(name)?.end === end).length;
	const succeeded = tally('created') + tally('replayed');
	return {
		row: {
			items: all.length,
			succeeded,
			failed: all.length - succeeded,
			// a name applied twice is a duplicate whatever its key; so is a key applied twice
			duplicateWrites: Math.max([...applied.values()].filter((n) => n > 1).length, byKey.length),
		},
		tally,
		unaccounted: all.filter((name) => !ends.has(name)).length,
		appliedOnMeta: applied.size,
		withWarnings: all.filter((name) => ends.get(name)?.end === 'created' && (ends.get(name)?.warnings.length ?? 0) > 0).length,
	};
}

/** C: SIGKILL worker 0 while 200 creates are in flight, then n8n's retry of every failed execution. */
export async function scenarioC(env: ScenarioEnv): Promise<ScenarioRow> {
	const { cluster, fake, log = () => {} } = env;
	await admin(fake, 'POST', 'reset');
	// Each create is applied at once and answered 1.5 s later: many are in flight at any moment.
	await admin(fake, 'POST', 'faults', { match: { method: 'POST', path: '/v24.0/act_1/ads' }, fault: { type: 'stall', ms: 1500 } });
	const tag = `c${Date.now()}`;
	const names = range(C_EXECUTIONS).map((e) => range(C_ITEMS_EACH).map((i) => `${tag}-${e}-${i}`));
	const started = Date.now();
	await fire(cluster, path('C', 'redis'), names.map((batch) => ({ names: batch })));
	// Kill once creates are in flight on both workers.
	for (let waited = 0; waited < 30_000; waited += 100) {
		const { writes } = await admin<Writes>(fake, 'GET', 'writes');
		if (writes.length >= 20) break;
		await sleep(100);
	}
	const inFlightAtKill = (await admin<Writes>(fake, 'GET', 'writes')).writes.length;
	await cluster.killWorker(0, 'SIGKILL');
	log(`C: worker 0 killed with ${inFlightAtKill} creates applied so far`);
	await cluster.startWorker(0);
	const runs = await finishedRuns(cluster, id('C', 'redis'), C_EXECUTIONS, started, 10 * 60_000);

	// n8n's Retry of every execution that did not succeed (a crashed one, an errored one).
	const ends = new Map<string, { end: CreateEnd; warnings: string[] }>();
	const retried: string[] = [];
	for (const run of runs) {
		let execution = await cluster.execution(run.id);
		if (run.status !== 'success') {
			retried.push(run.id);
			execution = await cluster.retryExecution(run.id);
		}
		for (const [name, end] of createEnds(execution)) ends.set(name, end);
	}
	// A run n8n kept no data of (2.x fails a dead worker's job outright) cannot be retried: its
	// batch is delivered again, as the sender of a webhook that failed does.
	const lost = names.filter((batch) => batch.some((name) => !ends.has(name)));
	if (lost.length > 0) {
		const again = Date.now();
		await fire(cluster, path('C', 'redis'), lost.map((batch) => ({ names: batch })));
		const reruns = (await finishedRuns(cluster, id('C', 'redis'), C_EXECUTIONS + lost.length, started, 10 * 60_000)).filter(
			(run) => Date.parse(run.startedAt ?? '') >= again - 1000,
		);
		for (const run of reruns) for (const [name, end] of createEnds(await cluster.execution(run.id))) ends.set(name, end);
	}
	const { row, tally, unaccounted, appliedOnMeta } = await createFigures(fake, names, ends);
	return {
		name: 'C',
		store: 'redis',
		...row,
		details: {
			created: tally('created'),
			replayed: tally('replayed'),
			ambiguousEscalated: tally('ambiguous'),
			other: tally('other') + tally('state_unavailable'),
			unaccounted,
			appliedOnMeta,
			retriedExecutions: retried.length,
			redelivered: lost.length,
			statuses: runs.map((run) => run.status),
			inFlightAtKill,
		},
	};
}

/** D: the package's Redis killed mid-run for 3 s, then started again (empty). */
export async function scenarioD(env: ScenarioEnv): Promise<ScenarioRow> {
	const { cluster, fake, stateRedis } = env;
	await admin(fake, 'POST', 'reset');
	// Each create answered after 1 s, 5 at a time per execution: a run lasts about 4 s, the outage hits its middle.
	await admin(fake, 'POST', 'faults', { match: { method: 'POST', path: '/v24.0/act_1/ads' }, fault: { type: 'stall', ms: 1000 } });
	const tag = `d${Date.now()}`;
	const names = range(D_EXECUTIONS).map((e) => range(D_ITEMS_EACH).map((i) => `${tag}-${e}-${i}`));
	const started = Date.now();
	await fire(cluster, path('D', 'redis'), names.map((batch) => ({ names: batch })));
	await sleep(1500);
	await stateRedis.kill();
	await sleep(3000);
	await stateRedis.restart();
	const runs = await finishedRuns(cluster, id('D', 'redis'), D_EXECUTIONS, started, 10 * 60_000);
	const ends = new Map<string, { end: CreateEnd; warnings: string[] }>();
	for (const run of runs) for (const [name, end] of createEnds(await cluster.execution(run.id))) ends.set(name, end);
	const { row, tally, unaccounted, appliedOnMeta, withWarnings } = await createFigures(fake, names, ends);
	return {
		name: 'D',
		store: 'redis',
		...row,
		details: {
			created: tally('created'),
			refusedWhileRedisDown: tally('state_unavailable'),
			ambiguous: tally('ambiguous'),
			other: tally('other'),
			unaccounted,
			// a refused create was not applied; every created one was, once
			appliedOnMeta,
			successesWithWarnings: withWarnings,
		},
	};
}

/**
 * E: one ad account with one disapproved ad, checked by 20 concurrent Health Check runs on two
 * workers (Report: New and Resolved Only); then the ad is approved and 20 more runs check it. With
 * Redis the finding comes out once and its resolution once, whichever worker runs first.
 */
export async function scenarioE(env: ScenarioEnv, store: ScenarioStore): Promise<ScenarioRow> {
	const { cluster, fake } = env;
	// an account of its own per call: nothing an earlier call reported is remembered for it
	const stamp = Date.now();
	const adAccountId = `act_${stamp}`;
	const adId = `${stamp}0001`;
	const seedAd = async (effectiveStatus: string) =>
		await admin(fake, 'POST', 'seed', { parent: adAccountId, edge: 'ads', objects: [{ id: adId, name: 'Winter sale', status: 'ACTIVE', effective_status: effectiveStatus }] });
	const checkEverywhere = async (effectiveStatus: string) => {
		await seedAd(effectiveStatus);
		const started = Date.now();
		await fire(cluster, path('E', store), range(E_EXECUTIONS).map(() => ({ adAccountId })));
		const runs = await finishedRuns(cluster, id('E', store), E_EXECUTIONS, started, 5 * 60_000);
		let reported = 0;
		let resolved = 0;
		let succeeded = 0;
		const workers = new Set<number>();
		for (const run of runs) {
			const execution = await cluster.execution(run.id);
			if (run.status === 'success') succeeded++;
			if (run.worker !== undefined) workers.add(run.worker);
			reported += output(execution, 'Meta Health Check', 0).filter((item) => item.finding === 'AD_DISAPPROVED' && item.object?.id === adId).length;
			resolved += output(execution, 'Meta Health Check', 1).filter((item) => item.resolved === true && item.object?.id === adId).length;
		}
		return { reported, resolved, succeeded, workers: [...workers].sort() };
	};
	// a slow ads read keeps the runs overlapping: a worker holds 10 at most, so both take some
	await admin(fake, 'POST', 'faults', { match: { path: `/${adAccountId}/ads` }, fault: { type: 'stall', ms: 500 } });
	const disapproved = await checkEverywhere('DISAPPROVED');
	const approved = await checkEverywhere('ACTIVE');
	await admin(fake, 'DELETE', 'faults');
	const succeeded = disapproved.succeeded + approved.succeeded;
	return {
		name: 'E',
		store,
		items: 2 * E_EXECUTIONS,
		succeeded,
		failed: 2 * E_EXECUTIONS - succeeded,
		// the disapproval reported once, its resolution once
		eventsExpected: 2,
		eventsCounted: disapproved.reported + disapproved.resolved + approved.reported + approved.resolved,
		details: { disapprovedRound: disapproved, approvedRound: approved },
	};
}

/**
 * F: 10 signed WhatsApp statuses, each posted at once to the main and to every webhook process, as
 * a redelivery reaches whichever process the load balancer picks. With Redis each event starts one
 * run; on process memory each process starts its own.
 */
export async function scenarioF(env: ScenarioEnv, store: ScenarioStore): Promise<ScenarioRow> {
	const { cluster } = env;
	if (cluster.webhookProcessUrls.length === 0) throw new Error('Scenario F needs a cluster started with webhookProcesses: 1 or more');
	const receivers = [cluster.url, ...cluster.webhookProcessUrls];
	const tag = `${store}${Date.now()}`;
	const started = Date.now();
	const answers = await Promise.all(
		range(F_EVENTS).flatMap((i) => {
			const bytes = metaBytes(statusBody(whatsAppStatus('delivered', `wamid.queueF${tag}n${i}`)));
			const headers = { 'content-type': 'application/json', 'x-hub-signature-256': signBytes(bytes, APP_SECRET) };
			return receivers.map(async (url) => (await fetch(`${url}/webhook/${metaTriggerId(store)}/webhook`, { method: 'POST', headers, body: bytes })).status);
		}),
	);
	// every run is enqueued before its post is answered: wait for them to finish, and for a straggler
	let runs = await finishedRuns(cluster, id('F', store), F_EVENTS, started, 2 * 60_000);
	await sleep(2_000);
	runs = await finishedRuns(cluster, id('F', store), runs.length, started, 2 * 60_000);
	// the runs each event (its message id) started, and the events whose items gave a warning
	const starts = new Map<string, number>();
	const warnings = new Map<string, number>();
	const warned = new Set<string>();
	for (const run of runs) {
		for (const item of output(await cluster.execution(run.id), 'Meta events', 0)) {
			const messageId = String(item.value?.id);
			starts.set(messageId, (starts.get(messageId) ?? 0) + 1);
			for (const warning of (item.metaWebhook?.warnings ?? []) as string[]) {
				warnings.set(warning, (warnings.get(warning) ?? 0) + 1);
				warned.add(messageId);
			}
		}
	}
	const eventsCounted = [...starts.values()].reduce((sum, n) => sum + n, 0);
	const accepted = answers.filter((status) => status === 200).length;
	// an item is a post; an event counted is a run it started
	return {
		name: 'F',
		store,
		items: answers.length,
		succeeded: accepted,
		failed: answers.length - accepted,
		eventsExpected: F_EVENTS,
		eventsCounted,
		details: {
			receivers: receivers.length,
			runs: runs.length,
			runsFailed: runs.filter((run) => run.status !== 'success').length,
			distinctEvents: starts.size,
			startedTwice: eventsCounted - starts.size,
			// what the items said of their de-duplication (Redis unreachable, memory in queue mode)
			warnings: Object.fromEntries(warnings),
			// an event started again whose items say nothing of why: a broken promise
			unexplainedRepeats: [...starts].filter(([messageId]) => !warned.has(messageId)).reduce((sum, [, n]) => sum + n - 1, 0),
		},
	};
}
