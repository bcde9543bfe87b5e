// POST: the signature is checked on the raw bytes before anything else; a refused post starts
// nothing, a signed one is answered 200 before the events are de-duplicated.
import { createHmac } from 'node:crypto';

import { closeRedisStores } from '../../../nodes/shared/state/redisStore';
import { metaBytes, signBytes, statusBody, whatsAppStatus } from '../../../testing/metaWebhooks';
import { APP_SECRET, callTrigger, metaCredential, postSigned, VERIFY_TOKEN } from './webhookContext';

afterAll(closeRedisStores);

const body = statusBody(whatsAppStatus('delivered'));
const bytes = metaBytes(body);

const refusedWith401 = (call: Awaited<ReturnType<typeof callTrigger>>, why: string) => {
	expect(call.response).toMatchObject({ status: 401, body: 'Invalid signature' });
	expect(call.result).toEqual({ noWebhookResponse: true });
	expect(call.items).toEqual([]);
	expect(call.logs).toEqual([expect.objectContaining({ level: 'warn', message: expect.stringContaining(why) })]);
	expect(JSON.stringify(call)).not.toContain(APP_SECRET);
};

describe('a signed post', () => {
	test('is answered 200 and starts the workflow with its event', async () => {
		const call = await postSigned(body, { workflowId: 'wf-signed-1' });
		expect(call.response).toMatchObject({ status: 200, type: 'text/plain', body: 'EVENT_RECEIVED' });
		expect(call.items).toHaveLength(1);
		expect(call.items[0].json.metaWebhook).toMatchObject({ signature: 'verified', deduplication: 'memory' });
		expect(call.bodyRead).toBe(true);
		expect(call.logs).toEqual([]);
	});

	test('is answered before de-duplication reads its store (the Redis credential here)', async () => {
		const call = await postSigned(body, { workflowId: 'wf-signed-2', parameters: { stateStore: 'redis' }, credentials: { metaGraphApi: metaCredential(), redis: { host: '127.0.0.1', port: 1 } } });
		expect(call.response.status).toBe(200);
		expect(call.response.timeline).toEqual(['credential metaGraphApi', 'answered', 'credential redis']);
		expect(call.items).toHaveLength(1);
	});

	test('whose body n8n already read (rawBody) is checked on those bytes', async () => {
		const call = await callTrigger({ body: bytes, headers: { 'x-hub-signature-256': signBytes(bytes, APP_SECRET) }, rawBodyReadByN8n: true, workflowId: 'wf-signed-3' });
		expect(call.response.status).toBe(200);
		expect(call.bodyRead).toBe(false);
		expect(call.items).toHaveLength(1);
	});
});

describe('refused with 401, nothing started', () => {
	test('no signature', async () => {
		refusedWith401(await callTrigger({ body: bytes }), 'no X-Hub-Signature-256 header');
	});

	test('a signature made with another secret', async () => {
		refusedWith401(await callTrigger({ body: bytes, headers: { 'x-hub-signature-256': signBytes(bytes, 'another-apps-secret') } }), 'does not match');
	});

	test('the old SHA-1 header only, or SHA-1 in the SHA-256 header', async () => {
		const sha1 = `sha1=${createHmac('sha1', APP_SECRET).update(bytes).digest('hex')}`;
		refusedWith401(await callTrigger({ body: bytes, headers: { 'x-hub-signature': sha1 } }), 'no X-Hub-Signature-256 header');
		refusedWith401(await callTrigger({ body: bytes, headers: { 'x-hub-signature-256': sha1 } }), 'is not "sha256=" and 64 hex digits');
	});

	test('the body altered by one byte after signing', async () => {
		const altered = Buffer.from(bytes);
		altered[altered.indexOf('delivered')] = 'D'.charCodeAt(0);
		refusedWith401(await callTrigger({ body: altered, headers: { 'x-hub-signature-256': signBytes(bytes, APP_SECRET) } }), 'does not match');
	});

	test('the same JSON serialized again (as n8n would hand a parsed body back)', async () => {
		const escaped = metaBytes({ ...body, note: 'café ☕' });
		const again = Buffer.from(JSON.stringify(JSON.parse(escaped.toString('utf8'))));
		expect(again.equals(escaped)).toBe(false);
		refusedWith401(await callTrigger({ body: again, headers: { 'x-hub-signature-256': signBytes(escaped, APP_SECRET) } }), 'does not match');
	});

	test('an unsigned body that is not even JSON: the signature comes first', async () => {
		refusedWith401(await callTrigger({ body: '{"object": "whatsapp_business_account", "entry": [' }), 'no X-Hub-Signature-256 header');
	});
});

