/**
 * The Dockerfile, checked without Docker (the machines that run this suite have no daemon;
 * .github/workflows/docker.yml builds it on GitHub): n8n's official image at a release the
 * end-to-end suite tests, the package's tarball installed as the `node` user into the folder n8n
 * loads community packages from, runtime dependencies only and no peer install (n8n provides
 * n8n-workflow), a build context that holds the tarball, and the README's commands in step.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';

import { N8N_LINES, type N8nLine } from '../../testing/n8n';

const ROOT = path.resolve(__dirname, '..', '..');
const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');
const pkg = JSON.parse(read('package.json')) as { name: string; version: string };
const NODES_DIR = '/home/node/.n8n/nodes';

interface Instruction {
	keyword: string;
	args: string;
	line: number;
}

/** Dockerfile instructions, with continuation lines joined and comments left out. */
function instructions(text: string): Instruction[] {
	const out: Instruction[] = [];
	let pending: { text: string; line: number } | undefined;
	text.split('\n').forEach((raw, i) => {
		const line = raw.trim();
		if (!pending && (line === '' || line.startsWith('#'))) return;
		if (pending && line.startsWith('#')) return;
		const continued = line.endsWith('\\');
		const body = continued ? line.slice(0, -1) : line;
		pending = pending ? { text: `${pending.text} ${body}`, line: pending.line } : { text: body, line: i + 1 };
		if (continued) return;
		const [, keyword, args] = /^(\S+)\s*([\s\S]*)$/.exec(pending.text.trim())!;
		out.push({ keyword: keyword.toUpperCase(), args: args.trim(), line: pending.line });
		pending = undefined;
	});
	if (pending) throw new Error('Dockerfile ends inside a continued line');
	return out;
}

const dockerfile = instructions(read('Dockerfile'));
const of = (keyword: string) => dockerfile.filter((i) => i.keyword === keyword);
const from = of('FROM');
const args = new Map(
	of('ARG').map((a) => {
		const [name, value] = a.args.split('=');
		return [name, value] as const;
	}),
);
const run = of('RUN').find((r) => /\bnpm (install|i|ci)\b/.test(r.args));
/** The shell commands of that RUN, split on ; && || (good enough for one plain sh script). */
const commands = (run?.args ?? '').split(/;|&&|\|\|/).map((c) => c.trim()).filter(Boolean);
const npmInstall = commands.find((c) => /^npm (install|i)\b/.test(c)) ?? '';

function dockerignoreAdmits(file: string): boolean {
	const toRegex = (glob: string) => new RegExp(`^${glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]')}$`);
	let admitted = true;
	for (const raw of read('.dockerignore').split('\n')) {
		const line = raw.trim();
		if (!line || line.startsWith('#')) continue;
		const negated = line.startsWith('!');
		if (toRegex(negated ? line.slice(1) : line).test(file)) admitted = negated;
	}
	return admitted;
}

