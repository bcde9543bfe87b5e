// Pacing against Meta's limit models (issue 12) in real n8n: per model, the same items through
// (a) Meta Request with its defaults in one n8n process (`n8n execute`), (b) n8n's HTTP Request
// node with Retry On Fail at its maximum (5 tries, 5,000 ms apart) and (c) Meta Request split
// across 2 workers of a real queue-mode cluster sharing the Redis state store. Each model has its
// own fake Meta server process, configured by CLI flags (testing/fake-meta/cli.ts), reset and
// seeded before every contender. The figures are compared with the model's theoretical minimum
// (testing/fake-meta/limits.ts): the least time from the first call to the start of the last.
//
// The single-process contenders of every model run first, then the cluster is started once for
// all the 2-worker runs: on a 2-core machine an idle cluster would still share the CPU.
import * as path from 'node:path';
import Redis from 'ioredis';
import { createInstance, ensureN8n, packPackage, runDataOf, type N8nInstance } from '../testing/n8n';
import { startPostgres, startQueueCluster, type Postgres, type QueueCluster, type QueueExecution, type StoredExecution } from '../testing/queueCluster';
import { startRedis, type RedisServer } from '../testing/redisServer';
import { theoreticalMinimumMs, type LimitOptions } from '../testing/fake-meta/limits';
import { startFakeProcess, type FakeProcess } from './fakeServer';
import { round, type BenchReport, type Row, type Target } from './report';

export type PacingModel = 'window' | 'marketingScore' | 'bucHour' | 'insightsThrottle' | 'whatsapp' | 'whatsappPairs' | 'whatsapp20' | 'whatsapp1000';
export const PACING_MODELS: readonly PacingModel[] = ['window', 'marketingScore', 'bucHour', 'insightsThrottle', 'whatsapp', 'whatsappPairs', 'whatsapp20', 'whatsapp1000'];

export interface PacingOptions {
	/** Fewer items per model (same budgets). */
	quick?: boolean;
	/** The models to run (default all; `BENCH_PACING_MODELS=window,whatsapp` narrows it too). */
	models?: PacingModel[];
	log?: (line: string) => void;
}

const TOKEN = 'EAAcanary0000SECRET0000TOKEN';
const REDIS_CREDENTIAL = { id: 'PaceRedisCred0001', name: 'Redis (pacing state)' };
const TARGET = 'Call Meta';
const PHONE_NUMBER_ID = '106540352242922';
const TIMEOUT_FLOOR_MS = 10 * 60_000;

const CONTENDERS = {
	meta: 'Meta Request (defaults)',
	http: 'HTTP Request, Retry On Fail 5 × 5,000 ms',
	queue: 'Meta Request, 2 queue-mode workers (Redis store)',
} as const;
type ContenderKey = keyof typeof CONTENDERS;

/** The wall-over-minimum targets. */
const TARGET_RATIO: Record<Exclude<ContenderKey, 'http'>, number> = { meta: 1.15, queue: 1.2 };
const TARGET_THROTTLED_PCT = 2;

// ---------------------------------------------------------------------------------------------
// The models

/**
 * Today's rolling window (testing/fake-meta/budget.ts): `calls` per `windowMs`. A perfect client
 * sends `calls` at a time, the k-th batch at (k − 1) × windowMs, so from the first call to the
 * start of the last it needs floor((n − 1) / calls) × windowMs (0 for n = 0): limits.ts's
 * definition, as bucHourMinimumMs computes it for the hour window.
 */
export function windowMinimumMs(n: number, calls: number, windowMs: number): number {
	return n > 0 ? Math.floor((n - 1) / calls) * windowMs : 0;
}

const WINDOW = { calls: 100, windowMs: 10_000, penaltyMs: 1_000 };

type ServerName = 'window' | 'marketingScore' | 'bucHour' | 'insightsThrottle' | 'whatsapp' | 'whatsapp20' | 'whatsapp1000';

/** The WhatsApp numbers of Meta's other throughput tiers (its "Throughput" page): a WhatsApp Business app number, an upgraded one. */
const BIZ_APP_NUMBER = '106540352242923';
const HIGH_NUMBER = '106540352242924';
const INSIGHTS = { accountCalls: 60, appCalls: 200, windowMs: 60_000, timeScale: 20 };

