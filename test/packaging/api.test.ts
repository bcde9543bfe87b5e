/**
 * The package's public API: every name index.ts (the package's `main`) exports, values and types,
 * as the TypeScript compiler sees them, must be the list in apiReport.txt. A change to the API
 * fails here until the report is rewritten on purpose:
 *   UPDATE_API_REPORT=1 npx jest test/packaging/api.test.ts
 * Every exported name is documented (the README's "Use without n8n" section and docs/error-core.md),
 * and every name the README's "Also exported" list gives is exported.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';

const ROOT = path.resolve(__dirname, '..', '..');
const ENTRY = path.join(ROOT, 'index.ts');
const REPORT = path.join(__dirname, 'apiReport.txt');
const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');

/** What kind of thing an exported name is: the part of its declaration a user depends on. */
function kindOf(symbol: ts.Symbol): string {
	const declaration = symbol.declarations?.[0];
	if (!declaration) return 'unknown';
	if (ts.isFunctionDeclaration(declaration)) return 'function';
	if (ts.isVariableDeclaration(declaration)) {
		const list = declaration.parent;
		return ts.isVariableDeclarationList(list) && list.flags & ts.NodeFlags.Const ? 'const' : 'let';
	}
	if (ts.isClassDeclaration(declaration)) return 'class';
	if (ts.isInterfaceDeclaration(declaration)) return 'interface';
	if (ts.isTypeAliasDeclaration(declaration)) return 'type';
	if (ts.isEnumDeclaration(declaration)) return 'enum';
	return ts.SyntaxKind[declaration.kind];
}

/** Whether an export is type-only (`export type { … }`, or a name that is only a type). */
function typeOnly(exported: ts.Symbol, target: ts.Symbol): boolean {
	const specifier = exported.declarations?.find(ts.isExportSpecifier);
	if (specifier && (specifier.isTypeOnly || specifier.parent.parent.isTypeOnly)) return true;
	return (target.flags & ts.SymbolFlags.Value) === 0;
}

/** One line per exported name, sorted: `value function classifyMetaError`, `type interface MetaErrorInfo`. */
function apiReport(): string[] {
	const program = ts.createProgram([ENTRY], {
		strict: true,
		module: ts.ModuleKind.CommonJS,
		moduleResolution: ts.ModuleResolutionKind.Node10,
		target: ts.ScriptTarget.ES2022,
		esModuleInterop: true,
		resolveJsonModule: true,
		skipLibCheck: true,
		noEmit: true,
		types: ['node'],
	});
	const checker = program.getTypeChecker();
	const source = program.getSourceFile(ENTRY);
	if (!source) throw new Error('index.ts was not compiled');
	const module = checker.getSymbolAtLocation(source);
	if (!module) throw new Error('index.ts is not a module');
	return checker
		.getExportsOfModule(module)
		.map((exported) => {
			const target = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
			return `${typeOnly(exported, target) ? 'type' : 'value'} ${kindOf(target)} ${exported.getName()}`;
		})
		.sort((a, b) => {
			const [x, y] = [a.split(' ')[2], b.split(' ')[2]];
			return x.toLowerCase() === y.toLowerCase() ? (x < y ? -1 : 1) : x.toLowerCase() < y.toLowerCase() ? -1 : 1;
		});
}

const report = apiReport();
const names = report.map((line) => line.split(' ')[2]);

/** From a heading to the next heading of the same or a higher level, code blocks left out. */
function section(markdown: string, heading: string): string {
	const lines = markdown.split('\n');
	const start = lines.indexOf(heading);
	if (start === -1) throw new Error(`no heading "${heading}"`);
	const level = heading.split(' ')[0].length;
	const end = lines.findIndex((line, i) => i > start && /^#{1,6} /.test(line) && line.split(' ')[0].length <= level);
	return lines
		.slice(start + 1, end === -1 ? undefined : end)
		.join('\n')
		.replace(/```[\s\S]*?```/g, '');
}

/** The names a text gives in code spans: `lookupCatalog(code, subcode?)` gives lookupCatalog. */
function codeNames(markdown: string): Set<string> {
	return new Set([...markdown.matchAll(/`([A-Za-z_$][\w$]*)[^`]*`/g)].map((m) => m[1]));
}

describe('the public API (index.ts)', () => {
	test('is the API report, name for name (rewrite it on purpose: UPDATE_API_REPORT=1)', () => {
		const text = `${report.join('\n')}\n`;
		if (process.env.UPDATE_API_REPORT === '1') writeFileSync(REPORT, text);
		expect(text).toBe(readFileSync(REPORT, 'utf8'));
	});

	test('names each export once, re-exported by name from the core barrel', () => {
		expect(new Set(names).size).toBe(names.length);
		expect(names.length).toBeGreaterThan(0);
		const entry = read('index.ts');
		expect(entry).not.toMatch(/export \*/);
		const sources = [...entry.matchAll(/\bfrom '([^']+)'/g)].map((m) => m[1]);
		expect(new Set(sources)).toEqual(new Set(['./nodes/shared/core']));
	});

	test('exports what the README says: classifyMetaError and the "Also exported" list, nothing else', () => {
		const readme = read('README.md');
		const documented = codeNames(section(readme, '### Also exported'));
		documented.add('classifyMetaError');
		documented.add('MetaErrorInfo');
		expect([...documented].sort()).toEqual([...names].sort());
	});

	test('documents every export in docs/error-core.md', () => {
		const documented = codeNames(section(read('docs/error-core.md'), "## The package's exports"));
		expect(names.filter((name) => !documented.has(name))).toEqual([]);
	});
});
