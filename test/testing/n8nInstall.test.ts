// The real-n8n harness checks an install before trusting it: each command the suites use must load
// the way bin/n8n loads it, and a failure names the real module error (n8n itself only says
// `Command "start" not found`). Checked here on a folder laid out like an n8n install.
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { N8N_COMMANDS_USED, unloadableCommands } from '../../testing/n8n';

let dir: string;

/** A minimal n8n package: bin/n8n, dist/config.js, the command registry (it teaches zod `.alias`), one file per command. */
async function layOut(commands: Record<string, string>): Promise<void> {
	const write = async (file: string, text: string) => {
		await fs.mkdir(path.dirname(path.join(dir, file)), { recursive: true });
		await fs.writeFile(path.join(dir, file), text);
	};
	await write('node_modules/reflect-metadata/index.js', 'globalThis.reflectLoaded = true;');
	await write('node_modules/reflect-metadata/package.json', '{"name":"reflect-metadata","main":"index.js"}');
	await write('node_modules/n8n/package.json', '{"name":"n8n","version":"0.0.0"}');
	await write('node_modules/n8n/bin/n8n', '');
	await write('node_modules/n8n/dist/config.js', 'if (!globalThis.reflectLoaded) throw new Error("config before reflect-metadata");');
	await write('node_modules/n8n/dist/command-registry.js', 'globalThis.aliasTaught = true;');
	for (const name of N8N_COMMANDS_USED) {
		await write(`node_modules/n8n/dist/commands/${name.replace(/:/g, '/')}.js`, commands[name] ?? 'if (!globalThis.aliasTaught) throw new Error("registry not loaded");');
	}
}

beforeEach(async () => {
	dir = await fs.mkdtemp(path.join(os.tmpdir(), 'n8n-install-test-'));
});
afterEach(async () => {
	await fs.rm(dir, { recursive: true, force: true });
});

test('an install whose commands all load, in bin/n8n order, is whole', async () => {
	await layOut({});
	await expect(unloadableCommands(process.execPath, dir)).resolves.toBeUndefined();
});

test('a command whose module cannot load is named with the real error, the others are not', async () => {
	await layOut({ start: "require('@langchain/core/singletons');", 'import:workflow': 'throw new TypeError("zod_1.z.string(...).alias is not a function");' });
	const broken = await unloadableCommands(process.execPath, dir);
	expect(broken).toContain("`n8n start` cannot load: Error: Cannot find module '@langchain/core/singletons'");
	expect(broken).toContain('`n8n import:workflow` cannot load: TypeError: zod_1.z.string(...).alias is not a function');
	expect(broken).not.toMatch(/n8n (worker|execute|import:credentials)`/);
});

test('a folder without n8n at all is broken, with the reason', async () => {
	const broken = await unloadableCommands(process.execPath, dir);
	expect(broken).toMatch(/`n8n \(start-up\)` cannot load: Error: Cannot find module 'reflect-metadata'/);
});