/** The limit of each fake server, as its CLI flags and as limits.ts's options. */
const SERVERS: Record<ServerName, { args: string[]; limit?: LimitOptions }> = {
	window: { args: ['--budget', `calls=${WINDOW.calls},windowMs=${WINDOW.windowMs},penaltyMs=${WINDOW.penaltyMs},style=buc`] },
	marketingScore: { args: ['--budget', 'model=marketingScore', '--time-scale', '20'], limit: { model: 'marketingScore', timeScale: 20 } },
	bucHour: { args: ['--budget', 'model=bucHour', '--time-scale', '60'], limit: { model: 'bucHour', timeScale: 60 } },
	whatsapp: { args: ['--budget', 'model=whatsapp'], limit: { model: 'whatsapp' } },
	insightsThrottle: {
		args: ['--budget', JSON.stringify({ model: 'insightsThrottle', ...INSIGHTS })],
		limit: { model: 'insightsThrottle', ...INSIGHTS },
	},
	whatsapp20: {
		args: ['--budget', JSON.stringify({ model: 'whatsapp', numbers: { [BIZ_APP_NUMBER]: 'BIZ_APP' } })],
		limit: { model: 'whatsapp', numbers: { [BIZ_APP_NUMBER]: 'BIZ_APP' } },
	},
	whatsapp1000: {
		args: ['--budget', JSON.stringify({ model: 'whatsapp', numbers: { [HIGH_NUMBER]: 'HIGH' } })],
		limit: { model: 'whatsapp', numbers: { [HIGH_NUMBER]: 'HIGH' } },
	},
};

interface ModelSpec {
	name: PacingModel;
	server: ServerName;
	/** One string per item (`$json.key` in the workflows). */
	keys: string[];
	minimumMs: number;
	/** The minimum's formula in words, with its figure. */
	formula: string;
	/** What each call is. */
	calls: string;
	/** Objects to seed after each reset. */
	seed?: { objects: Array<Record<string, unknown>>; parent?: string; edge?: string };
	/** Meta Request's parameters (the state store is added per contender). */
	meta: Record<string, unknown>;
	/** HTTP Request's parameters, given the fake server's URL. */
	http(baseUrl: string): Record<string, unknown>;
}

const seconds = (ms: number) => `${round(ms / 1000, 1)} s`;

const getObject = {
	meta: { operation: 'getObject', objectId: '={{ $json.key }}', options: {} },
	http: (baseUrl: string) => ({ url: `={{ "${baseUrl}/v24.0/" + $json.key }}` }),
};

const adIds = (n: number) => Array.from({ length: n }, (_, i) => `1203${String(i).padStart(10, '0')}`);
const ads = (ids: string[]) => ids.map((id) => ({ id, name: `Ad ${id}`, status: 'ACTIVE' }));

/**
 * `n` messages to distinct recipients, or to `recipients` of them round-robin, as `<to>#<message
 * number>`: the number makes every body distinct. Identical creates are one create to the
 * package's journal (Remember Creates, key scope Workflow): with the Redis store, the second
 * execution's identical sends were answered from the first one's journal without a call.
 */
const phones = (n: number, recipients = n) => Array.from({ length: n }, (_, i) => `4915${String(100_000_000 + (i % recipients))}#${i + 1}`);
const TO = '$json.key.split("#")[0]';
const MESSAGE = `{ messaging_product: "whatsapp", to: ${TO}, type: "text", text: { body: "Bench message " + $json.key.split("#")[1] + " to " + ${TO} } }`;

/** Messages from `number`; `options`: Meta Request's (a 1,000/s number needs more than one call at a time to be reached at all). */
const whatsappSendFrom = (number: string, options: Record<string, unknown> = {}) => ({
	meta: {
		operation: 'custom',
		method: 'POST',
		path: `${number}/messages`,
		jsonBody: `={{ JSON.stringify(${MESSAGE}) }}`,
		options,
	},
	http: (baseUrl: string) => ({
		method: 'POST',
		url: `${baseUrl}/v24.0/${number}/messages`,
		sendBody: true,
		specifyBody: 'json',
		jsonBody: `={{ JSON.stringify(${MESSAGE}) }}`,
	}),
});
const whatsappSend = whatsappSendFrom(PHONE_NUMBER_ID);
/** At 1,000 messages a second one call at a time cannot keep up (a call takes 1–3 ms in n8n): 16 at a time. */
const HIGH_CONCURRENCY = 16;

