import { spawn } from 'child_process';
import { once } from 'events';
import { request } from 'undici';
import { appSecretProof, chaosFaults, FAKE_META_TOKEN, startFakeMeta, useFakeMeta, type FakeMeta, type FakeMetaOptions, type GraphErrorBody } from '../../testing/fake-meta';
import { cliOptions, runCli } from '../../testing/fake-meta/cli';

interface CallOptions {
	/** `null`: no Authorization header. */
	token?: string | null;
	query?: Record<string, string>;
	json?: unknown;
	form?: Record<string, string>;
	headers?: Record<string, string>;
	headersTimeout?: number;
}

interface Reply {
	status: number;
	headers: Record<string, string>;
	text: string;
	json: any;
}

let fake: FakeMeta;
const started: FakeMeta[] = [];

async function start(options: FakeMetaOptions = {}): Promise<FakeMeta> {
	fake = await startFakeMeta(options);
	started.push(fake);
	return fake;
}

afterEach(async () => {
	await Promise.all(started.splice(0).map((server) => server.close()));
});

async function call(method: string, path: string, options: CallOptions = {}): Promise<Reply> {
	const url = new URL(path.startsWith('http') ? path : `${fake.url}${path}`);
	for (const [name, value] of Object.entries(options.query ?? {})) url.searchParams.set(name, value);
	const headers: Record<string, string> = { ...options.headers };
	const token = options.token === undefined ? fake.token : options.token;
	if (token !== null) headers.authorization = `Bearer ${token}`;
	let body: string | undefined;
	if (options.json !== undefined) {
		body = JSON.stringify(options.json);
		headers['content-type'] = 'application/json';
	} else if (options.form) {
		body = new URLSearchParams(options.form).toString();
		headers['content-type'] = 'application/x-www-form-urlencoded';
	}
	const res = await request(url, { method: method as 'GET', headers, body, headersTimeout: options.headersTimeout });
	const text = await res.body.text();
	let json: unknown;
	try {
		json = JSON.parse(text);
	} catch {
		json = undefined;
	}
	return { status: res.statusCode, headers: res.headers as Record<string, string>, text, json };
}

/** The transport error code a request ends with, or `ok`. */
async function failureOf(method: string, path: string, options: CallOptions = {}): Promise<string> {
	return call(method, path, options).then(
		() => 'ok',
		(error: { code?: string }) => error.code ?? 'unknown',
	);
}

function expectGraphError(reply: Reply, status: number, code: number, subcode?: number): GraphErrorBody['error'] {
	expect(reply.status).toBe(status);
	const error = (reply.json as GraphErrorBody).error;
	expect(error.code).toBe(code);
	expect(typeof error.message).toBe('string');
	expect(typeof error.type).toBe('string');
	expect(error.fbtrace_id).toMatch(/^A[\w-]{22}$/);
	if (subcode !== undefined) expect(error.error_subcode).toBe(subcode);
	return error;
}

describe('auth', () => {
	it('refuses a missing token with code 104 and a wrong one with code 190, like Meta', async () => {
		await start();
		const missing = await call('GET', '/v24.0/me', { token: null });
		expect(expectGraphError(missing, 400, 104).type).toBe('OAuthException');
		const wrong = await call('GET', '/v24.0/me', { token: 'EAAwrong' });
		const error = expectGraphError(wrong, 400, 190);
		expect(error).toMatchObject({ type: 'OAuthException', message: 'Invalid OAuth access token - Cannot parse access token' });
		expect(wrong.headers['www-authenticate']).toContain('invalid_token');
		expect(wrong.headers['x-fb-trace-id']).toBe(error.fbtrace_id);
	});

	it('accepts the token as bearer header, query parameter or body parameter, and never logs it', async () => {
		await start();
		expect((await call('GET', '/v24.0/me')).json).toEqual({ id: '100000000000002', name: 'Fake Meta Test User' });
		expect((await call('GET', '/me', { token: null, query: { access_token: FAKE_META_TOKEN } })).status).toBe(200);
		const created = await call('POST', '/v24.0/act_1/campaigns', { token: null, form: { access_token: FAKE_META_TOKEN, name: 'C' } });
		expect(created.status).toBe(200);
		expect(JSON.stringify(fake.requests)).not.toContain(FAKE_META_TOKEN);
		expect(JSON.stringify(fake.writes)).not.toContain(FAKE_META_TOKEN);
		expect(fake.requests[0].headers.authorization).toBeUndefined();
		expect(fake.requests[1].query.access_token).toBe('[redacted]');
	});

	it('checks appsecret_proof when an app secret is configured', async () => {
		const secret = 'canary0000APPSECRET0000';
		await start({ appSecret: secret });
		const missing = expectGraphError(await call('GET', '/v24.0/me'), 400, 100);
		expect(missing).toMatchObject({ type: 'GraphMethodException', message: 'API calls from the server require an appsecret_proof argument' });
		const wrong = expectGraphError(await call('GET', '/v24.0/me', { query: { appsecret_proof: appSecretProof(FAKE_META_TOKEN, 'other') } }), 400, 100);
		expect(wrong.message).toBe('Invalid appsecret_proof provided in the API argument');
		const good = await call('GET', '/v24.0/me', { query: { appsecret_proof: appSecretProof(FAKE_META_TOKEN, secret) } });
		expect(good.status).toBe(200);
		expect(JSON.stringify(fake.requests)).not.toContain(appSecretProof(FAKE_META_TOKEN, secret));
	});
});

