import { rm } from 'node:fs/promises';

/** Removes the tarball the global setup packed (a tarball given in META_E2E_TGZ stays). */
export default async function globalTeardown(): Promise<void> {
	const dir = process.env.META_E2E_PACK_DIR;
	if (dir) await rm(dir, { recursive: true, force: true });
}
