// Each input kind classifyMetaError reads (docs/error-core.md), well-formed and malformed: recognised, never a throw.
import { createServer } from 'http';
import type { AddressInfo } from 'net';
import { NodeApiError, type INode, type JsonObject } from 'n8n-workflow';
import { errors as undiciErrors, request } from 'undici';
import { classifyMetaError, type MetaErrorInfo } from '../../../nodes/shared/core';
import { expectValidInfo } from './expectInfo';

const classify = (input: unknown, context?: Parameters<typeof classifyMetaError>[1]): MetaErrorInfo =>
	expectValidInfo(classifyMetaError(input, context));

const graphError = {
	message: '(#100) Invalid parameter',
	type: 'OAuthException',
	code: 100,
	error_subcode: 1487390,
	is_transient: false,
	error_user_title: 'Adcreative Create Failed',
	error_user_msg: 'The link field is required.',
	error_data: { blame_field_specs: [['object_story_spec', 'link_data', 'link']] },
	fbtrace_id: 'AxYz123',
};
const expectedGraph = {
	category: 'validation',
	code: 100,
	subcode: 1487390,
	type: 'OAuthException',
	message: '(#100) Invalid parameter',
	userTitle: 'Adcreative Create Failed',
	userMessage: 'The link field is required.',
	field: 'object_story_spec.link_data.link',
	fbtraceId: 'AxYz123',
	isTransient: false,
};

describe('1. Graph error bodies', () => {
	it('reads the body, its JSON text and the inner object alone alike', () => {
		const body = { error: graphError };
		const fromBody = classify(body, { httpStatus: 400 });
		expect(fromBody).toMatchObject({ ...expectedGraph, source: 'graph', httpStatus: 400, action: 'dead_letter' });
		expect(classify(JSON.stringify(body), { httpStatus: 400 })).toEqual(fromBody);
		expect(classify(graphError, { httpStatus: 400 })).toEqual(fromBody);
		expect(classify(`  \n${JSON.stringify(body)}\n`, { httpStatus: 400 })).toEqual(fromBody);
	});

	it('accepts numbers and booleans as strings', () => {
		const info = classify({ error: { message: 'expired', code: '190', error_subcode: ' 463 ', is_transient: 'false' } });
		expect(info).toMatchObject({ category: 'auth', code: 190, subcode: 463, isTransient: false });
	});

	it('reads error_data as an object, as JSON text, or as plain text', () => {
		const wa = { code: 131008, message: 'Required parameter is missing' };
		expect(classify({ error: { ...wa, error_data: { messaging_product: 'whatsapp', details: 'text.body is required' } } }).details).toBe(
			'text.body is required',
		);
		expect(classify({ error: { ...wa, error_data: '{"details":"to is required"}' } }).details).toBe('to is required');
		expect(classify({ error: { ...wa, error_data: '{"blame_field_specs":[["daily_budget"]]}' } }).field).toBe('daily_budget');
		expect(classify({ error: { ...wa, error_data: 'plain words' } }).details).toBe('plain words');
		expect(classify({ error: { ...wa, error_data: '{broken' } }).details).toBe('{broken');
	});

	it('drops retyped fields instead of giving up on the body', () => {
		const info = classify({ error: { message: 42, code: 4, type: ['x'], fbtrace_id: { a: 1 }, error_subcode: 'abc' } });
		expect(info).toMatchObject({ category: 'rate_limit', code: 4 });
		expect(Object.keys(info)).not.toEqual(expect.arrayContaining(['message', 'type', 'fbtraceId', 'subcode']));
	});

	it('keeps only safe integers as codes and caps absurd waits', () => {
		for (const code of [5e-324, 2 ** 53, -(2 ** 53), 1.5, Number.MAX_VALUE]) {
			const info = classify({ error: { code, error_subcode: code, message: 'x', fbtrace_id: 't' } });
			expect(info.code).toBeUndefined();
			expect(info.subcode).toBeUndefined();
		}
		expect(classify({ status: 'failed', error_code: 'RATE_LIMIT_EXCEEDED', retry_after: 1e300 }).retryAfterMs).toBe(7 * 24 * 3600 * 1000);
	});

	it('takes the code from "(#NNN)" when the body has none', () => {
		expect(classify({ error: { message: '(#613) Calls to this api have exceeded the rate limit.', type: 'OAuthException' } })).toMatchObject({
			code: 613,
			category: 'rate_limit',
		});
	});

	it('omits absent fields entirely', () => {
		const info = classify({ error: { code: 2, message: 'Service temporarily unavailable' } });
		expect(Object.keys(info).sort()).toEqual(['action', 'category', 'code', 'meaning', 'message', 'remedy', 'retryable', 'source']);
	});
});