function modelSpecs(quick: boolean): Record<PacingModel, ModelSpec> {
	const n = (full: number, small: number) => (quick ? small : full);
	const windowN = n(1_000, 300);
	const marketingN = n(500, 200);
	const bucN = n(1_000, 400);
	const whatsappN = n(1_000, 300);
	const pairs = quick ? { messages: 60, recipients: 20 } : { messages: 200, recipients: 20 };
	const insightsN = n(600, 150);
	const slowN = n(300, 100);
	const highN = n(5_000, 2_000);
	const perRecipient = Math.ceil(pairs.messages / pairs.recipients);
	const limit = (server: ServerName) => SERVERS[server].limit!;
	const windowIds = adIds(windowN);
	const bucIds = adIds(bucN);
	const marketingAds = adIds(10);

	const windowMin = windowMinimumMs(windowN, WINDOW.calls, WINDOW.windowMs);
	const marketingMin = theoreticalMinimumMs(limit('marketingScore'), { reads: marketingN });
	const bucMin = theoreticalMinimumMs(limit('bucHour'), { reads: bucN });
	const whatsappMin = theoreticalMinimumMs(limit('whatsapp'), { messages: whatsappN });
	const pairsMin = theoreticalMinimumMs(limit('whatsapp'), { messages: pairs.messages, maxPerRecipient: perRecipient });
	const insightsMin = theoreticalMinimumMs(limit('insightsThrottle'), { insights: insightsN });
	const slowMin = theoreticalMinimumMs(limit('whatsapp20'), { messages: slowN, phoneNumber: BIZ_APP_NUMBER });
	const highMin = theoreticalMinimumMs(limit('whatsapp1000'), { messages: highN, phoneNumber: HIGH_NUMBER });
	return {
		window: {
			name: 'window',
			server: 'window',
			keys: windowIds,
			minimumMs: windowMin,
			formula: `window (${WINDOW.calls} calls / ${WINDOW.windowMs / 1000} s rolling, BUC style, ${WINDOW.penaltyMs} ms penalty per call while blocked): ${WINDOW.calls} calls per window, the k-th batch at (k − 1) × ${WINDOW.windowMs / 1000} s: floor((${windowN} − 1) / ${WINDOW.calls}) × ${WINDOW.windowMs / 1000} s = ${seconds(windowMin)}`,
			calls: `${windowN} GET /{ad id}`,
			seed: { objects: ads(windowIds) },
			meta: getObject.meta,
			http: getObject.http,
		},
		marketingScore: {
			name: 'marketingScore',
			server: 'marketingScore',
			keys: Array.from({ length: marketingN }, (_, i) => String(i)),
			minimumMs: marketingMin,
			formula: `marketingScore (development tier, time scale 20: max score 60, a read costs 1 point, a full score drains in 300 s / 20 = 15 s): the first 60 reads at once, the remaining ${marketingN} − 60 as the score drains at 60 points per 15 s: (${marketingN} − 60) × 15 s / 60 = ${seconds(marketingMin)}`,
			calls: `${marketingN} GET /act_1/ads?fields=id,name (10 ads seeded there; every call counts against act_1)`,
			seed: { objects: ads(marketingAds), parent: 'act_1', edge: 'ads' },
			meta: {
				operation: 'custom',
				method: 'GET',
				path: 'act_1/ads',
				queryParameters: { parameter: [{ name: 'fields', value: 'id,name' }] },
				options: {},
			},
			http: (baseUrl) => ({ url: `${baseUrl}/v24.0/act_1/ads?fields=id,name` }),
		},
		bucHour: {
			name: 'bucHour',
			server: 'bucHour',
			keys: bucIds,
			minimumMs: bucMin,
			formula: `bucHour (ads_management: 300 calls per rolling hour, time scale 60: per 60 s): 300 at a time, the k-th batch at (k − 1) × 60 s: floor((${bucN} − 1) / 300) × 60 s = ${seconds(bucMin)}`,
			calls: `${bucN} GET /{ad id} (ads_management)`,
			seed: { objects: ads(bucIds) },
			meta: getObject.meta,
			http: getObject.http,
		},
		insightsThrottle: {
			name: 'insightsThrottle',
			server: 'insightsThrottle',
			keys: Array.from({ length: insightsN }, (_, i) => String(i)),
			minimumMs: insightsMin,
			formula: `insightsThrottle (X-FB-Ads-Insights-Throttle, ${INSIGHTS.accountCalls} insights calls per ad account and ${INSIGHTS.appCalls} per app per rolling ${INSIGHTS.windowMs / 1000} s, time scale ${INSIGHTS.timeScale}: per ${INSIGHTS.windowMs / INSIGHTS.timeScale / 1000} s): ${INSIGHTS.accountCalls} at a time, the k-th batch at (k − 1) × ${INSIGHTS.windowMs / INSIGHTS.timeScale / 1000} s: floor((${insightsN} − 1) / ${INSIGHTS.accountCalls}) × ${INSIGHTS.windowMs / INSIGHTS.timeScale / 1000} s = ${seconds(insightsMin)}`,
			calls: `${insightsN} GET /act_1/insights?fields=spend (every call counts against act_1)`,
			meta: {
				operation: 'custom',
				method: 'GET',
				path: 'act_1/insights',
				queryParameters: { parameter: [{ name: 'fields', value: 'spend' }] },
				options: {},
			},
			http: (baseUrl) => ({ url: `${baseUrl}/v24.0/act_1/insights?fields=spend` }),
		},
		whatsapp20: {
			name: 'whatsapp20',
			server: 'whatsapp20',
			keys: phones(slowN),
			minimumMs: slowMin,
			formula: `whatsapp20 (a number also used with the WhatsApp Business app: 20 messages per rolling second), ${slowN} distinct recipients: floor((${slowN} − 1) / 20) × 1 s = ${seconds(slowMin)}`,
			calls: `${slowN} POST /${BIZ_APP_NUMBER}/messages, one per recipient (GET /${BIZ_APP_NUMBER}?fields=throughput,is_on_biz_app answers is_on_biz_app: true)`,
			meta: whatsappSendFrom(BIZ_APP_NUMBER).meta,
			http: whatsappSendFrom(BIZ_APP_NUMBER).http,
		},
		whatsapp1000: {
			name: 'whatsapp1000',
			server: 'whatsapp1000',
			keys: phones(highN),
			minimumMs: highMin,
			formula: `whatsapp1000 (an upgraded number, throughput.level HIGH: 1,000 messages per rolling second), ${highN} distinct recipients: floor((${highN} − 1) / 1000) × 1 s = ${seconds(highMin)}`,
			calls: `${highN} POST /${HIGH_NUMBER}/messages, one per recipient; Meta Request with Concurrency ${HIGH_CONCURRENCY}`,
			meta: whatsappSendFrom(HIGH_NUMBER, { concurrency: HIGH_CONCURRENCY }).meta,
			http: whatsappSendFrom(HIGH_NUMBER).http,
		},
		whatsapp: {
			name: 'whatsapp',
			server: 'whatsapp',
			keys: phones(whatsappN),
			minimumMs: whatsappMin,
			formula: `whatsapp (80 messages per rolling second per phone number, time scale 1), ${whatsappN} distinct recipients: floor((${whatsappN} − 1) / 80) × 1 s = ${seconds(whatsappMin)}`,
			calls: `${whatsappN} POST /${PHONE_NUMBER_ID}/messages, one per recipient`,
			meta: whatsappSend.meta,
			http: whatsappSend.http,
		},
		whatsappPairs: {
			name: 'whatsappPairs',
			server: 'whatsapp',
			keys: phones(pairs.messages, pairs.recipients),
			minimumMs: pairsMin,
			formula: `whatsappPairs (same server; one message per recipient per 6 s), ${pairs.messages} messages to ${pairs.recipients} recipients round-robin (${perRecipient} each): the larger of floor((${pairs.messages} − 1) / 80) × 1 s and (${perRecipient} − 1) × 6 s = ${seconds(pairsMin)}`,
			calls: `${pairs.messages} POST /${PHONE_NUMBER_ID}/messages, ${pairs.recipients} recipients interleaved`,
			meta: whatsappSend.meta,
			http: whatsappSend.http,
		},
	};
}

