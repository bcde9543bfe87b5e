// GET: Meta's verification request, through n8n-core's WebhookContext. The challenge is answered
// only for the node's Verify Token; anything else is 403 and starts nothing.
import { callTrigger, metaCredential, VERIFY_TOKEN } from './webhookContext';

const verification = (extra: Record<string, unknown> = {}) => ({ 'hub.mode': 'subscribe', 'hub.challenge': '1158201444', 'hub.verify_token': VERIFY_TOKEN, ...extra });

test('the right Verify Token gets the challenge back as plain text, and nothing starts', async () => {
	const call = await callTrigger({ method: 'GET', query: verification() });
	expect(call.response).toMatchObject({ status: 200, type: 'text/plain', body: '1158201444' });
	expect(call.result).toEqual({ noWebhookResponse: true });
	expect(call.logs).toEqual([expect.objectContaining({ level: 'info', message: expect.stringContaining('verification request answered') })]);
});

test.each([
	['a wrong token', { 'hub.verify_token': 'meatyhamhock' }, 'does not match'],
	['no token', { 'hub.verify_token': undefined }, 'does not match'],
	['another mode', { 'hub.mode': 'unsubscribe' }, 'hub.mode is not "subscribe"'],
	['no challenge', { 'hub.challenge': undefined }, 'hub.challenge is missing'],
	['markup as the challenge', { 'hub.challenge': '<img src=x>' }, 'hub.challenge is missing or not a short plain value'],
])('%s gets 403 and starts nothing; the log says why without the token', async (_case, extra, why) => {
	const call = await callTrigger({ method: 'GET', query: verification(extra) });
	expect(call.response).toMatchObject({ status: 403, body: 'Forbidden' });
	expect(call.result).toEqual({ noWebhookResponse: true });
	expect(call.logs).toEqual([expect.objectContaining({ level: 'warn', message: expect.stringContaining(why) })]);
	expect(JSON.stringify(call)).not.toContain(VERIFY_TOKEN);
});

test('verification needs no credential at all: the Verify Token is the node’s', async () => {
	const call = await callTrigger({ method: 'GET', query: verification(), credentials: {} });
	expect(call.response).toMatchObject({ status: 200, body: '1158201444' });
	expect(call.response.timeline).toEqual(['answered']);
});

test('verification works without an App Secret and on the Test URL', async () => {
	const noSecret = await callTrigger({ method: 'GET', query: verification(), credentials: { metaGraphApi: metaCredential({ appSecret: '' }) } });
	expect(noSecret.response).toMatchObject({ status: 200, body: '1158201444' });
	const test = await callTrigger({ method: 'GET', query: verification(), mode: 'manual' });
	expect(test.response).toMatchObject({ status: 200, body: '1158201444' });
});

test('a Verify Token that is too short: 500 and a log line naming the parameter, not the token', async () => {
	const call = await callTrigger({ method: 'GET', query: verification({ 'hub.verify_token': 'short' }), parameters: { verifyToken: 'short' } });
	expect(call.response).toMatchObject({ status: 500, body: expect.stringContaining('not configured right') });
	expect(call.logs).toEqual([expect.objectContaining({ level: 'warn', message: expect.stringContaining('Invalid parameter — Verify Token: must be at least 8 characters') })]);
});
