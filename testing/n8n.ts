/**
 * Real n8n for end-to-end tests and the demo: installs pinned n8n releases into a cache outside
 * the repo, installs this package's tarball into a throw-away N8N_USER_FOLDER the way a user does,
 * and drives n8n through its CLI (import:credentials, import:workflow, execute) and `n8n start`.
 * No jest imports here: the demo script reuses this file (compiled by tsconfig.tools.json).
 */
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, promises as fs } from 'node:fs';
import { createRequire } from 'node:module';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

export type N8nLine = '1' | '2';

/**
 * Pinned releases. Line 1 runs on the Node that runs this code (n8n 1.123.50 supports Node 20
 * to 24). n8n 2.x needs Node 24, taken from the npm package node-<platform>-<arch> so nothing is
 * downloaded from outside the npm registry. 2.41.1 is the newest 2.x whose dependencies all
 * resolve on the registry: 2.41.3 pins @n8n/agents 0.26.2, which is not published there (0.26.1
 * is the newest; checked 2026-12-01), and there is no 2.41.2.
 */
export const N8N_LINES: Record<N8nLine, { version: string; node?: string }> = {
	'1': { version: '1.123.50' },
	'2': { version: '2.41.1', node: '24.21.0' },
};

export interface N8nEnv {
	line: N8nLine;
	version: string;
	nodeBin: string;
	n8nBin: string;
	/** The cache folder n8n is installed in. */
	installDir: string;
}

export interface ExecuteResult {
	/** n8n printed a finished run without resultData.error, then exited with 0 (or crashed: crashedOnExit). */
	ok: boolean;
	/** n8n was killed by a signal after printing a finished run. */
	crashedOnExit: boolean;
	/** The run data n8n printed (IRun: { data: { resultData: { runData, error? } }, status, ... }). */
	data?: any;
	code: number | null;
	signal: NodeJS.Signals | null;
	timedOut: boolean;
	stdout: string;
	stderr: string;
}

export interface EditorOptions {
	port?: number;
	/** Creates the owner account so the editor opens on a login page instead of the setup form. */
	owner?: { email: string; password: string; firstName?: string; lastName?: string };
	/** Receives the editor's log lines. */
	log?: (line: string) => void;
	timeoutMs?: number;
}

export interface Editor {
	url: string;
	/** fetch() on the editor's URL, logged in as the owner when one was created. */
	request(pathname: string, init?: RequestInit): Promise<Response>;
	/** The executions of a workflow, newest first (n8n's REST API; needs the owner). */
	executions(workflowId: string): Promise<ExecutionSummary[]>;
	/** One execution as `execute()` gives a run (its run data, for nodeOutput() and the like). */
	executionRun(id: string): Promise<ExecuteResult>;
	/**
	 * Waits until an active workflow's webhook for `method` (POST) at `pathname` is registered.
	 * /rest/settings answers before that, and n8n 2.x publishes activated workflows in the
	 * background after start (its first webhooks answered 404 "not registered").
	 */
	untilWebhook(pathname: string, opts?: { method?: string; timeoutMs?: number }): Promise<void>;
	stop(): Promise<void>;
}

export interface ExecutionSummary {
	id: string;
	workflowId: string;
	/** `success`, `error`, `running`, `new`, `waiting`, … */
	status: string;
	/** `webhook` for a production webhook, `manual`, `trigger`, … */
	mode: string;
	finished: boolean;
}

export interface N8nInstance {
	env: N8nEnv;
	userFolder: string;
	/** Environment every n8n call of this instance gets (without the parent's N8N_* variables). */
	processEnv: NodeJS.ProcessEnv;
	importCredentials(creds: Array<{ id: string; name: string; type: string; data: object }>): Promise<void>;
	importWorkflow(wf: object): Promise<string>;
	/** One n8n start for many workflows (each n8n CLI start costs seconds). */
	importWorkflows(wfs: object[]): Promise<string[]>;
	execute(id: string, opts?: { timeoutMs?: number }): Promise<ExecuteResult>;
	/** Runs any n8n CLI command with this instance's environment. */
	cli(args: string[], opts?: { timeoutMs?: number }): Promise<RunResult>;
	startEditor(opts?: EditorOptions): Promise<Editor>;
	/** Marks a workflow active (1.x) or published (2.x), as n8n's CLI does: its triggers start with the next `startEditor()`. */
	activateWorkflow(id: string): Promise<void>;
	dispose(): Promise<void>;
}

export interface RunResult {
	code: number | null;
	signal: NodeJS.Signals | null;
	timedOut: boolean;
	stdout: string;
	stderr: string;
}

const MINUTE = 60_000;
export const PACKAGE_NAME = 'n8n-nodes-meta-resilience';

