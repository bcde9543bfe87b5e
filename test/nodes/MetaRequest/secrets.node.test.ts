// Canary tests: the credential's secrets reach no output item of Meta Request, in any encoding,
// whatever Meta echoes and wherever the user put the token by mistake. The redactor runs last.
import type { IDataObject, INodeParameters } from 'n8n-workflow';
import { useFakeMeta, type FakeMeta } from '../../../testing/fake-meta';
import { runNode } from '../../helpers/engine';

const TYPE = 'n8n-nodes-meta-resilience.metaRequest';
/** An app token `app-id|app-secret`: its second half is the app secret. */
const APP_TOKEN = '1234567890123|canaryAppSecret0042xyz';
const APP_SECRET_HALF = 'canaryAppSecret0042xyz';
/** A user token, host-name safe (it is tried as a host below). */
const USER_TOKEN = 'EAAcanary0000SECRET0000TOKEN';
const b64 = (s: string) => Buffer.from(s).toString('base64');

/** Every form a leaked secret could take in an output. */
function forms(secret: string): string[] {
	return [
		secret,
		secret.toLowerCase(),
		encodeURIComponent(secret),
		b64(secret).slice(4, -4),
		b64(`Bearer ${secret}`).slice(8, -8),
		JSON.stringify(secret).slice(1, -1),
	];
}

function leaks(value: unknown, secret: string): string[] {
	const text = JSON.stringify(value);
	const found = forms(secret).filter((form) => text.includes(form));
	if (secret.includes('|') && text.includes(secret.split('|')[1])) found.push('app secret half');
	return found;
}

const userFake = useFakeMeta({ token: USER_TOKEN });
const appFake = useFakeMeta({ token: APP_TOKEN });

async function run(fake: FakeMeta, parameters: INodeParameters, items: IDataObject[] = [{}]) {
	const result = await runNode(TYPE, { ...parameters, options: { baseDelayMs: 1, maxDelayMs: 5, maxAttempts: 2, ...(parameters.options as object) } }, items, {
		credentials: { metaGraphApi: { accessToken: fake.token, baseUrl: fake.url, apiVersion: 'v24.0' } },
	});
	expect(result.error).toBeUndefined();
	return result.nodeOutputs;
}

describe('Meta Request outputs carry no secret', () => {
	it('a token given as a query value (debug_token?input_token=…): metaRequest.url is redacted', async () => {
		const outputs = await run(userFake, {
			operation: 'custom',
			method: 'GET',
			path: 'debug_token',
			queryParameters: { parameter: [{ name: 'input_token', value: USER_TOKEN }] },
		});
		const [item] = outputs.flat();
		expect(item.json.metaRequest).toMatchObject({ url: expect.stringContaining('input_token=[REDACTED]') });
		expect(leaks(outputs, USER_TOKEN)).toEqual([]);
	});

	it('a token given as the Object ID or inside a path: url and message are redacted', async () => {
		for (const parameters of [
			{ operation: 'getObject', objectId: USER_TOKEN },
			{ operation: 'custom', method: 'GET', path: `act_1/${USER_TOKEN}` },
		]) {
			const outputs = await run(userFake, parameters);
			expect(outputs.flat()).toHaveLength(1);
			expect(JSON.stringify(outputs)).toContain('[REDACTED]');
			expect(leaks(outputs, USER_TOKEN)).toEqual([]);
		}
	});

	it('a token in a host name (https://<token>.evil.test/): the refusal names no lowercased token', async () => {
		const outputs = await run(userFake, { operation: 'custom', method: 'GET', path: `https://${USER_TOKEN}.evil.test/me` });
		const [failed] = outputs[1];
		expect(failed.json.metaError).toMatchObject({ code: 'FOREIGN_HOST', message: expect.stringContaining('Refused to call') });
		expect(userFake.requests).toHaveLength(0);
		expect(leaks(outputs, USER_TOKEN)).toEqual([]);
	});

	it('usage headers that carry the token: metaRequest.usage is redacted', async () => {
		const usage = JSON.stringify({ [USER_TOKEN]: [{ type: `ads_${USER_TOKEN}`, call_count: 40, total_cputime: 1, total_time: 1 }] });
		userFake.addFault({ times: 1, fault: { type: 'status', status: 200, body: { id: '1' }, headers: { 'x-business-use-case-usage': usage } } });
		const outputs = await run(userFake, { operation: 'getObject', objectId: 'me' });
		expect(outputs[0][0].json.metaRequest).toMatchObject({ usage: { maxPercent: 40 } });
		expect(leaks(outputs, USER_TOKEN)).toEqual([]);
	});

	it('an app token id|secret echoed URL-encoded in paging.next (sent in the header): neither it nor the secret half remain', async () => {
		appFake.seedObjects([{ name: 'a' }, { name: 'b' }], { parent: 'act_1', edge: 'ads' });
		const outputs = await run(appFake, { operation: 'custom', method: 'GET', path: 'act_1/ads', queryParameters: { parameter: [{ name: 'limit', value: '1' }] } });
		const body = outputs[0][0].json as { paging?: { next?: string } };
		expect(body.paging?.next).toContain('access_token=');
		expect(leaks(outputs, APP_TOKEN)).toEqual([]);
		expect(JSON.stringify(outputs)).not.toContain(APP_SECRET_HALF);
	});

	it('a success body with the token JSON-escaped, URL-encoded elsewhere, base64-encoded, or the app secret alone', async () => {
		const escaped = [...APP_TOKEN].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join('');
		const body =
			`{"id":"1","escaped":"${escaped}","firstEscaped":"\\u0031${APP_TOKEN.slice(1)}",` +
			`"link":"https://cdn.test/x?sig=${encodeURIComponent(APP_TOKEN)}","basic":"${b64(`x:${APP_TOKEN}`)}",` +
			`"bearer":"${b64(`Bearer ${APP_TOKEN}`)}","secret":"${APP_SECRET_HALF}","upper":"${APP_SECRET_HALF.toUpperCase()}"}`;
		appFake.addFault({ times: 1, fault: { type: 'status', status: 200, body, headers: { 'content-type': 'application/json' } } });
		const outputs = await run(appFake, { operation: 'getObject', objectId: '1' });
		const json = outputs[0][0].json;
		expect(json).toMatchObject({ id: '1', escaped: '[REDACTED]', firstEscaped: '[REDACTED]', secret: '[REDACTED]', upper: '[REDACTED]' });
		expect(leaks(outputs, APP_TOKEN)).toEqual([]);
		expect(JSON.stringify(outputs).toLowerCase()).not.toContain(APP_SECRET_HALF.toLowerCase());
	});

	it('an error answer quoting the token (any encoding) and an input item holding it', async () => {
		appFake.addFault({
			times: 1,
			fault: { type: 'graphError', code: 190, message: `Malformed access token ${encodeURIComponent(APP_TOKEN)} (${b64(APP_TOKEN)})` },
		});
		const outputs = await run(appFake, { operation: 'getObject', objectId: '1' }, [{ note: `copied ${APP_TOKEN}` }]);
		const [failed] = outputs[1];
		expect(failed.json).toMatchObject({ note: 'copied [REDACTED]', metaError: { category: 'auth', code: 190 } });
		expect(leaks(outputs, APP_TOKEN)).toEqual([]);
	});
});