describe('2. async job failure', () => {
	const job = {
		result: { error: { ...graphError, message: 'Invalid parameter' } },
		error_code: 100,
		status: 'FAILED',
		exception: 'Invalid parameter',
		id: '6012345678901',
	};

	it('reads result.error and keeps the async session id', () => {
		expect(classify(job)).toMatchObject({ ...expectedGraph, message: 'Invalid parameter', source: 'async_job', asyncSessionId: '6012345678901' });
		expect(classify(JSON.stringify(job)).asyncSessionId).toBe('6012345678901');
	});

	it('falls back to error_code and exception', () => {
		const info = classify({ error_code: '17', status: 'FAILED', exception: 'User request limit reached', id: 42 });
		expect(info).toMatchObject({ source: 'async_job', code: 17, category: 'rate_limit', message: 'User request limit reached', asyncSessionId: '42' });
	});
});

describe('3. AdCP task failure', () => {
	it('reads code, field, suggestions, retry_after and details', () => {
		const info = classify({
			status: 'failed',
			error_code: 'INVALID_FIELD_VALUE',
			message: 'budget.amount must be positive',
			field: 'packages[0].budget.amount',
			suggestions: ['Use a value greater than 0', 7, 'Check the currency'],
			details: { min: 1 },
		});
		expect(info).toMatchObject({
			source: 'adcp',
			category: 'validation',
			field: 'packages[0].budget.amount',
			suggestions: ['Use a value greater than 0', 'Check the currency'],
			details: '{"min":1}',
		});
		expect(classify({ status: 'failed', error_code: 'RATE_LIMIT_EXCEEDED', retry_after: '12' }).retryAfterMs).toBe(12_000);
	});
});

describe('4. internal failure', () => {
	it('keeps requestId and maps a known code', () => {
		expect(classify({ success: false, message: 'token dead', requestId: 'req_1', code: '190' })).toMatchObject({
			source: 'internal',
			category: 'auth',
			requestId: 'req_1',
			code: 190,
		});
	});

	it('an unlisted code is unknown; a Meta body under error wins', () => {
		expect(classify({ success: false, message: 'Batch 42 failed', requestId: 'r', code: 'SYNC_FAILED' })).toMatchObject({
			source: 'internal',
			category: 'unknown',
			code: 'SYNC_FAILED',
			action: 'escalate',
		});
		expect(classify({ success: false, requestId: 'r2', error: { code: 190, message: 'x', fbtrace_id: 't' } })).toMatchObject({
			source: 'graph',
			category: 'auth',
			requestId: 'r2',
			fbtraceId: 't',
		});
	});
});

