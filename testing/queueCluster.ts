/**
 * Real n8n in queue mode, for end-to-end tests and benchmarks: a throw-away PostgreSQL
 * (startPostgres), then one n8n main (`n8n start`: REST API, webhooks), N workers (`n8n worker`)
 * and, if asked, webhook processes (`n8n webhook`: production webhooks beside the main's) that
 * share it and a Redis (testing/redisServer.ts), each with this package's tarball installed the way
 * a user installs it (testing/n8n.ts).
 *
 * ```ts
 * const postgres = await startPostgres();
 * const redis = await startRedis();
 * const cluster = await startQueueCluster({ line: '1', tgz, workers: 2, redis: redis.connection, postgres });
 * await cluster.importCredentials([credential]);
 * await cluster.importWorkflows([{ ...webhookWorkflow, active: true }]); // before start()
 * await cluster.start();
 * const answer = await cluster.webhook('my-path', { some: 'body' });
 * await cluster.stop(); await redis.stop(); await postgres.stop();
 * ```
 *
 * Every process started here is killed when the test process exits, and its temp dir removed.
 * No jest imports: tsconfig.tools.json compiles this file for the benchmarks.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, promises as fs, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';

import { ensureDebianPackage } from './debian';
import {
	createInstance,
	ensureN8n,
	freePort,
	mustRun,
	run,
	startProcess,
	type Editor,
	type N8nInstance,
	type N8nLine,
	type RunResult,
	type SpawnOptions,
	type StartedProcess,
	untilWebhookAt,
} from './n8n';

const MINUTE = 60_000;

const tempDirs = new Set<string>();
// testing/n8n.ts kills the processes on exit; their folders go here (sync: exit handlers cannot wait)
process.once('exit', () => {
	for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

const sleep = async (ms: number) => await new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `ready` until it holds; throws with the process's last lines when it exits or time runs out. */
async function waitFor(what: string, proc: StartedProcess, ready: () => Promise<boolean>, timeoutMs: number): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		if (!proc.running()) throw new Error(`${what} exited before it was ready:\n${proc.recent().join('\n')}`);
		if (await ready().catch(() => false)) return;
		if (Date.now() > deadline) throw new Error(`${what} was not ready after ${timeoutMs} ms:\n${proc.recent().join('\n')}`);
		await sleep(250);
	}
}

// ---------------------------------------------------------------------------------------------
// PostgreSQL

export interface PostgresConnection {
	/** 127.0.0.1 when left out. */
	host?: string;
	port: number;
	database: string;
	user: string;
	password?: string;
}

export interface Postgres extends PostgresConnection {
	host: string;
	/** Rows of a SELECT, through psql (values as JSON gives them: numbers, strings, null). */
	query<T = Record<string, unknown>>(sql: string): Promise<T[]>;
	/** Fast shutdown, then the data directory is removed. */
	stop(): Promise<void>;
}

const POSTGRES_HINT =
	'PostgreSQL server binaries (initdb, postgres, pg_ctl, psql) were not found: install them with `sudo apt-get install postgresql` (Debian/Ubuntu), or put their directory on PATH';

/** Debian keeps them out of PATH, one directory per major version; elsewhere they are on PATH. */
function findPostgresBin(): string | undefined {
	const debian = '/usr/lib/postgresql';
	const versions = existsSync(debian) ? readdirSync(debian).sort((a, b) => Number(b) - Number(a)) : [];
	const candidates = [...versions.map((v) => path.join(debian, v, 'bin')), ...(process.env.PATH ?? '').split(path.delimiter)];
	return candidates.find((dir) => dir && ['initdb', 'postgres', 'pg_ctl', 'psql'].every((bin) => existsSync(path.join(dir, bin))));
}

/** The directory of the server binaries: installs PostgreSQL once when root with apt-get, else says what to install. */
export async function postgresBinDir(): Promise<string> {
	await ensureDebianPackage('postgresql', () => findPostgresBin() !== undefined, POSTGRES_HINT);
	return findPostgresBin()!;
}

