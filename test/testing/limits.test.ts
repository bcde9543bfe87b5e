import { request } from 'undici';
import { startFakeMeta, theoreticalMinimumMs, useFakeMeta, type FakeMeta } from '../../testing/fake-meta';
import { cliOptions } from '../../testing/fake-meta/cli';
import {
	BucHourModel,
	createLimitModel,
	MarketingScoreModel,
	WhatsAppModel,
	type LimitCall,
	type MarketingScoreOptions,
} from '../../testing/fake-meta/limits';

const read = (path = 'act_1/ads'): LimitCall => ({ method: 'GET', segments: path.split('/'), params: {} });
const write = (path = 'act_1/ads'): LimitCall => ({ method: 'POST', segments: path.split('/'), params: {} });
const message = (to: string, number = '1000'): LimitCall => ({ method: 'POST', segments: [number, 'messages'], params: { to, messaging_product: 'whatsapp' } });
const json = (headers: Record<string, string>, name: string) => JSON.parse(headers[name]);

describe('marketingScore model', () => {
	test('development: 60 read points, then a 300 s block with code 17 / 2446079', () => {
		const model = new MarketingScoreModel({ model: 'marketingScore' });
		for (let i = 0; i < 60; i++) expect(model.take(read(), 0)).toBeUndefined();
		expect(json(model.headers(read(), 0), 'x-ad-account-usage')).toEqual({ acc_id_util_pct: 100, reset_time_duration: 300, ads_api_access_tier: 'development_access' });
		expect(model.take(read(), 0)).toEqual({ code: 17, subcode: 2446079 });
		// Blocked: the score drained meanwhile, the block still holds.
		expect(model.take(read(), 100_000)).toBeDefined();
		expect(json(model.headers(read(), 100_000), 'x-ad-account-usage')).toMatchObject({ acc_id_util_pct: 100, reset_time_duration: 200 });
		expect(model.regainMs(read(), 299_999)).toBe(1);
		expect(model.take(read(), 300_000)).toBeUndefined();
		expect(json(model.headers(read(), 300_000), 'x-ad-account-usage')).toMatchObject({ acc_id_util_pct: 1, reset_time_duration: 5 });
	});

	test('writes cost 3 points; the score drains linearly, a full score in 300 s', () => {
		const model = new MarketingScoreModel({ model: 'marketingScore' });
		for (let i = 0; i < 20; i++) expect(model.take(write(), 0)).toBeUndefined();
		expect(model.score('act_1', 0)).toBe(60);
		expect(model.score('act_1', 150_000)).toBeCloseTo(30);
		expect(json(model.headers(read(), 150_000), 'x-ad-account-usage')).toMatchObject({ acc_id_util_pct: 50, reset_time_duration: 150 });
		// 30 points free: 10 more writes, the 11th blocks.
		for (let i = 0; i < 10; i++) expect(model.take(write(), 150_000)).toBeUndefined();
		expect(model.take(read(), 150_000)).toBeDefined();
	});

	test('per ad account; calls naming none count against the default account', () => {
		const model = new MarketingScoreModel({ model: 'marketingScore', maxScore: 3 });
		expect(model.take(write('act_1'), 0)).toBeUndefined();
		expect(model.take(read('act_1'), 0)).toBeDefined();
		expect(model.take(write('act_2/campaigns'), 0)).toBeUndefined();
		expect(model.take(write('123456'), 0)).toBeUndefined();
		expect(model.score('act_0', 0)).toBe(3);
		expect(model.take(read('me'), 0)).toBeDefined();
	});

	test('standard tier: 9000 points, 60 s block; timeScale shortens every duration; code 613', () => {
		const model = new MarketingScoreModel({ model: 'marketingScore', tier: 'standard', timeScale: 10, errorCode: 613 });
		for (let i = 0; i < 3000; i++) expect(model.take(write(), 0)).toBeUndefined();
		expect(model.take(read(), 0)).toMatchObject({ code: 613, subcode: 1487742 });
		expect(json(model.headers(read(), 0), 'x-ad-account-usage')).toEqual({ acc_id_util_pct: 100, reset_time_duration: 6, ads_api_access_tier: 'standard_access' });
		expect(model.take(read(), 6_000)).toBeUndefined();
		// 6 s at scale 10 = 60 s at scale 1: 9000 × 60 / 300 = 1800 points drained.
		expect(model.score('act_1', 6_000)).toBeCloseTo(9000 - 1800 + 1);
	});

	test('a client pacing on the score meets theoreticalMinimumMs exactly, never refused', () => {
		const options: MarketingScoreOptions = { model: 'marketingScore', timeScale: 4 };
		const model = new MarketingScoreModel(options);
		const calls = [...Array(70)].map((_, i) => (i % 3 === 0 ? write() : read()));
		let now = 0;
		for (const call of calls) {
			const cost = call.method === 'GET' ? 1 : 3;
			const excess = model.score('act_1', now) + cost - 60;
			if (excess > 0) now += (excess * 75_000) / 60; // decay 300 s / 4
			expect(model.take(call, now)).toBeUndefined();
		}
		const writes = calls.filter((c) => c.method === 'POST').length;
		expect(theoreticalMinimumMs(options, { reads: calls.length - writes, writes })).toBeCloseTo(now, 6);
		expect(theoreticalMinimumMs(options, { reads: 24, writes: 12 })).toBe(0);
		expect(theoreticalMinimumMs({ model: 'marketingScore' }, 120)).toBe(300_000);
		expect(theoreticalMinimumMs({ model: 'marketingScore', tier: 'standard' }, { writes: 4000 })).toBe(100_000);
	});
});