describe('Graph objects and edges', () => {
	it('creates, reads, updates and deletes, with the state applied in the store', async () => {
		await start();
		const adSetId = (await call('POST', '/v24.0/act_42/adsets', { json: { name: 'Set' } })).json.id as string;
		const created = await call('POST', '/v24.0/act_42/ads', { json: { name: 'Ad A', status: 'ACTIVE', adset_id: adSetId } });
		const id = created.json.id as string;
		expect(created.json).toEqual({ id: expect.stringMatching(/^\d+$/) });
		expect((await call('GET', `/v23.0/${id}`, { query: { fields: 'name,status,nope' } })).json).toEqual({ id, name: 'Ad A', status: 'ACTIVE' });
		expect(fake.getObject(id)).toMatchObject({ account_id: '42', adset_id: adSetId });

		expect((await call('POST', `/v24.0/${id}`, { form: { status: 'PAUSED' } })).json).toEqual({ success: true });
		expect(fake.getObject(id)?.status).toBe('PAUSED');
		// An ad also appears on its ad set's edge.
		expect((await call('GET', `/v24.0/${adSetId}/ads`)).json.data.map((ad: { id: string }) => ad.id)).toEqual([id]);

		expect((await call('DELETE', `/v24.0/${id}`)).json).toEqual({ success: true });
		const gone = expectGraphError(await call('GET', `/v24.0/${id}`), 400, 100, 33);
		expect(gone).toMatchObject({ type: 'GraphMethodException' });
		expect(gone.message).toBe(
			`Unsupported get request. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation. Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api`,
		);
		expect(expectGraphError(await call('POST', '/v24.0/999/ads', { json: { name: 'x' } }), 400, 100, 33).message).toMatch(/^Unsupported post request/);
		expect(fake.writes.map((w) => `${w.method} ${w.path}`)).toEqual([`POST /act_42/adsets`, `POST /act_42/ads`, `POST /${id}`, `DELETE /${id}`]);
	});

	it('sends WhatsApp messages and validates required parameters', async () => {
		await start();
		const sent = await call('POST', '/v24.0/1234567890/messages', { json: { messaging_product: 'whatsapp', to: '+49 151 000', type: 'text', text: { body: 'hi' } } });
		expect(sent.json).toEqual({ messaging_product: 'whatsapp', contacts: [{ input: '+49 151 000', wa_id: '49151000' }], messages: [{ id: expect.stringMatching(/^wamid\./) }] });
		expect(fake.getObject(sent.json.messages[0].id)).toMatchObject({ to: '+49 151 000', status: 'sent' });
		const missing = expectGraphError(await call('POST', '/v24.0/1234567890/messages', { json: { messaging_product: 'whatsapp' } }), 400, 100);
		expect(missing.message).toBe('(#100) The parameter to is required.');
	});
});

describe('error shapes and statuses', () => {
	it.each([
		[4, 403],
		[17, 400],
		[32, 403],
		[613, 400],
		[80004, 400],
		[130429, 429],
		[131056, 429],
		[1, 500],
		[2, 500],
		[131016, 503],
	])('code %i is answered with HTTP %i in Meta’s shape', async (code, status) => {
		await start({ faults: [{ fault: { type: 'graphError', code } }] });
		const reply = await call('GET', '/v24.0/me');
		const error = expectGraphError(reply, status, code);
		expect(Object.keys(error).every((key) => ['message', 'type', 'code', 'error_subcode', 'is_transient', 'error_user_title', 'error_user_msg', 'error_data', 'fbtrace_id'].includes(key))).toBe(true);
		if (status === 500 || [4, 17, 80004].includes(code)) expect(error.is_transient).toBe(true);
		if (code >= 130000) expect(error.error_data).toMatchObject({ messaging_product: 'whatsapp', details: expect.any(String) });
		expect(reply.headers['x-app-usage']).toBeDefined();
	});
});

