// Codes from Meta's published error tables that the catalog places, each with the category
// written out here (not read from the catalog), and the table it comes from:
// - Graph: Graph API "Handling Errors" (developers.facebook.com/docs/graph-api/guides/error-handling)
// - Legacy: Facebook's API_EC_* error code list, whose numbers Graph still answers with
// - Marketing: Marketing API "Error Codes" (…/marketing-api/error-reference)
// - Marketing rate limits: Marketing API "Rate Limiting" (…/marketing-api/overview/rate-limiting)
// - WhatsApp: WhatsApp Cloud API "Error codes" (…/whatsapp/cloud-api/support/error-codes)
// - Instagram: Instagram Platform content publishing errors (…/instagram-platform/content-publishing)
import { CATEGORY_TEXT, classifyMetaError, lookupCatalog, type ErrorCategory } from '../../../nodes/shared/core';
import { CONTRACT_ACTIONS, CONTRACT_RETRYABLE, expectValidInfo } from './expectInfo';

type Row = [code: number, category: ErrorCategory, table: string];

const PUBLISHED: Row[] = [
	[1609005, 'validation', 'Graph'],
	[9007, 'validation', 'Instagram'],
	[5, 'permission', 'Legacy'],
	[12, 'validation', 'Legacy'],
	[101, 'auth', 'Legacy'],
	[110, 'validation', 'Legacy'],
	// Marketing API error reference
	[2606, 'validation', 'Marketing'],
	[2607, 'validation', 'Marketing'],
	[2615, 'validation', 'Marketing'],
	[2654, 'validation', 'Marketing'],
	[1340029, 'validation', 'Marketing'],
	[1373054, 'validation', 'Marketing'],
	[1404078, 'policy', 'Marketing'],
	[1404163, 'policy', 'Marketing'],
	[1487007, 'validation', 'Marketing'],
	[1487033, 'validation', 'Marketing'],
	[1487056, 'validation', 'Marketing'],
	[1487472, 'validation', 'Marketing'],
	[1487566, 'validation', 'Marketing'],
	[1487678, 'validation', 'Marketing'],
	[1487831, 'not_found', 'Marketing'],
	[1487929, 'validation', 'Marketing'],
	[1487990, 'business', 'Marketing'],
	[1815199, 'permission', 'Marketing'],
	[1815629, 'validation', 'Marketing'],
	[1815694, 'permission', 'Marketing'],
	[1870065, 'validation', 'Marketing'],
	[1870088, 'validation', 'Marketing'],
	[1870090, 'permission', 'Marketing'],
	[1870092, 'permission', 'Marketing'],
	[1870165, 'validation', 'Marketing'],
	[1870199, 'validation', 'Marketing'],
	[1870219, 'validation', 'Marketing'],
	[1870220, 'validation', 'Marketing'],
	[1885029, 'validation', 'Marketing'],
	[1885088, 'validation', 'Marketing'],
	[1885183, 'validation', 'Marketing'],
	[1885204, 'validation', 'Marketing'],
	[1885272, 'validation', 'Marketing'],
	[1885557, 'not_found', 'Marketing'],
	[1885621, 'validation', 'Marketing'],
	[1885650, 'validation', 'Marketing'],
	[2238055, 'validation', 'Marketing'],
	[2446149, 'validation', 'Marketing'],
	[2446173, 'validation', 'Marketing'],
	[2446289, 'not_found', 'Marketing'],
	[2446307, 'validation', 'Marketing'],
	[2446347, 'validation', 'Marketing'],
	[2446383, 'validation', 'Marketing'],
	[2446394, 'validation', 'Marketing'],
	[2446509, 'validation', 'Marketing'],
	[2446580, 'validation', 'Marketing'],
	[2446712, 'validation', 'Marketing'],
	[2446867, 'business', 'Marketing'],
	[2446880, 'business', 'Marketing'],
	[2490085, 'validation', 'Marketing'],
	[2490155, 'not_found', 'Marketing'],
	[2490372, 'validation', 'Marketing'],
	[2490427, 'policy', 'Marketing'],
	[2490468, 'policy', 'Marketing'],
	[2708008, 'permission', 'Marketing'],
	[2859015, 'policy', 'Marketing'],
	[3858064, 'validation', 'Marketing'],
	[3858082, 'validation', 'Marketing'],
	[3858152, 'validation', 'Marketing'],
	[3867105, 'validation', 'Marketing'],
	[3910001, 'server', 'Marketing'],
	// Marketing API rate limiting: subcodes that also appear as codes of their own
	[2446079, 'rate_limit', 'Marketing rate limits'],
	[1487742, 'rate_limit', 'Marketing rate limits'],
	[5044001, 'rate_limit', 'Marketing rate limits'],
	[1504022, 'rate_limit', 'Marketing rate limits'],
	[1504039, 'rate_limit', 'Marketing rate limits'],
	[1487632, 'rate_limit', 'Marketing rate limits'],
	[1885172, 'rate_limit', 'Marketing rate limits'],
	// WhatsApp Cloud API
	[131037, 'business', 'WhatsApp'],
	[131045, 'business', 'WhatsApp'],
	[133000, 'business', 'WhatsApp'],
	[133005, 'validation', 'WhatsApp'],
	[133006, 'business', 'WhatsApp'],
	[133008, 'rate_limit', 'WhatsApp'],
	[133009, 'rate_limit', 'WhatsApp'],
	[133010, 'business', 'WhatsApp'],
	[133015, 'rate_limit', 'WhatsApp'],
];