describe('bucHour model', () => {
	test('a rolling window per type: 80004 for ads_management, 80000 for ads_insights, then recovery', () => {
		const model = new BucHourModel({ model: 'bucHour', managementCalls: 3, insightsCalls: 2, businessId: '777' });
		expect(model.take(read('act_1/ads'), 0)).toBeUndefined();
		expect(model.take(write('act_1/ads'), 1000)).toBeUndefined();
		expect(model.take(read('act_1/insights'), 1000)).toBeUndefined();
		expect(json(model.headers(read(), 1000), 'x-business-use-case-usage')).toEqual({
			'777': [
				{ type: 'ads_management', call_count: 66, total_cputime: 66, total_time: 66, estimated_time_to_regain_access: 0 },
				{ type: 'ads_insights', call_count: 50, total_cputime: 50, total_time: 50, estimated_time_to_regain_access: 0 },
			],
		});
		expect(model.take(write('act_1/insights'), 2000)).toBeUndefined();
		const insights = model.take(read('123/insights'), 2000);
		expect(insights).toMatchObject({ code: 80000, subcode: 2446079 });
		expect(insights?.message).toContain('(#80000)');
		expect(model.take(read('me'), 2000)).toBeUndefined();
		expect(model.take(read('me'), 2000)).toEqual({ code: 80004 });
		const usage = json(model.headers(read(), 2000), 'x-business-use-case-usage')['777'];
		expect(usage[0]).toMatchObject({ call_count: 100, estimated_time_to_regain_access: 60 });
		expect(usage[1]).toMatchObject({ call_count: 100, estimated_time_to_regain_access: 60 });
		expect(model.regainMs(read(), 2000)).toBe(3_598_000);
		expect(model.take(read(), 3_600_000)).toBeUndefined();
		expect(model.take(read(), 3_600_000)).toBeDefined();
		expect(model.take(read('x/insights'), 3_601_000)).toBeUndefined();
	});

	test('per business; timeScale shortens the hour; theoreticalMinimumMs', () => {
		const options = { model: 'bucHour' as const, managementCalls: 2, timeScale: 60, accountBusinesses: { act_9: '999' } };
		const model = new BucHourModel(options);
		expect(model.take(read('act_1'), 0)).toBeUndefined();
		expect(model.take(read('act_1'), 0)).toBeUndefined();
		expect(model.take(read('act_1'), 0)).toBeDefined();
		expect(model.take(read('act_9'), 0)).toBeUndefined();
		expect(Object.keys(json(model.headers(read('act_9'), 0), 'x-business-use-case-usage'))).toEqual(['999']);
		expect(model.take(read('act_1'), 60_000)).toBeUndefined();
		expect(theoreticalMinimumMs(options, 2)).toBe(0);
		expect(theoreticalMinimumMs(options, 5)).toBe(120_000);
		expect(theoreticalMinimumMs({ model: 'bucHour' }, { reads: 200, writes: 100, insights: 1201 })).toBe(7_200_000);
	});
});