describe('budget', () => {
	let now: number;
	const clock = () => now;
	beforeEach(() => {
		now = 1_000_000;
	});

	it('reports utilisation, blocks with 80004 when exhausted, and penalises calls while blocked', async () => {
		await start({ clock, budget: { calls: 4, windowMs: 1000, penaltyMs: 90_000, businessId: '555' } });
		const percents: number[] = [];
		for (let i = 0; i < 4; i++) {
			const reply = await call('GET', '/v24.0/act_1/ads');
			expect(reply.status).toBe(200);
			percents.push(JSON.parse(reply.headers['x-business-use-case-usage'])['555'][0].call_count);
			now += 100;
		}
		expect(percents).toEqual([25, 50, 75, 100]);

		const blocked = await call('GET', '/v24.0/act_1/ads');
		expect(expectGraphError(blocked, 400, 80004, 2446079).is_transient).toBe(true);
		const buc = JSON.parse(blocked.headers['x-business-use-case-usage'])['555'][0];
		// The first call left the window at 1,001,000: 600 ms from now.
		expect(buc).toMatchObject({ type: 'ads_management', call_count: 100, estimated_time_to_regain_access: 1 });
		expect(JSON.parse(blocked.headers['x-ad-account-usage'])).toMatchObject({ acc_id_util_pct: 100, reset_time_duration: 1 });
		expect(JSON.parse(blocked.headers['x-app-usage']).call_count).toBe(100);
		expect(blocked.headers['retry-after']).toBeUndefined();

		// Calling while blocked adds 90 s: 600 ms + 90 s → 2 minutes.
		const penalised = await call('GET', '/v24.0/act_1/ads');
		expect(JSON.parse(penalised.headers['x-business-use-case-usage'])['555'][0].estimated_time_to_regain_access).toBe(2);
		now += 600;
		expect((await call('GET', '/v24.0/me')).status).toBe(400);
		now += 180_000;
		expect((await call('GET', '/v24.0/act_1/ads')).status).toBe(200);
		expect(fake.stats()).toMatchObject({ total: 8, throttled: 3 });
	});

	it('uses the style’s code and status, and sends Retry-After when asked', async () => {
		await start({ clock, budget: { calls: 1, windowMs: 1500, style: 'app', retryAfterHeader: true } });
		expect((await call('GET', '/v24.0/me')).headers['x-ad-account-usage']).toBeUndefined();
		const blocked = await call('GET', '/v24.0/me');
		expectGraphError(blocked, 403, 4);
		expect(blocked.headers['retry-after']).toBe('2');
		fake.setBudget({ calls: 1, windowMs: 1000, style: 'adAccount' });
		await call('GET', '/v24.0/me');
		expectGraphError(await call('GET', '/v24.0/me'), 400, 17, 2446079);
	});

	it('lets calls through again once the window rolls on', async () => {
		await start({ clock, budget: { calls: 2, windowMs: 1000 } });
		await call('GET', '/v24.0/me');
		now += 500;
		await call('GET', '/v24.0/me');
		expect((await call('GET', '/v24.0/me')).status).toBe(400);
		now += 501;
		const reply = await call('GET', '/v24.0/me');
		expect(reply.status).toBe(200);
		expect(JSON.parse(reply.headers['x-app-usage']).call_count).toBe(100);
	});
});