// ---------------------------------------------------------------------------------------------
// Processes: every child is a process-group leader so a timeout ends its whole tree.

const liveGroups = new Set<number>();
process.once('exit', () => {
	for (const pid of liveGroups) killGroup(pid, 'SIGKILL');
});

/** Sends `signal` to the process group led by `pid` (every child here leads one). */
export function killGroup(pid: number, signal: NodeJS.Signals): void {
	try {
		process.kill(-pid, signal);
	} catch {
		// already gone
	}
}

/** uid/gid: run as another user (root starting PostgreSQL as `postgres`). */
export interface SpawnOptions {
	cwd?: string;
	env?: NodeJS.ProcessEnv;
	uid?: number;
	gid?: number;
}

/** A child as the leader of its own process group (so its helpers can be killed with it), output piped. */
function spawnGroup(cmd: string, args: string[], opts: SpawnOptions) {
	return spawn(cmd, args, {
		cwd: opts.cwd,
		env: opts.env ?? process.env,
		uid: opts.uid,
		gid: opts.gid,
		detached: true,
		stdio: ['ignore', 'pipe', 'pipe'],
	});
}

export async function run(cmd: string, args: string[], opts: SpawnOptions & { timeoutMs: number }): Promise<RunResult> {
	return await new Promise((resolve, reject) => {
		const child = spawnGroup(cmd, args, opts);
		const out: Buffer[] = [];
		const err: Buffer[] = [];
		child.stdout.on('data', (c: Buffer) => out.push(c));
		child.stderr.on('data', (c: Buffer) => err.push(c));
		let timedOut = false;
		const timer = setTimeout(() => {
			timedOut = true;
			if (child.pid) killGroup(child.pid, 'SIGKILL');
		}, opts.timeoutMs);
		if (child.pid) liveGroups.add(child.pid);
		child.on('error', (e) => {
			clearTimeout(timer);
			reject(e);
		});
		child.on('close', (code, signal) => {
			clearTimeout(timer);
			if (child.pid) {
				// n8n may leave helpers (task runners) behind in the group
				killGroup(child.pid, 'SIGKILL');
				liveGroups.delete(child.pid);
			}
			resolve({
				code,
				signal,
				timedOut,
				stdout: Buffer.concat(out).toString('utf8'),
				stderr: Buffer.concat(err).toString('utf8'),
			});
		});
	});
}

/** run(), throwing with the output's tail unless the command exits with 0. */
export async function mustRun(cmd: string, args: string[], opts: Parameters<typeof run>[2]): Promise<RunResult> {
	const r = await run(cmd, args, opts);
	if (r.code !== 0) {
		const why = r.timedOut ? `timed out after ${opts.timeoutMs} ms` : `exit code ${r.code}`;
		throw new Error(`${cmd} ${args.join(' ')} (in ${opts.cwd ?? process.cwd()}) failed: ${why}\n${tail(r.stderr || r.stdout)}`);
	}
	return r;
}

function tail(text: string, lines = 40): string {
	return text.trimEnd().split('\n').slice(-lines).join('\n');
}

export interface StartedProcess {
	pid: number;
	/** Resolves when the process has exited. */
	exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
	running(): boolean;
	/** The last lines it printed (stdout and stderr), for error messages. */
	recent(): string[];
	/** Sends `signal` to its group and waits for the exit; the rest of the group is then SIGKILLed. */
	kill(signal?: NodeJS.Signals): Promise<void>;
	/** `signal` (SIGTERM), then SIGKILL after `graceMs` (15 s), and waits for the exit. */
	stop(opts?: { signal?: NodeJS.Signals; graceMs?: number }): Promise<void>;
}

/**
 * A long-running process (a server) as the leader of its own group: killed with its helpers (n8n's
 * task runners) on stop() and when this process exits. `log` receives each line it prints.
 */