// ---------------------------------------------------------------------------------------------
// Workflows

const short: Record<PacingModel, string> = { window: 'Win', marketingScore: 'Mkt', bucHour: 'Buc', insightsThrottle: 'Ins', whatsapp: 'Wa', whatsappPairs: 'Wap', whatsapp20: 'Wa20', whatsapp1000: 'Wa1k' };
const serverShort: Record<ServerName, string> = { window: 'win', marketingScore: 'mkt', bucHour: 'buc', insightsThrottle: 'ins', whatsapp: 'wa', whatsapp20: 'wa20', whatsapp1000: 'wa1k' };
// (by the server's short name: whatsapp, whatsapp20 and whatsapp1000 must not share one)
const credentialOf = (server: ServerName) => ({ id: `PaceMeta${serverShort[server].padEnd(8, '0')}1`, name: `Meta Graph API (pacing ${server})` });

type NodeJson = Record<string, unknown>;

function node(id: string, name: string, type: string, typeVersion: number, x: number, parameters: object, extra: object = {}): NodeJson {
	return { id: `${id}-${x}`, name, type, typeVersion, position: [x, 0], parameters, ...extra };
}

function chain(id: string, name: string, nodes: NodeJson[], active = false): object {
	const connections: Record<string, unknown> = {};
	for (let i = 0; i + 1 < nodes.length; i++) connections[nodes[i].name as string] = { main: [[{ node: nodes[i + 1].name, type: 'main', index: 0 }]] };
	return { id, name, active, settings: { executionOrder: 'v1' }, nodes, connections, pinData: {} };
}

