import { createHmac } from 'crypto';
import type {
	IAuthenticateRuleResponseSuccessBody,
	ICredentialDataDecryptedObject,
	IDataObject,
	IHttpRequestOptions,
	INodeType,
} from 'n8n-workflow';

import { MetaGraphApi } from '../../credentials/MetaGraphApi.credentials';
import { getMetaCredential, getPath, metaAuthParts, parseMetaCredential } from '../../nodes/shared/n8n';
import { startFakeMeta, type FakeMeta } from '../fake-meta';
import { registerNodeType, runNode } from '../helpers/engine';

const TOKEN = 'EAAcanary0000SECRET0000TOKEN';
const APP_SECRET = 'canary-app-secret-0000';
const hmac = (token: string, secret: string) => createHmac('sha256', secret).update(token).digest('hex');

const credential = new MetaGraphApi();
const authenticate = credential.authenticate as (
	credentials: ICredentialDataDecryptedObject,
	options: IHttpRequestOptions,
) => Promise<IHttpRequestOptions>;

/** What n8n stores: the defaults of every property, overlaid with what the user typed. */
function stored(data: ICredentialDataDecryptedObject): ICredentialDataDecryptedObject {
	const defaults = Object.fromEntries(credential.properties.map((p) => [p.name, p.default])) as ICredentialDataDecryptedObject;
	return { ...defaults, ...data };
}

