// The fake Meta server in its own process (its CLI), so on a 2-core machine the server's work does
// not share an event loop with the client being measured.
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { createInterface } from 'node:readline';

export interface FakeProcess {
	url: string;
	/** Admin API of the fake server (`/__admin/...`), JSON in and out. */
	admin<T = unknown>(method: 'GET' | 'POST' | 'DELETE', what: string, body?: unknown): Promise<T>;
	stop(): Promise<void>;
}

/** Starts `.tools/testing/fake-meta/cli.js` with the given CLI arguments; resolves once it listens. */
export async function startFakeProcess(args: string[] = []): Promise<FakeProcess> {
	const cli = path.join(__dirname, '..', 'testing', 'fake-meta', 'cli.js');
	const child: ChildProcess = spawn(process.execPath, [cli, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
	const url = await new Promise<string>((resolve, reject) => {
		child.once('error', reject);
		child.once('exit', (code) => reject(new Error(`fake Meta server exited (${code}) before it was ready`)));
		createInterface({ input: child.stdout! }).once('line', (line) => resolve((JSON.parse(line) as { url: string }).url));
	});
	return {
		url,
		async admin<T>(method: 'GET' | 'POST' | 'DELETE', what: string, body?: unknown): Promise<T> {
			const response = await fetch(`${url}/__admin/${what}`, {
				method,
				headers: body === undefined ? undefined : { 'content-type': 'application/json' },
				body: body === undefined ? undefined : JSON.stringify(body),
			});
			const text = await response.text();
			if (!response.ok) throw new Error(`admin ${method} ${what}: ${response.status} ${text}`);
			return (text ? JSON.parse(text) : undefined) as T;
		},
		async stop() {
			if (child.exitCode !== null) return;
			const exited = new Promise((resolve) => child.once('exit', resolve));
			child.kill('SIGTERM');
			await exited;
		},
	};
}