function metaRequestNode(id: string, spec: ModelSpec, store: 'memory' | 'redis'): NodeJson {
	return node(id, TARGET, 'n8n-nodes-meta-resilience.metaRequest', 1, 600, { ...spec.meta, stateStore: store }, {
		credentials: { metaGraphApi: credentialOf(spec.server), ...(store === 'redis' ? { redis: REDIS_CREDENTIAL } : {}) },
	});
}

function httpRequestNode(id: string, spec: ModelSpec, baseUrl: string): NodeJson {
	return node(
		id,
		TARGET,
		'n8n-nodes-base.httpRequest',
		4.2,
		600,
		{
			...spec.http(baseUrl),
			sendHeaders: true,
			headerParameters: { parameters: [{ name: 'Authorization', value: `Bearer ${TOKEN}` }] },
			options: {},
		},
		{ retryOnFail: true, maxTries: 5, waitBetweenTries: 5000 },
	);
}

/** Manual Trigger → Set (the keys) → Split Out → the contender: for `n8n execute`. */
function singleWorkflow(id: string, spec: ModelSpec, target: NodeJson): object {
	return chain(id, `Bench pacing: ${spec.name} ${id}`, [
		node(id, 'Run', 'n8n-nodes-base.manualTrigger', 1, 0, {}),
		node(id, 'Keys', 'n8n-nodes-base.set', 3.4, 200, {
			mode: 'manual',
			assignments: { assignments: [{ id: 'keys', name: 'keys', value: `={{ ${JSON.stringify(spec.keys)} }}`, type: 'array' }] },
			options: {},
		}),
		node(id, 'One item per key', 'n8n-nodes-base.splitOut', 1, 400, { fieldToSplitOut: 'keys', options: { destinationFieldName: 'key' } }),
		target,
	]);
}

const webhookPath = (server: ServerName) => `bench-pacing-${serverShort[server]}`;
const queueWorkflowId = (server: ServerName) => `paceQ${serverShort[server]}`;

/** Webhook (answered at once) → Split Out (body.keys) → Meta Request on the Redis store. */
function queueWorkflow(server: ServerName, spec: ModelSpec): object {
	const id = queueWorkflowId(server);
	return chain(
		id,
		`Bench pacing: ${server} on the queue`,
		[
			node(id, 'Webhook', 'n8n-nodes-base.webhook', 2, 0, { httpMethod: 'POST', path: webhookPath(server), responseMode: 'onReceived', options: {} }, { webhookId: `bench-pacing-${serverShort[server]}` }),
			node(id, 'One item per key', 'n8n-nodes-base.splitOut', 1, 400, { fieldToSplitOut: 'body.keys', options: { destinationFieldName: 'key' } }),
			metaRequestNode(id, spec, 'redis'),
		],
		true,
	);
}

// ---------------------------------------------------------------------------------------------
// Measuring

interface FakeStats {
	total: number;
	throttled: number;
}

interface Measured {
	succeeded: number;
	wallMs: number;
	stats: FakeStats;
	/** First to last request the fake server logged. */
	spanMs: number;
	extra?: string;
}

/** The arrival times of the requests the fake server logged since its last reset. */
async function callSpanMs(fake: FakeProcess): Promise<number> {
	const { requests } = await fake.admin<{ requests: Array<{ time: number }> }>('GET', 'requests?limit=1000000');
	if (requests.length === 0) return NaN;
	const times = requests.map((r) => r.time);
	return Math.max(...times) - Math.min(...times);
}

async function prepare(fake: FakeProcess, spec: ModelSpec): Promise<void> {
	await fake.admin('POST', 'reset');
	if (spec.seed) await fake.admin('POST', 'seed', spec.seed);
}

const timeoutOf = (spec: ModelSpec) => Math.max(TIMEOUT_FLOOR_MS, 20 * spec.minimumMs);
const sleep = async (ms: number) => await new Promise((resolve) => setTimeout(resolve, ms));
const successCount = (data: unknown) => (runDataOf(data)[TARGET]?.[0]?.data?.main?.[0]?.length ?? 0) as number;