export function startProcess(
	cmd: string,
	args: string[],
	opts: SpawnOptions & { log?: (line: string) => void; keepLines?: number } = {},
): StartedProcess {
	const child = spawnGroup(cmd, args, opts);
	const keep = opts.keepLines ?? 30;
	let recent: string[] = [];
	const lineReader = () => {
		let partial = '';
		return (chunk: Buffer) => {
			const lines = (partial + chunk.toString('utf8')).split('\n');
			partial = lines.pop() ?? '';
			for (const line of lines.filter(Boolean)) {
				recent = [...recent.slice(1 - keep), line];
				opts.log?.(line);
			}
		};
	};
	child.stdout.on('data', lineReader());
	child.stderr.on('data', lineReader());
	let gone = false;
	const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
		child.once('error', (error) => {
			recent = [...recent, `${cmd}: ${error.message}`];
			gone = true;
			resolve({ code: null, signal: null });
		});
		child.once('close', (code, signal) => {
			gone = true;
			resolve({ code, signal });
		});
	});
	const pid = child.pid;
	if (pid) liveGroups.add(pid);
	const reap = () => {
		if (!pid) return;
		killGroup(pid, 'SIGKILL');
		liveGroups.delete(pid);
	};
	void exit.then(reap);
	const kill = async (signal: NodeJS.Signals = 'SIGKILL') => {
		if (!gone && pid) killGroup(pid, signal);
		await exit;
		reap();
	};
	return {
		pid: pid ?? -1,
		exit,
		running: () => !gone,
		recent: () => recent,
		kill,
		stop: async ({ signal = 'SIGTERM', graceMs = 15_000 } = {}) => {
			const timer = setTimeout(() => pid && killGroup(pid, 'SIGKILL'), graceMs);
			await kill(signal);
			clearTimeout(timer);
		},
	};
}

// ---------------------------------------------------------------------------------------------
// Cache: <root>/node-<v>/ and <root>/n8n-<v>/, each complete once its marker file exists.

export function cacheRoot(): string {
	return process.env.N8N_E2E_CACHE || path.join(os.homedir(), '.cache', 'n8n-meta-resilience');
}

const MARKER = '.install-complete.json';

async function exists(p: string): Promise<boolean> {
	return await fs.access(p).then(
		() => true,
		() => false,
	);
}

function pidAlive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch (e) {
		return (e as NodeJS.ErrnoException).code === 'EPERM';
	}
}

/** A lock directory (mkdir is atomic) holding the owner's pid; a dead owner's lock is taken over. */
async function withLock<T>(target: string, fn: () => Promise<T>, waitMs = 40 * MINUTE): Promise<T> {
	const lock = `${target}.lock`;
	const deadline = Date.now() + waitMs;
	await fs.mkdir(path.dirname(lock), { recursive: true });
	for (;;) {
		try {
			await fs.mkdir(lock);
			await fs.writeFile(path.join(lock, 'pid'), String(process.pid));
			break;
		} catch (e) {
			if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
			const owner = Number(await fs.readFile(path.join(lock, 'pid'), 'utf8').catch(() => ''));
			if (owner && !pidAlive(owner)) {
				await fs.rm(lock, { recursive: true, force: true });
				continue;
			}
			if (Date.now() > deadline) throw new Error(`Timed out waiting for ${lock} (held by pid ${owner || '?'})`);
			await new Promise((r) => setTimeout(r, 2000));
		}
	}
	try {
		return await fn();
	} finally {
		await fs.rm(lock, { recursive: true, force: true });
	}
}

/** PATH and node-gyp headers for running npm (and install scripts) under a given Node. */
function npmEnv(nodeBin: string): NodeJS.ProcessEnv {
	const nodeHome = path.resolve(path.dirname(nodeBin), '..');
	const env: NodeJS.ProcessEnv = {
		...process.env,
		PATH: `${path.dirname(nodeBin)}${path.delimiter}${process.env.PATH ?? ''}`,
		npm_config_audit: 'false',
		npm_config_fund: 'false',
		npm_config_update_notifier: 'false',
	};
	// Local headers spare node-gyp a download from nodejs.org
	if (!process.env.npm_config_nodedir) env.npm_config_nodedir = nodeHome;
	return env;
}

async function ensureNode(version: string, log: (s: string) => void): Promise<string> {
	const platform = process.platform === 'win32' ? 'win' : process.platform;
	const pkg = `node-${platform}-${process.arch}`;
	const dir = path.join(cacheRoot(), `node-${version}`);
	const nodeBin = path.join(dir, 'bin', 'node');
	await withLock(dir, async () => {
		if (await exists(path.join(dir, MARKER))) return;
		log(`Fetching Node ${version} from the npm package ${pkg}...`);
		await fs.rm(dir, { recursive: true, force: true });
		await fs.mkdir(dir, { recursive: true });
		const tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'node-pack-'));
		try {
			await mustRun('npm', ['pack', `${pkg}@${version}`, '--pack-destination', tmp, '--silent'], {
				timeoutMs: 10 * MINUTE,
			});
			const [tgz] = (await fs.readdir(tmp)).filter((f) => f.endsWith('.tgz'));
			await mustRun('tar', ['-xzf', path.join(tmp, tgz), '-C', dir, '--strip-components=1'], { timeoutMs: 5 * MINUTE });
		} finally {
			await fs.rm(tmp, { recursive: true, force: true });
		}
		const { stdout } = await mustRun(nodeBin, ['--version'], { timeoutMs: MINUTE });
		if (stdout.trim() !== `v${version}`) throw new Error(`${nodeBin} reports ${stdout.trim()}, expected v${version}`);
		await fs.writeFile(path.join(dir, MARKER), JSON.stringify({ version, at: new Date().toISOString() }));
	});
	return nodeBin;
}

