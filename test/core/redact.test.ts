// Tokens and the credential's secrets never survive: in text, in whole values, in classify output.
import { NodeApiError, type INode, type JsonObject } from 'n8n-workflow';
import { classifyMetaError, redactDeep, redactText } from '../../nodes/shared/core';
import { expectValidInfo } from './errors/expectInfo';

const CANARY = 'EAAcanary0000SECRET0000TOKEN';
/** A credential token that does not look like a Meta token, and an app secret. */
const TOKEN = 'sysuser-canary-token-77a1';
const APP_SECRET = 'f00dcafe0123456789abcdef00dcafe';
const secrets = [TOKEN, APP_SECRET];
const leaks = (value: unknown) => {
	const text = JSON.stringify(value);
	return [CANARY, TOKEN, APP_SECRET, 'canary0000'].filter((s) => text.includes(s));
};

describe('redactText', () => {
	it.each([
		[`token ${CANARY} here`, 'token [REDACTED] here'],
		[`https://graph.facebook.com/v24.0/me?access_token=${CANARY}&fields=id`, 'https://graph.facebook.com/v24.0/me?access_token=[REDACTED]&fields=id'],
		['https://graph.facebook.com/me?fields=id&access_token=abc123notmeta', 'https://graph.facebook.com/me?fields=id&access_token=[REDACTED]'],
		['GET /me?appsecret_proof=9f86d081884c7d659a2feaa0c55ad015&x=1', 'GET /me?appsecret_proof=[REDACTED]&x=1'],
		['Authorization: Bearer abcdefgh12345678', 'Authorization: Bearer [REDACTED]'],
		['{"access_token":"opaque-value-1","id":"1"}', '{"access_token":"[REDACTED]","id":"1"}'],
		['{\\"access_token\\":\\"opaque-value-1\\"}', '{\\"access_token\\":\\"[REDACTED]\\"}'],
		['url=https%3A%2F%2Fx%2F%3Faccess_token%3Dopaque', 'url=https%3A%2F%2Fx%2F%3Faccess_token%3D[REDACTED]'],
		['Invalid OAuth access token.', 'Invalid OAuth access token.'],
		['Bearer token missing', 'Bearer token missing'],
	])('%s', (input, expected) => {
		expect(redactText(input)).toBe(expected);
	});

	it('removes the given secrets wherever they occur, also URL-encoded', () => {
		const secret = 'p@ss/word+1';
		expect(redactText(`a ${TOKEN} b ${APP_SECRET} c ${encodeURIComponent(secret)} d ${secret}`, [TOKEN, APP_SECRET, secret])).toBe(
			'a [REDACTED] b [REDACTED] c [REDACTED] d [REDACTED]',
		);
		expect(redactText('short abc', ['abc'])).toBe('short abc');
	});
});

describe('redactDeep', () => {
	it('redacts strings at any depth, secret-named keys entirely, and keeps the rest', () => {
		const input = {
			url: `https://graph.facebook.com/v24.0/act_1/ads?access_token=${CANARY}`,
			nested: [{ note: `uses ${TOKEN}` }, 5, null, true],
			access_token: 'anything-at-all',
			appSecret: 'whatever-it-is',
			count: 3,
		};
		const out = redactDeep(input, secrets);
		expect(out).toEqual({
			url: 'https://graph.facebook.com/v24.0/act_1/ads?access_token=[REDACTED]',
			nested: [{ note: 'uses [REDACTED]' }, 5, null, true],
			access_token: '[REDACTED]',
			appSecret: '[REDACTED]',
			count: 3,
		});
		expect(input.access_token).toBe('anything-at-all');
	});

	it('turns errors into plain objects, survives cycles and depth, keeps __proto__ a plain key', () => {
		const error = Object.assign(new Error(`failed for ${CANARY}`, { cause: new Error(`inner ${TOKEN}`) }), { code: 'X' });
		const out = redactDeep({ error } as Record<string, unknown>, secrets) as { error: Record<string, unknown> };
		expect(out.error).toMatchObject({ name: 'Error', message: 'failed for [REDACTED]', code: 'X', cause: { message: 'inner [REDACTED]' } });
		const cyclic: Record<string, unknown> = { a: CANARY };
		cyclic.self = cyclic;
		expect(redactDeep(cyclic)).toEqual({ a: '[REDACTED]', self: '[Circular]' });
		let deep: Record<string, unknown> = { token: CANARY };
		for (let i = 0; i < 10_000; i++) deep = { next: deep };
		expect(leaks(redactDeep(deep))).toEqual([]);
		const shared = { t: CANARY };
		expect(redactDeep({ a: shared, b: shared })).toEqual({ a: { t: '[REDACTED]' }, b: { t: '[REDACTED]' } });
		const proto = redactDeep(JSON.parse(`{"__proto__":{"x":"${CANARY}"}}`)) as object;
		expect(Object.getPrototypeOf(proto)).toBe(Object.prototype);
		expect(JSON.stringify(proto)).toBe('{"__proto__":{"x":"[REDACTED]"}}');
	});
});