describe('Dockerfile', () => {
	test("extends n8n's official image, at a pinned version given as a build argument", () => {
		expect(from).toHaveLength(1);
		expect(from[0].args).toBe('n8nio/n8n:${N8N_VERSION}');
		const argBeforeFrom = of('ARG').find((a) => a.args.startsWith('N8N_VERSION=') && a.line < from[0].line);
		expect(argBeforeFrom).toBeDefined();
		expect(args.get('N8N_VERSION')).toMatch(/^\d+\.\d+\.\d+$/);
	});

	test('the pinned n8n is the release the end-to-end suite tests on that line', () => {
		const version = args.get('N8N_VERSION')!;
		const line = version.split('.')[0] as N8nLine;
		expect(Object.keys(N8N_LINES)).toContain(line);
		// the suite moved to another release: move the Dockerfile's ARG and the README's docker build with it
		expect(version).toBe(N8N_LINES[line].version);
	});

	test('switches to the node user before installing, and ends as node', () => {
		const users = of('USER');
		expect(users.length).toBeGreaterThan(0);
		expect(users[users.length - 1].args).toBe('node');
		expect(run).toBeDefined();
		const lastUserBeforeInstall = users.filter((u) => u.line < run!.line).pop();
		expect(lastUserBeforeInstall?.args).toBe('node');
		expect(users.every((u) => u.line > from[0].line)).toBe(true);
	});

	test("copies the packed tarball into n8n's nodes folder, owned by node", () => {
		const copies = of('COPY').filter((c) => c.args.includes('.tgz'));
		expect(copies).toHaveLength(1);
		expect(copies[0].args).toBe(`--chown=node:node ${pkg.name}-*.tgz ${NODES_DIR}/`);
		expect(of('ADD')).toEqual([]);
	});

	test('installs it there with npm install, runtime dependencies only and no peer install', () => {
		expect(commands).toContain(`cd ${NODES_DIR}`);
		expect(commands.indexOf(`cd ${NODES_DIR}`)).toBeLessThan(commands.indexOf(npmInstall));
		const words = npmInstall.split(/\s+/);
		expect(words).toEqual(expect.arrayContaining(['--omit=dev']));
		// n8n provides n8n-workflow: the optional peer must not bring a second copy (and its native build)
		expect(words.includes('--omit=peer') || words.includes('--legacy-peer-deps')).toBe(true);
		expect(words).not.toContain('--include=peer');
		expect(words.filter((w) => w === '-g' || w === '--global')).toEqual([]);
		// the one tarball copied in, installed by its relative path as the README does
		expect(words[words.length - 1]).toBe('"./$1"');
		expect(commands).toContain(`set -- ${pkg.name}-*.tgz`);
	});

	test("writes the nodes folder's package.json as the README and the end-to-end suite do", () => {
		const readme = read('README.md');
		const readmeLine = /^\[ -f package\.json \] \|\| echo '([^']+)' > package\.json$/m.exec(readme);
		expect(readmeLine).not.toBeNull();
		const inDockerfile = /\[ -f package\.json \] \|\| echo '([^']+)' > package\.json/.exec(run!.args);
		expect(inDockerfile?.[1]).toBe(readmeLine![1]);
		expect(commands.findIndex((c) => c.includes('package.json'))).toBeLessThan(commands.indexOf(npmInstall));
	});

	test('no environment is baked into the image (n8n settings are the user\'s to set)', () => {
		expect(of('ENV')).toEqual([]);
	});

	test('.dockerignore lets in the tarball of this version and nothing else', () => {
		expect(dockerignoreAdmits(`${pkg.name}-${pkg.version}.tgz`)).toBe(true);
		for (const other of ['package.json', 'node_modules', 'dist', '.n8n', 'README.md', '.env']) expect(dockerignoreAdmits(other)).toBe(false);
	});
});

describe("README: the Docker commands match the Dockerfile", () => {
	const readme = read('README.md');
	const lines = [...readme.matchAll(/```(?:bash|sh)\n([\s\S]*?)```/g)].flatMap((m) => m[1].split('\n').map((l) => l.trim()));
	const build = lines.filter((l) => l.startsWith('docker build'));
	const runs = lines.filter((l) => l.startsWith('docker run'));

	test('one docker build, whose build arguments are the Dockerfile\'s, at their defaults', () => {
		expect(build).toHaveLength(1);
		const buildArgs = [...build[0].matchAll(/--build-arg (\w+)=(\S+)/g)].map((m) => [m[1], m[2]] as const);
		expect(buildArgs.length).toBeGreaterThan(0);
		for (const [name, value] of buildArgs) {
			expect(args.has(name)).toBe(true);
			expect(value).toBe(args.get(name));
		}
		expect(buildArgs.map(([name]) => name)).toContain('N8N_VERSION');
		expect(build[0].split(/\s+/).pop()).toBe('.');
	});

	test('the README states the same default n8n version in words', () => {
		expect(readme).toContain(`by default ${args.get('N8N_VERSION')}`);
	});

	test('docker run starts the image docker build tagged, with the n8n data folder as a volume', () => {
		const tag = /-t (\S+)/.exec(build[0])?.[1];
		expect(tag).toBeDefined();
		expect(runs).toHaveLength(1);
		expect(runs[0].split(/\s+/).pop()).toBe(tag);
		expect(runs[0]).toMatch(/-v \S+:\/home\/node\/\.n8n(\s|$)/);
		expect(runs[0]).toContain('-p 5678:5678');
	});

	test('the GitHub workflow builds it the same way, after npm pack', () => {
		const workflow = read('.github/workflows/docker.yml');
		expect(workflow).toMatch(/run: npm pack\n/);
		expect(workflow).toMatch(/docker build --build-arg N8N_VERSION="\$\{n8n_version\}" -t n8n-meta-resilience \./);
		expect(workflow).toContain("sed -n 's/^ARG N8N_VERSION=//p' Dockerfile");
		expect(workflow.indexOf('run: npm pack')).toBeLessThan(workflow.indexOf('docker build'));
	});
});