/** PostgreSQL refuses to run as root: as root, its processes run as the `postgres` user. */
async function postgresUser(): Promise<{ uid?: number; gid?: number }> {
	if (process.getuid?.() !== 0) return {};
	const id = async (flag: string) => {
		const r = await run('id', [flag, 'postgres'], { timeoutMs: MINUTE });
		return r.code === 0 ? Number(r.stdout.trim()) : undefined;
	};
	const [uid, gid] = [await id('-u'), await id('-g')];
	if (uid === undefined || gid === undefined) {
		throw new Error('PostgreSQL refuses to run as root, and there is no `postgres` user to run it as: create one (`useradd --system postgres`) or run the tests as another user');
	}
	return { uid, gid };
}

/** The environment without PG* settings, which would point psql and pg_ctl elsewhere. */
function postgresEnv(): NodeJS.ProcessEnv {
	return Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('PG')));
}

async function psql<T>(bin: string, conn: PostgresConnection, sql: string): Promise<T[]> {
	const r = await run(
		path.join(bin, 'psql'),
		// one JSON value: every row of the query as an object
		['-X', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-c', `select coalesce(json_agg(q), '[]'::json) from (${sql}) q`],
		{
			env: {
				...postgresEnv(),
				PGHOST: conn.host ?? '127.0.0.1',
				PGPORT: String(conn.port),
				PGUSER: conn.user,
				PGDATABASE: conn.database,
				...(conn.password ? { PGPASSWORD: conn.password } : {}),
			},
			timeoutMs: MINUTE,
		},
	);
	if (r.code !== 0) throw new Error(`psql failed (exit ${r.code}): ${r.stderr.trim()}\n${sql}`);
	return JSON.parse(r.stdout) as T[];
}

/**
 * A PostgreSQL server of its own: a temp data directory (no fsync: nothing here must survive),
 * a free port on 127.0.0.1, its socket in the temp directory, trust authentication, and an empty
 * database `n8n` owned by the superuser `postgres`.
 */
export async function startPostgres(opts: { log?: (line: string) => void } = {}): Promise<Postgres> {
	const bin = await postgresBinDir();
	const user = await postgresUser();
	const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'mr-pg-'));
	tempDirs.add(dir);
	const dataDir = path.join(dir, 'data');
	// cwd: the postgres user may not enter the caller's directory
	const as: SpawnOptions = { cwd: dir, env: postgresEnv(), ...user };
	let server: StartedProcess | undefined;
	const remove = async () => {
		await server?.stop({ graceMs: 5_000 });
		await fs.rm(dir, { recursive: true, force: true });
		tempDirs.delete(dir);
	};
	try {
		if (user.uid !== undefined) await fs.chown(dir, user.uid, user.gid!);
		await mustRun(path.join(bin, 'initdb'), ['-D', dataDir, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--locale=C', '--no-sync'], {
			...as,
			timeoutMs: 2 * MINUTE,
		});
		const port = await freePort();
		const settings = ['listen_addresses=127.0.0.1', 'fsync=off', 'synchronous_commit=off', 'full_page_writes=off', 'max_connections=200'];
		server = startProcess(path.join(bin, 'postgres'), ['-D', dataDir, '-p', String(port), '-k', dir, ...settings.flatMap((s) => ['-c', s])], {
			...as,
			log: opts.log,
		});
		const conn: PostgresConnection = { host: '127.0.0.1', port, database: 'postgres', user: 'postgres' };
		const ready = async () => (await run(path.join(bin, 'pg_isready'), ['-q', '-h', '127.0.0.1', '-p', String(port)], { timeoutMs: 10_000 })).code === 0;
		await waitFor('postgres', server, ready, MINUTE);
		await psql(bin, conn, 'select 1');
		await mustRun(path.join(bin, 'createdb'), ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', 'n8n'], {
			env: postgresEnv(),
			timeoutMs: MINUTE,
		});
		const db = { ...conn, host: '127.0.0.1', database: 'n8n' };
		return {
			...db,
			query: async <T>(sql: string) => await psql<T>(bin, db, sql),
			stop: async () => {
				// fast shutdown ends the sessions and frees the shared memory; the process is then reaped
				if (server?.running()) await run(path.join(bin, 'pg_ctl'), ['stop', '-D', dataDir, '-m', 'fast', '-w', '-t', '30'], { ...as, timeoutMs: MINUTE });
				await remove();
			},
		};
	} catch (error) {
		await remove();
		throw error;
	}
}

// ---------------------------------------------------------------------------------------------
// The cluster