test('a signed body that is not JSON gets 400 and a log line, and starts nothing', async () => {
	const broken = Buffer.from('{"object":"whatsapp_business_account","entry":[');
	const call = await callTrigger({ body: broken, headers: { 'x-hub-signature-256': signBytes(broken, APP_SECRET) } });
	expect(call.response).toMatchObject({ status: 400, body: 'The body is not JSON' });
	expect(call.items).toEqual([]);
	expect(call.logs).toEqual([expect.objectContaining({ level: 'warn', message: expect.stringMatching(/post refused \(400\), nothing started: its body \(\d+ bytes\) is not JSON/) })]);
});

test('signed JSON that is not a webhook body is answered 200 and starts nothing', async () => {
	const call = await postSigned({ hello: 'world' });
	expect(call.response.status).toBe(200);
	expect(call.result).toEqual({ noWebhookResponse: true });
	expect(call.logs).toEqual([expect.objectContaining({ level: 'info', message: expect.stringContaining('nothing started') })]);
});

describe('Max Body Size', () => {
	test('a Content-Length above it gets 413 before the body is read', async () => {
		const call = await postSigned(body, { headers: { 'content-length': String(2 * 1024 * 1024) } });
		expect(call.response).toMatchObject({ status: 413, body: 'Payload too large' });
		expect(call.bodyRead).toBe(false);
		expect(call.items).toEqual([]);
	});

	test('a body larger than it (sent without Content-Length) gets 413', async () => {
		const call = await postSigned(body, { headers: { 'content-length': '' }, parameters: { triggerOptions: { maxBodyKb: 1 } }, workflowId: 'wf-size' });
		expect(bytes.length).toBeLessThan(1024);
		expect(call.response.status).toBe(200);
		const large = statusBody(...Array.from({ length: 20 }, (_, i) => whatsAppStatus('read', `wamid.${i}`)));
		const refused = await postSigned(large, { headers: { 'content-length': '' }, parameters: { triggerOptions: { maxBodyKb: 1 } } });
		expect(refused.response).toMatchObject({ status: 413 });
		expect(refused.items).toEqual([]);
	});
});

test("a body n8n cannot read: past n8n's own limit 413, a broken upload 400; nothing started", async () => {
	const tooLarge = Object.assign(new Error('request entity too large'), { type: 'entity.too.large' });
	const aborted = Object.assign(new Error('request aborted'), { type: 'request.aborted' });
	const large = await callTrigger({ body: bytes, headers: { 'content-length': '' }, rawBodyError: tooLarge });
	expect([large.response.status, large.response.body, large.items]).toEqual([413, 'Payload too large', []]);
	const broken = await callTrigger({ body: bytes, rawBodyError: aborted });
	expect([broken.response.status, broken.response.body, broken.items]).toEqual([400, 'Unreadable body', []]);
	expect(broken.logs[0].message).toContain('its body could not be read (request aborted)');
});

describe('without an App Secret in the credential', () => {
	const noSecret = { metaGraphApi: metaCredential({ appSecret: '' }) };

	test('every post is refused (500) and the log says to add the App Secret', async () => {
		const call = await postSigned(body, { credentials: noSecret });
		expect(call.response.status).toBe(500);
		expect(call.items).toEqual([]);
		expect(call.logs[0].message).toContain('has no App Secret');
		expect(call.logs[0].message).toContain('Allow Unsigned Posts');
	});

	test('Allow Unsigned Posts accepts posts, and every item says the signature was not checked', async () => {
		const call = await callTrigger({ body: bytes, credentials: noSecret, parameters: { allowUnsigned: true }, workflowId: 'wf-unsigned' });
		expect(call.response.status).toBe(200);
		expect(call.items[0].json.metaWebhook).toMatchObject({ signature: 'not_checked', warnings: [expect.stringContaining('anyone who learns the URL')] });
	});

	test('Allow Unsigned Posts changes nothing when the credential has an App Secret', async () => {
		refusedWith401(await callTrigger({ body: bytes, parameters: { allowUnsigned: true } }), 'no X-Hub-Signature-256 header');
	});
});

test('no credential selected: 500, and the log says which credential', async () => {
	const call = await postSigned(body, { credentials: {} });
	expect(call.response.status).toBe(500);
	expect(call.logs[0].message).toContain('metaGraphApi');
	expect(JSON.stringify(call.logs)).not.toContain(VERIFY_TOKEN);
});
