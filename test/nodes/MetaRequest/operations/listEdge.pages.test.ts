// List Edge on the lists Meta pages by time (Page and Instagram insights by period) and with a
// summary, through n8n's engine against the fake Meta server. Meta's Instagram User Insights
// reference shows the shape: one row per metric with the id `<object>/insights/<metric>/day` on
// every page, `paging.next` moving the since/until window forward without end.
import type { INodeParameters } from 'n8n-workflow';
import { FAKE_META_TOKEN, useFakeMeta } from '../../../../testing/fake-meta';
import { runNode } from '../../../helpers/engine';

const TYPE = 'n8n-nodes-meta-resilience.metaRequest';
const FAST = { baseDelayMs: 5, maxDelayMs: 20 };
const DAY_S = 86_400;

const fake = useFakeMeta();

async function list(objectId: string, edge: string, query: Record<string, string>, extra: INodeParameters = {}) {
	const result = await runNode(
		TYPE,
		{
			operation: 'listEdge',
			objectId,
			edge,
			returnAll: true,
			queryParameters: { parameter: Object.entries(query).map(([name, value]) => ({ name, value })) },
			options: { ...FAST, maxPages: 50 },
			...extra,
		},
		[{}],
		{ credentials: { metaGraphApi: { accessToken: FAKE_META_TOKEN, baseUrl: fake.url, apiVersion: 'v24.0' } } },
	);
	expect(result.error).toBeUndefined();
	expect(JSON.stringify(result.nodeOutputs)).not.toContain(FAKE_META_TOKEN);
	return result.nodeOutputs[0].map((item) => item.json);
}

test('insights by day since six days ago: every page kept (the same row ids on each), read up to now', async () => {
	const [igUser] = fake.seedObjects([{ name: 'IG account', username: 'shop' }]);
	const today = Math.floor(Date.now() / 1000 / DAY_S) * DAY_S;
	const rows = await list(igUser, 'insights', { metric: 'impressions,reach', period: 'day', since: String(today - 6 * DAY_S) });
	// Two-day windows from six days ago up to the one holding today, two metrics each: none dropped for its repeated id.
	expect(rows.map((row) => row.id)).toEqual([1, 2, 3, 4].flatMap(() => [`${igUser}/insights/impressions/day`, `${igUser}/insights/reach/day`]));
	const days = rows.filter((row) => row.name === 'impressions').flatMap((row) => (row.values as Array<{ end_time: string }>).map((v) => v.end_time.slice(0, 10)));
	expect(new Set(days).size).toBe(8);
	expect(rows[0].metaRequest).toMatchObject({ pages: 4, more: false });
});

test('insights with since and until: the window asked for, and the endless next link Meta sends is not followed past it', async () => {
	const [igUser] = fake.seedObjects([{ name: 'IG account', username: 'shop' }]);
	const until = Math.floor(Date.now() / 1000 / DAY_S) * DAY_S - 10 * DAY_S;
	const rows = await list(igUser, 'insights', { metric: 'impressions,reach', period: 'day', since: String(until - 6 * DAY_S), until: String(until) });
	expect(rows.map((row) => (row.values as unknown[]).length)).toEqual([6, 6]);
	expect(rows[0].metaRequest).toMatchObject({ pages: 1, more: false });
	expect(fake.requests.filter((r) => r.path.endsWith(`/${igUser}/insights`))).toHaveLength(1);
});

test('insights without until: read up to now, not to Max Pages', async () => {
	const [page] = fake.seedObjects([{ name: 'A Page' }]);
	const rows = await list(page, 'insights', { metric: 'page_impressions', period: 'day' });
	// The default window (the two days before today), then today's window; the next starts after now.
	expect(rows[0].metaRequest).toMatchObject({ pages: 2, more: false });
	expect(rows).toHaveLength(2);
});

test('a cursor list still keeps a record seen on two pages once, and the summary Meta sends is on every item', async () => {
	const ids = fake.seedObjects(
		Array.from({ length: 25 }, (_, i) => ({ name: `Ad ${i}` })),
		{ parent: 'act_9', edge: 'ads' },
	);
	const rows = await list('act_9', 'ads', { summary: 'total_count', limit: '10', fields: 'id,name' });
	expect(rows.map((row) => row.id)).toEqual(ids);
	expect(rows.every((row) => (row.metaRequest as { summary?: unknown }).summary !== undefined)).toBe(true);
	expect(rows[0].metaRequest).toMatchObject({ pages: 3, summary: { total_count: 25 } });
});
