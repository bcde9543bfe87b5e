/**
 * Debian packages the tests need (redis-server, postgresql, chromium): installed once when missing
 * and this runs as root with apt-get, else an error that says exactly what to install.
 * No jest imports: tsconfig.tools.json compiles this file too.
 */
import { run } from './n8n';

const MINUTE = 60_000;
const installs = new Map<string, Promise<void>>();

/**
 * Makes sure `present()` holds, installing the Debian package `pkg` when it does not. `hint` says
 * what to install by hand; it opens the error when the install is impossible or fails.
 */
export async function ensureDebianPackage(pkg: string, present: () => boolean | Promise<boolean>, hint: string): Promise<void> {
	if (await present()) return;
	let install = installs.get(pkg);
	if (!install) {
		install = aptInstall(pkg, hint).finally(() => installs.delete(pkg));
		installs.set(pkg, install);
	}
	await install;
	if (!(await present())) throw new Error(`${hint} (apt-get installed ${pkg}, yet it is still not found)`);
}

async function aptInstall(pkg: string, hint: string): Promise<void> {
	const hasApt = (await run('apt-get', ['--version'], { timeoutMs: MINUTE }).catch(() => undefined))?.code === 0;
	if (process.getuid?.() !== 0 || !hasApt) throw new Error(hint);
	const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
	const install = () => run('apt-get', ['install', '-y', '-qq', pkg], { env, timeoutMs: 15 * MINUTE });
	let result = await install();
	if (result.code !== 0) {
		await run('apt-get', ['update', '-qq'], { env, timeoutMs: 10 * MINUTE }); // no package lists yet (a fresh image)
		result = await install();
	}
	if (result.code !== 0) throw new Error(`${hint}; apt-get install ${pkg} failed:\n${(result.stderr || result.stdout).slice(-2000)}`);
}
