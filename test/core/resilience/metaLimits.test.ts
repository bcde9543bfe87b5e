// The throttle layer against the limits Meta documents beyond the ad-account score: the Ads
// Insights throttle (X-FB-Ads-Insights-Throttle, Marketing API "Insights API: Limits"), and
// WhatsApp throughput per phone number (Meta's "Throughput" page: 80 messages a second by default,
// 1,000 once upgraded, 20 for a number shared with the WhatsApp Business app). Real HTTP against
// the fake Meta server's limit models (testing/fake-meta/limits.ts).
import { MemoryStore, parseUsageHeaders } from '../../../nodes/shared/core';
import { forEachLimited } from '../../../nodes/shared/core/util';
import { paceObserve } from '../../../nodes/shared/core/resilience/pacing';
import { forgetWhatsAppRates, rateOfPhoneNumber } from '../../../nodes/shared/core/resilience/throughput';
import { MetaClient } from '../../../nodes/shared/transport';
import { useFakeMeta } from '../../../testing/fake-meta';

const fake = useFakeMeta();
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function client() {
	return new MetaClient({
		baseUrl: fake.url,
		apiVersion: 'v24.0',
		accessToken: fake.token,
		retry: { maxAttempts: 6, baseDelayMs: 50, maxDelayMs: 2_000, totalBudgetMs: 60_000 },
		sleep,
		store: new MemoryStore(),
	});
}

beforeEach(() => forgetWhatsAppRates());

describe('usage headers', () => {
	test('X-FB-Ads-Insights-Throttle and X-Page-Usage are read and count for the highest usage', () => {
		const usage = parseUsageHeaders({
			'x-fb-ads-insights-throttle': '{"app_id_util_pct":42.5,"acc_id_util_pct":67,"ads_api_access_tier":"standard_access"}',
			'x-page-usage': '{"call_count":12,"total_cputime":30,"total_time":25}',
			'x-app-usage': '{"call_count":5,"total_cputime":1,"total_time":2}',
		});
		expect(usage).toEqual({ maxPercent: 67, app: 5, insights: 67, page: 30 });
	});

	test("one header's reset time is never paired with another header's percentage", () => {
		const adAccount = (pct: number, reset: number) => JSON.stringify({ acc_id_util_pct: pct, reset_time_duration: reset, ads_api_access_tier: 'standard_access' });
		const buc = (pct: number) => JSON.stringify({ '1': [{ type: 'ads_management', call_count: pct, total_cputime: 1, total_time: 1, estimated_time_to_regain_access: 0 }] });
		// The business-use-case hour holds the highest usage: the ad account's 100 s says nothing of it.
		const bucGoverns = parseUsageHeaders({ 'x-ad-account-usage': adAccount(10, 100), 'x-business-use-case-usage': buc(95) })!;
		expect(bucGoverns).toMatchObject({ maxPercent: 95, regainAccessMs: 100_000 });
		expect(bucGoverns.decayResetMs).toBeUndefined();
		expect(paceObserve(undefined, bucGoverns, 0, false, 0).decayPerMs).toBeUndefined();
		// The ad account's score is the highest: it falls to 0 in its own reset time.
		const accountGoverns = parseUsageHeaders({ 'x-ad-account-usage': adAccount(60, 100), 'x-business-use-case-usage': buc(20) })!;
		expect(accountGoverns.decayResetMs).toBe(100_000);
		expect(paceObserve(undefined, accountGoverns, 0, false, 0).decayPerMs).toBeCloseTo(60 / 100_000, 9);
	});
});