describe('5. transport failures', () => {
	it('a real connection refused from undici', async () => {
		const server = createServer();
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		const { port } = server.address() as AddressInfo;
		await new Promise((resolve) => server.close(resolve));
		const error = await request(`http://127.0.0.1:${port}/`).then(
			() => undefined,
			(e: unknown) => e,
		);
		const info = classify(error);
		expect(info).toMatchObject({ source: 'transport', category: 'network', retryable: true, action: 'retry', code: 'ECONNREFUSED' });
		expect(classify(JSON.parse(JSON.stringify(error)))).toMatchObject({ category: 'network', code: 'ECONNREFUSED' });
	});

	it('a real reset mid-body from undici', async () => {
		const server = createServer((_req, res) => {
			res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
			res.write('{"data":[');
			setTimeout(() => res.socket?.destroy(), 10);
		});
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		const { port } = server.address() as AddressInfo;
		try {
			const error = await request(`http://127.0.0.1:${port}/`).then(
				(r) => r.body.text(),
				(e: unknown) => e,
			).then(
				(v) => v,
				(e: unknown) => e,
			);
			expect(classify(error)).toMatchObject({ source: 'transport', category: 'network', retryable: true });
		} finally {
			await new Promise((resolve) => server.close(resolve));
		}
	});

	it.each([
		new undiciErrors.ConnectTimeoutError(),
		new undiciErrors.HeadersTimeoutError(),
		new undiciErrors.BodyTimeoutError(),
		new undiciErrors.SocketError('other side closed'),
	])('undici %p', (error) => {
		const info = classify(error);
		expect(info).toMatchObject({ source: 'transport', category: 'network', code: (error as { code: string }).code });
		expect(info.meaning).not.toBe(classify({ code: 'EWHATEVER', message: 'x' }).meaning);
	});

	it('fetch failed with the code in its cause, TLS codes, serialized errors', () => {
		const fetchFailed = new TypeError('fetch failed', { cause: Object.assign(new Error('connect ETIMEDOUT'), { code: 'ETIMEDOUT' }) });
		expect(classify(fetchFailed)).toMatchObject({ category: 'network', code: 'ETIMEDOUT', source: 'transport' });
		const tls = Object.assign(new Error('certificate has expired'), { code: 'CERT_HAS_EXPIRED' });
		expect(classify(tls)).toMatchObject({ category: 'network', code: 'CERT_HAS_EXPIRED' });
		expect(classify(tls).meaning).toMatch(/TLS/);
		expect(classify({ name: 'Error', message: 'read ECONNRESET', code: 'ECONNRESET', errno: -104, syscall: 'read' })).toMatchObject({
			source: 'transport',
			code: 'ECONNRESET',
			message: 'read ECONNRESET',
		});
	});

	it('a body that is not JSON takes its category from the status, network without one', () => {
		const html = '<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>';
		expect(classify(html, { httpStatus: 502 })).toMatchObject({ source: 'transport', category: 'server', retryable: true, message: '502 Bad Gateway', httpStatus: 502 });
		expect(classify(html, { httpStatus: 429 })).toMatchObject({ category: 'rate_limit' });
		expect(classify(html)).toMatchObject({ category: 'network', retryable: true });
		const truncated = '{"error":{"message":"(#17) User request limit reached","type":"OAuthException","code":17,"fbtr';
		expect(classify(truncated)).toMatchObject({ source: 'transport', category: 'network', action: 'retry' });
		expect(classify(truncated, { httpStatus: 200 }).category).toBe('network');
		expect(classify(truncated, { httpStatus: 503 }).category).toBe('server');
		expect(classify('', { httpStatus: 502 }).category).toBe('server');
		expect(classify('').category).toBe('network');
		expect(classify('upstream connect error or disconnect/reset before headers', { httpStatus: 503 }).category).toBe('server');
		expect(classify(html, { httpStatus: 502 }).meaning).toMatch(/not JSON/);
	});
});

const node: INode = {
	id: 'n1',
	name: 'Facebook Graph API',
	type: 'n8n-nodes-base.facebookGraphApi',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
};