async function runSingle(n8n: N8nInstance, fake: FakeProcess, spec: ModelSpec, workflowId: string, key: 'meta' | 'http'): Promise<Measured> {
	await prepare(fake, spec);
	const result = await n8n.execute(workflowId, { timeoutMs: timeoutOf(spec) });
	const stats = await fake.admin<FakeStats>('GET', 'stats');
	const task = runDataOf(result.data)[TARGET]?.[0] as { executionTime?: number; error?: unknown } | undefined;
	// HTTP Request fails as a whole (no output) when a try still has a failed item
	const succeeded = key === 'http' && task?.error ? 0 : successCount(result.data);
	const notes: string[] = [];
	if (result.timedOut) notes.push(`timed out after ${seconds(timeoutOf(spec))}`);
	else if (!task) notes.push(`no run data (exit ${result.code})`);
	return { succeeded, wallMs: task?.executionTime ?? NaN, stats, spanMs: await callSpanMs(fake), extra: notes.join('; ') || undefined };
}

const FINISHED = new Set(['success', 'error', 'crashed', 'canceled']);

async function runQueue(cluster: QueueCluster, stateRedis: RedisServer, fake: FakeProcess, spec: ModelSpec): Promise<Measured> {
	await prepare(fake, spec);
	// the package's state of the run before (another fake server's budget) must not pace this one
	const redis = new Redis({ host: '127.0.0.1', port: stateRedis.port, lazyConnect: true });
	await redis.connect();
	await redis.flushall();
	redis.disconnect();
	const workflowId = queueWorkflowId(spec.server);
	const half = Math.ceil(spec.keys.length / 2);
	const known = new Set((await cluster.executions()).map((e) => e.id));
	await Promise.all([cluster.webhook(webhookPath(spec.server), { keys: spec.keys.slice(0, half) }), cluster.webhook(webhookPath(spec.server), { keys: spec.keys.slice(half) })]);
	const deadline = Date.now() + timeoutOf(spec);
	let runs: QueueExecution[] = [];
	let timedOut = false;
	for (;;) {
		runs = (await cluster.executions()).filter((e) => e.workflowId === workflowId && !known.has(e.id));
		if (runs.length >= 2 && runs.every((run) => FINISHED.has(run.status))) break;
		if (Date.now() > deadline) {
			timedOut = true;
			// stop what still runs, so the next model's runs find the workers free
			for (const run of runs.filter((r) => !FINISHED.has(r.status))) {
				await cluster.request(`/rest/executions/${run.id}/stop`, { method: 'POST' }).catch(() => undefined);
			}
			break;
		}
		await sleep(500);
	}
	let succeeded = 0;
	for (const run of runs.filter((r) => FINISHED.has(r.status))) {
		const execution: StoredExecution = await cluster.execution(run.id);
		succeeded += successCount(execution);
	}
	const stats = await fake.admin<FakeStats>('GET', 'stats');
	const spanMs = await callSpanMs(fake);
	const starts = runs.map((r) => Date.parse(r.startedAt ?? '')).filter(Number.isFinite);
	const stops = runs.map((r) => Date.parse(r.stoppedAt ?? '')).filter(Number.isFinite);
	const executionsMs = starts.length && stops.length ? Math.max(...stops) - Math.min(...starts) : NaN;
	const workers = runs.map((r) => (r.worker === undefined ? '?' : String(r.worker))).sort();
	const notes = [`executions ${seconds(executionsMs)} start to stop, workers ${workers.join('+')}`];
	if (timedOut) notes.push(`timed out after ${seconds(timeoutOf(spec))}: ${runs.map((r) => r.status).join(', ')}`);
	return { succeeded, wallMs: spanMs, stats, spanMs, extra: notes.join('; ') };
}

/**
 * npm 7+ installs peer dependencies: the tarball's `n8n-workflow: *` peer then brings the newest
 * n8n-workflow and its isolated-vm, whose native build fails on Node 20. n8n provides
 * n8n-workflow itself, so the package is installed without peers.
 */
async function withoutPeerInstall<T>(fn: () => Promise<T>): Promise<T> {
	const before = process.env.npm_config_legacy_peer_deps;
	process.env.npm_config_legacy_peer_deps = 'true';
	try {
		return await fn();
	} finally {
		if (before === undefined) delete process.env.npm_config_legacy_peer_deps;
		else process.env.npm_config_legacy_peer_deps = before;
	}
}