describe('classifyMetaError output carries no token', () => {
	it('canary in message, user message, details, URLs, ids and codes', () => {
		const body = {
			error: {
				message: `Invalid token ${CANARY} for https://graph.facebook.com/v24.0/me?access_token=${CANARY}&appsecret_proof=abc123def`,
				type: `OAuthException ${CANARY}`,
				code: 190,
				error_user_title: `Title ${TOKEN}`,
				error_user_msg: `User message with ${CANARY} and ${APP_SECRET}`,
				error_data: { details: `details: "access_token":"${TOKEN}" Bearer ${CANARY}` },
				fbtrace_id: CANARY,
			},
		};
		for (const input of [body, JSON.stringify(body)]) {
			const info = expectValidInfo(classifyMetaError(input, { secrets, httpStatus: 401 }));
			expect(leaks(info)).toEqual([]);
			expect(info.message).toContain('access_token=[REDACTED]');
			expect(info.userMessage).toBe('User message with [REDACTED] and [REDACTED]');
			expect(info.details).toContain('[REDACTED]');
		}
		const adcp = { status: 'failed', error_code: CANARY, message: CANARY, field: TOKEN, suggestions: [`use ${CANARY}`], details: { t: CANARY } };
		expect(leaks(classifyMetaError(adcp, { secrets }))).toEqual([]);
		const buc = { 'x-business-use-case-usage': JSON.stringify({ [CANARY]: [{ type: TOKEN, call_count: 50 }] }) };
		expect(leaks(classifyMetaError({ error: { code: 4 } }, { secrets, headers: buc }))).toEqual([]);
	});

	it('canary in a serialized NodeApiError', () => {
		const node: INode = { id: 'n', name: 'HTTP Request', type: 'n8n-nodes-base.httpRequest', typeVersion: 4, position: [0, 0], parameters: {} };
		const url = `https://graph.facebook.com/v24.0/me?access_token=${CANARY}`;
		const error = new NodeApiError(node, {
			name: 'StatusCodeError',
			statusCode: 400,
			message: `400 - ${JSON.stringify({ error: { message: `Malformed access token ${CANARY}`, code: 190, type: 'OAuthException' } })}`,
			options: { url },
		} as unknown as JsonObject);
		for (const input of [error, JSON.parse(JSON.stringify(error)), JSON.stringify(error), { error: JSON.parse(JSON.stringify(error)) }]) {
			const info = classifyMetaError(input, { secrets });
			expect(info.category).toBe('auth');
			expect(leaks(info)).toEqual([]);
		}
	});

	it('a secret straddling the 2,000-character cut is still removed', () => {
		const message = `${'x'.repeat(1990)}${TOKEN}${'y'.repeat(5000)}`;
		const info = classifyMetaError({ error: { code: 1, message } }, { secrets });
		expect(info.message!.includes(TOKEN.slice(0, 10))).toBe(false);
		expect(info.message!.length).toBeLessThanOrEqual(2001);
	});
});

describe('one redactor: every encoding of a secret (issue: redaction holes)', () => {
	const APP_TOKEN = '1234567890123|canaryAppSecretValue0042';
	const b64 = (s: string) => Buffer.from(s).toString('base64');
	const b64url = (s: string) => Buffer.from(s).toString('base64url');

	it.each([
		['raw', TOKEN],
		['URL-encoded', encodeURIComponent(APP_TOKEN)],
		['JSON-escaped, every character', [...TOKEN].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join('')],
		['JSON-escaped, first character only', `\\u0073${TOKEN.slice(1)}`],
		['lowercased', TOKEN.toLowerCase()],
		['uppercased', TOKEN.toUpperCase()],
		['mixed %-encoding', TOKEN.replace(/-/g, '%2D')],
		['base64', b64(TOKEN)],
		['base64 of "Bearer <token>"', b64(`Bearer ${TOKEN}`)],
		['base64 of "x:<token>" (basic auth)', b64(`x:${TOKEN}`)],
		['base64url of "ab<token>"', b64url(`ab${TOKEN}`)],
	])('%s', (_label, form) => {
		const text = `before ${form} after`;
		const out = redactText(text, [TOKEN, APP_TOKEN]);
		expect(out).toContain('[REDACTED]');
		expect(out.startsWith('before ')).toBe(true);
		expect(out.endsWith(' after')).toBe(true);
		expect(out).not.toContain(form);
	});

	it('an app token id|secret: its secret half is a secret even when it stands alone', () => {
		const half = APP_TOKEN.split('|')[1];
		expect(redactText(`next=https://x/?t=${encodeURIComponent(APP_TOKEN)}&s=${half}`, [APP_TOKEN])).toBe(
			'next=https://x/?t=[REDACTED]&s=[REDACTED]',
		);
	});

	it('redacts keys as well as values, and leaves ordinary text alone', () => {
		expect(redactDeep({ [TOKEN]: 1, plain: 'nothing secret here' }, [TOKEN])).toEqual({ '[REDACTED]': 1, plain: 'nothing secret here' });
	});

	it('a long token straddling the point where classification cuts text is removed whole', () => {
		const longToken = `EAAB${'Zq9'.repeat(400)}`.toLowerCase();
		const message = `${'x'.repeat(1900)}${longToken}${'y'.repeat(9000)}`;
		const info = classifyMetaError({ error: { code: 1, message } }, { secrets: [longToken] });
		expect(info.message!.includes(longToken.slice(0, 12))).toBe(false);
		expect(info.message!.length).toBeLessThanOrEqual(2001);
	});
});