describe('6. n8n error items, Error Trigger data and NodeApiError', () => {
	const metaBody = { error: { message: '(#17) User request limit reached', type: 'OAuthException', code: 17, error_subcode: 2446079, fbtrace_id: 'Atr' } };

	it('a real NodeApiError wrapping a request error (as the Facebook Graph API node throws it)', () => {
		const requestError = {
			name: 'StatusCodeError',
			statusCode: 400,
			message: `400 - ${JSON.stringify(metaBody)}`,
			error: metaBody,
		};
		const error = new NodeApiError(node, requestError as unknown as JsonObject);
		const info = classify(error);
		expect(info).toMatchObject({ source: 'n8n', category: 'rate_limit', code: 17, subcode: 2446079, httpStatus: 400, fbtraceId: 'Atr' });
		// n8n serializes it with toJSON (message, description, context, cause)
		const serialized = JSON.parse(JSON.stringify(error));
		expect(classify(serialized)).toMatchObject({ source: 'n8n', category: 'rate_limit', code: 17 });
	});

	it('a NodeApiError with explicit httpCode and description, and an axios-style cause', () => {
		const axiosError = Object.assign(new Error('Request failed with status code 403'), {
			code: 'ERR_BAD_REQUEST',
			status: 403,
			response: { status: 403, data: { error: { message: '(#10) Permission denied', code: 10, type: 'OAuthException' } } },
		});
		const error = new NodeApiError(node, axiosError as unknown as JsonObject, { httpCode: '403' });
		expect(classify(error)).toMatchObject({ source: 'n8n', category: 'permission', code: 10, httpStatus: 403 });
	});

	it('the Meta body as JSON text inside description or message ("400 - {...}")', () => {
		const inDescription = { error: { message: 'Bad request - please check your parameters', description: JSON.stringify(metaBody), httpCode: '400' } };
		expect(classify(inDescription)).toMatchObject({ source: 'n8n', code: 17, category: 'rate_limit', httpStatus: 400 });
		const inMessage = { error: { message: `400 - ${JSON.stringify(metaBody)}` } };
		expect(classify(inMessage)).toMatchObject({ code: 17, httpStatus: 400, category: 'rate_limit' });
		const doubleEncoded = { message: `400 - ${JSON.stringify(JSON.stringify(metaBody))}`, name: 'NodeApiError' };
		expect(classify(doubleEncoded)).toMatchObject({ code: 17, httpStatus: 400 });
		expect(classify(`400 - ${JSON.stringify(metaBody)}`)).toMatchObject({ code: 17, httpStatus: 400 });
	});

	it('an n8n error output item of the HTTP Request node', () => {
		const item = {
			error: {
				message: 'Bad request - please check your parameters',
				description: '(#100) Invalid parameter',
				httpCode: '400',
				name: 'NodeApiError',
				context: {},
				cause: { status: 400, error: { error: { ...graphError } } },
			},
			id: 'keep-me',
		};
		expect(classify(item)).toMatchObject({ ...expectedGraph, source: 'n8n', httpStatus: 400 });
	});

	it('Error Trigger payloads', () => {
		const trigger = {
			execution: {
				id: '231',
				error: { message: 'Error validating access token: Session has expired on Tuesday', stack: 'NodeApiError: ...', httpCode: '401' },
				lastNodeExecuted: 'Facebook Graph API',
				mode: 'trigger',
			},
			workflow: { id: '12', name: 'Sync ads' },
		};
		expect(classify(trigger)).toMatchObject({ source: 'n8n', category: 'auth', httpStatus: 401 });
		const withCode = { execution: { error: { message: 'Forbidden - perhaps check your credentials?', description: '(#200) Requires business_management permission', httpCode: '403' } } };
		expect(classify(withCode)).toMatchObject({ source: 'n8n', category: 'permission', code: 200, httpStatus: 403 });
		expect(classify({ trigger: { error: { message: 'connect ECONNREFUSED 127.0.0.1:443' } } })).toMatchObject({ category: 'network', code: 'ECONNREFUSED' });
	});

	it('n8n status texts alone, with or without httpCode', () => {
		expect(classify({ error: { message: 'The service is receiving too many requests from you', httpCode: '429' } }).category).toBe('rate_limit');
		expect(classify({ error: 'The service is receiving too many requests from you' }).category).toBe('rate_limit');
		expect(classify({ error: { message: 'Service unavailable - try again later', httpCode: '503' } })).toMatchObject({ category: 'server', httpStatus: 503 });
	});
});

describe('7. WhatsApp failed status', () => {
	const status = {
		id: 'wamid.HBgL',
		status: 'failed',
		timestamp: '1730700000',
		recipient_id: '16505551234',
		errors: [
			{ code: 131050, title: 'Unable to deliver the message.', message: 'Unable to deliver the message.', error_data: { details: 'User opted out of marketing messages.' } },
			{ code: 131000, title: 'second one does not count' },
		],
	};

	it('the first error counts', () => {
		expect(classify(status)).toMatchObject({ source: 'graph', code: 131050, category: 'delivery', details: 'User opted out of marketing messages.' });
	});

	it('inside a whole webhook body', () => {
		const webhook = {
			object: 'whatsapp_business_account',
			entry: [{ id: 'WABA', changes: [{ field: 'messages', value: { statuses: [{ id: 'ok', status: 'delivered' }, status] } }] }],
		};
		expect(classify(webhook)).toMatchObject({ code: 131050, category: 'delivery' });
	});
});

describe('8. text only', () => {
	it.each([
		['(#17) User request limit reached', 'rate_limit', 17],
		['(#131056) (Business Account, Consumer Account) pair rate limit hit', 'rate_limit', 131056],
		['Error validating access token: Session has expired on Tuesday.', 'auth', undefined],
		['Application request limit reached', 'rate_limit', undefined],
		['read ECONNRESET', 'network', 'ECONNRESET'],
		['The ad was disapproved for violating advertising policies', 'policy', undefined],
	])('%s', (text, category, code) => {
		const info = classify(text);
		expect(info.category).toBe(category);
		expect(info.code).toBe(code);
		expect(info.message).toBe(text);
		expect(classify({ message: text }).category).toBe(category);
	});

	it('a plain text without any clue is unknown', () => {
		expect(classify('something odd happened')).toMatchObject({ category: 'unknown', source: 'unknown', message: 'something odd happened' });
	});
});