/** testing/locks, from the source (ts-jest) or from the compiled copy in .tools/testing. */
function locksDir(): string {
	const candidates = [path.join(__dirname, 'locks'), path.resolve(__dirname, '..', '..', 'testing', 'locks')];
	return candidates.find((dir) => existsSync(dir)) ?? candidates[0];
}

/** What a whole install records: the lockfile it came from, so a changed lock means a new install. */
interface InstallMarker {
	version: string;
	node: string;
	lockSha256: string | null;
	seconds: number;
}

/** The n8n commands the tests, the bench and the demo run. */
export const N8N_COMMANDS_USED = ['start', 'worker', 'execute', 'import:workflow', 'import:credentials'] as const;

/**
 * Loads each command's module the way bin/n8n does (reflect-metadata, config, the command registry
 * that teaches zod `.alias`) and prints {command: error} for those that throw. n8n's own registry
 * swallows that error and says only `Command "start" not found`.
 */
const LOAD_COMMANDS = `
const path = require('node:path');
const bin = path.join(process.cwd(), 'node_modules', 'n8n', 'bin', 'n8n');
process.env.NODE_CONFIG_DIR = path.join(path.dirname(bin), 'config');
const load = require('node:module').createRequire(bin);
const failed = {};
try {
	load('reflect-metadata');
	load('../dist/config');
	load('../dist/command-registry.js');
} catch (e) {
	failed['(start-up)'] = String(e && e.stack || e);
}
for (const name of JSON.parse(process.argv[1])) {
	if (failed['(start-up)']) break;
	try { load('../dist/commands/' + name.replace(/:/g, '/') + '.js'); }
	catch (e) { failed[name] = String(e && e.stack || e); }
}
process.stdout.write(JSON.stringify(failed));
process.exit(0);
`;

/**
 * Why the n8n in `dir` cannot run the commands we use, with the real module error; undefined when
 * every one of them loads.
 */
export async function unloadableCommands(nodeBin: string, dir: string): Promise<string | undefined> {
	const userFolder = await fs.mkdtemp(path.join(os.tmpdir(), 'n8n-probe-'));
	try {
		const r = await run(nodeBin, ['-e', LOAD_COMMANDS, JSON.stringify(N8N_COMMANDS_USED)], {
			cwd: dir,
			env: { ...cleanEnv(), N8N_USER_FOLDER: userFolder, N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'false' },
			timeoutMs: 2 * MINUTE,
		});
		let failed: Record<string, string>;
		try {
			failed = JSON.parse(r.stdout.slice(r.stdout.indexOf('{'))) as Record<string, string>;
		} catch {
			return `loading its commands failed (exit ${r.code}${r.timedOut ? ', timed out' : ''}):\n${tail(r.stderr || r.stdout, 20)}`;
		}
		const lines = Object.entries(failed).map(([name, error]) => `\`n8n ${name}\` cannot load: ${tail(error.split('\n').slice(0, 8).join('\n'))}`);
		return lines.length ? lines.join('\n') : undefined;
	} finally {
		await fs.rm(userFolder, { recursive: true, force: true });
	}
}

async function readMarker(dir: string): Promise<Partial<InstallMarker> | undefined> {
	try {
		return JSON.parse(await fs.readFile(path.join(dir, MARKER), 'utf8')) as Partial<InstallMarker>;
	} catch {
		return undefined;
	}
}

/**
 * Installs (once) and returns the pinned n8n of a major line, exactly the tree in its lockfile in
 * testing/locks: `npm ci`, which refuses a lock that disagrees with the manifest instead of
 * re-resolving part of the tree from the registry as it is that day (`npm install` did, and a
 * fresh machine got an n8n whose `start` could not load). npm runs with --ignore-scripts because
 * some optional natives (the Kafka client on 2.x) download sources from GitHub and fail the whole
 * install; the one native n8n needs, sqlite3, is then compiled with `npm rebuild`.
 *
 * A folder is reused only when its marker names the same lockfile and every command we use still
 * loads; anything else (an interrupted install, an install from an older lock, a broken tree) is
 * removed and installed again.
 */
