// Each check, each finding code, from answers shaped as Meta documents them (the reader stands in
// for MetaClient; the node tests read the same answers from the fake Meta server over HTTP).
import {
	DEFAULT_HEALTH_SETTINGS,
	findingError,
	runHealthChecks,
	type HealthReader,
	type HealthSettings,
	type ListResult,
	type ReadResult,
} from '../../../nodes/shared/core';
import type { MetaErrorInfo } from '../../../nodes/shared/core';

const NOW = Date.parse('2026-12-06T12:00:00Z');
const DAY = 86_400;
const TOKEN = 'EAAcanary0000SECRET0000TOKEN';

const permissionError: MetaErrorInfo = { category: 'permission', retryable: false, action: 'escalate', source: 'graph', code: 200, message: '(#200) Requires ads_read permission', meaning: 'The token lacks a permission.', remedy: 'Grant it.' };

/** Answers by path; anything not listed fails as Meta does for an unknown object. */
function reader(gets: Record<string, unknown>, lists: Record<string, unknown[]> = {}, calls: Array<[string, Record<string, string>]> = []): HealthReader {
	return {
		get: async (path, query): Promise<ReadResult> => {
			calls.push([path, query]);
			return path in gets ? (gets[path] instanceof Error ? { ok: false, error: permissionError } : { ok: true, body: gets[path] }) : { ok: false, error: permissionError };
		},
		list: async (path, query): Promise<ListResult> => {
			calls.push([path, query]);
			return path in lists ? { ok: true, records: lists[path], more: false } : { ok: false, error: permissionError };
		},
	};
}

async function run(checks: string[], read: HealthReader, settings: Partial<HealthSettings> = {}, targets: Partial<Record<'adAccount' | 'whatsappBusinessAccount' | 'pixel', string[]>> = {}, apiVersion = 'v26.0') {
	return await runHealthChecks(
		{ checks: checks as never, targets: { adAccount: [], whatsappBusinessAccount: [], pixel: [], ...targets } },
		{ reader: read, now: NOW, settings: { ...DEFAULT_HEALTH_SETTINGS, ...settings }, credential: { accessToken: TOKEN, apiVersion } },
	);
}
const codes = (result: Awaited<ReturnType<typeof run>>) => result.found.map(({ finding }) => [finding.code, finding.object.id]);

describe('token', () => {
	const debug = (data: Record<string, unknown>) => reader({ debug_token: { data: { app_id: '1', type: 'SYSTEM_USER', application: 'Shop App', is_valid: true, scopes: ['ads_management', 'ads_read'], ...data } } });

	it('asks debug_token about the credential token and finds nothing for a token that never expires', async () => {
		const calls: Array<[string, Record<string, string>]> = [];
		const result = await run(['token'], reader({ debug_token: { data: { is_valid: true, expires_at: 0, data_access_expires_at: 0, scopes: [] } } }, {}, calls));
		expect(calls).toEqual([['debug_token', { input_token: TOKEN }]]);
		expect(result.found).toEqual([]);
		expect(result.read).toEqual(new Set(['token:credential']));
	});

	it('TOKEN_EXPIRING within the days set (default 7), TOKEN_INVALID once past', async () => {
		const soon = await run(['token'], debug({ expires_at: NOW / 1000 + 3 * DAY + 60 }));
		expect(codes(soon)).toEqual([['TOKEN_EXPIRING', 'access_token']]);
		expect(soon.found[0].finding.facts).toMatchObject({ daysLeft: 3, expiresAt: '2026-12-09T12:01:00.000Z' });
		expect(soon.found[0].finding.object.name).toBe('Access token of Shop App');
		expect(codes(await run(['token'], debug({ expires_at: NOW / 1000 + 30 * DAY })))).toEqual([]);
		expect(codes(await run(['token'], debug({ expires_at: NOW / 1000 + 30 * DAY }), { tokenExpiryDays: 45 }))).toEqual([['TOKEN_EXPIRING', 'access_token']]);
		expect(codes(await run(['token'], debug({ expires_at: NOW / 1000 - 60 })))).toEqual([['TOKEN_INVALID', 'access_token']]);
	});

	it('TOKEN_DATA_ACCESS_EXPIRING, and TOKEN_INVALID for is_valid false with Meta\'s reason', async () => {
		expect(codes(await run(['token'], debug({ data_access_expires_at: NOW / 1000 + 2 * DAY })))).toEqual([['TOKEN_DATA_ACCESS_EXPIRING', 'access_token']]);
		const invalid = await run(['token'], debug({ is_valid: false, error: { code: 190, message: 'Session has expired on Sunday, 06-Dec-26.' } }));
		expect(codes(invalid)).toEqual([['TOKEN_INVALID', 'access_token']]);
		expect(invalid.found[0].finding.message).toBe("The credential's access token is not valid: Session has expired on Sunday, 06-Dec-26.");
	});

	it('TOKEN_SCOPE_MISSING once per permission listed as needed and not granted', async () => {
		const result = await run(['token'], debug({}), { requiredScopes: ['ads_management', 'whatsapp_business_messaging', 'business_management'] });
		expect(codes(result)).toEqual([
			['TOKEN_SCOPE_MISSING', 'whatsapp_business_messaging'],
			['TOKEN_SCOPE_MISSING', 'business_management'],
		]);
		expect(findingError(result.found[0].finding)).toMatchObject({ category: 'permission', action: 'escalate', code: 'TOKEN_SCOPE_MISSING', retryable: false, source: 'internal' });
	});

	it('a token Meta refuses (190) is TOKEN_INVALID; another failed read is READ_FAILED with the classified error, and resolves nothing', async () => {
		const refused: HealthReader = { get: async () => ({ ok: false, error: { category: 'auth', retryable: false, action: 'escalate', source: 'graph', code: 190, message: 'Error validating access token', meaning: 'Invalid token.', remedy: 'Reconnect.' } }), list: async () => ({ ok: true, records: [], more: false }) };
		expect(codes(await run(['token'], refused))).toEqual([['TOKEN_INVALID', 'access_token']]);
		const failed = await run(['token'], reader({}));
		expect(codes(failed)).toEqual([['READ_FAILED', 'access_token']]);
		expect(findingError(failed.found[0].finding)).toBe(permissionError);
		expect(failed.read.size).toBe(0);
	});
});

