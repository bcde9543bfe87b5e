/**
 * The documentation holds together: the README stays short (it is the npm page) and opens with a
 * table of contents; every relative link in README.md, CONTRIBUTING.md, CHANGELOG.md and docs/
 * leads to a file that exists, and an #anchor to a heading that file has (GitHub's slugs); every
 * page in docs/ says what it is and links back to the README.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');
const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');

const README_MAX_BYTES = 25_000;

function markdownFiles(dir: string): string[] {
	return readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
		const file = `${dir}/${entry.name}`;
		if (entry.isDirectory()) return markdownFiles(file);
		return entry.name.endsWith('.md') ? [file] : [];
	});
}

const DOC_PAGES = markdownFiles('docs');
const FILES = ['README.md', 'CONTRIBUTING.md', 'CHANGELOG.md', ...DOC_PAGES];

/** The text outside fenced code blocks, line for line (fenced lines become empty). */
function prose(markdown: string): string[] {
	let fence: string | undefined;
	return markdown.split('\n').map((line) => {
		const marker = /^\s*(`{3,}|~{3,})/.exec(line)?.[1];
		if (marker && (fence === undefined || marker.startsWith(fence))) {
			fence = fence === undefined ? marker : undefined;
			return '';
		}
		return fence === undefined ? line : '';
	});
}

/** GitHub's anchor for a heading: the rendered text, lowercased, punctuation dropped, each space a hyphen. */
function slug(heading: string): string {
	return heading
		.replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
		.replace(/`/g, '')
		.trim()
		.toLowerCase()
		.replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
		.replace(/ /g, '-');
}

/** Every anchor a file has: its headings' slugs, a repeated one with -1, -2, … as GitHub numbers them. */
function anchors(markdown: string): Set<string> {
	const seen = new Map<string, number>();
	const result = new Set<string>();
	for (const line of prose(markdown)) {
		const heading = /^#{1,6}\s+(.+?)\s*#*\s*$/.exec(line)?.[1];
		if (heading === undefined) continue;
		const base = slug(heading);
		const count = seen.get(base) ?? 0;
		seen.set(base, count + 1);
		result.add(count === 0 ? base : `${base}-${count}`);
	}
	return result;
}

/** Relative links of a file (code spans and code blocks left out): [text](target), images too. */
function links(markdown: string): string[] {
	const text = prose(markdown)
		.join('\n')
		.replace(/`[^`\n]*`/g, '');
	return [...text.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)]
		.map((m) => m[1])
		.filter((target) => !/^[a-z][a-z0-9+.-]*:/i.test(target));
}

describe('README', () => {
	const readme = read('README.md');

	test(`is at most ${README_MAX_BYTES.toLocaleString('en')} bytes`, () => {
		expect(Buffer.byteLength(readme, 'utf8')).toBeLessThanOrEqual(README_MAX_BYTES);
	});

	test('opens with a table of contents that lists every section and leads to its heading', () => {
		const sections = prose(readme).filter((line) => /^## /.test(line));
		expect(sections[0]).toBe('## Contents');
		const start = readme.indexOf('\n## Contents\n');
		const end = readme.indexOf('\n## ', start + 1);
		const toc = [...readme.slice(start, end).matchAll(/^- \[([^\]]+)\]\(#([^)]+)\)$/gm)].map((m) => ({ title: m[1], anchor: m[2] }));
		const have = anchors(readme);
		for (const { anchor } of toc) expect(have).toContain(anchor);
		expect(toc.map((entry) => entry.title)).toEqual(sections.slice(1).map((line) => line.slice(3)));
	});
});

describe('relative links', () => {
	test.each(FILES)('%s: every relative link leads to a file, and its #anchor to a heading there', (file) => {
		const broken: string[] = [];
		for (const target of links(read(file))) {
			const [pathPart, anchor] = target.split('#', 2);
			const resolved = pathPart === '' ? file : path.posix.normalize(path.posix.join(path.posix.dirname(file), decodeURI(pathPart)));
			const absolute = path.join(ROOT, resolved);
			if (resolved.startsWith('..') || !existsSync(absolute)) {
				broken.push(`${target}: no file ${resolved}`);
				continue;
			}
			if (anchor === undefined) continue;
			if (statSync(absolute).isDirectory() || !resolved.endsWith('.md')) {
				broken.push(`${target}: an anchor into ${resolved}, which is not a Markdown file`);
			} else if (!anchors(read(resolved)).has(anchor)) {
				broken.push(`${target}: ${resolved} has no heading #${anchor}`);
			}
		}
		expect(broken).toEqual([]);
	});

	test('the link check itself finds links and reads headings the way GitHub does', () => {
		expect(links('[a](docs/x.md#y) `[b](nope.md)` [c](https://example.com) ![d](img.png)')).toEqual(['docs/x.md#y', 'img.png']);
		expect(slug('Use without n8n: the error core')).toBe('use-without-n8n-the-error-core');
		expect(slug("The package's exports")).toBe('the-packages-exports');
		expect(slug('Timings (2 cores shared with other work, load average 2–8)')).toBe('timings-2-cores-shared-with-other-work-load-average-28');
		expect(slug('Send `as` [Graph Batch](x.md)')).toBe('send-as-graph-batch');
		expect([...anchors('# A\n```\n# not a heading\n```\n## A\n')]).toEqual(['a', 'a-1']);
	});
});

describe('docs/ pages', () => {
	test.each(DOC_PAGES)('%s starts with its title, then one line saying what it is with a link back to the README', (file) => {
		const lines = read(file).split('\n');
		expect(lines[0]).toMatch(/^# \S/);
		const at = lines.findIndex((line, i) => i > 0 && line.trim() !== '');
		expect(lines[at]).toMatch(/\]\((\.\.\/)+README\.md(#[^)]*)?\)/);
		expect(lines[at + 1]).toBe(''); // one line, a paragraph of its own
	});
});
