// The category table (docs/error-core.md, "Categories and default actions"), row by row, written out here (not read from the catalog), plus
// the rules around it: code beats HTTP status, is_transient, actions per category.
import { classifyMetaError, lookupCatalog, type ErrorCategory } from '../../../nodes/shared/core';
import { CONTRACT_ACTIONS, CONTRACT_RETRYABLE, expectValidInfo } from './expectInfo';

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

const GRAPH_CODES: Array<[ErrorCategory, number[]]> = [
	['auth', [190, 102, 104, 0]], // 104: the token is missing (what Meta answers a request without one)
	['permission', [3, 10, ...range(200, 299), 131005]],
	['validation', [100, 131008, 131009, 131021, 131051, 131053, 135000]],
	['not_found', [803]],
	['rate_limit', [4, 17, 32, 341, 613, ...range(80000, 80014), 130429, 131056, 132069]],
	['server', [1, 2, 131000, 131016, 131057, 133004]],
	['policy', [368, 470, 131031, 131047, 131048, 130497]],
	['template', range(132000, 132068)],
	['delivery', [131026, 131049, 131050, 131052, 130472]],
	['business', [131042]],
];

const ADCP_CODES: Array<[ErrorCategory, string[]]> = [
	['auth', ['INVALID_CREDENTIALS', 'TOKEN_EXPIRED']],
	['permission', ['INSUFFICIENT_PERMISSIONS']],
	['validation', ['MISSING_REQUIRED_FIELD', 'INVALID_FIELD_VALUE', 'INVALID_FIELD_FORMAT']],
	['not_found', ['RESOURCE_NOT_FOUND', 'PRODUCT_NOT_FOUND', 'CREATIVE_NOT_FOUND']],
	['rate_limit', ['RATE_LIMIT_EXCEEDED']],
	['server', ['INTERNAL_SERVER_ERROR', 'SERVICE_UNAVAILABLE', 'TIMEOUT']],
	['policy', ['CREATIVE_REJECTED']],
	['business', ['INSUFFICIENT_INVENTORY', 'BUDGET_EXCEEDED', 'INVALID_TARGETING']],
];


const graphBody = (code: number | string, extra: Record<string, unknown> = {}) => ({
	error: { message: `(#${code}) something failed`, type: 'OAuthException', code, fbtrace_id: 'Atrace', ...extra },
});

describe('the category table', () => {
	for (const [category, codes] of GRAPH_CODES) {
		it(`Graph/WhatsApp codes → ${category} (${codes.length} codes)`, () => {
			for (const code of codes) {
				const info = expectValidInfo(classifyMetaError(graphBody(code), { httpStatus: 400 }));
				expect({ code, category: info.category, action: info.action, retryable: info.retryable }).toEqual({
					code,
					category,
					action: CONTRACT_ACTIONS[category],
					retryable: CONTRACT_RETRYABLE.has(category),
				});
			}
		});
	}

	for (const [category, codes] of ADCP_CODES) {
		it(`AdCP codes → ${category}`, () => {
			for (const code of codes) {
				const info = classifyMetaError({ status: 'failed', error_code: code, message: 'x' });
				expect([code, info.category, info.action]).toEqual([code, category, CONTRACT_ACTIONS[category]]);
			}
		});
	}

	it('190 with each known subcode is auth with a subcode-specific meaning', () => {
		const base = classifyMetaError(graphBody(190));
		for (const subcode of [458, 459, 460, 463, 464, 467, 492]) {
			const info = classifyMetaError(graphBody(190, { error_subcode: subcode }));
			expect(info).toMatchObject({ category: 'auth', subcode, action: 'escalate' });
			expect(info.meaning).not.toBe(base.meaning);
		}
		expect(classifyMetaError(graphBody(190, { error_subcode: 999 })).meaning).toBe(base.meaning);
	});

	it('100 with subcode 33 is not_found; 1487xxx ad-validation subcodes are validation', () => {
		expect(classifyMetaError(graphBody(100, { error_subcode: 33 })).category).toBe('not_found');
		for (const subcode of [1487390, 1487301, 1487124]) {
			const info = classifyMetaError(graphBody(100, { error_subcode: subcode }));
			expect(info).toMatchObject({ category: 'validation', action: 'dead_letter', subcode });
			expect(info.meaning).toMatch(/ad object/);
		}
	});

	it('HTTP 429 and 5xx without a known code', () => {
		expect(classifyMetaError({ error: { message: 'x', code: 999999 } }, { httpStatus: 429 }).category).toBe('rate_limit');
		for (const status of [500, 502, 503, 504]) {
			expect(classifyMetaError({ error: { message: 'x', code: 999999 } }, { httpStatus: status }).category).toBe('server');
		}
	});

	it('transport failures and unparseable bodies are network', () => {
		expect(classifyMetaError({ code: 'ECONNRESET', message: 'read ECONNRESET' }).category).toBe('network');
		expect(classifyMetaError('{"error":{"message":"cut').category).toBe('network');
	});

	it('unknown codes are unknown, with a meaning that says the code is not listed', () => {
		const graph = expectValidInfo(classifyMetaError(graphBody(987654), { httpStatus: 400 }));
		expect(graph).toMatchObject({ category: 'unknown', action: 'escalate', retryable: false, code: 987654 });
		expect(graph.meaning).toMatch(/does not list/);
		const adcp = classifyMetaError({ status: 'failed', error_code: 'SOMETHING_NEW', message: 'x' });
		expect(adcp).toMatchObject({ category: 'unknown', code: 'SOMETHING_NEW', action: 'escalate' });
	});
});