test('insights calls pace on X-FB-Ads-Insights-Throttle: 150 reads through a 60-per-window account limit, almost never refused', async () => {
	// Window 60 s at time scale 60: one second.
	fake.setBudget({ model: 'insightsThrottle', accountCalls: 60, appCalls: 200, timeScale: 60 });
	const meta = client();
	const started = Date.now();
	const results: Array<Awaited<ReturnType<MetaClient['request']>>> = [];
	// Five at a time, as Meta Request with Concurrency 5 sends them.
	await forEachLimited(150, 5, async (i) => {
		results[i] = await meta.request({ method: 'GET', path: 'act_1/insights', query: { fields: 'spend' } });
	});
	expect(results.every((r) => r.ok)).toBe(true);
	const stats = fake.stats();
	// Without the header nothing paces: about 90 of the first 150 would be refused.
	expect(stats.throttled).toBeLessThanOrEqual(3);
	// The least time: floor(149 / 60) windows of 1 s.
	expect(Date.now() - started).toBeGreaterThanOrEqual(2_000);
});

describe('WhatsApp throughput per number', () => {
	const send = (meta: MetaClient, number: string, i: number) =>
		meta.request({ method: 'POST', path: `${number}/messages`, body: { messaging_product: 'whatsapp', to: `49151${String(i).padStart(7, '0')}`, type: 'text', text: { body: `m${i}` } } });

	test("a number's tier is read once: 20/s for a WhatsApp Business app number, 1,000/s for an upgraded one; none refused", async () => {
		fake.setBudget({ model: 'whatsapp', numbers: { '1111111111': 'BIZ_APP', '2222222222': 'HIGH' } });
		const meta = client();

		let started = Date.now();
		const slow = await Promise.all(Array.from({ length: 41 }, (_, i) => send(meta, '1111111111', i)));
		const slowMs = Date.now() - started;
		expect(slow.every((r) => r.ok)).toBe(true);
		expect(slowMs).toBeGreaterThanOrEqual(2_000); // 41 messages at 20 a second: 2 s at least

		started = Date.now();
		const fast = await Promise.all(Array.from({ length: 400 }, (_, i) => send(meta, '2222222222', i)));
		const fastMs = Date.now() - started;
		expect(fast.every((r) => r.ok)).toBe(true);
		expect(fastMs).toBeLessThan(4_000); // at 80 a second it would take 5 s

		// Spaced 1.03 ms apart, 400 requests at once: on a loaded machine one may still arrive a hair
		// early (it is retried); the bench measures the rate at which that happens.
		expect(fake.stats().throttled).toBeLessThanOrEqual(2);
		const reads = fake.requests.filter((r) => r.method === 'GET');
		expect(reads.map((r) => [r.path, r.query.fields])).toEqual([
			['/v24.0/1111111111', 'throughput,is_on_biz_app'],
			['/v24.0/2222222222', 'throughput,is_on_biz_app'],
		]);
	});

	test('a number whose tier cannot be read is paced at 80/s, and a 130429 steps it down', async () => {
		// The number is not known to the fake (the read fails) and Meta holds it to 20 a second.
		fake.setBudget({ model: 'whatsapp', messagesPerSecond: 20 });
		const meta = client();
		const answers = await Promise.all(Array.from({ length: 60 }, (_, i) => send(meta, '3333333333', i)));
		expect(answers.every((r) => r.ok)).toBe(true);
		const refused = fake.stats().throttled;
		expect(refused).toBeGreaterThan(0);
		// After the step down the next 40 go through at 20/s without a refusal.
		const before = refused;
		const later = await Promise.all(Array.from({ length: 40 }, (_, i) => send(meta, '3333333333', 100 + i)));
		expect(later.every((r) => r.ok)).toBe(true);
		expect(fake.stats().throttled - before).toBe(0);
	});

	test('the tier of a phone number answer', () => {
		expect(rateOfPhoneNumber({ throughput: { level: 'STANDARD' }, is_on_biz_app: false })).toBe(80);
		expect(rateOfPhoneNumber({ throughput: { level: 'HIGH' } })).toBe(1000);
		expect(rateOfPhoneNumber({ throughput: { level: 'HIGH' }, is_on_biz_app: true })).toBe(20);
		expect(rateOfPhoneNumber({ error: { code: 100 } })).toBeUndefined();
	});
});