describe('faults', () => {
	it('reset before: the client sees a reset and nothing is applied', async () => {
		await start();
		fake.addFault({ match: { method: 'POST', path: '/act_1/ads' }, times: 1, fault: { type: 'reset', when: 'before' } });
		expect(await failureOf('POST', '/v24.0/act_1/ads', { json: { name: 'A' } })).toMatch(/ECONNRESET|UND_ERR_SOCKET/);
		expect(fake.writes).toEqual([]);
		expect((await call('GET', '/v24.0/act_1/ads')).json.data).toEqual([]);
		expect(fake.requests[0].faultApplied).toBe('reset:before');
		expect(fake.requests[0].status).toBeUndefined();
		expect(fake.stats().byStatus.reset).toBe(1);
	});

	it('reset after: the write is applied, then the connection is reset mid-body', async () => {
		await start();
		fake.addFault({ match: { writes: true }, times: 1, fault: { type: 'reset', when: 'after' } });
		expect(await failureOf('POST', '/v24.0/act_1/ads', { json: { name: 'A' }, headers: { 'idempotency-key': 'k1' } })).toMatch(/ECONNRESET|UND_ERR_SOCKET/);
		expect(fake.writes).toMatchObject([{ method: 'POST', path: '/act_1/ads', idempotencyKey: 'k1' }]);
		expect((await call('GET', '/v24.0/act_1/ads')).json.data).toMatchObject([{ name: 'A' }]);
	});

	it('stall: the client times out, and close() ends the stalled connection', async () => {
		await start();
		fake.addFault({ match: { path: /\/me$/ }, fault: { type: 'stall', ms: 60_000 } });
		expect(await failureOf('GET', '/v24.0/me', { headersTimeout: 100 })).toBe('UND_ERR_HEADERS_TIMEOUT');
		const pending = failureOf('GET', '/v24.0/me');
		await new Promise((resolve) => setTimeout(resolve, 50));
		const closing = Date.now();
		await fake.close();
		expect(await pending).not.toBe('ok');
		expect(Date.now() - closing).toBeLessThan(5000);
	});

	it('stall: a client that waits gets the answer late, and the write was applied', async () => {
		await start();
		fake.addFault({ times: 1, fault: { type: 'stall', ms: 150 } });
		const startedAt = Date.now();
		const reply = await call('POST', '/v24.0/act_1/campaigns', { json: { name: 'C' } });
		expect(Date.now() - startedAt).toBeGreaterThanOrEqual(140);
		expect(reply.json).toEqual({ id: expect.any(String) });
		expect(fake.writes).toHaveLength(1);
	});

	it('html502: an HTML page with status 502, nothing applied', async () => {
		await start({ faults: [{ match: { method: 'POST' }, fault: { type: 'html502' } }] });
		const reply = await call('POST', '/v24.0/act_1/ads', { json: { name: 'A' } });
		expect(reply.status).toBe(502);
		expect(reply.headers['content-type']).toMatch(/^text\/html/);
		expect(reply.text).toMatch(/^<!DOCTYPE html>/);
		expect(reply.json).toBeUndefined();
		expect(fake.writes).toEqual([]);
	});

	it('truncated: a 200 whose body ends before its content-length', async () => {
		await start({ faults: [{ fault: { type: 'truncated' } }] });
		const res = await request(`${fake.url}/v24.0/me`, { headers: { authorization: `Bearer ${fake.token}` } });
		expect(res.statusCode).toBe(200);
		expect(Number(res.headers['content-length'])).toBeGreaterThan(0);
		await expect(res.body.text()).rejects.toMatchObject({ code: expect.stringMatching(/UND_ERR_SOCKET|ECONNRESET/) });
	});

	it('status: any status and body; a string body is sent as is', async () => {
		await start({ faults: [{ times: 1, fault: { type: 'status', status: 429, body: 'slow down', headers: { 'retry-after': '3' } } }] });
		const reply = await call('GET', '/v24.0/me');
		expect([reply.status, reply.text, reply.headers['retry-after']]).toEqual([429, 'slow down', '3']);
		expect((await call('GET', '/v24.0/me')).status).toBe(200);
	});

	it('every, times and a seeded probability decide which requests fail', async () => {
		await start({ seed: 7 });
		fake.addFault({ every: 3, fault: { type: 'graphError', code: 2 } });
		const statuses: number[] = [];
		for (let i = 0; i < 6; i++) statuses.push((await call('GET', '/v24.0/me')).status);
		expect(statuses).toEqual([200, 200, 500, 200, 200, 500]);

		const run = async () => {
			fake.reset();
			fake.addFault({ probability: 0.5, fault: [{ type: 'graphError', code: 1 }, { type: 'graphError', code: 131016 }] });
			const seen: number[] = [];
			for (let i = 0; i < 40; i++) seen.push((await call('GET', '/v24.0/me')).status);
			return seen;
		};
		const first = await run();
		expect(await run()).toEqual(first);
		const failed = first.filter((s) => s !== 200).length;
		expect(failed).toBeGreaterThan(8);
		expect(failed).toBeLessThan(32);
		expect(new Set(first)).toEqual(new Set([200, 500, 503]));
	});

	it('the chaos preset mixes every fault kind', async () => {
		await start({ faults: [chaosFaults({ rate: 1, stallMs: 20 })] });
		const outcomes = new Set<string>();
		for (let i = 0; i < 120; i++) {
			outcomes.add(
				await call('GET', '/v24.0/me').then(
					(r) => String(r.json?.error?.code ?? r.status),
					() => 'transport',
				),
			);
		}
		for (const expected of ['4', '17', '32', '613', '80004', '130429', '131056', '1', '2', '131016', '502', 'transport', '100000000000002']) {
			expect(outcomes).toContain(expected === '100000000000002' ? '200' : expected);
		}
	});
});