describe('API version', () => {
	it('API_VERSION_RETIRED per API whose end date passed, API_VERSION_SUNSET within the notice days', async () => {
		// v24.0: the Marketing API ended it on 2026-11-10, the Graph API keeps it until 2028-02-18.
		const v24 = await run(['apiVersion'], reader({}), {}, {}, 'v24.0');
		expect(codes(v24)).toEqual([['API_VERSION_RETIRED', 'marketing:v24.0']]);
		expect(v24.found[0].finding.message).toMatch(/^Marketing API v24\.0 ended on 2026-11-10\. Move to a current version/);
		// v25.0: the Marketing API ends it on 2027-02-23, 79 days after NOW.
		expect(codes(await run(['apiVersion'], reader({}), {}, {}, 'v25.0'))).toEqual([]);
		const notice = await run(['apiVersion'], reader({}), { apiVersionNoticeDays: 90 }, {}, 'v25.0');
		expect(codes(notice)).toEqual([['API_VERSION_SUNSET', 'marketing:v25.0']]);
		expect(notice.found[0].finding.facts).toEqual({ until: '2027-02-23', daysLeft: 79 });
		expect(codes(await run(['apiVersion'], reader({}), {}, {}, 'v19.0'))).toEqual([
			['API_VERSION_RETIRED', 'graph:v19.0'],
			['API_VERSION_RETIRED', 'marketing:v19.0'],
		]);
		expect(codes(await run(['apiVersion'], reader({}), { apis: ['graph'] }, {}, 'v24.0'))).toEqual([]);
	});

	it('says when a version is not in the table instead of guessing', async () => {
		const unknown = await run(['apiVersion'], reader({}), {}, {}, 'v31.0');
		expect(unknown.found).toEqual([]);
		expect(unknown.notes).toEqual([
			'Graph API v31.0 is not in the version table read on 2026-12-06: its end date is unknown here.',
			'Marketing API v31.0 is not in the version table read on 2026-12-06: its end date is unknown here.',
		]);
		expect(codes(await run(['apiVersion'], reader({}), {}, {}, 'v2.12'))).toEqual([
			['API_VERSION_RETIRED', 'graph:v2.12'],
			['API_VERSION_RETIRED', 'marketing:v2.12'],
		]);
	});
});