function row(spec: ModelSpec, key: ContenderKey, m: Measured | Error): Row {
	const items = spec.keys.length;
	if (m instanceof Error) {
		return { model: spec.name, contender: CONTENDERS[key], items, succeeded: 0, failed: items, throttledPct: undefined, wallOverMinimum: undefined, 'minimum s': round(spec.minimumMs / 1000, 1), seen: `error: ${m.message.split('\n')[0].slice(0, 200)}` };
	}
	return {
		model: spec.name,
		contender: CONTENDERS[key],
		items,
		succeeded: m.succeeded,
		failed: items - m.succeeded,
		throttledPct: round((100 * m.stats.throttled) / Math.max(1, m.stats.total), 1),
		wallOverMinimum: round(m.wallMs / spec.minimumMs),
		calls: m.stats.total,
		throttled: m.stats.throttled,
		'wall s': round(m.wallMs / 1000, 1),
		'minimum s': round(spec.minimumMs / 1000, 1),
		'calls span s': round(m.spanMs / 1000, 1),
		seen: m.extra,
	};
}

function target(spec: ModelSpec, key: 'meta' | 'queue', r: Row | undefined): Target {
	const ratio = TARGET_RATIO[key];
	const what = `${spec.name}, ${CONTENDERS[key]}: 100 % succeeded, ≤ ${TARGET_THROTTLED_PCT} % throttled, ≤ ${ratio}× the minimum`;
	if (!r || r.throttledPct === undefined) return { what, value: 'not measured', met: false };
	const items = spec.keys.length;
	return {
		what,
		value: `${r.succeeded}/${items} ok, ${r.throttledPct} % throttled, ${r.wallOverMinimum}×`,
		met: r.succeeded === items && Number(r.throttledPct) <= TARGET_THROTTLED_PCT && Number(r.wallOverMinimum) <= ratio,
	};
}

