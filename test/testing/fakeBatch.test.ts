// The fake server's Graph Batch API (testing/fake-meta/batch.ts): each sub-request through the
// routes, faults per sub-request, null parts, 50 at most, the logs, usage headers per part.
import { request } from 'undici';

import { useFakeMeta } from '../../testing/fake-meta';

const fake = useFakeMeta();

async function batch(entries: unknown, extra: Record<string, unknown> = {}) {
	const res = await request(`${fake.url}/v24.0/`, {
		method: 'POST',
		headers: { authorization: `Bearer ${fake.token}`, 'content-type': 'application/json' },
		body: JSON.stringify({ batch: entries, ...extra }),
	});
	return { status: res.statusCode, headers: res.headers, json: (await res.body.json()) as any };
}

test('each sub-request runs through the routes; 200 with one part each, in order, usage headers per part', async () => {
	const [ad] = fake.seedObjects([{ name: 'A', status: 'ACTIVE' }], { parent: 'act_1', edge: 'ads' });
	const answer = await batch([
		{ method: 'GET', relative_url: `${ad}?fields=name,status` },
		{ method: 'POST', relative_url: ad, body: 'status=PAUSED' },
		{ method: 'POST', relative_url: 'act_1/ads', body: `name=B&creative=${encodeURIComponent(JSON.stringify({ creative_id: '9' }))}` },
		{ method: 'GET', relative_url: '999999' },
	]);
	expect(answer.status).toBe(200);
	expect(answer.headers['x-app-usage']).toBeDefined();
	const parts = answer.json as Array<{ code: number; headers: Array<{ name: string; value: string }>; body: string }>;
	expect(parts.map((part) => part.code)).toEqual([200, 200, 200, 400]);
	expect(JSON.parse(parts[0].body)).toEqual({ id: ad, name: 'A', status: 'ACTIVE' });
	expect(JSON.parse(parts[1].body)).toEqual({ success: true });
	const created = JSON.parse(parts[2].body).id as string;
	expect(fake.getObject(created)).toMatchObject({ name: 'B', creative: { creative_id: '9' }, account_id: '1' });
	expect(JSON.parse(parts[3].body).error.code).toBe(100);
	expect(parts[2].headers.map((h) => h.name)).toEqual(expect.arrayContaining(['x-app-usage', 'x-ad-account-usage']));
	expect(fake.getObject(ad)?.status).toBe('PAUSED');

	const call = fake.requests.find((r) => r.path === '/v24.0/')!;
	const subs = fake.requests.filter((r) => r.batch?.seq === call.seq);
	expect(subs.map((r) => [r.method, r.path, r.batch?.index, r.status])).toEqual([
		['GET', `/v24.0/${ad}`, 0, 200],
		['POST', `/v24.0/${ad}`, 1, 200],
		['POST', '/v24.0/act_1/ads', 2, 200],
		['GET', '/v24.0/999999', 3, 400],
	]);
	expect(fake.writes.map((w) => [w.method, w.path, w.creates])).toEqual([
		['POST', `/${ad}`, false],
		['POST', '/act_1/ads', true],
	]);
});

test('faults match sub-requests by method and path: an answer fault gives the part, a lost answer gives null', async () => {
	const [a, b, c] = fake.seedObjects([{ name: 'A' }, { name: 'B' }, { name: 'C' }]);
	fake.addFault({ match: { path: `/${a}` }, times: 1, fault: { type: 'graphError', code: 17 } });
	fake.addFault({ match: { path: `/${b}` }, times: 1, fault: { type: 'reset', when: 'after' } });
	const answer = await batch(
		[a, b, c].map((id) => ({ method: 'POST', relative_url: id, body: 'name=X' })),
		{ include_headers: false },
	);
	expect(answer.json[0]).toMatchObject({ code: 400 });
	expect(JSON.parse(answer.json[0].body).error.code).toBe(17);
	expect(answer.json[0].headers).toBeUndefined();
	expect(answer.json[1]).toBeNull();
	expect(answer.json[2]).toMatchObject({ code: 200 });
	// The rate-limited part was not applied; the one whose answer was lost was.
	expect(fake.getObject(a)?.name).toBe('A');
	expect(fake.getObject(b)?.name).toBe('X');
	expect(fake.getObject(c)?.name).toBe('X');
});

test('more than 50 sub-requests: refused whole with code 100, nothing applied; a batch needs a list', async () => {
	const many = Array.from({ length: 51 }, () => ({ method: 'POST', relative_url: 'act_1/ads', body: 'name=x' }));
	const answer = await batch(many);
	expect(answer.status).toBe(400);
	expect(answer.json.error).toMatchObject({ code: 100, type: 'GraphBatchException' });
	expect(answer.json.error.message).toContain('Maximum batch size is 50');
	expect(fake.writes).toHaveLength(0);
	expect((await batch('not a list')).json.error.code).toBe(100);
	// The form field's JSON text is read too.
	expect((await batch(JSON.stringify([{ method: 'GET', relative_url: 'me' }]))).json[0].code).toBe(200);
});

test('each sub-request takes the budget: the parts over it are refused with a rate limit', async () => {
	fake.setBudget({ calls: 3, windowMs: 60_000 });
	const answer = await batch(Array.from({ length: 5 }, () => ({ method: 'GET', relative_url: 'me' })));
	expect(answer.status).toBe(200);
	expect(answer.json.map((part: { code: number }) => part.code)).toEqual([200, 200, 200, 400, 400]);
	expect(JSON.parse(answer.json[4].body).error.code).toBe(80004);
	expect(fake.requests.filter((r) => r.batch && r.throttled)).toHaveLength(2);
});