describe('ad account', () => {
	const account = (fields: Record<string, unknown>) => reader({ act_1: { id: 'act_1', name: 'Shop DE', account_status: 1, disable_reason: 0, amount_spent: '1000', spend_cap: '0', currency: 'EUR', ...fields } });

	it.each([
		[2, 'ACCOUNT_DISABLED', 'DISABLED'],
		[3, 'ACCOUNT_UNSETTLED', 'UNSETTLED'],
		[7, 'ACCOUNT_IN_REVIEW', 'PENDING_RISK_REVIEW'],
		[8, 'ACCOUNT_UNSETTLED', 'PENDING_SETTLEMENT'],
		[9, 'ACCOUNT_UNSETTLED', 'IN_GRACE_PERIOD'],
		[100, 'ACCOUNT_CLOSED', 'PENDING_CLOSURE'],
		[101, 'ACCOUNT_CLOSED', 'CLOSED'],
	])('account_status %i is %s', async (status, code, name) => {
		const result = await run(['adAccount'], account({ account_status: status }), {}, { adAccount: ['act_1'] });
		expect(codes(result)).toEqual([[code, 'act_1']]);
		expect(result.found[0].finding.message).toBe(`Ad account Shop DE (act_1) is ${name}.`);
	});

	it('names the disable reason; an active account under its spending limit is healthy', async () => {
		const disabled = await run(['adAccount'], account({ account_status: 2, disable_reason: 3 }), {}, { adAccount: ['act_1'] });
		expect(disabled.found[0].finding).toMatchObject({ code: 'ACCOUNT_DISABLED', reason: 'RISK_PAYMENT', message: 'Ad account Shop DE (act_1) is DISABLED (RISK_PAYMENT).' });
		expect(findingError(disabled.found[0].finding).meaning).toMatch(/Meta's reason: RISK_PAYMENT$/);
		expect(codes(await run(['adAccount'], account({}), {}, { adAccount: ['act_1'] }))).toEqual([]);
	});

	it('SPEND_CAP_NEAR at 90 % of spend_cap by default; spend_cap "0" is no limit', async () => {
		const near = await run(['adAccount'], account({ amount_spent: '45500', spend_cap: '50000' }), {}, { adAccount: ['act_1'] });
		expect(codes(near)).toEqual([['SPEND_CAP_NEAR', 'act_1']]);
		expect(near.found[0].finding.facts).toEqual({ percent: 91, amountSpent: 45500, spendCap: 50000 });
		expect(codes(await run(['adAccount'], account({ amount_spent: '40000', spend_cap: '50000' }), {}, { adAccount: ['act_1'] }))).toEqual([]);
		expect(codes(await run(['adAccount'], account({ amount_spent: '40000', spend_cap: '50000' }), { spendCapPercent: 80 }, { adAccount: ['act_1'] }))).toEqual([['SPEND_CAP_NEAR', 'act_1']]);
		expect(codes(await run(['adAccount'], account({ amount_spent: '99999999', spend_cap: '0' }), {}, { adAccount: ['act_1'] }))).toEqual([]);
	});
});

describe('ads', () => {
	it('asks for the disapproved ads and the ads with issues only, one finding each with Meta\'s reason', async () => {
		const calls: Array<[string, Record<string, string>]> = [];
		const list = reader({}, {
			'act_1/ads': [
				{ id: '11', name: 'Winter sale', effective_status: 'DISAPPROVED', ad_review_feedback: { global: { 'Unacceptable Business Practices': 'Ads may not promote deceptive practices.' } } },
				{ id: '12', name: 'Gift guide', effective_status: 'WITH_ISSUES', issues_info: [{ error_code: 1815869, error_summary: 'Ad set budget too low', level: 'AD_SET' }] },
			],
		}, calls);
		const result = await run(['ads'], list, {}, { adAccount: ['act_1'] });
		expect(calls[0]).toEqual(['act_1/ads', { fields: 'id,name,effective_status,issues_info,ad_review_feedback', effective_status: '["DISAPPROVED","WITH_ISSUES"]', limit: '100' }]);
		expect(codes(result)).toEqual([['AD_DISAPPROVED', '11'], ['AD_WITH_ISSUES', '12']]);
		expect(result.found[0].finding.message).toBe('Ad Winter sale (11) is disapproved: Unacceptable Business Practices: Ads may not promote deceptive practices.');
		expect(result.found[0].finding.object).toEqual({ type: 'ad', id: '11', name: 'Winter sale', parentId: 'act_1' });
		expect(findingError(result.found[0].finding)).toMatchObject({ category: 'policy', action: 'pause', code: 'AD_DISAPPROVED' });
		expect(findingError(result.found[1].finding).meaning).toMatch(/Meta's reason: Ad set budget too low$/);
	});
});

describe('WhatsApp numbers', () => {
	it('quality YELLOW and RED, FLAGGED, RESTRICTED (and BANNED), a declined display name', async () => {
		const list = reader({}, {
			'200/phone_numbers': [
				{ id: 'p1', display_phone_number: '+49 151 0000001', verified_name: 'Shop', quality_rating: 'GREEN', status: 'CONNECTED', name_status: 'APPROVED', messaging_limit_tier: 'TIER_1K' },
				{ id: 'p2', display_phone_number: '+49 151 0000002', quality_rating: 'YELLOW', status: 'CONNECTED' },
				{ id: 'p3', display_phone_number: '+49 151 0000003', quality_rating: 'RED', status: 'FLAGGED', messaging_limit_tier: 'TIER_250' },
				{ id: 'p4', display_phone_number: '+49 151 0000004', quality_rating: 'UNKNOWN', status: 'RESTRICTED', name_status: 'DECLINED' },
				{ id: 'p5', quality_rating: 'GREEN', status: 'BANNED' },
			],
		});
		const result = await run(['whatsappNumbers'], list, {}, { whatsappBusinessAccount: ['200'] });
		expect(codes(result)).toEqual([
			['WA_QUALITY_YELLOW', 'p2'],
			['WA_QUALITY_RED', 'p3'],
			['WA_NUMBER_FLAGGED', 'p3'],
			['WA_NUMBER_RESTRICTED', 'p4'],
			['WA_NAME_REJECTED', 'p4'],
			['WA_NUMBER_RESTRICTED', 'p5'],
		]);
		expect(result.found[1].finding.message).toBe('Phone number +49 151 0000003 has quality rating RED (messaging limit TIER_250).');
		expect(findingError(result.found[1].finding)).toMatchObject({ category: 'policy', action: 'pause' });
		expect(findingError(result.found[0].finding)).toMatchObject({ category: 'business', action: 'escalate' });
	});
});

describe('pixel', () => {
	const pixel = (fields: Record<string, unknown>) => reader({ '900': { id: '900', name: 'Shop pixel', ...fields } });

	it('PIXEL_SILENT after 24 hours without an event (Meta writes +0000 offsets), when unavailable, or never fired', async () => {
		const silent = await run(['pixel'], pixel({ last_fired_time: '2026-12-05T10:00:00+0000' }), {}, { pixel: ['900'] });
		expect(codes(silent)).toEqual([['PIXEL_SILENT', '900']]);
		expect(silent.found[0].finding.message).toBe('Pixel Shop pixel (900) has received no event for 26 hours (last on 2026-12-05T10:00:00.000Z).');
		expect(codes(await run(['pixel'], pixel({ last_fired_time: '2026-12-06T11:00:00+0000' }), {}, { pixel: ['900'] }))).toEqual([]);
		expect(codes(await run(['pixel'], pixel({ last_fired_time: '2026-12-06T11:00:00+0000', is_unavailable: true }), {}, { pixel: ['900'] }))).toEqual([['PIXEL_SILENT', '900']]);
		expect(codes(await run(['pixel'], pixel({}), {}, { pixel: ['900'] }))).toEqual([['PIXEL_SILENT', '900']]);
		expect(codes(await run(['pixel'], pixel({ last_fired_time: '2026-12-05T10:00:00+0000' }), { pixelSilentHours: 48 }, { pixel: ['900'] }))).toEqual([]);
	});

	it('a pixel the token cannot read is READ_FAILED, with the classified error', async () => {
		const result = await run(['pixel'], reader({}), {}, { pixel: ['901'] });
		expect(codes(result)).toEqual([['READ_FAILED', '901']]);
		expect(findingError(result.found[0].finding)).toMatchObject({ code: 200, category: 'permission' });
	});
});

it('runs every chosen check on every target, in check then target order', async () => {
	const result = await run(['pixel', 'adAccount'], reader({ act_1: { account_status: 1 }, act_2: { account_status: 101 }, '900': { last_fired_time: '2026-12-06T11:00:00+0000' } }), {}, { adAccount: ['act_1', 'act_2'], pixel: ['900'] });
	expect(result.checked).toEqual([
		{ check: 'adAccount', target: 'act_1' },
		{ check: 'adAccount', target: 'act_2' },
		{ check: 'pixel', target: '900' },
	]);
	expect(codes(result)).toEqual([['ACCOUNT_CLOSED', 'act_2']]);
	expect([...result.read].sort()).toEqual(['adAccount:act_1', 'adAccount:act_2', 'pixel:900']);
});