describe('code beats HTTP status', () => {
	it.each([4, 17, 32, 613, 80000, 80004, 80014])('code %s as HTTP 400 and 403 is rate_limit', (code) => {
		for (const httpStatus of [400, 403]) {
			const info = classifyMetaError(graphBody(code), { httpStatus });
			expect(info).toMatchObject({ category: 'rate_limit', retryable: true, action: 'retry', httpStatus });
		}
	});

	it('an auth code stays auth under HTTP 500, a validation code under 429', () => {
		expect(classifyMetaError(graphBody(190), { httpStatus: 500 }).category).toBe('auth');
		expect(classifyMetaError(graphBody(100), { httpStatus: 429 }).category).toBe('validation');
	});
});

describe('is_transient', () => {
	it('makes a non-retryable code retryable and routes it to retry, keeping its category', () => {
		const info = expectValidInfo(classifyMetaError(graphBody(100, { is_transient: true })));
		expect(info).toMatchObject({ category: 'validation', retryable: true, action: 'retry', isTransient: true });
	});

	it('turns an unknown code into server', () => {
		const info = classifyMetaError(graphBody(987654, { is_transient: true }), { httpStatus: 400 });
		expect(info).toMatchObject({ category: 'server', retryable: true, action: 'retry' });
	});

	it('false keeps the code decision and is reported', () => {
		expect(classifyMetaError(graphBody(100, { is_transient: false }))).toMatchObject({
			category: 'validation',
			retryable: false,
			isTransient: false,
		});
		expect(classifyMetaError(graphBody(100, { is_transient: 'true' }))).toMatchObject({ retryable: true });
	});
});

describe('lookupCatalog', () => {
	it('subcode rows beat code rows, families apply, strings are normalised', () => {
		expect(lookupCatalog(190, 463)?.subcode).toBe(463);
		expect(lookupCatalog(190, 1)?.subcode).toBeUndefined();
		expect(lookupCatalog('190')?.category).toBe('auth');
		expect(lookupCatalog('rate_limit_exceeded')?.category).toBe('rate_limit');
		expect(lookupCatalog(80012)?.category).toBe('rate_limit');
		expect(lookupCatalog(250)?.category).toBe('permission');
		expect(lookupCatalog('UND_ERR_REQ_RETRY')?.category).toBe('network');
		expect(lookupCatalog('CERT_HAS_EXPIRED')?.meaning).toMatch(/TLS/);
		expect(lookupCatalog(300)).toBeUndefined();
		expect(lookupCatalog('NOPE')).toBeUndefined();
	});
});