describe('pagination', () => {
	it('pages through 3+ pages with inserts and deletes in between, never skipping or repeating', async () => {
		await start();
		const seeded = fake.seedObjects(
			Array.from({ length: 10 }, (_, i) => ({ name: `Ad ${i}` })),
			{ parent: 'act_1', edge: 'ads' },
		);
		const seen: string[] = [];
		let next: string | undefined = '/v24.0/act_1/ads?limit=3&fields=name';
		let pages = 0;
		while (next) {
			const reply: Reply = await call('GET', next);
			seen.push(...reply.json.data.map((ad: { id: string }) => ad.id));
			next = reply.json.paging?.next;
			pages++;
			if (pages === 1) {
				// New ads land after the cursor, one (seeded with a small id) before it.
				await call('POST', '/v24.0/act_1/ads', { json: { name: 'new 1' } });
				fake.seedObjects([{ id: '5', name: 'early' }], { parent: 'act_1', edge: 'ads' });
			}
			if (pages === 2) {
				fake.seedObjects([{ name: 'new 2' }], { parent: 'act_1', edge: 'ads' });
				// An offset cursor would now skip an ad.
				await call('DELETE', `/v24.0/${seeded[0]}`);
			}
		}
		expect(pages).toBeGreaterThanOrEqual(4);
		expect(new Set(seen).size).toBe(seen.length);
		expect(seen.slice(0, 10)).toEqual(seeded);
		expect(seen).toHaveLength(12);
		expect(seen).not.toContain('5');
	});

	it('gives Meta’s paging shape and echoes access_token in it, even when the token came in the header', async () => {
		await start();
		fake.seedObjects([{ name: 'a' }, { name: 'b' }, { name: 'c' }], { parent: 'act_1', edge: 'ads' });
		const viaHeader = await call('GET', '/v24.0/act_1/ads', { query: { limit: '2' } });
		expect(viaHeader.json.paging).toEqual({
			cursors: { before: expect.any(String), after: expect.any(String) },
			next: expect.stringMatching(new RegExp(`^${fake.url}/v24\\.0/act_1/ads\\?`)),
		});
		expect(new URL(viaHeader.json.paging.next).searchParams.get('access_token')).toBe(FAKE_META_TOKEN);

		const viaQuery = await call('GET', '/v24.0/act_1/ads', { token: null, query: { limit: '2', access_token: FAKE_META_TOKEN } });
		expect(new URL(viaQuery.json.paging.next).searchParams.get('access_token')).toBe(FAKE_META_TOKEN);
		const last = await call('GET', viaQuery.json.paging.next, { token: null });
		expect(last.json.data.map((ad: { name: string }) => ad.name)).toEqual(['c']);
		expect(last.json.paging.next).toBeUndefined();
		const back = await call('GET', last.json.paging.previous, { token: null });
		expect(back.json.data.map((ad: { name: string }) => ad.name)).toEqual(['a', 'b']);
		expect((await call('GET', '/v24.0/act_9/ads')).json).toEqual({ data: [] });
	});
});