describe('whatsapp model', () => {
	test('throughput per number: 130429 past messagesPerSecond in a rolling second', () => {
		const model = new WhatsAppModel({ model: 'whatsapp', messagesPerSecond: 3 });
		for (let i = 0; i < 3; i++) expect(model.take(message(`49${i}`), 0)).toBeUndefined();
		expect(model.take(message('495'), 999)).toEqual({ code: 130429, status: undefined });
		expect(model.take(message('495', '2000'), 999)).toBeUndefined();
		expect(model.take(message('496'), 1000)).toBeUndefined();
		expect(model.take(read('1000/messages'), 1000)).toBeUndefined();
		expect(model.take(write('act_1/ads'), 1000)).toBeUndefined();
	});

	test('pair rate limit: one message per recipient per 6 s (scaled), 131056; refused messages count against nothing', () => {
		const model = new WhatsAppModel({ model: 'whatsapp', messagesPerSecond: 2, timeScale: 6, status: 400 });
		expect(model.take(message('+49 151'), 0)).toBeUndefined();
		expect(model.take(message('49151'), 500)).toEqual({ code: 131056, status: 400 });
		expect(model.regainMs(message('49151'), 500)).toBe(500);
		expect(model.take(message('49152'), 500)).toBeUndefined();
		expect(model.take(message('49151'), 1000)).toBeUndefined();
	});

	test('theoreticalMinimumMs: the larger of throughput and pair bounds', () => {
		expect(theoreticalMinimumMs({ model: 'whatsapp' }, 80)).toBe(0);
		expect(theoreticalMinimumMs({ model: 'whatsapp' }, 161)).toBe(2000);
		expect(theoreticalMinimumMs({ model: 'whatsapp', timeScale: 2 }, { messages: 10, maxPerRecipient: 10 })).toBe(27_000);
		expect(() => createLimitModel({ model: 'whatsapp', timeScale: 0 })).toThrow('timeScale');
	});
});

interface Reply {
	status: number;
	headers: Record<string, string>;
	json: any;
}