export interface QueueClusterOptions {
	line: N8nLine;
	/** The package tarball to install (packPackage, or META_E2E_TGZ in the e2e suite). */
	tgz: string;
	workers: number;
	/** testing/redisServer.ts's `connection` fits. */
	redis: { host: string; port: number; database?: number; user?: string; password?: string; tls?: boolean };
	postgres: PostgresConnection;
	/** Extra n8n settings for every process; they win over the harness's. */
	env?: NodeJS.ProcessEnv;
	/** Extra settings for worker `index` only (e.g. a variable naming it). */
	workerEnv?: (index: number) => NodeJS.ProcessEnv;
	/** `n8n webhook` processes that take production webhooks beside the main (default 0). */
	webhookProcesses?: number;
	/** Jobs each worker runs at once (`n8n worker --concurrency`, n8n's default 10). */
	concurrency?: number;
	/** Every log line of every process, prefixed `[main]`, `[worker i]` or `[webhook i]`. */
	log?: (line: string) => void;
	/** For each process to become ready (default 3 min). */
	timeoutMs?: number;
}

export interface QueueExecution {
	id: string;
	/** new, running, success, error, crashed, canceled, waiting */
	status: string;
	workflowId: string;
	/** webhook, retry, trigger, ... */
	mode: string;
	finished: boolean;
	retryOf: string | null;
	retrySuccessId: string | null;
	startedAt: string | null;
	stoppedAt: string | null;
	/** The worker whose log says it started this execution (the last one, when a dead worker's job ran again elsewhere). */
	worker?: number;
}

/** An execution as n8n's REST API gives it, its run data unflattened. */
export interface StoredExecution {
	id: string;
	status: string;
	finished: boolean;
	mode: string;
	workflowId: string;
	retryOf?: string | null;
	retrySuccessId?: string | null;
	/** The run data: read it with runDataOf / nodeOutput of testing/n8n.ts (pass the whole execution). */
	data: { resultData: { runData: Record<string, unknown>; error?: { message?: string }; lastNodeExecuted?: string } };
}

export interface QueueCluster {
	line: N8nLine;
	version: string;
	/** The main's URL (REST API, webhooks); empty until start(). */
	readonly url: string;
	/** The URL of each webhook process; each has every imported webhook registered once start() resolves. */
	readonly webhookProcessUrls: string[];
	importCredentials(creds: Array<{ id: string; name: string; type: string; data: object }>): Promise<void>;
	/** Imports workflows; those with `active: true` are activated (before start(): n8n activates them when it starts). */
	importWorkflows(wfs: object[]): Promise<string[]>;
	/** Starts the main, every worker and webhook process; resolves once all are ready and every imported webhook is registered. */
	start(): Promise<void>;
	/** POSTs `body` as JSON to the main's /webhook/<path>; resolves to the parsed answer, throws on a non-2xx status. */
	webhook<T = any>(path: string, body?: unknown, init?: RequestInit): Promise<T>;
	/** fetch() on the main, logged in as the owner. */
	request(pathname: string, init?: RequestInit): Promise<Response>;
	/** Sends `signal` to worker `index` (and its task runner) and waits until it has exited. */
	killWorker(index: number, signal?: NodeJS.Signals): Promise<void>;
	/** Starts worker `index` again (same folder and settings) and waits until it is ready. */
	startWorker(index: number): Promise<void>;
	/** The pid of each worker, undefined for one that is not running. */
	workerPids(): Array<number | undefined>;
	/** Every execution in the database, oldest first. */
	executions(): Promise<QueueExecution[]>;
	/** One execution with its run data, from the REST API. */
	execution(id: string): Promise<StoredExecution>;
	/**
	 * n8n's own retry of a failed execution, as the editor asks for it: resolves, once the retry
	 * has finished, to the retry's execution (its run data read back: 2.x's answer leaves it out).
	 */
	retryExecution(id: string, opts?: { loadWorkflow?: boolean }): Promise<StoredExecution>;
	/** Any n8n CLI command with the main's settings. */
	cli(args: string[], opts?: { timeoutMs?: number }): Promise<RunResult>;
	/** The last log lines of each process, for error messages. */
	recentLogs(): Record<string, string[]>;
	/** Stops every process and removes the user folders (the database stays). */
	stop(): Promise<void>;
}