export async function runPacing(options: PacingOptions = {}): Promise<BenchReport> {
	const log = options.log ?? (() => {});
	const fromEnv = process.env.BENCH_PACING_MODELS?.split(',').map((s) => s.trim()).filter(Boolean) as PacingModel[] | undefined;
	const models = options.models ?? fromEnv ?? [...PACING_MODELS];
	const unknown = models.filter((m) => !PACING_MODELS.includes(m));
	if (unknown.length) throw new Error(`unknown pacing model ${unknown.join(', ')} (known: ${PACING_MODELS.join(', ')})`);
	const all = modelSpecs(options.quick ?? false);
	const specs = models.map((m) => all[m]);
	const servers = [...new Set(specs.map((s) => s.server))];

	log('pacing: installing n8n 1.123.50 (cached after the first run) and packing the package...');
	const env = await ensureN8n('1', log);
	const tgz = await packPackage(path.resolve(__dirname, '..', '..'));
	const fakes = new Map<ServerName, FakeProcess>();
	const results = new Map<string, Measured | Error>();
	const resultKey = (model: PacingModel, key: ContenderKey) => `${model} ${key}`;
	const measure = async (spec: ModelSpec, key: ContenderKey, fn: () => Promise<Measured>) => {
		log(`pacing: ${spec.name}, ${CONTENDERS[key]}, ${spec.keys.length} items (minimum ${seconds(spec.minimumMs)})...`);
		const started = Date.now();
		try {
			const m = await fn();
			results.set(resultKey(spec.name, key), m);
			log(`pacing: ${spec.name}, ${CONTENDERS[key]}: ${m.succeeded} ok, ${m.stats.throttled}/${m.stats.total} throttled, wall ${seconds(m.wallMs)} (${round(m.wallMs / spec.minimumMs)}×), ${seconds(Date.now() - started)} in all`);
		} catch (error) {
			results.set(resultKey(spec.name, key), error as Error);
			log(`pacing: ${spec.name}, ${CONTENDERS[key]} failed: ${(error as Error).stack ?? String(error)}`);
		}
	};

	try {
		for (const server of servers) {
			fakes.set(server, await startFakeProcess(['--token', TOKEN, ...SERVERS[server].args, '--log-limit', '1000000']));
		}
		const metaCredentials = servers.map((server) => ({
			...credentialOf(server),
			type: 'metaGraphApi',
			data: { accessToken: TOKEN, appSecret: '', apiVersion: 'v24.0', baseUrl: fakes.get(server)!.url },
		}));

		// (a) and (b): one n8n process per run
		let n8n: N8nInstance | undefined;
		try {
			n8n = await withoutPeerInstall(async () => await createInstance(env, tgz));
			await n8n.importCredentials(metaCredentials);
			const wfs = specs.flatMap((spec) => [
				singleWorkflow(`pace${short[spec.name]}Meta`, spec, metaRequestNode(`pace${short[spec.name]}Meta`, spec, 'memory')),
				singleWorkflow(`pace${short[spec.name]}Http`, spec, httpRequestNode(`pace${short[spec.name]}Http`, spec, fakes.get(spec.server)!.url)),
			]);
			const ids = await n8n.importWorkflows(wfs);
			for (const [i, spec] of specs.entries()) {
				const fake = fakes.get(spec.server)!;
				await measure(spec, 'meta', async () => await runSingle(n8n!, fake, spec, ids[2 * i], 'meta'));
				await measure(spec, 'http', async () => await runSingle(n8n!, fake, spec, ids[2 * i + 1], 'http'));
			}
		} catch (error) {
			for (const spec of specs) for (const key of ['meta', 'http'] as const) if (!results.has(resultKey(spec.name, key))) results.set(resultKey(spec.name, key), error as Error);
			log(`pacing: the single-process runs failed: ${(error as Error).stack ?? String(error)}`);
		} finally {
			await n8n?.dispose();
		}

		// (c): one queue-mode cluster for every model
		let postgres: Postgres | undefined;
		let queueRedis: RedisServer | undefined;
		let stateRedis: RedisServer | undefined;
		let cluster: QueueCluster | undefined;
		try {
			log('pacing: starting the queue-mode cluster (PostgreSQL, Redis for the queue and for the state, n8n main + 2 workers)...');
			[postgres, queueRedis, stateRedis] = await Promise.all([startPostgres(), startRedis(), startRedis()]);
			const redisPort = stateRedis.port;
			// concurrency 1: the two executions of a run go to the two workers, one each
			cluster = await withoutPeerInstall(async () => await startQueueCluster({ line: '1', tgz, workers: 2, concurrency: 1, redis: queueRedis!.connection, postgres: postgres! }));
			await cluster.importCredentials([
				...metaCredentials,
				{ ...REDIS_CREDENTIAL, type: 'redis', data: { host: '127.0.0.1', port: redisPort, database: 0, password: '', ssl: false } },
			]);
			// one workflow per fake server (whatsappPairs uses whatsapp's), the first model's spec for it
			await cluster.importWorkflows(servers.map((server) => queueWorkflow(server, specs.find((s) => s.server === server)!)));
			await cluster.start();
			for (const spec of specs) {
				await measure(spec, 'queue', async () => await runQueue(cluster!, stateRedis!, fakes.get(spec.server)!, spec));
			}
		} catch (error) {
			for (const spec of specs) if (!results.has(resultKey(spec.name, 'queue'))) results.set(resultKey(spec.name, 'queue'), error as Error);
			log(`pacing: the queue-mode runs failed: ${(error as Error).stack ?? String(error)}`);
		} finally {
			await cluster?.stop();
			await Promise.all([queueRedis?.stop(), stateRedis?.stop()]);
			await postgres?.stop();
		}
	} finally {
		await Promise.all([...fakes.values()].map(async (fake) => await fake.stop()));
	}

	const rows: Row[] = [];
	const targets: Target[] = [];
	for (const spec of specs) {
		const byKey = {} as Record<ContenderKey, Row | undefined>;
		for (const key of Object.keys(CONTENDERS) as ContenderKey[]) {
			const m = results.get(resultKey(spec.name, key));
			if (m === undefined) continue;
			byKey[key] = row(spec, key, m);
			rows.push(byKey[key]);
		}
		targets.push(target(spec, 'meta', byKey.meta), target(spec, 'queue', byKey.queue));
	}
	return {
		name: 'pacing',
		title: `Pacing against Meta's limit models in real n8n ${env.version}${options.quick ? ' (quick: fewer items)' : ''}`,
		rows,
		targets,
		notes: [
			'minimum: the least time from the first call to the start of the last in which a perfect client makes the calls without a refusal (testing/fake-meta/limits.ts):',
			...specs.map((spec) => `  ${spec.formula}; calls: ${spec.calls}`),
			`wall: for ${CONTENDERS.meta} and ${CONTENDERS.http}, the node's own executionTime in the run data of \`n8n execute\`; for ${CONTENDERS.queue}, the first to the last request as the fake server logged their arrival (the executions' start-to-stop span is in "seen")`,
			'"calls span s" is that first-to-last request span for every row; wallOverMinimum = wall / minimum (for a row that did not succeed in full, it says how soon the contender gave up, not how fast it was)',
			`${CONTENDERS.queue}: the items split in two halves (first and second), one webhook execution each, fired together; each worker runs one job at a time, so each takes one; the package's Redis is flushed before each model`,
			'calls, throttled and throttledPct (100 × throttled / calls) come from the fake server (GET /__admin/stats), reset and seeded before each contender; one fake server process per model (whatsappPairs shares whatsapp\'s)',
			`timeout per run: max(10 min, 20 × the minimum); the single-process runs of every model come first, then one queue-mode cluster (main + 2 workers, PostgreSQL, 2 redis-servers) for the 2-worker runs`,
		],
	};
}
