// The Meta Graph API credential's Test button: GET {Base URL}/{API Version}/me?fields=id,name,
// sent by this package's own undici pool, which follows no redirect. The token therefore only
// ever reaches the Base URL's host; a redirect is reported with the host it pointed at.
//
// Why a node-side test (Meta Request's `testedBy`) and not the credential's declarative `test`:
// n8n sends a declarative test through its request helper, which follows redirects and re-sends
// the credential's Authorization header to the new host; and a declarative rule's message is
// fixed text, so it cannot name that host. n8n uses a credential's `test` whenever it has one,
// so the credential type has none and n8n falls back to the `testedBy` of a node that uses it.
import type {
	ICredentialsDecrypted,
	ICredentialTestFunctions,
	INodeCredentialTestResult,
} from 'n8n-workflow';

import { redactText } from '../core/redact';
import { tokenProblem } from '../core/errors/internal';
import { poolFor } from '../transport/pool';
import { resolveMetaUrl } from '../transport/url';
import { DEFAULT_BASE_URL, metaAuthParts, parseMetaCredential } from './credential';
import type { MetaCredentialConfig } from './credential';
import { isObject } from '../core/util';

/** The name under `methods.credentialTest` that a node's `testedBy` refers to. */
export const META_CREDENTIAL_TEST = 'metaGraphApiTest';

export const CREDENTIAL_TEST_OK = 'Connection successful!';

/** What the tester shows for Meta's answers, first match wins (the former declarative rules). */
export const CREDENTIAL_TEST_MESSAGES = {
	invalidToken:
		'Meta rejected the access token (error 190): it is invalid, expired or was revoked. Generate a new one (a System User token does not expire) and paste it into Access Token.',
	sessionInvalid:
		'Meta says the session behind this token is no longer valid (error 102): generate a new access token.',
	noToken: 'Meta received no access token (error 104): paste one into Access Token.',
	wrongAppSecret:
		"App Secret does not belong to the token's app (Meta: invalid appsecret_proof). Use the secret of the app that issued the token, or leave App Secret empty.",
	appSecretRequired:
		'This app requires appsecret_proof (Meta setting "Require App Secret"): fill in App Secret.',
	permission:
		'The token lacks a permission needed to read /me (error 10): check the permissions granted to the token.',
	rateLimit: (code: number) =>
		`Meta is rate-limiting this token or app (error ${code}): the token may be fine; test again in a few minutes.`,
	oauth:
		'Meta refused the request (OAuthException): check the access token is valid and unexpired, and that Base URL and API Version point at the Graph API.',
	notAGraphUser: (status: number) =>
		`No Graph API user came back from Base URL + API Version + /me (HTTP ${status}): check the token, Base URL (e.g. ${DEFAULT_BASE_URL}) and API Version (e.g. v24.0).`,
	redirect: (status: number, host: string, suggestion: string) =>
		`Base URL answered with a redirect (HTTP ${status}) to ${host}. The access token is only sent to the Base URL's host, so the test did not follow the redirect and nothing was sent to ${host}: put the final host in Base URL (e.g. ${suggestion}) and test again.`,
	redirectWithoutLocation: (status: number) =>
		`Base URL answered with a redirect (HTTP ${status}) without a usable Location header: put the final host of the Graph API in Base URL (e.g. ${DEFAULT_BASE_URL}) and test again.`,
	unreachable: (host: string, reason: string) =>
		`Could not reach Base URL ${host} (${reason}): check Base URL (e.g. ${DEFAULT_BASE_URL}) and that n8n can reach that host.`,
} as const;

const RATE_LIMIT_CODES = new Set([4, 17, 32, 613]);

/** Connect and answer timeouts of the test request, in ms. */
export const CREDENTIAL_TEST_TIMEOUTS = { connectMs: 10_000, headersMs: 30_000, bodyMs: 30_000 };

/** A /me answer is tiny; anything longer is read no further (a proxy's page, a stream). */
const MAX_BODY_BYTES = 256 * 1024;

type Verdict = INodeCredentialTestResult;

const error = (message: string): Verdict => ({ status: 'Error', message });

/** Meta's error object read as the former rules read it (`error.code`, `error.message`, `error.type`). */
function metaErrorVerdict(body: Record<string, unknown>): Verdict | undefined {
	const metaError = body.error;
	if (!isObject(metaError)) return undefined;
	const code = typeof metaError.code === 'string' ? Number(metaError.code) : metaError.code;
	const message = typeof metaError.message === 'string' ? metaError.message : '';
	const m = CREDENTIAL_TEST_MESSAGES;
	if (code === 190) return error(m.invalidToken);
	if (code === 102) return error(m.sessionInvalid);
	if (code === 104) return error(m.noToken);
	if (message.includes('Invalid appsecret_proof provided in the API argument')) return error(m.wrongAppSecret);
	if (message.includes('API calls from the server require an appsecret_proof argument')) {
		return error(m.appSecretRequired);
	}
	if (code === 10) return error(m.permission);
	if (typeof code === 'number' && RATE_LIMIT_CODES.has(code)) return error(m.rateLimit(code));
	if (metaError.type === 'OAuthException') return error(m.oauth);
	return undefined;
}

