/**
 * The Meta Graph API credential's Test button: Meta Request's `testedBy` function, called the way
 * n8n's CredentialsTester calls it, against real HTTP servers (the fake Meta, and two tiny
 * servers for redirects). The token goes to the Base URL's host only: no redirect is followed.
 */
import type {
	ICredentialDataDecryptedObject,
	ICredentialTestFunction,
	ICredentialTestFunctions,
	INodeCredentialTestResult,
	INodeType,
} from 'n8n-workflow';
import * as http from 'node:http';
import * as net from 'node:net';

import { MetaGraphApi } from '../../credentials/MetaGraphApi.credentials';
import { MetaRequest } from '../../nodes/MetaRequest/MetaRequest.node';
import {
	CREDENTIAL_TEST_MESSAGES,
	CREDENTIAL_TEST_OK,
	META_CREDENTIAL_TEST,
	testMetaCredential,
} from '../../nodes/shared/n8n/credentialTest';
import { closeMetaPools } from '../../nodes/shared/transport';
import { useFakeMeta } from '../../testing/fake-meta';
import { registerNodeType, runNode } from '../helpers/engine';
import { everythingSent, startCredentialServers, type CredentialServers } from './servers';

const TOKEN = 'EAAcanary0000SECRET0000TOKEN';
const APP_SECRET = 'canary-app-secret-0000';

const credentialType = new MetaGraphApi();
const metaRequest = new MetaRequest();

/** What n8n stores and hands to the tester: the defaults of every property, overlaid with what the user typed. */
function stored(data: ICredentialDataDecryptedObject): ICredentialDataDecryptedObject {
	const defaults = Object.fromEntries(credentialType.properties.map((p) => [p.name, p.default])) as ICredentialDataDecryptedObject;
	return { ...defaults, ...data };
}

/**
 * The function n8n's CredentialsTester.getCredentialTestFunction picks for a credential type, in
 * its order: the credential's own declarative `test` if it has one, otherwise the
 * `methods.credentialTest[testedBy]` of the first node that lists the credential with `testedBy`.
 */
function pickedByN8n(nodes: INodeType[]): { declarative: unknown } | ICredentialTestFunction | undefined {
	const declarative = (credentialType as { test?: unknown }).test;
	if (declarative) return { declarative };
	for (const node of nodes) {
		for (const { name, testedBy } of node.description.credentials ?? []) {
			if (name === credentialType.name && typeof testedBy === 'string') return node.methods?.credentialTest?.[testedBy];
		}
	}
	return undefined;
}

/** n8n's CredentialTestContext, except that its request helper (which follows redirects) must not be used. */
const context: ICredentialTestFunctions = {
	logger: { debug() {}, info() {}, warn() {}, error() {} } as unknown as ICredentialTestFunctions['logger'],
	helpers: {
		request: async () => {
			throw new Error("n8n's request helper was used: it follows redirects with the token");
		},
	} as unknown as ICredentialTestFunctions['helpers'],
};

/** Runs the Test button as n8n does: the node's function, with the stored credential. */
async function testButton(data: ICredentialDataDecryptedObject): Promise<INodeCredentialTestResult> {
	const fn = pickedByN8n([metaRequest]) as ICredentialTestFunction;
	return await fn.call(context, { id: '1', name: 'Meta', type: 'metaGraphApi', data: stored(data) });
}

afterAll(async () => {
	await closeMetaPools();
});

describe('Credential test — how n8n finds it', () => {
	it('the credential type has no declarative test, so n8n runs Meta Request testedBy function', () => {
		expect((credentialType as { test?: unknown }).test).toBeUndefined();
		const entry = metaRequest.description.credentials?.find((c) => c.name === 'metaGraphApi');
		expect(entry).toMatchObject({ required: true, testedBy: META_CREDENTIAL_TEST });
		expect(metaRequest.methods?.credentialTest?.[META_CREDENTIAL_TEST]).toBe(testMetaCredential);
		expect(pickedByN8n([metaRequest])).toBe(testMetaCredential);
	});
});