describe('9. anything else', () => {
	const nothingMeaning = classifyMetaError(null).meaning;

	it.each([
		['null', null],
		['undefined', undefined],
		['number', 42],
		['NaN', Number.NaN],
		['boolean', true],
		['bigint', BigInt(10)],
		['symbol', Symbol('x')],
		['function', () => 1],
		['empty object', {}],
		['array', [1, 2, 3]],
		['array of bodies', [{ error: { code: 190 } }]],
		['JSON null', 'null'],
		['JSON number', '42'],
		['JSON array', '[{"error":{"code":190}}]'],
		['Date', new Date(0)],
	])('%s → unknown', (_name, input) => {
		const info = classify(input);
		expect(info).toMatchObject({ category: 'unknown', retryable: false, action: 'escalate', source: 'unknown' });
		expect(info.meaning).toMatch(/No recognisable/);
	});

	it('says clearly when nothing was recognised', () => {
		expect(nothingMeaning).toMatch(/No recognisable Meta, AdCP or transport failure/);
	});

	it('cycles', () => {
		const a: Record<string, unknown> = { message: 'loop' };
		a.error = a;
		a.cause = a;
		const b: Record<string, unknown> = { error: { code: 190, message: 'x', fbtrace_id: 't' } };
		(b.error as Record<string, unknown>).self = b;
		expect(classify(a).category).toBe('unknown');
		expect(classify(b).category).toBe('auth');
	});

	it('deep nesting, 10,000 levels, as objects and as JSON text', () => {
		let deep: Record<string, unknown> = { error: { code: 190, message: 'bottom' } };
		for (let i = 0; i < 10_000; i++) deep = { error: deep, cause: deep };
		expect(classify(deep).category).toBe('unknown');
		const text = '{"error":'.repeat(10_000) + '{"code":190}' + '}'.repeat(10_000);
		expect(classify(text).category).toBe('unknown');
		const arrays = '['.repeat(10_000) + ']'.repeat(10_000);
		expect(classify(arrays).category).toBe('unknown');
	});

	it('1 MB strings stay small in the output', () => {
		const big = 'x'.repeat(1024 * 1024);
		for (const input of [
			big,
			{ error: { code: 100, message: big, error_user_msg: big, error_data: { details: big }, fbtrace_id: big, type: big } },
			JSON.stringify({ error: { code: 100, message: big } }),
			`<html><body>${big}`,
			{ status: 'failed', error_code: big, message: big, suggestions: [big, big], field: big },
		]) {
			const info = classify(input);
			expect(JSON.stringify(info).length).toBeLessThan(12_000);
		}
		expect(classify({ error: { code: 100, message: big } }).message).toHaveLength(2001);
	});

	it('hostile getters and proxies', () => {
		const hostile = new Proxy({}, { get: () => { throw new Error('boom'); }, has: () => { throw new Error('boom'); } });
		expect(classify(hostile)).toMatchObject({ category: 'unknown' });
		const getter = { get error() { throw new Error('nope'); } };
		expect(classify(getter).category).toBe('unknown');
		expect(classify({ error: graphError }, null as unknown as undefined).category).toBe('validation');
		expect(classify({ error: graphError }, { httpStatus: 'abc' as unknown as number, headers: 5 as never, secrets: 'x' as never }).category).toBe('validation');
	});

	it('ignores a "__proto__" key', () => {
		const info = classify(JSON.parse('{"__proto__":{"polluted":true},"error":{"code":4,"message":"x"}}'));
		expect(info.category).toBe('rate_limit');
		expect(({} as Record<string, unknown>).polluted).toBeUndefined();
	});
});

describe('ad disapproval', () => {
	it('an ad with effective_status DISAPPROVED is policy / pause', () => {
		const info = classify({ id: '120', effective_status: 'DISAPPROVED', ad_review_feedback: { global: { 'Misleading Claims': 'Ads must not ...' } } });
		expect(info).toMatchObject({ category: 'policy', action: 'pause', details: 'Misleading Claims: Ads must not ...' });
	});
});

describe('bounded work', () => {
	it('a wide tree of wrappers (many distinct objects) is cut off quickly', () => {
		const tree = (depth: number): unknown =>
			depth === 0 ? { message: 'leaf' } : { error: tree(depth - 1), cause: tree(depth - 1), description: 'x', httpCode: '400' };
		const started = Date.now();
		expect(classify(tree(16)).category).toBe('unknown');
		expect(Date.now() - started).toBeLessThan(2000);
	});
});