describe('async jobs', () => {
	async function pollUntil(path: string, done: (body: any) => boolean, max = 10): Promise<{ body: any; polls: number }> {
		for (let polls = 1; polls <= max; polls++) {
			const body = (await call('GET', path)).json;
			if (done(body)) return { body, polls };
		}
		throw new Error(`not done after ${max} polls`);
	}

	it('async batch requests: created over HTTP, progress per poll, per-request results', async () => {
		await start({ jobDefaults: { completeAfterPolls: 3, failIndices: [1] } });
		const adbatch = [0, 1, 2].map((i) => ({ method: 'POST', relative_url: 'act_1/ads', name: `ad ${i}`, body: `name=ad+${i}` }));
		const created = await call('POST', '/v24.0/act_1/async_batch_requests', { form: { adbatch: JSON.stringify(adbatch), name: 'launch' } });
		const setId = created.json.id as string;
		const fields = 'id,name,is_completed,total_count,initial_count,in_progress_count,success_count,error_count,canceled_count';
		const first = (await call('GET', `/v24.0/${setId}`, { query: { fields } })).json;
		expect(first).toMatchObject({ id: setId, name: 'launch', is_completed: false, total_count: 3 });
		expect(first.success_count + first.error_count + first.in_progress_count + first.initial_count).toBe(3);
		const { body, polls } = await pollUntil(`/v24.0/${setId}?fields=${fields}`, (b) => b.is_completed);
		expect(polls).toBe(2);
		expect(body).toMatchObject({ success_count: 2, error_count: 1, in_progress_count: 0, initial_count: 0, canceled_count: 0 });

		const requests = (await call('GET', `/v24.0/${setId}/requests`, { query: { fields: 'id,status,result,input', limit: '2' } })).json;
		expect(requests.data).toHaveLength(2);
		expect(requests.data[0]).toMatchObject({ status: 'SUCCESS', result: { id: expect.any(String) }, input: adbatch[0] });
		expect(requests.data[1]).toMatchObject({ status: 'ERROR', result: { error: { code: 100, error_subcode: 1487390, fbtrace_id: expect.any(String) } } });
		const rest = (await call('GET', requests.paging.next)).json;
		expect(rest.data.map((r: { status: string }) => r.status)).toEqual(['SUCCESS']);
		const errors = (await call('GET', `/v24.0/${setId}/requests`, { query: { statuses: 'ERROR' } })).json;
		expect(errors.data.map((r: { id: string }) => r.id)).toEqual([requests.data[1].id]);
		expect(fake.getJob(setId)).toMatchObject({ polls: 3, done: true, completedAtPoll: 3 });
	});

	it('an async batch of 200 with 3 failures counts exactly', async () => {
		await start();
		const id = fake.createAsyncJob({ kind: 'async_batch', total: 200, failIndices: [3, 50, 199], completeAfterPolls: 1 });
		expect((await call('GET', `/v24.0/${id}`)).json).toMatchObject({ is_completed: true, success_count: 197, error_count: 3 });
		const failed = (await call('GET', `/v24.0/${id}/requests`, { query: { statuses: '["ERROR"]', limit: '100' } })).json.data;
		expect(failed).toHaveLength(3);
	});

	it.each([
		['completed', 'Job Completed'],
		['failed', 'Job Failed'],
		['skipped', 'Job Skipped'],
	] as const)('report run ending %s reads "%s"', async (outcome, status) => {
		await start();
		const id = fake.createAsyncJob({ kind: 'report_run', total: 3, completeAfterPolls: 4, outcome });
		expect((await call('GET', `/v24.0/${id}/insights`)).status).toBe(400);
		const seen: string[] = [];
		const { body } = await pollUntil(`/v24.0/${id}`, (b) => {
			seen.push(b.async_status);
			return b.async_status === status;
		});
		expect(seen).toEqual(['Job Started', 'Job Running', 'Job Running', status]);
		expect(body.async_percent_completion).toBe(outcome === 'completed' ? 100 : 0);
		const rows = await call('GET', `/v24.0/${id}/insights`);
		if (outcome === 'completed') expect(rows.json.data).toHaveLength(3);
		else expectGraphError(rows, 400, 100);
	});

	it('report runs start with POST /act_{id}/insights', async () => {
		await start({ jobDefaults: { completeAfterPolls: 1 } });
		const { report_run_id: id } = (await call('POST', '/v24.0/act_7/insights', { form: { level: 'ad' } })).json;
		expect((await call('GET', `/v24.0/${id}`)).json).toMatchObject({ id, account_id: '7', async_status: 'Job Completed' });
		expect((await call('GET', `/v24.0/${id}/insights`)).json.data[0]).toMatchObject({ account_id: '7', impressions: expect.any(String) });
	});

	it('async sessions: NOT_STARTED, IN_PROGRESS, then COMPLETED with result as JSON text, or the seed’s FAILED shape', async () => {
		await start();
		const failWith: GraphErrorBody = { error: { message: 'Invalid parameter', type: 'OAuthException', code: 100, error_subcode: 1487390, error_user_title: 'T', error_user_msg: 'M', fbtrace_id: 'AbC' } };
		const failing = fake.createAsyncJob({ kind: 'async_session', completeAfterPolls: 3, outcome: 'failed', failWith });
		expect((await call('GET', `/v24.0/${failing}`)).json).toEqual({ id: failing, status: 'NOT_STARTED', percent_completed: 0 });
		expect((await call('GET', `/v24.0/${failing}`)).json).toEqual({ id: failing, status: 'IN_PROGRESS', percent_completed: 66 });
		expect((await call('GET', `/v24.0/${failing}`)).json).toEqual({ result: failWith, error_code: 100, status: 'FAILED', exception: 'Invalid parameter', id: failing, percent_completed: 100 });
		const passing = fake.createAsyncJob({ kind: 'async_session', completeAfterPolls: 1 });
		const done = (await call('GET', `/v24.0/${passing}`)).json;
		expect(done).toMatchObject({ id: passing, status: 'COMPLETED', percent_completed: 100 });
		expect(JSON.parse(done.result)).toEqual({ copied_ad_id: expect.stringMatching(/^\d+$/), success: true });
	});

	it('custom batch status: processing → partial / completed / failed, by time', async () => {
		let now = 0;
		await start({ clock: () => now });
		const partial = fake.createAsyncJob({ kind: 'custom', total: 4, failIndices: [2], completeAfterMs: 1000 });
		const processing = (await call('GET', `/v1/batch-status/${partial}`)).json;
		expect(processing).toEqual({ id: partial, status: 'processing', progress: 0, totalAds: 4, successfulAds: 0, errors: [] });
		now = 600;
		expect((await call('GET', `/v1/batch-status/${partial}`)).json).toMatchObject({ status: 'processing', progress: 60, successfulAds: 2 });
		now = 1000;
		const done = (await call('GET', `/v1/batch-status/${partial}`)).json;
		expect(done).toMatchObject({ status: 'partial', progress: 100, successfulAds: 3, errorMessage: '1 of 4 ads failed' });
		expect(done.errors).toEqual([{ index: 2, adId: expect.any(String), code: 100, message: expect.any(String) }]);
		expect(fake.getJob(partial)).toMatchObject({ done: true, completedAt: 1000, polls: 3 });

		const completed = fake.createAsyncJob({ kind: 'custom', total: 2, completeAfterPolls: 1 });
		expect((await call('GET', `/v1/batch-status/${completed}`)).json).toMatchObject({ status: 'completed', successfulAds: 2, errors: [] });
		const failed = fake.createAsyncJob({ kind: 'custom', total: 2, completeAfterPolls: 1, outcome: 'failed' });
		expect((await call('GET', `/v1/batch-status/${failed}`)).json).toMatchObject({ status: 'failed', successfulAds: 0, errorMessage: expect.any(String) });
		const missing = await call('GET', '/v1/batch-status/404404');
		expect([missing.status, missing.json.success]).toEqual([404, false]);
		const launched = (await call('POST', '/v1/launch', { json: { ads: [{ name: 'a' }] } })).json;
		expect(launched).toMatchObject({ success: true, status: 'processing' });
		expect(fake.getJob(launched.adBatchId)).toMatchObject({ kind: 'custom', total: 1 });
	});
});

