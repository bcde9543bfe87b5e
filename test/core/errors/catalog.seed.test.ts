// Every row of the seed tables (test/core/errors/seeds: copies of the seed tables the catalog started from) classified as the seed
// says. Expectations are derived from the seed text itself, not from the catalog.
import { readFileSync } from 'fs';
import { join } from 'path';
import { classifyMetaError, type ErrorCategory } from '../../../nodes/shared/core';
import { expectValidInfo } from './expectInfo';

const seed = (name: string) => readFileSync(join(__dirname, 'seeds', name), 'utf8');

/** Words of 4+ letters, lower case: a row's text must reappear in the catalog sentence. */
const words = (text: string) => (text.toLowerCase().match(/[a-z]{4,}/g) ?? []).filter((w) => w !== 'with');

interface MetaRow {
	section: string;
	http: number;
	code: number;
	meaning: string;
	action: string;
}

function metaRows(): { rows: MetaRow[]; nonRetryable: Map<number, string>; retryableStatus: Map<number, string> } {
	const rows: MetaRow[] = [];
	const nonRetryable = new Map<number, string>();
	const retryableStatus = new Map<number, string>();
	let section = '';
	let list: 'retryable' | 'non' | undefined;
	for (const line of seed('meta-error-reference.txt').split('\n')) {
		if (/Errors$/.test(line.trim())) section = line.trim();
		if (/^Retryable:/.test(line)) list = 'retryable';
		if (/^Usually non-retryable/.test(line)) list = 'non';
		const row = /^(\d{3})(\d+)(\D.*)$/.exec(line.trim());
		if (row) {
			// "Access token invalid/expiredRefresh/reconnect token": action starts at a lower→Upper joint
			const joint = /[a-z][A-Z]/.exec(row[3])!;
			rows.push({
				section,
				http: Number(row[1]),
				code: Number(row[2]),
				meaning: row[3].slice(0, joint.index + 1),
				action: row[3].slice(joint.index + 1),
			});
		}
		const bullet = /^\s*•\s*([\d/ ]+?)\s+([a-z-]+)/.exec(line);
		if (bullet && list === 'non') for (const c of bullet[1].split('/')) nonRetryable.set(Number(c), bullet[2]);
		if (bullet && list === 'retryable') for (const c of bullet[1].split('/')) retryableStatus.set(Number(c), bullet[2]);
	}
	return { rows, nonRetryable, retryableStatus };
}

const { rows, nonRetryable, retryableStatus } = metaRows();

/** Seed words → categories: the strategy bullets name them; other rows follow their section. */
function expectedMetaCategory(row: MetaRow): ErrorCategory {
	const bullet = nonRetryable.get(row.code);
	if (bullet) return bullet as ErrorCategory;
	const status = retryableStatus.get(row.http);
	if (status === 'rate') return 'rate_limit';
	if (status === 'server-side') return 'server';
	if (/token/i.test(row.meaning)) return 'auth';
	if (/^Request Validation/.test(row.section)) return 'validation';
	if (/undeliverable/i.test(row.meaning)) return 'delivery';
	throw new Error(`seed row without an expectation: ${JSON.stringify(row)}`);
}

describe('meta-error-reference seed', () => {
	it('parses every table row of the seed', () => {
		expect(rows.map((r) => r.code)).toEqual([
			190, 10, 200, 100, 131008, 131051, 132000, 132001, 470, 131026, 131056, 130429, 4, 2, 131016,
		]);
		expect([...nonRetryable.keys()]).toEqual([100, 10, 200, 132000, 132001, 470]);
	});

	it.each(rows.map((r) => [r.code, r] as const))('code %s is classified as the seed says', (_code, row) => {
		const body = { error: { message: row.meaning, type: 'OAuthException', code: row.code, fbtrace_id: 'Atrace' } };
		const info = expectValidInfo(classifyMetaError(body, { httpStatus: row.http }));
		const category = expectedMetaCategory(row);
		expect(info.category).toBe(category);
		expect(info.retryable).toBe(retryableStatus.has(row.http));
		expect(info.code).toBe(row.code);
		expect(info.httpStatus).toBe(row.http);
		for (const w of words(row.meaning)) expect(info.meaning.toLowerCase()).toContain(w);
		for (const w of words(row.action)) expect(info.remedy.toLowerCase()).toContain(w);
		// the same body as the JSON text Meta sends
		expect(classifyMetaError(JSON.stringify(body), { httpStatus: row.http })).toEqual(info);
	});
});

interface AdcpRow {
	section: string;
	code: string;
	description: string;
	resolution: string;
}

function adcpRows(): AdcpRow[] {
	const out: AdcpRow[] = [];
	let section = '';
	let inCodes = false;
	for (const line of seed('adcp-error-codes.txt').split('\n')) {
		if (line.startsWith('Standard Error Codes')) inCodes = true;
		if (line.startsWith('Retry Logic')) inCodes = false;
		if (!inCodes) continue;
		if (/Errors$/.test(line.trim())) section = line.trim();
		const row = /^([A-Z_]+) \| (.+?) \| (.+?) \|$/.exec(line.trim());
		if (row) out.push({ section, code: row[1], description: row[2], resolution: row[3] });
	}
	return out;
}

const SECTION_CATEGORY: Record<string, ErrorCategory> = {
	'Authentication Errors': 'auth',
	'Validation Errors': 'validation',
	'Resource Errors': 'not_found',
	'Operation Errors': 'business',
	'Rate Limiting Errors': 'rate_limit',
	'System Errors': 'server',
};

/** The section, refined by the seed's own words (the category rules put these two apart). */
function expectedAdcpCategory(row: AdcpRow): ErrorCategory {
	if (/policy/i.test(row.description)) return 'policy';
	if (/permission/i.test(row.description)) return 'permission';
	return SECTION_CATEGORY[row.section];
}

describe('adcp-error-codes seed', () => {
	const adcp = adcpRows();

	it('parses every code of the seed', () => {
		expect(adcp).toHaveLength(17);
	});

	it.each(adcp.map((r) => [r.code, r] as const))('%s is classified as the seed says', (_code, row) => {
		const category = expectedAdcpCategory(row);
		const info = expectValidInfo(
			classifyMetaError({ status: 'failed', error_code: row.code, message: row.description }),
		);
		expect(info).toMatchObject({ source: 'adcp', code: row.code, category, message: row.description });
		expect(info.retryable).toBe(['rate_limit', 'server'].includes(category));
		expect(info.meaning.startsWith(row.description)).toBe(true);
		expect(info.remedy.startsWith(row.resolution)).toBe(true);
	});
});
