import * as path from 'node:path';

import { ensureN8n, packPackage } from '../../testing/n8n';
import { e2eLines, REPO_DIR } from './setup';

/** Installs n8n (once per version, cached) and packs the package, before any test file runs. */
export default async function globalSetup(): Promise<void> {
	const log = (s: string) => process.stderr.write(`[e2e] ${s}\n`);
	const started = Date.now();
	// Sequential: two n8n installs at once compete for the same two cores and the npm cache
	for (const line of e2eLines()) {
		const env = await ensureN8n(line, log);
		log(`n8n ${env.version} ready (${env.nodeBin})`);
	}
	// META_E2E_TGZ set by the caller: test that tarball (a release candidate) instead of packing one
	if (!process.env.META_E2E_TGZ) {
		process.env.META_E2E_TGZ = await packPackage(REPO_DIR);
		process.env.META_E2E_PACK_DIR = path.dirname(process.env.META_E2E_TGZ);
	}
	log(`package ${process.env.META_E2E_TGZ} (setup took ${Math.round((Date.now() - started) / 1000)} s)`);
}