describe('Credential test — Meta answers (fake Meta)', () => {
	const fake = useFakeMeta({ token: TOKEN, appSecret: APP_SECRET });

	const test = async (data: ICredentialDataDecryptedObject) => await testButton({ baseUrl: fake.url, ...data });

	it('succeeds with a good token and app secret: one GET {baseUrl}/{apiVersion}/me?fields=id,name', async () => {
		expect(await test({ accessToken: TOKEN, appSecret: APP_SECRET, apiVersion: 'v23.0' })).toEqual({
			status: 'OK',
			message: CREDENTIAL_TEST_OK,
		});
		expect(fake.requests.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual(['GET /v23.0/me 200']);
		// the fake checked the proof (it answers 400 without a valid one) and logs it redacted
		expect(fake.requests[0].query).toMatchObject({ fields: 'id,name', appsecret_proof: expect.any(String) });
	});

	it('keeps a path prefix of Base URL (a proxy)', async () => {
		fake.addFault({ match: { path: '/proxy/v26.0/me' }, fault: { type: 'status', status: 200, body: { id: '7', name: 'Via proxy' } } });
		expect(await test({ accessToken: TOKEN, appSecret: APP_SECRET, baseUrl: `${fake.url}/proxy/` })).toEqual({
			status: 'OK',
			message: CREDENTIAL_TEST_OK,
		});
		expect(fake.requests.map((r) => r.path)).toEqual(['/proxy/v26.0/me']);
	});

	it('a bad token: says the token is invalid or expired (Meta error 190), without the token', async () => {
		const verdict = await test({ accessToken: 'EAAwrong0000TOKEN', appSecret: APP_SECRET });
		expect(fake.requests.map((r) => r.status)).toEqual([400]);
		expect(verdict).toEqual({ status: 'Error', message: CREDENTIAL_TEST_MESSAGES.invalidToken });
		expect(verdict.message).toMatch(/^Meta rejected the access token \(error 190\)/);
		expect(verdict.message).not.toContain('EAAwrong');
	});

	it('a wrong app secret: names App Secret', async () => {
		const verdict = await test({ accessToken: TOKEN, appSecret: 'wrong-app-secret-0000' });
		expect(verdict).toEqual({ status: 'Error', message: expect.stringMatching(/^App Secret does not belong to the token's app/) });
	});

	it('no app secret for an app that requires one: asks for App Secret', async () => {
		const verdict = await test({ accessToken: TOKEN });
		expect(verdict).toEqual({ status: 'Error', message: expect.stringMatching(/requires appsecret_proof.*fill in App Secret/) });
	});

	it.each([
		[102, /session behind this token is no longer valid \(error 102\)/],
		[104, /received no access token \(error 104\)/],
		[10, /lacks a permission needed to read \/me \(error 10\)/],
		[4, /rate-limiting .*\(error 4\).*token may be fine/],
		[17, /rate-limiting .*\(error 17\).*token may be fine/],
		[32, /rate-limiting .*\(error 32\)/],
		[613, /rate-limiting .*\(error 613\)/],
	])('Meta error %p gets its own message', async (code, message) => {
		fake.addFault({ match: { path: '/v26.0/me' }, fault: { type: 'graphError', code } });
		expect(await test({ accessToken: TOKEN, appSecret: APP_SECRET })).toEqual({ status: 'Error', message: expect.stringMatching(message) });
	});

	it('another OAuthException: asks to check token, Base URL and API Version', async () => {
		fake.addFault({
			match: { path: '/v26.0/me' },
			fault: { type: 'status', status: 400, body: { error: { message: 'Something else', type: 'OAuthException', code: 1234 } } },
		});
		expect(await test({ accessToken: TOKEN, appSecret: APP_SECRET })).toEqual({ status: 'Error', message: CREDENTIAL_TEST_MESSAGES.oauth });
	});

	it('anything that is not a Graph user (a proxy page, a wrong Base URL, an id on an error status) fails, never "successful"', async () => {
		fake.addFault({ match: { path: '/v26.0/me' }, times: 1, fault: { type: 'html502' } });
		const html = await test({ accessToken: TOKEN, appSecret: APP_SECRET });
		fake.addFault({ match: { path: '/v26.0/me' }, times: 1, fault: { type: 'status', status: 500, body: { id: '1' } } });
		const idOnError = await test({ accessToken: TOKEN, appSecret: APP_SECRET });
		const wrongBase = await test({ accessToken: TOKEN, appSecret: APP_SECRET, baseUrl: `${fake.url}/not-graph` });
		expect(html).toEqual({ status: 'Error', message: CREDENTIAL_TEST_MESSAGES.notAGraphUser(502) });
		expect(idOnError).toEqual({ status: 'Error', message: CREDENTIAL_TEST_MESSAGES.notAGraphUser(500) });
		expect(wrongBase.status).toBe('Error');
		for (const verdict of [html, idOnError, wrongBase]) expect(verdict.message).toMatch(/Base URL.*API Version/);
	});

	it('stops before any request when API Version is malformed, with the fix in the message', async () => {
		const verdict = await test({ accessToken: TOKEN, appSecret: APP_SECRET, apiVersion: '24' });
		expect(verdict).toEqual({ status: 'Error', message: expect.stringMatching(/API Version must look like v24\.0/) });
		expect(fake.requests).toEqual([]);
	});

	it('stops before any request when the token holds a line break inside it, and says to paste it again', async () => {
		const verdict = await test({ accessToken: 'EAAcanary0000\nSECRET0000TOKEN', appSecret: APP_SECRET });
		expect(verdict).toEqual({ status: 'Error', message: expect.stringMatching(/line break: paste it again/) });
		expect(verdict.message).not.toContain('canary0000');
		expect(fake.requests).toEqual([]);
	});
});

describe('Credential test — redirects: the token goes to the Base URL host only', () => {
	let servers: CredentialServers;
	beforeAll(async () => {
		servers = await startCredentialServers(TOKEN);
	});
	afterAll(async () => {
		await servers.close();
	});
	beforeEach(() => servers.reset());

	it('the servers: the other host would answer like a Graph user, and is another origin', async () => {
		expect(new URL(servers.other.url).origin).not.toBe(new URL(servers.base.url).origin);
		expect(await testButton({ accessToken: TOKEN, baseUrl: `${servers.other.url}/graph` })).toEqual({ status: 'OK', message: CREDENTIAL_TEST_OK });
		expect(await testButton({ accessToken: TOKEN, baseUrl: `${servers.base.url}/graph` })).toEqual({ status: 'OK', message: CREDENTIAL_TEST_OK });
	});

	it.each([301, 302, 303, 307, 308])(
		'HTTP %p to another host: not followed, Error naming that host and asking for it in Base URL',
		async (status) => {
			const verdict = await testButton({ accessToken: TOKEN, appSecret: APP_SECRET, baseUrl: `${servers.base.url}/redirect/${status}` });

			expect(servers.other.requests).toEqual([]);
			expect(servers.base.requests.map((r) => `${r.method} ${r.url.split('?')[0]}`)).toEqual([`GET /redirect/${status}/v26.0/me`]);
			expect(verdict).toEqual({
				status: 'Error',
				message: CREDENTIAL_TEST_MESSAGES.redirect(status, servers.other.host, servers.other.url),
			});
			expect(verdict.message).toContain(`redirect (HTTP ${status}) to ${servers.other.host}`);
			expect(verdict.message).toContain('put the final host in Base URL');
			expect(verdict.message).not.toContain(TOKEN);
			expect(verdict.message).not.toContain(APP_SECRET);
			expect(verdict.message).not.toMatch(/appsecret_proof=|access_token=/);
		},
	);

	it('suggests the path prefix the redirect kept before /{version}/me', async () => {
		const verdict = await testButton({ accessToken: TOKEN, baseUrl: `${servers.base.url}/redirect/302/meta-proxy` });
		expect(verdict.message).toContain(`(e.g. ${servers.other.url}/meta-proxy)`);
		expect(servers.other.requests).toEqual([]);
	});

	it('a redirect on the same host is not followed either, and names that host', async () => {
		const verdict = await testButton({ accessToken: TOKEN, baseUrl: `${servers.base.url}/relative/301` });
		expect(verdict).toEqual({
			status: 'Error',
			message: CREDENTIAL_TEST_MESSAGES.redirect(301, servers.base.host, `${servers.base.url}/graph`),
		});
		expect(servers.base.requests).toHaveLength(1);
	});

	it('a redirect without Location: Error asking for the final host', async () => {
		const verdict = await testButton({ accessToken: TOKEN, baseUrl: `${servers.base.url}/nolocation/302` });
		expect(verdict).toEqual({ status: 'Error', message: CREDENTIAL_TEST_MESSAGES.redirectWithoutLocation(302) });
	});

	it('never repeats a secret that the Location carries (user info, query, path)', async () => {
		const { host } = servers.other;
		const locations = [
			`http://me:${TOKEN}@${host}/v26.0/me?access_token=${TOKEN}`,
			`http://${host}/${TOKEN}/v26.0/me?appsecret_proof=${APP_SECRET}`,
		];
		let served = 0;
		const hostile = http.createServer((_req, res) => {
			res.writeHead(302, { location: locations[served++] });
			res.end();
		});
		await new Promise<void>((resolve) => hostile.listen(0, '127.0.0.1', resolve));
		try {
			const { port } = hostile.address() as net.AddressInfo;
			for (let i = 0; i < locations.length; i++) {
				const verdict = await testButton({ accessToken: TOKEN, appSecret: APP_SECRET, baseUrl: `http://127.0.0.1:${port}` });
				expect(verdict.status).toBe('Error');
				expect(verdict.message).toContain(`to ${host}.`);
				expect(verdict.message).not.toContain(TOKEN);
				expect(verdict.message).not.toContain(APP_SECRET);
			}
			expect(served).toBe(locations.length);
		} finally {
			hostile.closeAllConnections();
			await new Promise((resolve) => hostile.close(resolve));
		}
		expect(servers.other.requests).toEqual([]);
	});

	it('an unreachable Base URL: names the host and the reason', async () => {
		const port = await new Promise<number>((resolve) => {
			const s = net.createServer().listen(0, '127.0.0.1', () => {
				const p = (s.address() as net.AddressInfo).port;
				s.close(() => resolve(p));
			});
		});
		const verdict = await testButton({ accessToken: TOKEN, baseUrl: `http://127.0.0.1:${port}` });
		expect(verdict).toEqual({ status: 'Error', message: CREDENTIAL_TEST_MESSAGES.unreachable(`127.0.0.1:${port}`, 'ECONNREFUSED') });
	});

	it('never throws, whatever the stored data', async () => {
		for (const data of [undefined, {}, { accessToken: '' }, { accessToken: TOKEN, baseUrl: 'ftp://x' }]) {
			const verdict = await testMetaCredential.call(context, { id: '1', name: 'Meta', type: 'metaGraphApi', data: data as ICredentialDataDecryptedObject });
			expect(verdict.status).toBe('Error');
			expect(verdict.message).toMatch(/^Meta Graph API credential: /);
		}
	});

	// Why the credential has no declarative `test` any more: n8n's routing node sends such a
	// request with its own helper, which follows the redirect and sends the token to the other
	// host (n8n's default sendCredentialsOnCrossOriginRedirect: true). If this starts failing,
	// n8n changed that default.
	it("(n8n's own request helper, as a declarative test uses it, follows the redirect with the token)", async () => {
		const declarative: INodeType = {
			description: {
				displayName: 'Declarative Credential Test',
				name: 'declarativeCredentialTest',
				group: ['transform'],
				version: 1,
				description: 'The request the credential declared before',
				defaults: { name: 'Declarative Credential Test' },
				inputs: ['main'],
				outputs: ['main'],
				credentials: [{ name: 'metaGraphApi', required: true }],
				properties: [
					{
						displayName: 'Temp',
						name: 'temp',
						type: 'string',
						default: '',
						routing: {
							request: {
								baseURL: '={{$credentials.baseUrl}}',
								url: '=/{{$credentials.apiVersion}}/me',
								qs: { fields: 'id,name' },
								ignoreHttpStatusErrors: true,
							},
						},
					},
				],
			},
		};
		registerNodeType('test.declarativeCredentialTest', declarative);
		const run = await runNode('test.declarativeCredentialTest', {}, [{}], {
			credentials: { metaGraphApi: stored({ accessToken: TOKEN, baseUrl: `${servers.base.url}/redirect/302` }) },
		});
		expect(run.nodeOutputs[0][0].json).toEqual({ id: '1', name: 'x' });
		expect(servers.other.requests.map((r) => r.headers.authorization)).toEqual([`Bearer ${TOKEN}`]);
		expect(everythingSent(servers.other.requests)).toContain(TOKEN);
	});
});