/**
 * The Base URL to suggest for a redirect target: its origin, plus the path before
 * `/{version}/me` when the target kept that path (a proxy prefix). Never a query or user info.
 */
function suggestedBaseUrl(target: URL, apiVersion: string): string {
	const suffix = `/${apiVersion}/me`;
	const path = target.pathname.replace(/\/+$/, '');
	const prefix = path.endsWith(suffix) ? path.slice(0, -suffix.length) : '';
	return `${target.origin}${prefix}`;
}

function redirectVerdict(status: number, location: unknown, requested: URL, config: MetaCredentialConfig): Verdict {
	const value = Array.isArray(location) ? location[0] : location;
	let target: URL | undefined;
	try {
		if (typeof value === 'string' && value.trim() !== '') target = new URL(value.trim(), requested);
	} catch {
		target = undefined;
	}
	if (!target || !/^https?:$/.test(target.protocol)) {
		return error(CREDENTIAL_TEST_MESSAGES.redirectWithoutLocation(status));
	}
	return error(CREDENTIAL_TEST_MESSAGES.redirect(status, target.host, suggestedBaseUrl(target, config.apiVersion)));
}

async function readCapped(body: AsyncIterable<Buffer> & { destroy?: () => unknown }): Promise<string> {
	const chunks: Buffer[] = [];
	let size = 0;
	for await (const chunk of body) {
		chunks.push(chunk);
		size += chunk.length;
		if (size >= MAX_BODY_BYTES) {
			body.destroy?.();
			break;
		}
	}
	return Buffer.concat(chunks).toString('utf8');
}

function transportReason(cause: unknown): string {
	const code = (cause as { code?: unknown } | null)?.code;
	if (typeof code === 'string' && code !== '') return code;
	return cause instanceof Error ? cause.name : 'connection failed';
}

/** Sends the test request (once, no redirect, no retry) and turns the answer into the tester's verdict. */
async function runTest(config: MetaCredentialConfig): Promise<Verdict> {
	const { url } = resolveMetaUrl(config, 'me', { fields: 'id,name' });
	const { headers: auth } = metaAuthParts(config);
	let status: number;
	let headers: Record<string, string | string[] | undefined>;
	let text: string;
	try {
		// The package's own pool: undici follows no redirect unless told to, and n8n's global
		// dispatcher (whatever it does) is not involved.
		const response = await poolFor(url.origin, CREDENTIAL_TEST_TIMEOUTS.connectMs).request({
			method: 'GET',
			path: `${url.pathname}${url.search}`,
			headers: {
				authorization: auth.Authorization,
				accept: 'application/json',
				'user-agent': 'n8n-nodes-meta-resilience',
			},
			headersTimeout: CREDENTIAL_TEST_TIMEOUTS.headersMs,
			bodyTimeout: CREDENTIAL_TEST_TIMEOUTS.bodyMs,
		});
		status = response.statusCode;
		headers = response.headers;
		if (status >= 300 && status < 400) {
			await response.body.dump().catch(() => undefined);
			return headers.location === undefined
				? error(CREDENTIAL_TEST_MESSAGES.redirectWithoutLocation(status))
				: redirectVerdict(status, headers.location, url, config);
		}
		text = await readCapped(response.body);
	} catch (cause) {
		return error(CREDENTIAL_TEST_MESSAGES.unreachable(url.host, transportReason(cause)));
	}

	let body: unknown;
	try {
		body = JSON.parse(text);
	} catch {
		body = undefined;
	}
	if (isObject(body)) {
		const verdict = metaErrorVerdict(body);
		if (verdict) return verdict;
		const id = body.id;
		if (status >= 200 && status < 300 && (typeof id === 'string' || typeof id === 'number') && id !== '') {
			return { status: 'OK', message: CREDENTIAL_TEST_OK };
		}
	}
	return error(CREDENTIAL_TEST_MESSAGES.notAGraphUser(status));
}

/**
 * n8n's `ICredentialTestFunction` for `metaGraphApi` (Meta Request's `methods.credentialTest`).
 * Never throws; the message never holds the token, the app secret or `appsecret_proof`.
 */
export async function testMetaCredential(
	this: ICredentialTestFunctions | undefined,
	credential: ICredentialsDecrypted,
): Promise<INodeCredentialTestResult> {
	let config: MetaCredentialConfig;
	try {
		config = parseMetaCredential(credential?.data);
	} catch (cause) {
		return error((cause as Error).message);
	}
	// A token a header cannot carry would fail inside undici with a message about arguments.
	const problem = tokenProblem(config.accessToken);
	if (problem) return error(`Meta Graph API credential: ${problem}. Nothing was sent.`);
	let verdict: Verdict;
	try {
		verdict = await runTest(config);
	} catch (cause) {
		verdict = error(`The credential test failed: ${(cause as Error)?.message ?? String(cause)}`);
	}
	return { ...verdict, message: redactText(verdict.message, config.secrets) };
}
