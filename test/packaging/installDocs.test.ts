/**
 * The README's install section says what the end-to-end suite does: the same folder, the same
 * package.json, the same `npm install <tarball>` (testing/n8n.ts, createInstance), the tarball
 * `npm pack` writes for this version, and the community-package settings the suite gives n8n.
 * The nodes' Docs links lead to that README, not to an npm page that does not exist.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');
const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');
const pkg = JSON.parse(read('package.json')) as { name: string; version: string; homepage: string };

/** From a heading to the next heading of the same level. */
function section(markdown: string, heading: string): string {
	const start = markdown.indexOf(`\n${heading}\n`);
	if (start === -1) throw new Error(`README has no "${heading}"`);
	const level = heading.split(' ')[0];
	const rest = markdown.slice(start + heading.length + 2);
	const end = rest.search(new RegExp(`^${level} `, 'm'));
	return end === -1 ? rest : rest.slice(0, end);
}

function bashBlocks(markdown: string): string[][] {
	return [...markdown.matchAll(/```(?:bash|sh)\n([\s\S]*?)```/g)].map((m) => m[1].split('\n').map((l) => l.trim()).filter(Boolean));
}

/** Splits a shell line into words, keeping '...' quoted words whole (enough for these lines). */
function words(line: string): string[] {
	return [...line.matchAll(/'[^']*'|"[^"]*"|\S+/g)].map((m) => m[0].replace(/^'(.*)'$/s, '$1').replace(/^"(.*)"$/s, '$1'));
}

// -- what testing/n8n.ts does ------------------------------------------------------------------

const n8nTs = read('testing/n8n.ts');

function functionBody(source: string, signature: string): string {
	const start = source.indexOf(signature);
	if (start === -1) throw new Error(`testing/n8n.ts has no "${signature}"`);
	const end = source.indexOf('\n}\n', start);
	return source.slice(start, end);
}

const createInstance = functionBody(n8nTs, 'export async function createInstance(');
const packPackage = functionBody(n8nTs, 'export async function packPackage(');

/** The string elements and bare identifiers of an array literal: ['install', tgz, '--x'] */
function arrayLiteral(text: string): string[] {
	return text.split(',').map((s) => s.trim()).filter(Boolean).map((s) => s.replace(/^'(.*)'$/, '$1'));
}

const e2e = (() => {
	const folder = /path\.join\(userFolder, ((?:'[^']+',? ?)+)\)/.exec(createInstance.slice(0, createInstance.indexOf('mkdir')));
	const manifest = /JSON\.stringify\((\{[^]*?\}), null, 2\)/.exec(createInstance);
	const install = /mustRun\('npm', \[([^\]]*)\]/.exec(createInstance);
	const pack = /mustRun\('npm', \[([^\]]*)\]/.exec(packPackage);
	if (!folder || !manifest || !install || !pack) throw new Error('testing/n8n.ts: createInstance or packPackage no longer reads as this test expects; update both together');
	const settings = [...createInstance.matchAll(/\b(N8N_(?:COMMUNITY|UNVERIFIED)_[A-Z_]+): '([^']*)'/g)].map((m) => ({ name: m[1], value: m[2] }));
	return {
		folder: arrayLiteral(folder[1]).join('/'),
		manifest: new Function(`return (${manifest[1]});`)() as unknown,
		install: arrayLiteral(install[1]),
		pack: arrayLiteral(pack[1]),
		settings,
	};
})();

/** npm flags that change only what npm prints, not what it installs. */
const OUTPUT_ONLY = new Set(['--no-audit', '--no-fund', '--silent']);
const outputOnly = (flag: string) => OUTPUT_ONLY.has(flag) || flag.startsWith('--loglevel') || flag.startsWith('--pack-destination');
const flags = (args: string[]) => args.filter((a) => a.startsWith('-'));

// -- what the README says -----------------------------------------------------------------------

const readme = read('README.md');
const install = section(readme, '## Install into self-hosted n8n');
const blocks = bashBlocks(install);
const tarballBlock = blocks.find((b) => b.some((l) => l.includes('~/.n8n/nodes') && l.startsWith('mkdir')));

describe('README: install from the tarball, as the end-to-end suite does', () => {
	test('the suite installs with npm install <tarball> in .n8n/nodes of its user folder', () => {
		// if this fails, testing/n8n.ts changed: say the same in the README, then here
		expect(e2e.folder).toBe('.n8n/nodes');
		expect(e2e.install[0]).toBe('install');
		expect(e2e.install[1]).toBe('tgz');
		expect(e2e.pack[0]).toBe('pack');
	});

	test('the README builds the tarball with npm ci and npm pack', () => {
		const lines = blocks.flat();
		expect(lines).toContain('npm ci');
		expect(lines.some((l) => words(l)[0] === 'npm' && words(l)[1] === 'pack')).toBe(true);
		expect(lines.indexOf('npm ci')).toBeLessThan(lines.findIndex((l) => l.startsWith('npm pack')));
	});

	test('it names the tarball that npm pack writes for this version', () => {
		const names = new Set([...install.matchAll(/n8n-nodes-meta-resilience-[0-9][^\s`/]*?\.tgz/g)].map((m) => m[0]));
		expect(names.size).toBeGreaterThan(0);
		expect([...names]).toEqual([`${pkg.name}-${pkg.version}.tgz`]);
	});

	test('it works in the same folder, ~/.n8n/nodes', () => {
		expect(tarballBlock).toBeDefined();
		expect(tarballBlock![0]).toBe(`mkdir -p ~/${e2e.folder} && cd ~/${e2e.folder}`);
	});

	test('it writes the same package.json when the folder has none', () => {
		const line = tarballBlock!.find((l) => l.includes('package.json'));
		expect(line).toBeDefined();
		const w = words(line!);
		expect([...w.slice(0, 6), ...w.slice(7)]).toEqual(['[', '-f', 'package.json', ']', '||', 'echo', '>', 'package.json']);
		expect(JSON.parse(w[6])).toEqual(e2e.manifest);
	});

	test('it runs the same npm install <tarball>, with every flag that changes what is installed', () => {
		const lines = tarballBlock!.filter((l) => words(l)[0] === 'npm' && words(l)[1] === 'install');
		expect(lines).toHaveLength(1);
		const args = words(lines[0]).slice(1);
		const positional = args.filter((a) => !a.startsWith('-'));
		expect(positional).toEqual(['install', `./${pkg.name}-${pkg.version}.tgz`]);
		expect(flags(args).sort()).toEqual(flags(e2e.install).filter((f) => !outputOnly(f)).sort());
		// package.json first, as the suite writes it before installing
		expect(tarballBlock!.findIndex((l) => l.includes('package.json'))).toBeLessThan(tarballBlock!.indexOf(lines[0]));
	});

	test('it copies the tarball into the folder it installs from', () => {
		const cp = tarballBlock!.find((l) => l.startsWith('cp '));
		expect(cp && words(cp)).toEqual(['cp', expect.stringMatching(new RegExp(`/${pkg.name}-${pkg.version}\\.tgz$`)), '.']);
	});

	test('then n8n restarts, which is when n8n loads the folder', () => {
		expect(tarballBlock![tarballBlock!.length - 1]).toBe('# restart n8n');
	});

	test('it names every community-package setting the suite gives n8n, with its value', () => {
		expect(e2e.settings.length).toBeGreaterThan(0);
		for (const { name, value } of e2e.settings) {
			expect(install).toContain(name);
			expect(install).toMatch(new RegExp(`${name}(=${value}\\b|\` is \`${value}\`)`));
		}
	});

	test('it says the package is not on npm yet', () => {
		expect(install).toMatch(/not published on the npm registry/);
	});
});

describe("the nodes' Docs links", () => {
	const repoUrl = pkg.homepage.replace(/#.*$/, '');
	const slugs = new Set([...readme.matchAll(/^#{1,6} (.+)$/gm)].map((m) => m[1].trim().toLowerCase().replace(/[^\w\- ]/g, '').replace(/ /g, '-')));
	const codexFiles = readdirSync(path.join(ROOT, 'nodes'), { withFileTypes: true })
		.filter((d) => d.isDirectory())
		.flatMap((d) => readdirSync(path.join(ROOT, 'nodes', d.name)).filter((f) => f.endsWith('.node.json')).map((f) => `nodes/${d.name}/${f}`));

	test.each(codexFiles)('%s: no npm page, and a link to this README names a heading it has (a docs page: one that exists)', (file) => {
		const codex = JSON.parse(read(file)) as { resources?: { primaryDocumentation?: Array<{ url: string }> } };
		for (const { url } of codex.resources?.primaryDocumentation ?? []) {
			expect(url).not.toMatch(/npmjs\.(com|org)/);
			const page = url.startsWith(`${repoUrl}/blob/main/`) ? url.slice(`${repoUrl}/blob/main/`.length).replace(/#.*$/, '') : undefined;
			if (page !== undefined) expect(existsSync(path.join(ROOT, page))).toBe(true);
			else if (url.startsWith(repoUrl)) {
				const anchor = url.slice(repoUrl.length).replace(/^#/, '');
				if (anchor && anchor !== 'readme') expect(slugs).toContain(anchor);
			}
		}
	});
});
