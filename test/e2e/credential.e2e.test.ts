/**
 * The Meta Graph API credential's Test button in real n8n, on each major line, called the way the
 * editor calls it: save the credential (POST /rest/credentials), then POST /rest/credentials/test
 * with `{ credentials: { id, name, type, data } }`; n8n answers `{ data: { status, message } }`.
 * The token must reach the Base URL's host only: a Base URL that redirects elsewhere fails the
 * test with a message naming the other host, and the other host never sees the token.
 */
import { startCredentialServers, everythingSent, type CredentialServers } from '../credentials/servers';
import { createInstance, ensureN8n, type Editor, type N8nInstance } from '../../testing/n8n';
import { e2eLines, packageTarball } from './setup';

const TOKEN = 'EAAe2eCredentialTest0000SECRET0000TOKEN';
const APP_SECRET = 'e2e-credential-app-secret-0000';
const OWNER = { email: 'e2e-credential@example.com', password: 'E2eCredTest1234' };

interface Verdict {
	status: 'OK' | 'Error';
	message: string;
}

describe.each(e2eLines())('n8n line %s: credential Test button', (line) => {
	let n8n: N8nInstance;
	let editor: Editor;
	let servers: CredentialServers;
	const logs: string[] = [];
	let created = 0;

	beforeAll(async () => {
		servers = await startCredentialServers(TOKEN);
		n8n = await createInstance(await ensureN8n(line), packageTarball());
		editor = await n8n.startEditor({ owner: OWNER, log: (l) => logs.push(l) });
	});
	afterAll(async () => {
		await editor?.stop();
		await n8n?.dispose();
		await servers?.close();
	});
	beforeEach(() => servers.reset());

	async function rest(path: string, body: unknown): Promise<any> {
		const res = await editor.request(path, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify(body),
		});
		const text = await res.text();
		if (!res.ok) throw new Error(`POST ${path}: HTTP ${res.status} ${text.slice(0, 500)}`);
		return JSON.parse(text).data;
	}

	/** Saves a credential with these fields and presses Test, as the editor does. */
	async function testButton(data: Record<string, string>): Promise<Verdict> {
		const name = `Meta e2e ${++created}`;
		const saved = await rest('/rest/credentials', { name, type: 'metaGraphApi', data });
		expect(saved).toMatchObject({ id: expect.any(String), name, type: 'metaGraphApi' });
		return await rest('/rest/credentials/test', { credentials: { id: saved.id, name, type: 'metaGraphApi', data } });
	}

	test('a Base URL that redirects (302) to another host: the token never reaches it; Error names the host and asks for it in Base URL', async () => {
		const verdict = await testButton({
			accessToken: TOKEN,
			appSecret: APP_SECRET,
			apiVersion: 'v24.0',
			baseUrl: `${servers.base.url}/redirect/302`,
		});

		// the Base URL's host got the request (it is the host the token is meant for) ...
		expect(servers.base.requests.map((r) => `${r.method} ${r.url.split('?')[0]}`)).toEqual(['GET /redirect/302/v24.0/me']);
		// ... the host it redirected to got nothing: no Authorization header, no token, no proof
		expect(servers.other.requests.map((r) => r.headers.authorization).filter(Boolean)).toEqual([]);
		expect(everythingSent(servers.other.requests)).not.toContain(TOKEN);
		expect(everythingSent(servers.other.requests)).not.toMatch(/access_token|appsecret_proof/);
		expect(servers.other.requests).toEqual([]);

		expect(verdict.status).toBe('Error');
		expect(verdict.message).toContain(servers.other.host);
		expect(verdict.message).toMatch(/redirect \(HTTP 302\)/);
		expect(verdict.message).toMatch(/put the final host in Base URL/);
		expect(verdict.message).toContain(`e.g. ${servers.other.url}`);
		expect(verdict.message).not.toContain(TOKEN);
		expect(verdict.message).not.toContain(APP_SECRET);
	});

	test('a Graph API that answers the user id: Connection successful!', async () => {
		const verdict = await testButton({ accessToken: TOKEN, apiVersion: 'v23.0', baseUrl: `${servers.base.url}/graph` });

		expect(verdict).toEqual({ status: 'OK', message: 'Connection successful!' });
		expect(servers.base.requests.map((r) => [decodeURIComponent(r.url), r.headers.authorization])).toEqual([
			['/graph/v23.0/me?fields=id,name', `Bearer ${TOKEN}`],
		]);
	});

	test('an expired token (Meta error 190): the message says to generate a new token, without the token', async () => {
		const wrong = 'EAAe2eWrongToken0000';
		const verdict = await testButton({ accessToken: wrong, baseUrl: `${servers.base.url}/graph` });

		expect(verdict.status).toBe('Error');
		expect(verdict.message).toMatch(/^Meta rejected the access token \(error 190\): it is invalid, expired or was revoked\. Generate a new one/);
		expect(verdict.message).not.toContain(wrong);
		expect(servers.base.requests).toHaveLength(1);
	});

	test("n8n's log never shows the token", () => {
		expect(logs.length).toBeGreaterThan(0);
		expect(logs.join('\n')).not.toContain(TOKEN);
		expect(logs.join('\n')).not.toContain(APP_SECRET);
	});
});