describe('Meta Graph API credential — definition', () => {
	it('has the fixed name and fields, secrets as password fields', () => {
		expect(credential.name).toBe('metaGraphApi');
		expect(credential.displayName).toBe('Meta Graph API');
		const byName = Object.fromEntries(credential.properties.map((p) => [p.name, p]));
		expect(Object.keys(byName)).toEqual(['accessToken', 'appSecret', 'apiVersion', 'baseUrl']);
		expect(byName.accessToken).toMatchObject({ type: 'string', required: true, typeOptions: { password: true } });
		expect(byName.appSecret).toMatchObject({ type: 'string', typeOptions: { password: true } });
		expect(byName.appSecret.required).toBeFalsy();
		expect(byName.apiVersion.default).toBe('v24.0');
		expect(byName.baseUrl.default).toBe('https://graph.facebook.com');
		expect(credential.documentationUrl).toMatch(/^https:\/\//);
	});
});

describe('Meta Graph API credential — authenticate', () => {
	it('adds the bearer header and keeps the request as it was', async () => {
		const options = await authenticate(stored({ accessToken: TOKEN }), {
			url: '/v24.0/me',
			headers: { Accept: 'application/json' },
			qs: { fields: 'id' },
		});
		expect(options.url).toBe('/v24.0/me');
		expect(options.headers).toEqual({ Accept: 'application/json', Authorization: `Bearer ${TOKEN}` });
		expect(options.qs).toEqual({ fields: 'id' });
	});

	it('adds appsecret_proof = HMAC-SHA256(token, app secret) hex when an app secret is set', async () => {
		const options = await authenticate(stored({ accessToken: TOKEN, appSecret: APP_SECRET }), { url: '/me' });
		expect(options.qs).toEqual({ appsecret_proof: hmac(TOKEN, APP_SECRET) });
		expect(options.qs?.appsecret_proof).toMatch(/^[0-9a-f]{64}$/);
		expect(metaAuthParts({ accessToken: TOKEN, appSecret: APP_SECRET }).query.appsecret_proof).toBe(
			hmac(TOKEN, APP_SECRET),
		);
	});

	it('trims pasted whitespace from the token and the secret', async () => {
		const options = await authenticate(stored({ accessToken: ` ${TOKEN}\n`, appSecret: ` ${APP_SECRET} ` }), {
			url: '/me',
		});
		expect(options.headers?.Authorization).toBe(`Bearer ${TOKEN}`);
		expect(options.qs?.appsecret_proof).toBe(hmac(TOKEN, APP_SECRET));
	});

	it.each(['24.0', 'v24', 'latest', 'v24.0/'])('refuses API Version %p with a message that says how to write it', async (apiVersion) => {
		await expect(authenticate(stored({ accessToken: TOKEN, apiVersion }), { url: '/me' })).rejects.toThrow(
			/API Version must look like v24\.0/,
		);
	});

	it('refuses an empty token and a non-http base URL, without echoing any secret', async () => {
		const errors: string[] = [];
		const cases: ICredentialDataDecryptedObject[] = [
			{ accessToken: '' },
			{ accessToken: TOKEN, appSecret: APP_SECRET, baseUrl: `ftp://host/${TOKEN}` },
		];
		for (const data of cases) {
			await authenticate(stored(data), { url: '/me' }).catch((error: Error) => errors.push(error.message));
		}
		expect(errors).toEqual([
			expect.stringMatching(/Access Token is empty/),
			expect.stringMatching(/Base URL must be an http\(s\) URL/),
		]);
		expect(errors.join(' ')).not.toContain(TOKEN);
		expect(errors.join(' ')).not.toContain(APP_SECRET);
	});

	it('gives nodes a plain config: defaults, base URL without trailing slash, and every secret to redact', () => {
		expect(parseMetaCredential({ accessToken: TOKEN, apiVersion: '', baseUrl: 'http://127.0.0.1:9/proxy/' })).toEqual({
			accessToken: TOKEN,
			apiVersion: 'v24.0',
			baseUrl: 'http://127.0.0.1:9/proxy',
			secrets: [TOKEN],
		});
		expect(parseMetaCredential({ accessToken: TOKEN, appSecret: APP_SECRET }).secrets).toEqual([
			TOKEN,
			APP_SECRET,
			hmac(TOKEN, APP_SECRET),
		]);
	});
});

// The node n8n's credential tester builds around `test.request` (a declarative node with one
// routed property), run through n8n's engine against the fake Meta server.
const credentialTestNode: INodeType = {
	description: {
		displayName: 'Credential Test',
		name: 'credentialTest',
		group: ['transform'],
		version: 1,
		description: 'Runs the metaGraphApi credential test request',
		defaults: { name: 'Credential Test' },
		inputs: ['main'],
		outputs: ['main'],
		credentials: [{ name: 'metaGraphApi', required: true }],
		properties: [
			{ displayName: 'Temp', name: 'temp', type: 'string', default: '', routing: { request: credential.test.request } },
		],
	},
};
registerNodeType('test.metaCredentialTest', credentialTestNode);

/**
 * What n8n's credential tester answers once the request returned: the first
 * `responseSuccessBody` rule whose key (a path into the answer) equals its value gives the
 * error message; no match means "Connection successful!".
 */
function testerVerdict(answer: IDataObject): { status: 'OK' | 'Error'; message: string } {
	const rules = (credential.test.rules ?? []) as IAuthenticateRuleResponseSuccessBody[];
	const hit = rules.find((rule) => getPath(answer, rule.properties.key) === rule.properties.value);
	return hit ? { status: 'Error', message: hit.properties.message } : { status: 'OK', message: 'Connection successful!' };
}

describe('Meta Graph API credential — test request (real HTTP, fake Meta)', () => {
	let fake: FakeMeta;
	beforeAll(async () => {
		fake = await startFakeMeta({ token: TOKEN, appSecret: APP_SECRET });
	});
	afterAll(async () => {
		await fake.close();
	});
	beforeEach(() => fake.reset());

	/** Runs the test request through n8n's engine and returns what the tester would show. */
	async function credentialTest(data: ICredentialDataDecryptedObject) {
		const run = await runNode('test.metaCredentialTest', {}, [{}], {
			credentials: { metaGraphApi: { baseUrl: fake.url, ...data } },
		});
		if (run.error) return { status: 'Error', message: run.error.message };
		return testerVerdict(run.nodeOutputs[0][0].json);
	}

	it('is GET {baseUrl}/{apiVersion}/me, written as n8n expressions, reading errors as data', () => {
		expect(credential.test.request).toMatchObject({
			baseURL: '={{$credentials.baseUrl}}',
			url: '=/{{$credentials.apiVersion}}/me',
			ignoreHttpStatusErrors: true,
		});
		expect(credential.test.request.method ?? 'GET').toBe('GET');
	});

	it('succeeds with a good token and app secret', async () => {
		expect(await credentialTest({ accessToken: TOKEN, appSecret: APP_SECRET, apiVersion: 'v23.0' })).toEqual({
			status: 'OK',
			message: 'Connection successful!',
		});
		expect(fake.requests.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual(['GET /v23.0/me 200']);
		expect(fake.requests[0].query).toHaveProperty('appsecret_proof');
	});

	it('a bad token: says the token is invalid or expired (Meta error 190), without the token', async () => {
		const verdict = await credentialTest({ accessToken: 'EAAwrong0000TOKEN', appSecret: APP_SECRET });
		expect(fake.requests.map((r) => r.status)).toEqual([400]);
		expect(verdict.status).toBe('Error');
		expect(verdict.message).toMatch(/^Meta rejected the access token \(error 190\)/);
		expect(verdict.message).not.toContain('EAAwrong');
	});

	it('a wrong app secret: names App Secret', async () => {
		const verdict = await credentialTest({ accessToken: TOKEN, appSecret: 'wrong-app-secret-0000' });
		expect(verdict).toEqual({ status: 'Error', message: expect.stringMatching(/^App Secret does not belong to the token's app/) });
	});

	it('no app secret for an app that requires one: asks for App Secret', async () => {
		const verdict = await credentialTest({ accessToken: TOKEN });
		expect(verdict).toEqual({ status: 'Error', message: expect.stringMatching(/requires appsecret_proof.*fill in App Secret/) });
	});

	it('a rate limit: says the token may be fine', async () => {
		fake.addFault({ match: { path: '/v24.0/me' }, fault: { type: 'graphError', code: 17 } });
		const verdict = await credentialTest({ accessToken: TOKEN, appSecret: APP_SECRET });
		expect(verdict).toEqual({ status: 'Error', message: expect.stringMatching(/rate-limiting .*\(error 17\)/) });
	});

	it('anything that is not a Graph user (a proxy page, a wrong Base URL) fails, never "successful"', async () => {
		fake.addFault({ match: { path: '/v24.0/me' }, fault: { type: 'html502' } });
		const html = await credentialTest({ accessToken: TOKEN, appSecret: APP_SECRET });
		fake.clearFaults();
		const wrongBase = await credentialTest({ accessToken: TOKEN, appSecret: APP_SECRET, baseUrl: `${fake.url}/not-graph` });
		for (const verdict of [html, wrongBase]) {
			expect(verdict).toEqual({ status: 'Error', message: expect.stringMatching(/Base URL.*API Version/) });
		}
	});

	it('stops before any request when API Version is malformed, with the fix in the message', async () => {
		const verdict = await credentialTest({ accessToken: TOKEN, appSecret: APP_SECRET, apiVersion: '24' });
		expect(verdict.message).toMatch(/API Version must look like v24\.0/);
		expect(fake.requests).toEqual([]);
	});
});

describe('getMetaCredential (for nodes)', () => {
	const reader: INodeType = {
		description: {
			...credentialTestNode.description,
			name: 'metaCredentialReader',
			properties: [],
		},
		async execute() {
			const config = await getMetaCredential(this);
			return [[{ json: { apiVersion: config.apiVersion, baseUrl: config.baseUrl, secrets: config.secrets.length } }]];
		},
	};
	registerNodeType('test.metaCredentialReader', reader);

	it('reads the credential with its defaults applied', async () => {
		const run = await runNode('test.metaCredentialReader', {}, [{}], {
			credentials: { metaGraphApi: { accessToken: TOKEN, appSecret: APP_SECRET } },
		});
		expect(run.nodeOutputs[0][0].json).toEqual({ apiVersion: 'v24.0', baseUrl: 'https://graph.facebook.com', secrets: 3 });
	});

	it('turns a bad credential into a node error that says which field to fix', async () => {
		const run = await runNode('test.metaCredentialReader', {}, [{}], {
			credentials: { metaGraphApi: { accessToken: TOKEN, apiVersion: 'v24' } },
		});
		expect(run.error?.message).toMatch(/^Meta Graph API credential: API Version must look like v24\.0/);
		expect(JSON.stringify(run.error)).not.toContain(TOKEN);
	});
});