describe('duplicate writes', () => {
	it('groups applied writes by idempotency key, and keyless writes by fingerprint', async () => {
		await start();
		const post = (json: unknown, key?: string) => call('POST', '/v24.0/act_1/ads', { json, headers: key ? { 'idempotency-key': key } : {} });
		await post({ name: 'A' }, 'key-a');
		await post({ name: 'B' }, 'key-b');
		expect(fake.duplicateWrites()).toEqual([]);
		await post({ name: 'A' }, 'key-a');
		await post({ name: 'C', status: 'PAUSED' });
		await post({ status: 'PAUSED', name: 'C' });
		await post({ name: 'D' });
		const duplicates = fake.duplicateWrites();
		expect(duplicates).toHaveLength(2);
		expect(duplicates[0]).toMatchObject({ idempotencyKey: 'key-a', count: 2 });
		expect(duplicates[1]).toMatchObject({ count: 2, writes: [{ params: { name: 'C' } }, { params: { name: 'C' } }] });
		expect(duplicates[1].idempotencyKey).toBeUndefined();
		// A write that failed (unknown object) is not a write.
		await call('POST', '/v24.0/404', { json: { status: 'PAUSED' }, headers: { 'idempotency-key': 'key-b' } });
		expect(fake.duplicateWrites()).toHaveLength(2);
		fake.reset();
		expect([fake.duplicateWrites(), fake.writes, fake.requests]).toEqual([[], [], []]);
	});
});

describe('logs and stats', () => {
	it('keeps the last logLimit requests but counts them all', async () => {
		await start({ logLimit: 5 });
		await Promise.all(Array.from({ length: 64 }, () => call('GET', '/v24.0/me')));
		const requests = fake.requests;
		expect(requests.length).toBeLessThanOrEqual(5);
		expect(fake.stats()).toMatchObject({ total: 64, byStatus: { 200: 64 } });
		expect(requests[requests.length - 1]).toMatchObject({ method: 'GET', path: '/v24.0/me', status: 200, throttled: false });
	});
});

