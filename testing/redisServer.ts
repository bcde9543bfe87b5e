/**
 * A real redis-server for tests and benchmarks: its own free port on 127.0.0.1, a temp dir, nothing
 * saved to disk. No jest imports: tsconfig.tools.json compiles this file too.
 */
import { spawn, type ChildProcess } from 'child_process';
import { mkdtempSync, rmSync } from 'fs';
import { createConnection, createServer } from 'net';
import { tmpdir } from 'os';
import { join } from 'path';
import type { RedisConnection } from '../nodes/shared/state/redisStore';
import { ensureDebianPackage } from './debian';
import { run } from './n8n';

export interface RedisServer {
	port: number;
	connection: RedisConnection;
	/** Stops the server (SIGTERM) and removes its temp dir. */
	stop(): Promise<void>;
	/** SIGKILLs the server (a crash); restart() brings it back. */
	kill(): Promise<void>;
	/** Stops the server if it runs and starts it again on the same port (an empty Redis). */
	restart(): Promise<void>;
}

const INSTALL_HINT = 'redis-server is not installed: install it with `sudo apt-get install redis-server` (Debian/Ubuntu)';

/** Whether redis-server runs here (`redis-server --version` answers). */
async function redisInstalled(): Promise<boolean> {
	return (await run('redis-server', ['--version'], { timeoutMs: 60_000 }).catch(() => undefined))?.code === 0;
}

function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const server = createServer();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address() as { port: number };
			server.close(() => resolve(port));
		});
	});
}

/** Whether a server on `port` answers PING. */
function pings(port: number): Promise<boolean> {
	return new Promise((resolve) => {
		const socket = createConnection({ host: '127.0.0.1', port });
		let reply = '';
		const done = (ok: boolean) => {
			socket.destroy();
			resolve(ok);
		};
		socket.setTimeout(500, () => done(false));
		socket.once('error', () => done(false));
		socket.once('connect', () => socket.write('PING\r\n'));
		socket.on('data', (chunk: Buffer) => {
			reply += chunk.toString();
			if (reply.includes('\r\n')) done(reply.startsWith('+PONG'));
		});
	});
}

const exited = (child: ChildProcess) =>
	new Promise<void>((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve())));

export async function startRedis(): Promise<RedisServer> {
	await ensureDebianPackage('redis-server', redisInstalled, INSTALL_HINT);
	const port = await freePort();
	const dir = mkdtempSync(join(tmpdir(), 'mr-redis-'));
	let child: ChildProcess | undefined;
	// A test runner that dies without stop() must not leave a server behind.
	const killOnExit = () => child?.kill('SIGKILL');
	process.once('exit', killOnExit);

	const launch = async () => {
		const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--daemonize', 'no'];
		const started = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
		let output = '';
		started.stdout?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
		started.stderr?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
		child = started;
		for (const deadline = Date.now() + 10_000; Date.now() < deadline; ) {
			if (started.exitCode !== null || started.signalCode !== null) break;
			if (await pings(port)) return;
			await new Promise((resolve) => setTimeout(resolve, 50));
		}
		started.kill('SIGKILL');
		throw new Error(`redis-server on port ${port} did not start:\n${output}`);
	};
	const halt = async (signal: NodeJS.Signals) => {
		const running = child;
		child = undefined;
		if (!running || running.exitCode !== null || running.signalCode !== null) return;
		running.kill(signal);
		await exited(running);
	};

	await launch();
	return {
		port,
		connection: { host: '127.0.0.1', port, database: 0, tls: false },
		async stop() {
			await halt('SIGTERM');
			process.removeListener('exit', killOnExit);
			rmSync(dir, { recursive: true, force: true });
		},
		kill: () => halt('SIGKILL'),
		async restart() {
			await halt('SIGTERM');
			await launch();
		},
	};
}
