import * as path from 'node:path';

import type { FakeMeta } from '../../testing/fake-meta';
import { liveView } from '../../testing/lifecycle';
import { createInstance, ensureN8n, executionError, type ExecuteResult, type N8nInstance, type N8nLine } from '../../testing/n8n';
import { demoCredential } from './workflows';

export const REPO_DIR = path.resolve(__dirname, '..', '..');

/** The lines to test: N8N_E2E_LINES="1", "2" or "1,2" (default). */
export function e2eLines(): N8nLine[] {
	const lines = (process.env.N8N_E2E_LINES ?? '1,2').split(',').map((s) => s.trim());
	for (const line of lines) if (line !== '1' && line !== '2') throw new Error(`N8N_E2E_LINES: unknown line "${line}"`);
	return lines as N8nLine[];
}

/**
 * The lines the queue-mode suites run on: those of e2eLines() that N8N_E2E_QUEUE_LINES names
 * (default "1,2": both, as CI runs them).
 */
export function queueLines(): N8nLine[] {
	const wanted = (process.env.N8N_E2E_QUEUE_LINES ?? '1,2').split(',').map((s) => s.trim());
	return e2eLines().filter((line) => wanted.includes(line));
}

/** The package tarball packed by the global setup. */
export function packageTarball(): string {
	const tgz = process.env.META_E2E_TGZ;
	if (!tgz) throw new Error('META_E2E_TGZ is not set: run the e2e tests with jest -c jest.e2e.config.js');
	return tgz;
}

/** What to compare when a run must succeed: on failure it carries n8n's error and output tail. */
export function outcome(run: ExecuteResult) {
	const seen: Record<string, unknown> = { ok: run.ok, error: executionError(run.data)?.message, timedOut: run.timedOut };
	if (!run.ok) Object.assign(seen, { code: run.code, signal: run.signal, output: (run.stdout + run.stderr).slice(-3000) });
	return seen;
}

export const SUCCEEDED = { ok: true, error: undefined, timedOut: false };

/**
 * One real n8n of `line` for the describe() block: in beforeAll, installed with the package
 * tarball and given the demo credential pointed at `fake` (declare `useFakeMeta()` first); in
 * afterAll, disposed. Reads like the instance once beforeAll has run (`n8n.execute(id)`).
 */
export function useN8n(line: N8nLine, fake: FakeMeta, opts: { env?: NodeJS.ProcessEnv } = {}): N8nInstance {
	const instance = liveView<N8nInstance>(`The n8n ${line} instance of useN8n()`);
	beforeAll(async () => {
		const n8n = await createInstance(await ensureN8n(line), packageTarball(), opts);
		instance.set(n8n);
		await n8n.importCredentials([demoCredential(fake)]);
	});
	afterAll(async () => {
		await instance.current()?.dispose();
	});
	return instance.view;
}
