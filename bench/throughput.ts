// Throttled throughput inside real n8n: the same items, the same BUC-style budget, through
// (a) Meta Request with its defaults and (b) n8n's HTTP Request node with Retry On Fail at its
// maximum (5 tries, 5,000 ms apart). The server is reset between the contenders.
import * as path from 'node:path';
import { createInstance, ensureN8n, packPackage, runDataOf, type N8nInstance } from '../testing/n8n';
import { startFakeProcess, type FakeProcess } from './fake-server';
import { round, type BenchReport, type Row } from './report';

export interface ThroughputOptions {
	items?: number;
	/** Calls allowed per window. */
	calls?: number;
	windowMs?: number;
	/** Extra block per call made while blocked. */
	penaltyMs?: number;
	log?: (line: string) => void;
}

const TOKEN = 'EAAcanary0000SECRET0000TOKEN';
const CREDENTIAL = { id: 'MetaBenchCred0001', name: 'Meta Graph API (bench)' };
const TARGET = 'Call Meta';

interface FakeStats {
	total: number;
	throttled: number;
}

/** Manual Trigger → Set (the ids) → Split Out → the contender. */
function workflow(id: string, name: string, ids: string[], target: Record<string, unknown>): object {
	const node = (n: string, type: string, typeVersion: number, x: number, parameters: object, extra: object = {}) => ({
		id: `${id}-${x}`,
		name: n,
		type,
		typeVersion,
		position: [x, 0],
		parameters,
		...extra,
	});
	return {
		id,
		name,
		settings: { executionOrder: 'v1' },
		nodes: [
			node('Run', 'n8n-nodes-base.manualTrigger', 1, 0, {}),
			node('Ids', 'n8n-nodes-base.set', 3.4, 200, {
				mode: 'manual',
				assignments: { assignments: [{ id: 'ids', name: 'adIds', value: `={{ ${JSON.stringify(ids)} }}`, type: 'array' }] },
				options: {},
			}),
			node('One item per id', 'n8n-nodes-base.splitOut', 1, 400, { fieldToSplitOut: 'adIds', options: { destinationFieldName: 'adId' } }),
			{ ...node(TARGET, '', 1, 600, {}), ...target },
		],
		connections: {
			Run: { main: [[{ node: 'Ids', type: 'main', index: 0 }]] },
			Ids: { main: [[{ node: 'One item per id', type: 'main', index: 0 }]] },
			'One item per id': { main: [[{ node: TARGET, type: 'main', index: 0 }]] },
		},
		pinData: {},
	};
}

function metaRequestNode(options: Record<string, unknown> = {}) {
	return {
		type: 'n8n-nodes-meta-resilience.metaRequest',
		typeVersion: 1,
		parameters: { operation: 'getObject', objectId: '={{ $json.adId }}', options },
		credentials: { metaGraphApi: CREDENTIAL },
	};
}

function httpRequestNode(baseUrl: string) {
	return {
		type: 'n8n-nodes-base.httpRequest',
		typeVersion: 4.2,
		parameters: {
			url: `={{ "${baseUrl}/v24.0/" + $json.adId }}`,
			sendHeaders: true,
			headerParameters: { parameters: [{ name: 'Authorization', value: `Bearer ${TOKEN}` }] },
			options: {},
		},
		retryOnFail: true,
		maxTries: 5,
		waitBetweenTries: 5000,
	};
}

/**
 * npm 7+ installs peer dependencies: the tarball's `n8n-workflow: *` peer then brings the newest
 * n8n-workflow and its isolated-vm, whose native build fails on Node 20. n8n provides
 * n8n-workflow itself, so the package is installed without peers (npm reads this from the
 * environment the harness passes on).
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

interface Contender {
	name: string;
	workflowId: string;
	/** Items that reached the contender's success output. */
	succeeded(data: any): number;
}