export const QUEUE_OWNER = { email: 'queue@example.com', password: 'QueueTest1234', firstName: 'Queue', lastName: 'Owner' };

/** The webhooks of a workflow that the main (and each webhook process) must have registered before it is ready. */
function webhooksOf(wf: object): Array<{ method: string; path: string }> {
	const nodes = ((wf as { nodes?: unknown[] }).nodes ?? []) as Array<{ type?: string; disabled?: boolean; webhookId?: string; parameters?: Record<string, unknown> }>;
	return nodes
		.filter((node) => !node.disabled)
		.flatMap((node) => {
			if (node.type === 'n8n-nodes-base.webhook') return [{ method: String(node.parameters?.httpMethod ?? 'GET'), path: String(node.parameters?.path ?? '') }];
			// the Meta Webhook Trigger's fixed path under its webhookId
			if (node.type?.endsWith('.metaWebhookTrigger') && node.webhookId) return [{ method: 'POST', path: `${node.webhookId}/webhook` }];
			return [];
		})
		// a path with parameters lives under the node's webhookId: not probed
		.filter((webhook) => webhook.path && !webhook.path.includes(':'));
}

export async function startQueueCluster(opts: QueueClusterOptions): Promise<QueueCluster> {
	const env = await ensureN8n(opts.line);
	const timeoutMs = opts.timeoutMs ?? 3 * MINUTE;
	const { redis, postgres } = opts;
	const shared: NodeJS.ProcessEnv = {
		EXECUTIONS_MODE: 'queue',
		DB_TYPE: 'postgresdb',
		DB_POSTGRESDB_HOST: postgres.host ?? '127.0.0.1',
		DB_POSTGRESDB_PORT: String(postgres.port),
		DB_POSTGRESDB_DATABASE: postgres.database,
		DB_POSTGRESDB_USER: postgres.user,
		DB_POSTGRESDB_PASSWORD: postgres.password ?? '',
		QUEUE_BULL_REDIS_HOST: redis.host,
		QUEUE_BULL_REDIS_PORT: String(redis.port),
		QUEUE_BULL_REDIS_DB: String(redis.database ?? 0),
		...(redis.user ? { QUEUE_BULL_REDIS_USERNAME: redis.user } : {}),
		...(redis.password ? { QUEUE_BULL_REDIS_PASSWORD: redis.password } : {}),
		...(redis.tls ? { QUEUE_BULL_REDIS_TLS: 'true' } : {}),
		// every process decrypts the credentials another one saved
		N8N_ENCRYPTION_KEY: randomBytes(24).toString('hex'),
		// A dead worker's job is seen once its lock expires and a stall check finds it (then 1.x runs
		// it again on another worker, 2.x fails it): seconds here instead of n8n's 60 s lock and 30 s
		// checks. 2.x's main still takes about 40 s more to report the failure
		QUEUE_WORKER_LOCK_DURATION: '10000',
		QUEUE_WORKER_LOCK_RENEW_TIME: '2000',
		QUEUE_WORKER_STALLED_INTERVAL: '5000',
		...opts.env,
	};

	// One user folder per process, as each container of a real deployment has its own: n8n keeps
	// its event log there, and a worker that starts marks the executions that log leaves
	// unfinished as crashed (a folder shared by two workers had successful runs marked crashed)
	const webhookProcessCount = opts.webhookProcesses ?? 0;
	const instances = await Promise.all(Array.from({ length: 1 + opts.workers + webhookProcessCount }, () => createInstance(env, opts.tgz, { env: shared })));
	for (const instance of instances) tempDirs.add(instance.userFolder);
	const [main, ...others] = instances as [N8nInstance, ...N8nInstance[]];
	const workerHomes = others.slice(0, opts.workers);
	const webhookHomes = others.slice(opts.workers);
	// run data is stored and served in n8n's `flatted` format: parsed by n8n's own copy
	const { parse: unflatten } = createRequire(env.n8nBin)('flatted') as { parse: (text: string) => unknown };

	let editor: Editor | undefined;
	let mainLog: string[] = [];
	const workers: Array<StartedProcess | undefined> = workerHomes.map(() => undefined);
	const webhookProcesses: Array<{ proc: StartedProcess; url: string }> = [];
	const webhooks: Array<{ method: string; path: string }> = [];
	const startedBy = new Map<string, number>();
	let migrated = false;

	const mustCli = async (args: string[]) => {
		const r = await main.cli(args);
		if (r.code !== 0) throw new Error(`n8n ${args.join(' ')} failed (exit ${r.code}):\n${(r.stdout + r.stderr).slice(-3000)}`);
		migrated = true;
		return r;
	};

	const startWorkerProcess = async (index: number) => {
		const home = workerHomes[index];
		const healthPort = await freePort();
		const proc = startProcess(env.nodeBin, [env.n8nBin, 'worker', `--concurrency=${opts.concurrency ?? 10}`], {
			cwd: home.userFolder,
			env: {
				...home.processEnv,
				// the worker's /healthz/readiness answers 200 once it takes jobs, with the DB and Redis connected
				QUEUE_HEALTH_CHECK_ACTIVE: 'true',
				QUEUE_HEALTH_CHECK_PORT: String(healthPort),
				N8N_WORKER_SERVER_ADDRESS: '127.0.0.1',
				...opts.workerEnv?.(index),
			},
			keepLines: 60,
			log: (line) => {
				const started = /Worker started execution (\d+)/.exec(line);
				if (started) startedBy.set(started[1], index);
				opts.log?.(`[worker ${index}] ${line}`);
			},
		});
		workers[index] = proc;
		const ready = async () => (await fetch(`http://127.0.0.1:${healthPort}/healthz/readiness`)).ok;
		try {
			await waitFor(`n8n ${env.version} worker ${index}`, proc, ready, timeoutMs);
		} catch (error) {
			await proc.stop({ graceMs: 5_000 });
			throw error;
		}
	};

	const startWebhookProcess = async (index: number) => {
		const port = await freePort();
		const url = `http://127.0.0.1:${port}`;
		const proc = startProcess(env.nodeBin, [env.n8nBin, 'webhook'], {
			cwd: webhookHomes[index].userFolder,
			env: { ...webhookHomes[index].processEnv, N8N_PORT: String(port) },
			keepLines: 60,
			log: (line) => opts.log?.(`[webhook ${index}] ${line}`),
		});
		webhookProcesses[index] = { proc, url };
		try {
			await waitFor(`n8n ${env.version} webhook process ${index}`, proc, async () => (await fetch(`${url}/healthz`)).ok, timeoutMs);
			for (const webhook of webhooks) await untilWebhookAt(url, `/webhook/${webhook.path}`, { method: webhook.method, timeoutMs, recent: proc.recent });
		} catch (error) {
			await proc.stop({ graceMs: 5_000 });
			throw error;
		}
	};

	const startMain = async () => {
		mainLog = [];
		editor = await main.startEditor({
			owner: QUEUE_OWNER,
			timeoutMs,
			log: (line) => {
				mainLog = [...mainLog.slice(-59), line];
				opts.log?.(`[main] ${line}`);
			},
		});
		for (const webhook of webhooks) await editor.untilWebhook(`/webhook/${webhook.path}`, { method: webhook.method, timeoutMs });
	};

	const mainUrl = () => {
		if (!editor) throw new Error('The queue cluster is not started: call start() first');
		return editor.url;
	};

	const cluster: QueueCluster = {
		line: opts.line,
		version: env.version,
		get url() {
			return editor?.url ?? '';
		},
		get webhookProcessUrls() {
			return webhookProcesses.map((p) => p.url);
		},
		importCredentials: async (creds) => {
			await main.importCredentials(creds);
			migrated = true;
		},
		importWorkflows: async (wfs) => {
			const active = wfs.filter((wf) => (wf as { active?: unknown }).active === true);
			if (editor && active.length) throw new Error('Import active workflows before start(): n8n activates them when it starts');
			const ids = await main.importWorkflows(wfs);
			migrated = true;
			// import:workflow deactivates what it imports; activation is one command per workflow:
			// 1.x `update:workflow --active=true`, 2.x `publish:workflow` (2.x's `import:workflow
			// --activeState=fromJson` refuses without a user: "activate a workflow without permissions")
			const activeIds = ids.filter((_, i) => (wfs[i] as { active?: unknown }).active === true);
			await Promise.all(
				activeIds.map(async (id) => await mustCli(opts.line === '1' ? ['update:workflow', `--id=${id}`, '--active=true'] : ['publish:workflow', `--id=${id}`])),
			);
			for (const wf of active) webhooks.push(...webhooksOf(wf));
			return ids;
		},
		start: async () => {
			if (editor) throw new Error('The queue cluster is started already');
			try {
				// the first process on an empty database migrates it: the others wait for that
				if (!migrated) await startMain();
				await Promise.all([...(editor ? [] : [startMain()]), ...workers.map((_, i) => startWorkerProcess(i))]);
				// after the main: it registers the webhooks these processes serve
				await Promise.all(webhookHomes.map((_, i) => startWebhookProcess(i)));
			} catch (error) {
				await cluster.stop();
				throw error;
			}
		},
		webhook: async (pathname, body, init = {}) => {
			const res = await fetch(`${mainUrl()}/webhook/${pathname}`, {
				method: 'POST',
				...init,
				headers: { 'content-type': 'application/json', ...init.headers },
				body: body === undefined ? init.body : JSON.stringify(body),
			});
			const text = await res.text();
			if (!res.ok) throw Object.assign(new Error(`Webhook ${pathname}: HTTP ${res.status} ${text.slice(0, 1000)}`), { status: res.status, body: text });
			try {
				return JSON.parse(text);
			} catch {
				return text;
			}
		},
		request: async (pathname, init) => {
			mainUrl();
			return await editor!.request(pathname, init);
		},
		killWorker: async (index, signal = 'SIGKILL') => {
			const proc = workers[index];
			if (!proc) throw new Error(`There is no worker ${index}`);
			await proc.kill(signal);
		},
		startWorker: async (index) => {
			if (index < 0 || index >= workers.length) throw new Error(`There is no worker ${index}`);
			if (workers[index]?.running()) throw new Error(`Worker ${index} is running`);
			await startWorkerProcess(index);
		},
		workerPids: () => workers.map((proc) => (proc?.running() ? proc.pid : undefined)),
		executions: async () => {
			const rows = await psql<Omit<QueueExecution, 'worker'>>(
				await postgresBinDir(),
				postgres,
				'select id::text as id, status, "workflowId", mode, finished, "retryOf", "retrySuccessId", "startedAt", "stoppedAt" from execution_entity order by id',
			);
			return rows.map((row) => ({ ...row, worker: startedBy.get(row.id) }));
		},
		execution: async (id) => {
			const res = await cluster.request(`/rest/executions/${id}`);
			const text = await res.text();
			if (!res.ok) throw new Error(`Execution ${id}: HTTP ${res.status} ${text.slice(0, 1000)}`);
			const { data: execution } = JSON.parse(text) as { data: Omit<StoredExecution, 'data'> & { data: string } };
			const data = typeof execution.data === 'string' ? unflatten(execution.data) : execution.data;
			return { ...execution, id: String(execution.id), data } as StoredExecution;
		},
		retryExecution: async (id, { loadWorkflow = false } = {}) => {
			// the editor's two retry buttons: with the original workflow (false) or the saved one (true)
			const res = await cluster.request(`/rest/executions/${id}/retry`, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({ loadWorkflow }),
			});
			const text = await res.text();
			if (!res.ok) throw new Error(`Retry of execution ${id}: HTTP ${res.status} ${text.slice(0, 1000)}`);
			return await cluster.execution(String((JSON.parse(text) as { data: { id: string } }).data.id));
		},
		cli: async (args, o) => await main.cli(args, o),
		recentLogs: () => ({
			main: mainLog,
			...Object.fromEntries(workers.map((proc, i) => [`worker ${i}`, proc?.recent() ?? []])),
			...Object.fromEntries(webhookProcesses.map(({ proc }, i) => [`webhook ${i}`, proc.recent()])),
		}),
		stop: async () => {
			const stopping = editor;
			editor = undefined;
			await Promise.all([stopping?.stop(), ...[...workers, ...webhookProcesses.map((p) => p.proc)].map((proc) => proc?.stop({ graceMs: 10_000 }))]);
			await Promise.all(
				instances.map(async (instance) => {
					await instance.dispose();
					tempDirs.delete(instance.userFolder);
				}),
			);
		},
	};
	return cluster;
}