export async function ensureN8n(line: N8nLine, log: (s: string) => void = () => {}): Promise<N8nEnv> {
	const { version, node } = N8N_LINES[line];
	const nodeBin = node ? await ensureNode(node, log) : process.execPath;
	const dir = path.join(cacheRoot(), `n8n-${version}`);
	const lockFile = path.join(locksDir(), `n8n-${version}.package-lock.json`);
	const lock = existsSync(lockFile) ? await fs.readFile(lockFile) : undefined;
	const lockSha256 = lock ? createHash('sha256').update(lock).digest('hex') : null;
	await withLock(dir, async () => {
		const marker = await readMarker(dir);
		if (marker && marker.lockSha256 === lockSha256) {
			const broken = await unloadableCommands(nodeBin, dir);
			if (!broken) return;
			log(`The n8n ${version} in ${dir} is broken, installing it again:\n${broken}`);
		} else if (await exists(dir)) {
			log(`${dir} is not a complete install from ${lockFile}: installing it again`);
		}
		const started = Date.now();
		log(`Installing n8n ${version} into ${dir} (several minutes, once)...`);
		await fs.rm(dir, { recursive: true, force: true });
		await fs.mkdir(dir, { recursive: true });
		const manifest = {
			name: `n8n-${version}`,
			private: true,
			dependencies: { n8n: version },
			// the default xlsx comes from a tarball URL outside the npm registry
			overrides: { xlsx: '0.18.5' },
		};
		await fs.writeFile(path.join(dir, 'package.json'), JSON.stringify(manifest, null, 2));
		if (lock) await fs.writeFile(path.join(dir, 'package-lock.json'), lock);
		else log(`No ${lockFile}: resolving from the registry (copy ${dir}/package-lock.json there to pin the tree)`);
		const env = npmEnv(nodeBin);
		await mustRun('npm', [lock ? 'ci' : 'install', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'], {
			cwd: dir,
			env,
			timeoutMs: 30 * MINUTE,
		});
		log(`Compiling sqlite3 for Node ${node ?? process.versions.node}...`);
		// its prebuilt binaries come from GitHub, which may be unreachable: compile right away
		await mustRun('npm', ['rebuild', 'sqlite3'], {
			cwd: dir,
			env: { ...env, npm_config_build_from_source: 'true' },
			timeoutMs: 15 * MINUTE,
		});
		await mustRun(nodeBin, ['-e', "require('sqlite3')"], { cwd: dir, env, timeoutMs: MINUTE });
		const broken = await unloadableCommands(nodeBin, dir);
		if (broken) {
			throw new Error(
				`n8n ${version} was installed into ${dir}, but it cannot run:\n${broken}\n` +
					`The tree is not what n8n needs: fix ${lockFile} (see docs/testing.md, "If the n8n cache is broken").`,
			);
		}
		const seconds = Math.round((Date.now() - started) / 1000);
		const done: InstallMarker = { version, node: node ?? process.versions.node, lockSha256, seconds };
		await fs.writeFile(path.join(dir, MARKER), JSON.stringify(done));
		log(`n8n ${version} installed in ${seconds} s`);
	});
	return { line, version, nodeBin, n8nBin: path.join(dir, 'node_modules', 'n8n', 'bin', 'n8n'), installDir: dir };
}

// ---------------------------------------------------------------------------------------------
// The package under test

/** Builds and packs the package as it would be published (`npm pack` runs prepack: clean + build). */
export async function packPackage(repoDir: string): Promise<string> {
	const dest = await fs.mkdtemp(path.join(os.tmpdir(), 'meta-resilience-pack-'));
	await mustRun('npm', ['pack', '--pack-destination', dest, '--silent'], { cwd: repoDir, timeoutMs: 10 * MINUTE });
	const [tgz] = (await fs.readdir(dest)).filter((f) => f.endsWith('.tgz'));
	if (!tgz) throw new Error(`npm pack wrote no tarball into ${dest}`);
	return path.join(dest, tgz);
}

export async function freePort(): Promise<number> {
	return await new Promise((resolve, reject) => {
		const srv = net.createServer();
		srv.once('error', reject);
		srv.listen(0, '127.0.0.1', () => {
			const { port } = srv.address() as net.AddressInfo;
			srv.close(() => resolve(port));
		});
	});
}

/**
 * The parent's n8n settings must not leak into an instance, nor jest's NODE_ENV=test (with it,
 * n8n's CLI prints nothing, not even --rawOutput).
 */
function cleanEnv(): NodeJS.ProcessEnv {
	const env: NodeJS.ProcessEnv = {};
	for (const [k, v] of Object.entries(process.env)) {
		if (!/^(N8N_|DB_|EXECUTIONS_|QUEUE_|JEST_|NODE_ENV$|NODE_OPTIONS$|NODE_FUNCTION_ALLOW)/.test(k)) env[k] = v;
	}
	return env;
}