export async function runThroughput(options: ThroughputOptions = {}): Promise<BenchReport> {
	const items = options.items ?? 1_000;
	const calls = options.calls ?? 100;
	const windowMs = options.windowMs ?? 10_000;
	const penaltyMs = options.penaltyMs ?? 1_000;
	const log = options.log ?? (() => {});
	const minimumS = (items / calls) * (windowMs / 1000);
	const ids = Array.from({ length: items }, (_, i) => `1203${String(i).padStart(10, '0')}`);

	log('throughput: installing n8n 1.123.50 (cached after the first run) and packing the package...');
	const env = await ensureN8n('1', log);
	const tgz = await packPackage(path.resolve(__dirname, '..', '..'));
	const fake: FakeProcess = await startFakeProcess([
		'--token', TOKEN,
		'--budget', `calls=${calls},windowMs=${windowMs},penaltyMs=${penaltyMs},style=buc`,
		'--log-limit', '1000',
	]);
	let n8n: N8nInstance | undefined;
	const rows: Row[] = [];
	const targets = [];
	try {
		n8n = await withoutPeerInstall(async () => await createInstance(env, tgz));
		await n8n.importCredentials([
			{ ...CREDENTIAL, type: 'metaGraphApi', data: { accessToken: TOKEN, appSecret: '', apiVersion: 'v24.0', baseUrl: fake.url } },
		]);
		const contenders: Contender[] = [
			{
				name: 'Meta Request (defaults)',
				workflowId: await n8n.importWorkflow(workflow('benchMetaRequest', 'Bench: Meta Request', ids, metaRequestNode())),
				succeeded: (data) => runDataOf(data)[TARGET]?.[0]?.data?.main?.[0]?.length ?? 0,
			},
			{
				// The default spacing reaches 60 s at 100 %, sized for Meta's hour-long windows; this
				// shows the same node with the spacing scaled to the bench's short window.
				name: `Meta Request, Throttle Max Delay ${windowMs} ms`,
				workflowId: await n8n.importWorkflow(
					workflow('benchMetaRequestTuned', 'Bench: Meta Request (tuned)', ids, metaRequestNode({ throttleMaxDelayMs: windowMs })),
				),
				succeeded: (data) => runDataOf(data)[TARGET]?.[0]?.data?.main?.[0]?.length ?? 0,
			},
			{
				name: 'HTTP Request, Retry On Fail 5 × 5,000 ms',
				workflowId: await n8n.importWorkflow(workflow('benchHttpRequest', 'Bench: HTTP Request', ids, httpRequestNode(fake.url))),
				// The node fails as a whole (no output) when a try still has a failed item.
				succeeded: (data) => (runDataOf(data)[TARGET]?.[0]?.error ? 0 : (runDataOf(data)[TARGET]?.[0]?.data?.main?.[0]?.length ?? 0)),
			},
		];
		for (const contender of contenders) {
			await fake.admin('POST', 'reset');
			await fake.admin('POST', 'seed', { objects: ids.map((id) => ({ id, name: `Ad ${id}`, status: 'ACTIVE' })) });
			log(`throughput: ${contender.name}, ${items} items...`);
			const started = Date.now();
			const result = await n8n.execute(contender.workflowId, { timeoutMs: Math.max(10 * 60_000, minimumS * 1000 * 20) });
			const cliS = (Date.now() - started) / 1000;
			const stats = await fake.admin<FakeStats>('GET', 'stats');
			const task = runDataOf(result.data)[TARGET]?.[0] as { executionTime?: number } | undefined;
			const nodeS = (task?.executionTime ?? NaN) / 1000;
			const succeeded = contender.succeeded(result.data);
			rows.push({
				contender: contender.name,
				items,
				succeeded,
				failed: items - succeeded,
				'calls made': stats.total,
				throttled: stats.throttled,
				'throttled %': round((100 * stats.throttled) / Math.max(1, stats.total), 1),
				'node wall s': round(nodeS, 1),
				'n8n run s': round(cliS, 1),
				'wall / minimum': round(nodeS / minimumS),
			});
			if (result.timedOut) log(`throughput: ${contender.name} timed out`);
		}
		const own = rows[0];
		const ratio = Number(own['wall / minimum']);
		targets.push({
			what: 'Meta Request: 100 % success at ≤ 1.15× the theoretical minimum with ≤ 2 % throttled calls',
			value: `${own.succeeded}/${items} ok, ${ratio}×, ${own['throttled %']} % throttled`,
			met: own.succeeded === items && ratio <= 1.15 && Number(own['throttled %']) <= 2,
		});
	} finally {
		await n8n?.dispose();
		await fake.stop();
	}
	return {
		name: 'throughput',
		title: `Throttled throughput in real n8n ${env.version}: ${items} items, budget ${calls} calls / ${windowMs / 1000} s, penalty ${penaltyMs} ms per call while blocked`,
		rows,
		targets,
		notes: [
			`theoretical minimum: ${items} items / (${calls} calls per ${windowMs / 1000} s) = ${round(minimumS, 1)} s`,
			'"node wall s" is the node\'s own execution time in the run data; "n8n run s" adds the n8n CLI start',
			'calls made and throttled come from the fake server, reset before each contender',
		],
	};
}
