import { createHmac } from 'crypto';
import type { ICredentialDataDecryptedObject, IHttpRequestOptions, INodeType } from 'n8n-workflow';

import { MetaGraphApi } from '../../credentials/MetaGraphApi.credentials';
import { getMetaCredential, metaAuthParts, parseMetaCredential } from '../../nodes/shared/n8n';
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
		expect(byName.apiVersion.default).toBe('v26.0');
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
			apiVersion: 'v26.0',
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

// A node that only reads the credential, run through n8n's engine.
const readerDescription: INodeType['description'] = {
	displayName: 'Credential Reader',
	name: 'metaCredentialReader',
	group: ['transform'],
	version: 1,
	description: 'Reads the metaGraphApi credential',
	defaults: { name: 'Credential Reader' },
	inputs: ['main'],
	outputs: ['main'],
	credentials: [{ name: 'metaGraphApi', required: true }],
	properties: [],
};

describe('getMetaCredential (for nodes)', () => {
	const reader: INodeType = {
		description: readerDescription,
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
		expect(run.nodeOutputs[0][0].json).toEqual({ apiVersion: 'v26.0', baseUrl: 'https://graph.facebook.com', secrets: 3 });
	});

	it('turns a bad credential into a node error that says which field to fix', async () => {
		const run = await runNode('test.metaCredentialReader', {}, [{}], {
			credentials: { metaGraphApi: { accessToken: TOKEN, apiVersion: 'v24' } },
		});
		expect(run.error?.message).toMatch(/^Meta Graph API credential: API Version must look like v24\.0/);
		expect(JSON.stringify(run.error)).not.toContain(TOKEN);
	});
});