/**
 * A fresh n8n home: temp N8N_USER_FOLDER with the tarball installed in .n8n/nodes by plain
 * `npm install <tgz>` (the manual install documented by n8n), and a fixed encryption key.
 */
export async function createInstance(
	env: N8nEnv,
	tgz: string,
	/** port: the editor's default port (else a free one); env: extra n8n settings. */
	opts: { port?: number; env?: NodeJS.ProcessEnv } = {},
): Promise<N8nInstance> {
	const userFolder = await fs.mkdtemp(path.join(os.tmpdir(), `n8n${env.line}-e2e-`));
	const nodesDir = path.join(userFolder, '.n8n', 'nodes');
	await fs.mkdir(nodesDir, { recursive: true });
	await fs.writeFile(
		path.join(nodesDir, 'package.json'),
		JSON.stringify({ name: 'installed-nodes', private: true, dependencies: {} }, null, 2),
	);
	await mustRun('npm', ['install', tgz, '--no-audit', '--no-fund', '--loglevel=error'], {
		cwd: nodesDir,
		env: npmEnv(env.nodeBin),
		timeoutMs: 5 * MINUTE,
	}).catch(async (error: unknown) => {
		await fs.rm(userFolder, { recursive: true, force: true });
		throw error;
	});

	const processEnv: NodeJS.ProcessEnv = {
		...cleanEnv(),
		PATH: `${path.dirname(env.nodeBin)}${path.delimiter}${process.env.PATH ?? ''}`,
		N8N_USER_FOLDER: userFolder,
		N8N_ENCRYPTION_KEY: randomBytes(24).toString('hex'),
		N8N_LOG_LEVEL: 'info', // execute prints a failed run's data at info level
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'false',
		N8N_COMMUNITY_PACKAGES_ENABLED: 'true',
		N8N_SECURE_COOKIE: 'false',
		DB_TYPE: 'sqlite',
		// 1.x: no task runner at all; 2.x always has one, on a port that cannot collide
		N8N_RUNNERS_ENABLED: env.line === '1' ? 'false' : 'true',
		N8N_RUNNERS_BROKER_PORT: String(await freePort()),
		...opts.env,
	};
	const editors = new Set<() => Promise<void>>();

	const cli = (args: string[], o: { timeoutMs?: number } = {}) =>
		run(env.nodeBin, [env.n8nBin, ...args], { cwd: userFolder, env: processEnv, timeoutMs: o.timeoutMs ?? 2 * MINUTE });

	/** Writes a JSON file (credentials hold secrets: it is removed right after use). */
	const withJsonFile = async <T>(name: string, value: unknown, fn: (file: string) => Promise<T>): Promise<T> => {
		const file = path.join(userFolder, name);
		await fs.writeFile(file, JSON.stringify(value), { mode: 0o600 });
		try {
			return await fn(file);
		} finally {
			await fs.rm(file, { force: true });
		}
	};

	const mustCli = async (args: string[]) => {
		const r = await cli(args);
		if (r.code !== 0) throw new Error(`n8n ${args.join(' ')} failed (exit ${r.code}${r.timedOut ? ', timed out' : ''}):\n${tail(r.stdout + r.stderr)}`);
		return r;
	};

	const importWorkflows = async (wfs: object[]): Promise<string[]> => {
		const withIds = wfs.map((wf) => {
			const id = (wf as { id?: unknown }).id;
			if (id !== undefined && (typeof id !== 'string' || id.length > 21)) {
				throw new Error(`Workflow id ${JSON.stringify(id)} must be a string of at most 21 characters`);
			}
			return { active: false, ...wf, id: id ?? randomBytes(8).toString('hex') } as { id: string };
		});
		await withJsonFile('workflows.json', withIds, (file) => mustCli(['import:workflow', `--input=${file}`]));
		return withIds.map((wf) => wf.id);
	};

	return {
		env,
		userFolder,
		processEnv,
		cli,
		importCredentials: async (creds) => {
			await withJsonFile('credentials.json', creds, (file) => mustCli(['import:credentials', `--input=${file}`]));
		},
		importWorkflows,
		importWorkflow: async (wf) => (await importWorkflows([wf]))[0],
		execute: async (id, o = {}) => {
			const r = await cli(['execute', `--id=${id}`, '--rawOutput'], { timeoutMs: o.timeoutMs ?? 2 * MINUTE });
			const data = findRunData(r.stdout);
			const finished = data?.finished === true && data.status === 'success' && !data.data?.resultData?.error;
			// n8n 2.x on Node 24 sometimes dies of SIGSEGV while shutting down, after printing a
			// finished run: the run counts, the crash is reported beside it
			const crashedOnExit = finished && r.signal !== null;
			return { ok: finished && (r.code === 0 || crashedOnExit), crashedOnExit, data, ...r };
		},
		activateWorkflow: async (id) => {
			// 2.x replaced activation by publishing (update:workflow is deprecated there)
			await mustCli(env.line === '1' ? ['update:workflow', `--id=${id}`, '--active=true'] : ['publish:workflow', `--id=${id}`]);
		},
		startEditor: async (o = {}) => {
			const editor = await startEditor(env, processEnv, userFolder, opts.port, o);
			editors.add(editor.stop);
			return {
				...editor,
				stop: async () => {
					editors.delete(editor.stop);
					await editor.stop();
				},
			};
		},
		dispose: async () => {
			await Promise.all([...editors].map((s) => s()));
			await fs.rm(userFolder, { recursive: true, force: true });
		},
	};
}