async function call(fake: FakeMeta, method: string, path: string, body?: unknown): Promise<Reply> {
	const res = await request(`${fake.url}${path}`, {
		method: method as 'GET',
		headers: { authorization: `Bearer ${fake.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	return { status: res.statusCode, headers: res.headers as Record<string, string>, json: await res.body.json() };
}

describe('over HTTP', () => {
	let now = 0;
	const fake = useFakeMeta({ clock: () => now });
	beforeEach(() => {
		now = 1_000_000;
	});

	test('marketingScore: X-Ad-Account-Usage on every response, block, recovery', async () => {
		fake.setBudget({ model: 'marketingScore', maxScore: 4 });
		const first = await call(fake, 'POST', '/v24.0/act_5/campaigns', { name: 'c' });
		expect(first.status).toBe(200);
		expect(json(first.headers, 'x-ad-account-usage')).toEqual({ acc_id_util_pct: 75, reset_time_duration: 225, ads_api_access_tier: 'development_access' });
		expect((await call(fake, 'GET', '/v24.0/act_5')).status).toBe(200);
		const refused = await call(fake, 'GET', '/v24.0/act_5/ads');
		expect(refused.status).toBe(400);
		expect(refused.json.error).toMatchObject({ code: 17, error_subcode: 2446079, message: '(#17) User request limit reached', is_transient: true });
		expect(json(refused.headers, 'x-ad-account-usage')).toMatchObject({ acc_id_util_pct: 100, reset_time_duration: 300 });
		expect(fake.requests.at(-1)?.throttled).toBe(true);
		// The default account is another account, and /me carries its header too.
		expect(json((await call(fake, 'GET', '/v24.0/me')).headers, 'x-ad-account-usage')).toMatchObject({ acc_id_util_pct: 25 });
		now += 300_000;
		expect((await call(fake, 'GET', '/v24.0/act_5/ads')).status).toBe(200);
	});

	test('bucHour: X-Business-Use-Case-Usage per type, 80000 on insights, 80004 on management', async () => {
		fake.setBudget({ model: 'bucHour', managementCalls: 1, insightsCalls: 1, businessId: '42' });
		expect((await call(fake, 'POST', '/v24.0/act_1/insights', {})).status).toBe(200);
		const insights = await call(fake, 'GET', '/v24.0/act_1/insights');
		expect(insights.status).toBe(400);
		expect(insights.json.error).toMatchObject({ code: 80000, error_subcode: 2446079 });
		const usage = json(insights.headers, 'x-business-use-case-usage');
		expect(usage['42'][1]).toEqual({ type: 'ads_insights', call_count: 100, total_cputime: 100, total_time: 100, estimated_time_to_regain_access: 60 });
		expect(usage['42'][0]).toMatchObject({ type: 'ads_management', call_count: 0, estimated_time_to_regain_access: 0 });
		expect((await call(fake, 'GET', '/v24.0/me')).status).toBe(200);
		const management = await call(fake, 'GET', '/v24.0/me');
		expect(management.json.error).toMatchObject({ code: 80004 });
		now += 3_600_000;
		expect((await call(fake, 'GET', '/v24.0/me')).status).toBe(200);
	});

	test('whatsapp: 131056 for the same recipient, 130429 past the throughput', async () => {
		fake.setBudget({ model: 'whatsapp', messagesPerSecond: 2 });
		const send = (to: string) => call(fake, 'POST', '/v24.0/1098765/messages', { messaging_product: 'whatsapp', to, type: 'text', text: { body: 'hi' } });
		expect((await send('491511')).status).toBe(200);
		const pair = await send('491511');
		expect(pair.status).toBe(429);
		expect(pair.json.error).toMatchObject({ code: 131056, message: '(#131056) (Business Account, Consumer Account) pair rate limit hit' });
		expect((await send('491512')).status).toBe(200);
		const throughput = await send('491513');
		expect(throughput.json.error).toMatchObject({ code: 130429, message: '(#130429) Rate limit hit' });
		now += 6_000;
		expect((await send('491511')).status).toBe(200);
		expect(fake.writes.filter((w) => w.path === '/1098765/messages')).toHaveLength(3);
	});

	test('admin POST /__admin/budget takes a model; reset() restores the options', async () => {
		const res = await request(`${fake.url}/__admin/budget`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ model: 'marketingScore', tier: 'standard', retryAfterHeader: true, maxScore: 1 }),
		});
		expect(res.statusCode).toBe(200);
		await res.body.text();
		expect((await call(fake, 'GET', '/v24.0/act_1')).status).toBe(200);
		const refused = await call(fake, 'GET', '/v24.0/act_1');
		expect(refused.headers['retry-after']).toBe('60');
		expect(json(refused.headers, 'x-ad-account-usage').ads_api_access_tier).toBe('standard_access');
		const unknown = await request(`${fake.url}/__admin/budget`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"model":"nope"}' });
		expect(unknown.statusCode).toBe(400);
		expect(((await unknown.body.json()) as { error: string }).error).toContain('unknown limit model');
		fake.reset();
		expect((await call(fake, 'GET', '/v24.0/act_1')).status).toBe(200);
	});
});

describe('real time, big timeScale', () => {
	test('a development block of 300 s lasts 300 ms at timeScale 1000', async () => {
		const fake = await startFakeMeta({ budget: { model: 'marketingScore', maxScore: 1, timeScale: 1000 } });
		try {
			expect((await call(fake, 'GET', '/act_1')).status).toBe(200);
			const refused = await call(fake, 'GET', '/act_1');
			expect(refused.json.error.code).toBe(17);
			expect(json(refused.headers, 'x-ad-account-usage').reset_time_duration).toBe(1);
			await new Promise((resolve) => setTimeout(resolve, 350));
			expect((await call(fake, 'GET', '/act_1')).status).toBe(200);
		} finally {
			await fake.close();
		}
	});
});

describe('CLI', () => {
	test('--budget model=... and --time-scale', () => {
		expect(cliOptions(['--budget', 'model=bucHour,managementCalls=5', '--time-scale', '20'], {}).budget).toEqual({ model: 'bucHour', managementCalls: 5, timeScale: 20 });
		expect(cliOptions([], { FAKE_META_BUDGET: '{"model":"whatsapp"}', FAKE_META_TIME_SCALE: '2' }).budget).toEqual({ model: 'whatsapp', timeScale: 2 });
		expect(() => cliOptions(['--budget', 'calls=1,windowMs=10', '--time-scale', '2'], {})).toThrow('limit model');
		expect(cliOptions(['--budget', 'calls=1,windowMs=10'], {}).budget).toEqual({ calls: 1, windowMs: 10 });
	});
});