describe('admin API and CLI', () => {
	it('programs and inspects the server over HTTP', async () => {
		await start();
		const admin = (method: string, path: string, json?: unknown) => call(method, `/__admin/${path}`, { token: null, json });
		await admin('POST', 'faults', { match: { pathRegex: '^/v\\d+\\.\\d+/act_1/ads$', method: 'POST' }, times: 1, fault: { type: 'graphError', code: 2 } });
		expect((await call('POST', '/v24.0/act_1/ads', { json: { name: 'x' } })).status).toBe(500);
		const { ids } = (await admin('POST', 'seed', { objects: [{ name: 'seeded' }], parent: 'act_1', edge: 'ads' })).json;
		expect((await admin('GET', `objects/${ids[0]}`)).json).toEqual({ id: ids[0], name: 'seeded' });
		const job = (await admin('POST', 'jobs', { kind: 'async_session', completeAfterPolls: 1 })).json.id;
		await call('GET', `/v24.0/${job}`);
		expect((await admin('GET', `jobs/${job}`)).json).toMatchObject({ polls: 1, done: true });
		await call('POST', '/v24.0/act_1/ads', { json: { name: 'y' }, headers: { 'idempotency-key': 'k' } });
		await call('POST', '/v24.0/act_1/ads', { json: { name: 'y' }, headers: { 'idempotency-key': 'k' } });
		expect((await admin('GET', 'duplicates')).json.duplicates).toMatchObject([{ idempotencyKey: 'k', count: 2 }]);
		expect((await admin('GET', 'writes')).json.writes).toHaveLength(2);
		expect((await admin('GET', 'requests?limit=1')).json).toMatchObject({ stats: { total: 4, faulted: 1 }, requests: [{ seq: 4 }] });
		await admin('POST', 'budget', { calls: 1, windowMs: 60_000 });
		await call('GET', '/v24.0/me');
		expect((await call('GET', '/v24.0/me')).status).toBe(400);
		await admin('POST', 'reset');
		expect((await admin('GET', 'stats')).json.total).toBe(0);
		expect((await call('GET', '/v24.0/me')).status).toBe(200);
		expect((await admin('POST', 'faults', { preset: 'nope' })).status).toBe(400);
	});

	it('starts from argv and environment, and prints its address as one JSON line', async () => {
		const { fake: cliFake, line } = await runCli(['--token', 'EAAcliToken', '--budget', 'calls=1,windowMs=60000,style=app'], { FAKE_META_SEED: '3' });
		started.push(cliFake);
		fake = cliFake;
		expect(JSON.parse(line)).toEqual({ url: cliFake.url, port: cliFake.port });
		expect((await call('GET', '/v24.0/me', { token: 'EAAcliToken' })).status).toBe(200);
		expect((await call('GET', '/v24.0/me', { token: 'EAAcliToken' })).status).toBe(403);
		expect(cliOptions(['--faults=chaos', '--chaos-rate', '0.1'], { FAKE_META_JOB_POLLS: '4' })).toMatchObject({ faults: [{ probability: 0.1 }], jobDefaults: { completeAfterPolls: 4 } });
		expect(() => cliOptions(['--nope'], {})).toThrow(/unknown argument/);
	});

	it('runs as a child process: one JSON line when ready, answers, exits 0 on SIGTERM', async () => {
		// Loads the TypeScript sources directly (transpiled on require), as the compiled cli.js would run.
		const hook = `const ts = require('typescript'), fs = require('fs');
			require.extensions['.ts'] = (m, file) => m._compile(ts.transpileModule(fs.readFileSync(file, 'utf8'),
				{ compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true } }).outputText, file);
			require('./testing/fake-meta/cli.ts').main(process.argv.slice(1), process.env);`;
		const child = spawn(process.execPath, ['-e', hook, '--', '--job-polls', '1'], { cwd: `${__dirname}/../..`, env: { ...process.env, FAKE_META_TOKEN: 'EAAchildToken' } });
		let stderr = '';
		child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
		const ready = new Promise<string>((resolve, reject) => {
			child.stdout.once('data', (chunk: Buffer) => resolve(chunk.toString()));
			child.once('exit', (code) => reject(new Error(`the CLI exited with ${code}: ${stderr}`)));
		});
		try {
			const { url } = JSON.parse((await ready).split('\n')[0]) as { url: string };
			fake = { url, token: 'EAAchildToken' } as FakeMeta;
			expect((await call('GET', '/v24.0/me')).status).toBe(200);
			expect((await call('GET', '/__admin/stats', { token: null })).json).toMatchObject({ total: 1 });
		} finally {
			child.kill('SIGTERM');
		}
		const [code] = (await once(child, 'exit')) as [number | null];
		expect(code).toBe(0);
	});
});

describe('what Meta Health Check reads', () => {
	const fake = useFakeMeta();
	const get = async (path: string) => {
		const res = await fetch(`${fake.url}/v24.0/${path}`, { headers: { authorization: `Bearer ${fake.token}` } });
		return (await res.json()) as Record<string, any>;
	};

	it('debug_token: the server token as set, any other token not valid (error 190 inside data)', async () => {
		const own = await get(`debug_token?input_token=${fake.token}`);
		expect(own.data).toMatchObject({ is_valid: true, expires_at: 0, type: 'USER' });
		expect(own.data.scopes).toContain('ads_management');
		fake.setTokenInfo({ expires_at: 1_800_000_000, scopes: ['ads_read'] });
		expect((await get(`debug_token?input_token=${fake.token}`)).data).toMatchObject({ expires_at: 1_800_000_000, scopes: ['ads_read'] });
		expect((await get('debug_token?input_token=EAAsomeoneelse')).data).toEqual({ is_valid: false, scopes: [], error: { code: 190, subcode: 0, message: 'Invalid OAuth access token - Cannot parse access token' } });
		expect((await get('debug_token')).error).toMatchObject({ code: 100 });
	});

	it('the ads edge filtered by effective_status, paged', async () => {
		fake.seedObjects(
			Array.from({ length: 40 }, (_, i) => ({ id: String(5000 + i), name: `Ad ${i}`, effective_status: i % 13 === 0 ? 'DISAPPROVED' : 'ACTIVE' })),
			{ parent: 'act_7', edge: 'ads' },
		);
		const first = await get(`act_7/ads?fields=id,effective_status&effective_status=${encodeURIComponent('["DISAPPROVED","WITH_ISSUES"]')}&limit=2`);
		expect(first.data.map((ad: { id: string }) => ad.id)).toEqual(['5000', '5013']);
		const next = (await (await fetch(first.paging.next, { headers: { authorization: `Bearer ${fake.token}` } })).json()) as Record<string, any>;
		expect(next.data.map((ad: { id: string }) => ad.id)).toEqual(['5026', '5039']);
		expect((await get('act_7/ads?limit=100')).data).toHaveLength(40);
	});
});