async function startEditor(
	env: N8nEnv,
	baseEnv: NodeJS.ProcessEnv,
	userFolder: string,
	defaultPort: number | undefined,
	opts: EditorOptions,
): Promise<Editor> {
	const port = opts.port ?? defaultPort ?? (await freePort());
	const url = `http://localhost:${port}`;
	const child = startProcess(env.nodeBin, [env.n8nBin, 'start'], {
		cwd: userFolder,
		env: { ...baseEnv, N8N_PORT: String(port) },
		log: opts.log,
	});
	const stop = async () => await child.stop();

	const deadline = Date.now() + (opts.timeoutMs ?? 3 * MINUTE);
	for (;;) {
		if (!child.running()) {
			// n8n says `Command "start" not found` when the command's module failed to load: say why
			const why = child.recent().some((l) => l.includes('not found')) ? await unloadableCommands(env.nodeBin, env.installDir) : undefined;
			throw new Error(`n8n start exited before it was ready:\n${child.recent().join('\n')}${why ? `\n${why}` : ''}`);
		}
		// readiness turns 200 before the REST routes exist, and until then n8n answers any path with
		// a 200 text "n8n is starting up": wait for the public settings route to answer JSON
		const res = await fetch(`${url}/rest/settings`).catch(() => undefined);
		if (res?.ok && res.headers.get('content-type')?.includes('json')) break;
		if (Date.now() > deadline) {
			await stop();
			throw new Error(`n8n start was not ready at ${url} in time:\n${child.recent().join('\n')}`);
		}
		await new Promise((r) => setTimeout(r, 500));
	}
	let cookie: string | undefined;
	if (opts.owner) {
		const res = await fetch(`${url}/rest/owner/setup`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ firstName: 'Demo', lastName: 'User', ...opts.owner }),
		});
		if (!res.ok) {
			await stop();
			throw new Error(`Owner setup failed: HTTP ${res.status} ${await res.text()}`);
		}
		cookie = res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
	}
	const request = async (pathname: string, init: RequestInit = {}) =>
		await fetch(`${url}${pathname}`, { ...init, headers: { ...(cookie ? { cookie } : {}), ...init.headers } });
	const executions = async (workflowId: string): Promise<ExecutionSummary[]> => {
		const res = await request(`/rest/executions?filter=${encodeURIComponent(JSON.stringify({ workflowId }))}`);
		if (!res.ok) throw new Error(`GET /rest/executions: HTTP ${res.status} ${await res.text()}`);
		const { data } = (await res.json()) as { data: { results: ExecutionSummary[] } };
		return data.results.map(({ id, workflowId: of, status, mode, finished }) => ({ id: String(id), workflowId: of, status, mode, finished }));
	};
	const executionRun = async (id: string): Promise<ExecuteResult> => {
		const res = await request(`/rest/executions/${id}`);
		if (!res.ok) throw new Error(`GET /rest/executions/${id}: HTTP ${res.status} ${await res.text()}`);
		const { data: execution } = (await res.json()) as { data: { data: string; status: string; finished: boolean } };
		// n8n stores run data in the `flatted` format: read it with n8n's own copy
		const flatted = createRequire(path.join(env.installDir, 'node_modules', 'n8n', 'package.json'))('flatted') as { parse(text: string): any };
		const data = { data: flatted.parse(execution.data), status: execution.status, finished: execution.finished };
		const ok = execution.status === 'success' && !data.data?.resultData?.error;
		return { ok, crashedOnExit: false, data, code: 0, signal: null, timedOut: false, stdout: JSON.stringify(data), stderr: '' };
	};
	const untilWebhook = async (pathname: string, o: { method?: string; timeoutMs?: number } = {}) =>
		await untilWebhookAt(url, pathname, { ...o, recent: child.recent });
	return { url, request, executions, executionRun, untilWebhook, stop };
}