/** Marketing-table rows that Meta also sends as the error_subcode of a parent code. */
const SUBCODE_ROWS: Array<[code: number, subcode: number, category: ErrorCategory]> = [
	[100, 1487694, 'validation'],
	[100, 1752129, 'validation'],
	[100, 3858258, 'validation'],
	[200, 1870034, 'permission'],
	[200, 1870047, 'validation'],
	[2654, 1713092, 'permission'],
];


const body = (code: number, extra: Record<string, unknown> = {}) => ({
	error: { message: 'Something failed', type: 'OAuthException', code, fbtrace_id: 'Atrace', ...extra },
});

describe('codes from Meta published tables', () => {
	it('the table has no code twice', () => {
		const codes = PUBLISHED.map(([code]) => code);
		expect(new Set(codes).size).toBe(codes.length);
	});

	it.each(PUBLISHED)('%s is %s (%s table), with a sentence of its own', (code, category) => {
		// HTTP 500 and 400 alike: the code decides, never the status
		for (const httpStatus of [400, 500]) {
			const info = expectValidInfo(classifyMetaError(body(code), { httpStatus }));
			expect({ code: info.code, category: info.category, action: info.action, retryable: info.retryable }).toEqual({
				code,
				category,
				action: CONTRACT_ACTIONS[category],
				retryable: CONTRACT_RETRYABLE.has(category),
			});
			expect(info.meaning).not.toBe(CATEGORY_TEXT[category].meaning);
			expect(info.remedy).not.toBe(CATEGORY_TEXT[category].remedy);
		}
		expect(lookupCatalog(code)?.category).toBe(category);
	});

	it.each(SUBCODE_ROWS)('%s with subcode %s is %s', (code, subcode, category) => {
		const info = expectValidInfo(classifyMetaError(body(code, { error_subcode: subcode }), { httpStatus: 400 }));
		expect(info).toMatchObject({ code, subcode, category, action: CONTRACT_ACTIONS[category] });
		expect(info.meaning).not.toBe(lookupCatalog(code)?.meaning);
	});

	it('a Marketing code sent as the subcode of 100 takes its own row', () => {
		const budget = expectValidInfo(classifyMetaError(body(100, { error_subcode: 1885272 })));
		expect(budget).toMatchObject({ code: 100, subcode: 1885272, category: 'validation' });
		expect(budget.meaning).toBe(lookupCatalog(1885272)?.meaning);
		const gone = classifyMetaError(body(100, { error_subcode: 1885557 }));
		expect(gone).toMatchObject({ category: 'not_found', action: 'dead_letter' });
		// a 1487xxx subcode that the table does not list keeps the family rule
		expect(classifyMetaError(body(100, { error_subcode: 1487390 })).meaning).toMatch(/ad object/);
	});

	it('a rate-limit parent stays a rate limit whatever its subcode, with the subcode sentence when it is one', () => {
		const adAccount = expectValidInfo(classifyMetaError(body(17, { error_subcode: 2446079 }), { httpStatus: 400 }));
		expect(adAccount).toMatchObject({ category: 'rate_limit', retryable: true, subcode: 2446079 });
		expect(adAccount.meaning).toBe(lookupCatalog(2446079)?.meaning);
		expect(classifyMetaError(body(613, { error_subcode: 1487742 })).meaning).toBe(lookupCatalog(1487742)?.meaning);
		expect(classifyMetaError(body(80004, { error_subcode: 2446079 })).category).toBe('rate_limit');
		// a validation subcode never turns a throttle into a dead letter
		expect(classifyMetaError(body(4, { error_subcode: 1885272 }))).toMatchObject({ category: 'rate_limit', action: 'retry' });
	});

	it('a negative code is an internal Meta error: the subcode is the failure', () => {
		expect(classifyMetaError(body(-1, { error_subcode: 1885650 }))).toMatchObject({ category: 'validation', code: -1 });
		expect(classifyMetaError(body(-2, { error_subcode: 2446079 }))).toMatchObject({ category: 'rate_limit' });
		expect(classifyMetaError(body(-1), { httpStatus: 503 }).category).toBe('server');
		expect(lookupCatalog(-1)).toBeUndefined();
	});

	it('a 1487xxx number sent as the code itself is an ad-validation failure', () => {
		// the shape of Meta's own blame_field_specs example
		const info = classifyMetaError({
			error: {
				type: 'Exception',
				message: 'The budget for your Ad-Set is too low.  It must be at least $1.00 per day.',
				code: 1487901,
				is_transient: false,
				error_data: { blame_field_specs: [['daily_budget']] },
			},
		});
		expect(info).toMatchObject({ category: 'validation', code: 1487901, field: 'daily_budget', retryable: false });
	});
});
