/**
 * The release workflow (.github/workflows/release.yml), read as text: a pushed v* tag publishes
 * with npm provenance (n8n requires it for community packages) after the build, the lint and the
 * unit tests, with only the permissions provenance needs. docs/RELEASING.md describes it.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');
const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');
const workflow = read('.github/workflows/release.yml');
/** The workflow without comments, so a commented-out step does not count. */
const live = workflow
	.split('\n')
	.filter((l) => !l.trim().startsWith('#'))
	.map((l) => l.replace(/\s+#.*$/, ''))
	.join('\n');
const steps = [...live.matchAll(/^\s*- run: (.+)$/gm)].map((m) => m[1].trim());

describe('release workflow', () => {
	test('runs on a pushed v* tag only', () => {
		expect(live).toMatch(/^on:\n {2}push:\n {4}tags:\n {6}- 'v\*'\n/m);
		expect(live).not.toMatch(/^\s*(pull_request|schedule|branches):/m);
	});

	test('has the id-token permission provenance needs, and read-only contents', () => {
		expect(live).toMatch(/^permissions:\n {2}contents: read\n {2}id-token: write\n/m);
		expect(live.match(/: write\b/g)).toEqual([': write']);
	});

	test('uses Node 20 and the npm registry', () => {
		expect(live).toMatch(/node-version: 20\n/);
		expect(live).toMatch(/registry-url: https:\/\/registry\.npmjs\.org\n/);
	});

	test('checks the tag against package.json', () => {
		expect(live).toContain('"${GITHUB_REF_NAME}" != "v${version}"');
	});

	test('installs, builds, lints and runs the unit tests, then publishes with provenance', () => {
		expect(steps).toEqual(['npm ci', 'npm run build', 'npm run lint', 'npm test', 'npm publish --provenance --access public']);
	});

	test('publishes with the NPM_TOKEN secret', () => {
		expect(live).toMatch(/- run: npm publish --provenance --access public\n {8}env:\n {10}NODE_AUTH_TOKEN: \$\{\{ secrets\.NPM_TOKEN \}\}/);
	});

	test('npm test is the unit suite: the end-to-end and chaos suites are not part of it', () => {
		const pkg = JSON.parse(read('package.json')) as { scripts: Record<string, string> };
		expect(pkg.scripts.test).toBe('jest');
		const jestConfig = read('jest.config.js');
		expect(jestConfig).toContain("'/test/e2e/'");
		expect(jestConfig).toContain("'/test/chaos/'");
	});

	test('docs/RELEASING.md describes this workflow and the version policy', () => {
		const doc = read('docs/RELEASING.md');
		expect(doc).toContain('.github/workflows/release.yml');
		expect(doc).toContain('npm publish --provenance --access public');
		expect(doc).toContain('id-token: write');
		expect(doc).toMatch(/## Version policy/);
	});
});