/**
 * Waits until the n8n process at `baseUrl` (a main or an `n8n webhook` process) has the webhook
 * for `method` (POST) at `pathname` registered. A CORS preflight lists the methods registered at a
 * path without running anything.
 */
export async function untilWebhookAt(
	baseUrl: string,
	pathname: string,
	{ method = 'POST', timeoutMs = MINUTE, recent }: { method?: string; timeoutMs?: number; recent?: () => string[] } = {},
): Promise<void> {
	const registered = async () => {
		const res = await fetch(`${baseUrl}${pathname}`, { method: 'OPTIONS', headers: { origin: baseUrl, 'access-control-request-method': method } });
		await res.arrayBuffer();
		return res.ok && (res.headers.get('access-control-allow-methods') ?? '').split(',').map((m) => m.trim()).includes(method);
	};
	const deadline = Date.now() + timeoutMs;
	while (!(await registered().catch(() => false))) {
		if (Date.now() > deadline) {
			throw new Error(`n8n at ${baseUrl} never registered webhook ${method} ${pathname} (waited ${timeoutMs / 1000} s)${recent ? `:\n${recent().join('\n')}` : ''}`);
		}
		await new Promise((r) => setTimeout(r, 250));
	}
}

// ---------------------------------------------------------------------------------------------
// Reading `n8n execute --rawOutput`

/**
 * n8n prints log lines around the run data (a failed run's data comes inside its log output):
 * take the first top-level JSON object in the text that looks like run data.
 */
export function findRunData(text: string): any {
	let fallback: unknown;
	for (let i = text.indexOf('{'); i !== -1; i = text.indexOf('{', i + 1)) {
		if (i > 0 && text[i - 1] !== '\n') continue;
		const end = matchingBrace(text, i);
		if (end === -1) continue;
		let doc: any;
		try {
			doc = JSON.parse(text.slice(i, end + 1));
		} catch {
			continue;
		}
		if (doc?.data?.resultData) return doc;
		fallback ??= doc;
		i = end;
	}
	return fallback;
}

/** Index of the brace closing the one at `start`, skipping strings; -1 if none. */
function matchingBrace(text: string, start: number): number {
	let depth = 0;
	let inString = false;
	for (let i = start; i < text.length; i++) {
		const c = text[i];
		if (inString) {
			if (c === '\\') i++;
			else if (c === '"') inString = false;
		} else if (c === '"') inString = true;
		else if (c === '{' || c === '[') depth++;
		else if (c === '}' || c === ']') {
			depth--;
			if (depth === 0) return i;
		}
	}
	return -1;
}

interface TaskData {
	data?: { main?: Array<Array<{ json: Record<string, unknown>; pairedItem?: unknown }> | null> };
	error?: { message?: string; description?: string; name?: string };
	executionStatus?: string;
}

export function runDataOf(data: any): Record<string, TaskData[]> {
	return data?.data?.resultData?.runData ?? {};
}

/** Names of the nodes that ran. */
export function executedNodes(data: any): string[] {
	return Object.keys(runDataOf(data));
}

function taskOf(data: any, nodeName: string, runIndex: number): TaskData {
	const runs = runDataOf(data)[nodeName];
	if (!runs?.[runIndex]) {
		throw new Error(`Node "${nodeName}" has no run ${runIndex}; nodes that ran: ${executedNodes(data).join(', ') || 'none'}`);
	}
	return runs[runIndex];
}

/** The full items (json, pairedItem, ...) on one output of a node; [] when that output stayed empty. */
export function nodeItems(data: any, nodeName: string, outputIndex = 0, runIndex = 0) {
	return taskOf(data, nodeName, runIndex).data?.main?.[outputIndex] ?? [];
}

/** The json of the items on one output of a node. */
export function nodeOutput(data: any, nodeName: string, outputIndex = 0, runIndex = 0): Array<Record<string, any>> {
	return nodeItems(data, nodeName, outputIndex, runIndex).map((item) => item.json);
}

/** Item counts per output of a node, e.g. [3, 1] for three on the first output and one on the second. */
export function outputCounts(data: any, nodeName: string, runIndex = 0): number[] {
	return (taskOf(data, nodeName, runIndex).data?.main ?? []).map((items) => items?.length ?? 0);
}

/** The error a node raised, if it did. */
export function nodeError(data: any, nodeName: string, runIndex = 0): TaskData['error'] {
	return taskOf(data, nodeName, runIndex).error;
}

/** The execution's error (the run stopped on it), if any. */
export function executionError(data: any): { message?: string; description?: string; node?: { name?: string } } | undefined {
	return data?.data?.resultData?.error;
}


