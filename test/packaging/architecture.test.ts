// docs/ARCHITECTURE.md stays true file by file: every source module under nodes/ is named in it,
// and every file it names exists.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');
const text = readFileSync(path.join(ROOT, 'docs/ARCHITECTURE.md'), 'utf8');
const tracked = execFileSync('git', ['ls-files'], { cwd: ROOT, encoding: 'utf8' }).split('\n').filter(Boolean);

test('every module under nodes/ is named in docs/ARCHITECTURE.md', () => {
	// Barrels are left out, except the operations' registry.
	const modules = tracked.filter((file) => (/^nodes\/.*\.ts$/.test(file) && !file.endsWith('/index.ts')) || file === 'nodes/MetaRequest/operations/index.ts');
	expect(modules.length).toBeGreaterThan(80);
	const unnamed = modules.filter((file) => {
		const name = path.basename(file);
		// an operation file and a node file are named by their pattern
		const pattern = name.endsWith('.operation.ts') ? '<name>.operation.ts' : name.endsWith('.node.ts') ? '*.node.ts' : name;
		return !text.includes(name) && !text.includes(pattern);
	});
	expect(unnamed).toEqual([]);
});

test('every file docs/ARCHITECTURE.md names exists', () => {
	const named = [...new Set(text.match(/[A-Za-z0-9_./-]*[A-Za-z0-9_]\.ts\b/g) ?? [])].filter((name) => !name.startsWith('.') && !name.includes('<'));
	expect(named.length).toBeGreaterThan(40);
	const missing = named.filter((name) => !tracked.some((file) => file === name || file.endsWith(`/${name}`)));
	expect(missing).toEqual([]);
});
