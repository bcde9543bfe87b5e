// Usage headers and wait hints: parsing, malformed values, and retryAfterMs = the largest hint.
import { classifyMetaError, parseRetryAfter, parseUsageHeaders } from '../../../nodes/shared/core';
import { expectValidInfo } from './expectInfo';

const BUC = (rows: unknown[], business = '1234567890') => JSON.stringify({ [business]: rows });
const rateLimit = { error: { message: 'User request limit reached', code: 17, type: 'OAuthException' } };

describe('parseUsageHeaders', () => {
	it('reads all three headers, case-insensitively, with numbers as strings', () => {
		const usage = parseUsageHeaders({
			'X-App-Usage': '{"call_count":28,"total_time":25,"total_cputime":"31"}',
			'x-ad-account-usage': '{"acc_id_util_pct":9.67,"reset_time_duration":0,"ads_api_access_tier":"standard_access"}',
			'X-BUSINESS-USE-CASE-USAGE': JSON.stringify({
				'111': [
					{ type: 'ads_management', call_count: 95, total_cputime: 20, total_time: 20, estimated_time_to_regain_access: 0 },
					{ type: 'ads_insights', call_count: 10, total_cputime: 12, total_time: 3, estimated_time_to_regain_access: 0 },
				],
				'222': [{ type: 'pages', call_count: 5, total_cputime: 1, total_time: 1, estimated_time_to_regain_access: 0 }],
			}),
		});
		expect(usage).toEqual({
			maxPercent: 95,
			app: 31,
			adAccount: 9.67,
			businessUseCase: 95,
			byBusiness: { '111': { ads_management: 95, ads_insights: 12 }, '222': { pages: 5 } },
		});
	});

	it('turns estimated_time_to_regain_access (minutes) and reset_time_duration (s) into ms, largest wins', () => {
		expect(parseUsageHeaders({ 'x-business-use-case-usage': BUC([{ type: 'ads_management', call_count: 100, estimated_time_to_regain_access: 7 }]) })).toMatchObject({
			maxPercent: 100,
			regainAccessMs: 7 * 60_000,
		});
		expect(parseUsageHeaders({ 'x-ad-account-usage': '{"acc_id_util_pct":100,"reset_time_duration":900}' })?.regainAccessMs).toBe(900_000);
		expect(
			parseUsageHeaders({
				'x-ad-account-usage': '{"acc_id_util_pct":100,"reset_time_duration":900}',
				'x-business-use-case-usage': BUC([{ type: 'ads_management', call_count: 100, estimated_time_to_regain_access: 20 }]),
			})?.regainAccessMs,
		).toBe(20 * 60_000);
	});

	it('takes every value of a repeated header', () => {
		expect(parseUsageHeaders({ 'x-app-usage': ['{"call_count":10}', '{"call_count":70}'] })).toEqual({ maxPercent: 70, app: 70 });
	});

	it.each([
		['no headers', undefined],
		['unrelated headers', { 'content-type': 'application/json' }],
		['broken JSON', { 'x-app-usage': '{"call_count":' }],
		['JSON of the wrong shape', { 'x-app-usage': '[1,2]', 'x-business-use-case-usage': '{"1":{"type":"x"}}', 'x-ad-account-usage': '"text"' }],
		['non-numeric counters', { 'x-app-usage': '{"call_count":"lots"}' }],
		['undefined values', { 'x-app-usage': undefined }],
	])('%s → undefined, no throw', (_name, headers) => {
		expect(parseUsageHeaders(headers as never)).toBeUndefined();
	});

	it('keeps header keys away from the prototype', () => {
		const usage = parseUsageHeaders({ 'x-business-use-case-usage': '{"__proto__":[{"type":"x","call_count":50}],"constructor":[{"type":"__proto__","call_count":60}]}' });
		expect(usage).toBeUndefined();
		expect(({} as Record<string, unknown>).x).toBeUndefined();
	});
});

describe('parseRetryAfter', () => {
	it('reads seconds and HTTP dates', () => {
		expect(parseRetryAfter({ 'Retry-After': '120' })).toBe(120_000);
		const now = Date.parse('2026-01-01T00:00:00Z');
		expect(parseRetryAfter({ 'retry-after': 'Thu, 01 Jan 2026 00:01:30 GMT' }, now)).toBe(90_000);
		expect(parseRetryAfter({ 'retry-after': 'Wed, 31 Dec 2025 00:00:00 GMT' }, now)).toBeUndefined();
		expect(parseRetryAfter({ 'retry-after': 'soon' })).toBeUndefined();
		expect(parseRetryAfter({ 'retry-after': '0' })).toBeUndefined();
	});
});

describe('retryAfterMs: the largest hint wins', () => {
	const regain = (minutes: number) => BUC([{ type: 'ads_management', call_count: 100, total_time: 40, estimated_time_to_regain_access: minutes }]);

	it('each hint alone', () => {
		expect(classifyMetaError({ status: 'failed', error_code: 'RATE_LIMIT_EXCEEDED', retry_after: 30 }).retryAfterMs).toBe(30_000);
		expect(classifyMetaError(rateLimit, { headers: { 'Retry-After': '45' } }).retryAfterMs).toBe(45_000);
		const future = new Date(Date.now() + 120_000).toUTCString();
		const fromDate = classifyMetaError(rateLimit, { headers: { 'retry-after': future } }).retryAfterMs!;
		expect(fromDate).toBeGreaterThan(115_000);
		expect(fromDate).toBeLessThanOrEqual(120_000);
		expect(classifyMetaError(rateLimit, { headers: { 'x-business-use-case-usage': regain(3) } }).retryAfterMs).toBe(180_000);
		expect(classifyMetaError(rateLimit, { headers: { 'x-ad-account-usage': '{"acc_id_util_pct":100,"reset_time_duration":75}' } }).retryAfterMs).toBe(75_000);
	});

	it('together, the largest one', () => {
		const body = { status: 'failed', error_code: 'RATE_LIMIT_EXCEEDED', retry_after: 30 };
		const headers = {
			'retry-after': '45',
			'x-business-use-case-usage': regain(1),
			'x-ad-account-usage': '{"acc_id_util_pct":100,"reset_time_duration":50}',
		};
		expect(classifyMetaError(body, { headers }).retryAfterMs).toBe(60_000);
		expect(classifyMetaError({ ...body, retry_after: 600 }, { headers }).retryAfterMs).toBe(600_000);
		expect(classifyMetaError(body, { headers: { ...headers, 'retry-after': '90' } }).retryAfterMs).toBe(90_000);
		expect(classifyMetaError(body, { headers: { ...headers, 'x-ad-account-usage': '{"reset_time_duration":"120"}' } }).retryAfterMs).toBe(120_000);
	});

	it('no hint → no field; the usage is reported on the error', () => {
		const info = expectValidInfo(
			classifyMetaError(rateLimit, {
				httpStatus: 400,
				headers: { 'X-App-Usage': '{"call_count":101,"total_time":5,"total_cputime":5}' },
			}),
		);
		expect(info.retryAfterMs).toBeUndefined();
		expect(info.usage).toEqual({ maxPercent: 101, app: 101 });
		expect(Object.keys(classifyMetaError(rateLimit))).not.toContain('usage');
	});

	it('reads the headers of an axios-style response when the context has none', () => {
		const error = { message: 'Request failed', response: { status: 429, headers: { 'retry-after': '15' }, data: rateLimit } };
		expect(classifyMetaError(error)).toMatchObject({ httpStatus: 429, retryAfterMs: 15_000, code: 17 });
	});
});
