// The fake server's ad-set insights (testing/fake-meta/insights.ts): rows as Meta sends them, one
// ad set's newest day jumping from the Nth read, paging, and what is not imitated said so.
import { request } from 'undici';

import { useFakeMeta } from '../../testing/fake-meta';

const fake = useFakeMeta({ clock: () => Date.UTC(2026, 10, 8, 12) });

async function get(path: string, query: Record<string, string>) {
	const res = await request(`${fake.url}/v24.0/${path}?${new URLSearchParams(query)}`, { headers: { authorization: `Bearer ${fake.token}` } });
	return { status: res.statusCode, json: (await res.body.json()) as any };
}

const seed = (fromRead = 2) =>
	fake.seedInsights({
		account: 'act_1',
		adsets: [
			{ id: '111', name: 'Spring', campaignId: 'c1', dailySpend: 10 },
			{ id: '222', dailySpend: 20 },
		],
		days: 3,
		jump: { adsetId: '111', factor: 5, fromRead },
	});

test('daily rows per ad set, numbers as text; the jump shows on the newest day from the Nth read', async () => {
	seed(2);
	const query = { level: 'adset', time_increment: '1', fields: 'adset_id,adset_name,spend,date_start,date_stop' };
	const first = await get('act_1/insights', query);
	expect(first.status).toBe(200);
	expect(first.json.data).toEqual([
		{ adset_id: '111', adset_name: 'Spring', spend: '10.00', date_start: '2026-11-05', date_stop: '2026-11-05' },
		{ adset_id: '222', adset_name: 'Ad set 222', spend: '20.00', date_start: '2026-11-05', date_stop: '2026-11-05' },
		{ adset_id: '111', adset_name: 'Spring', spend: '9.40', date_start: '2026-11-06', date_stop: '2026-11-06' },
		{ adset_id: '222', adset_name: 'Ad set 222', spend: '18.80', date_start: '2026-11-06', date_stop: '2026-11-06' },
		{ adset_id: '111', adset_name: 'Spring', spend: '10.60', date_start: '2026-11-07', date_stop: '2026-11-07' },
		{ adset_id: '222', adset_name: 'Ad set 222', spend: '21.20', date_start: '2026-11-07', date_stop: '2026-11-07' },
	]);
	const second = await get('act_1/insights', query);
	expect(second.json.data[4]).toMatchObject({ adset_id: '111', spend: '53.00', date_start: '2026-11-07' });
	expect(second.json.data[5]).toMatchObject({ adset_id: '222', spend: '21.20' });
});

test('without time_increment one row per ad set over all days; pages of one read are one read', async () => {
	seed(1);
	const all = await get('act_1/insights', { level: 'adset' });
	expect(all.json.data).toEqual([
		expect.objectContaining({ account_id: '1', campaign_id: 'c1', adset_id: '111', spend: '72.40', impressions: '6516', date_start: '2026-11-05', date_stop: '2026-11-07' }),
		expect.objectContaining({ adset_id: '222', spend: '60.00' }),
	]);
	seed(2);
	const page1 = await get('act_1/insights', { level: 'adset', time_increment: '1', limit: '4' });
	expect(page1.json.data).toHaveLength(4);
	const after = page1.json.paging.cursors.after as string;
	const page2 = await get('act_1/insights', { level: 'adset', time_increment: '1', limit: '4', after });
	expect(page2.json.data).toHaveLength(2);
	expect(page2.json.data[0]).toMatchObject({ adset_id: '111', spend: '10.60' }); // still the first read: no jump
});

test('another level is refused as not imitated; an account without insights has an empty edge', async () => {
	seed();
	const campaign = await get('act_1/insights', { level: 'campaign' });
	expect(campaign.status).toBe(400);
	expect(campaign.json.error.message).toContain('level=adset only');
	expect((await get('act_2/insights', { level: 'adset' })).json).toEqual({ data: [] });
});
