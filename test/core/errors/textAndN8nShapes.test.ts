// Failures written by other clients: transport texts of cURL, OpenSSL, Python, Go, Java, .NET
// and the Meta SDKs; and n8n's "copy error" JSON from the editor's error view, which nests the
// Meta body deeper than the error output does.
import { classifyMetaError, type MetaErrorInfo } from '../../../nodes/shared/core';
import { expectValidInfo } from './expectInfo';

const classify = (input: unknown, context?: Parameters<typeof classifyMetaError>[1]): MetaErrorInfo =>
	expectValidInfo(classifyMetaError(input, context));

const TRANSPORT_TEXTS: string[] = [
	// cURL (PHP, Guzzle, the facebook-php-sdk's curl client, shell scripts)
	'cURL error 56: OpenSSL SSL_read: Connection reset by peer, errno 104',
	'curl: (35) OpenSSL SSL_connect: SSL_ERROR_SYSCALL in connection to graph.facebook.com:443',
	'cURL error 28: Operation timed out after 30001 milliseconds with 0 bytes received',
	'cURL error 7: Failed to connect to graph.facebook.com port 443: Connection refused (see https://curl.haxx.se/libcurl/c/libcurl-errors.html)',
	'cURL error 6: Could not resolve host: graph.facebook.com',
	'curl: (52) Empty reply from server',
	'curl: (92) HTTP/2 stream 1 was not closed cleanly: PROTOCOL_ERROR (err 1)',
	'Unknown SSL protocol error in connection to graph.facebook.com:443',
	'Stream returned an empty response',
	'Connection reset by peer',
	'SSL handshake failed',
	'TLS handshake timeout',
	'Failed to connect to graph.facebook.com port 443',
	'Could not resolve host',
	// Python requests / urllib3 (facebook-python-business-sdk)
	"HTTPSConnectionPool(host='graph.facebook.com', port=443): Max retries exceeded with url: /v21.0/act_1/insights (Caused by NewConnectionError('<urllib3.connection.HTTPSConnection object at 0x7f>: Failed to establish a new connection: [Errno 111] Connection refused'))",
	"('Connection aborted.', RemoteDisconnected('Remote end closed connection without response'))",
	"('Connection aborted.', ConnectionResetError(104, 'Connection reset by peer'))",
	"HTTPSConnectionPool(host='graph.facebook.com', port=443): Max retries exceeded with url: /me (Caused by SSLError(SSLEOFError(8, 'EOF occurred in violation of protocol (_ssl.c:2396)')))",
	'EOF occurred in violation of protocol (_ssl.c:1129)',
	"('Connection broken: IncompleteRead(0 bytes read)', IncompleteRead(0 bytes read))",
	"HTTPSConnectionPool(host='graph.facebook.com', port=443): Read timed out. (read timeout=60)",
	'[Errno -3] Temporary failure in name resolution',
	// Go
	'read tcp 10.0.0.5:53218->157.240.22.19:443: read: connection reset by peer',
	'Post "https://graph.facebook.com/v21.0/1/messages": dial tcp: lookup graph.facebook.com: no such host',
	'Post "https://graph.facebook.com/v21.0/1/messages": net/http: TLS handshake timeout',
	'Get "https://graph.facebook.com/me": unexpected EOF',
	// Java, .NET, Node
	'java.net.SocketException: Connection reset',
	'javax.net.ssl.SSLHandshakeException: Remote host terminated the handshake',
	'java.net.UnknownHostException: graph.facebook.com',
	'An existing connection was forcibly closed by the remote host.',
	'The SSL connection could not be established, see inner exception.',
	'Client network socket disconnected before secure TLS connection was established',
	'write EPROTO 140:error:1408F10B:SSL routines:ssl3_get_record:wrong version number',
];

describe('transport failures written as text by other clients', () => {
	it.each(TRANSPORT_TEXTS)('%s → network, retryable', (text) => {
		const info = classify(text);
		expect({ category: info.category, retryable: info.retryable, action: info.action, source: info.source }).toEqual({
			category: 'network',
			retryable: true,
			action: 'retry',
			source: 'transport',
		});
		expect(info.message).toBeTruthy();
	});

	it.each(TRANSPORT_TEXTS.slice(0, 6))('%s inside an n8n error item → network', (text) => {
		expect(classify({ error: { message: text, name: 'NodeOperationError' } }).category).toBe('network');
		expect(classify({ json: { error: { message: text } } }).category).toBe('network');
	});

	it('a Meta (#NNN) code in the text still wins over the transport words', () => {
		expect(classify('(#17) User request limit reached; connection reset by peer')).toMatchObject({ code: 17, category: 'rate_limit' });
		expect(classify('cURL error 56: (#190) Error validating access token')).toMatchObject({ code: 190, category: 'auth' });
		expect(classify('(#100) Invalid parameter after SSL handshake failed')).toMatchObject({ code: 100, category: 'validation' });
	});

	it('urllib3 giving up on repeated answers keeps the kind of those answers', () => {
		const many = (status: number) =>
			`HTTPSConnectionPool(host='graph.facebook.com', port=443): Max retries exceeded with url: /me (Caused by ResponseError('too many ${status} error responses'))`;
		expect(classify(many(503)).category).toBe('server');
		expect(classify(many(429)).category).toBe('rate_limit');
	});

	it('curl --fail on an HTTP status is not a transport failure', () => {
		expect(classify('curl: (22) The requested URL returned error: 404').category).not.toBe('network');
	});

	it('plain words stay unknown', () => {
		for (const text of ['The handshake between teams went well', 'Incorrect certificate of origin', 'peer review pending']) {
			expect(classify(text).category).toBe('unknown');
		}
	});

	it('an SDK exception serialized with its cURL errno as code is a transport failure', () => {
		// facebook-php-graph-sdk: throw new FacebookSDKException(curl_error(), curl_errno())
		const php = classify({ message: 'Operation timed out after 60001 milliseconds with 0 bytes received', code: 28 });
		expect(php).toMatchObject({ category: 'network', retryable: true, source: 'transport' });
		expect(classify({ message: 'OpenSSL SSL_read: SSL_ERROR_SYSCALL, errno 104', code: 56 }).category).toBe('network');
		// a known Meta code keeps its row even next to such words
		expect(classify({ error: { message: 'Please retry: connection reset', code: 4, type: 'OAuthException' } }).category).toBe(
			'rate_limit',
		);
	});

	it('facebook-nodejs-business-sdk FacebookRequestError: the Meta body under response.error', () => {
		const sdkError = {
			name: 'FacebookRequestError',
			message: 'Adcreative Create Failed: The link field is required.',
			status: 400,
			response: {
				error: {
					message: 'Invalid parameter',
					type: 'OAuthException',
					code: 100,
					error_subcode: 1885272,
					error_user_title: 'Adcreative Create Failed',
					error_user_msg: 'The link field is required.',
					fbtrace_id: 'AnodeTrace',
				},
			},
			method: 'POST',
			url: 'https://graph.facebook.com/v21.0/act_1/ads',
		};
		expect(classify(sdkError)).toMatchObject({
			category: 'validation',
			code: 100,
			subcode: 1885272,
			fbtraceId: 'AnodeTrace',
			httpStatus: 400,
		});
		// a network error of the same SDK (request-promise RequestError)
		expect(
			classify({ name: 'FacebookRequestError', message: 'Error: read ECONNRESET', status: null, response: { error: { code: 'ECONNRESET' } } })
				.category,
		).toBe('network');
	});

	it('facebook-python-business-sdk FacebookRequestError text: the JSON body inside the text', () => {
		const text = [
			'',
			'',
			'  Message: Call was not successful',
			'  Method:  POST',
			'  Path:    https://graph.facebook.com/v21.0/act_123/adsets',
			"  Params:  {'name': 'My set', 'daily_budget': '10'}",
			'',
			'  Status:  400',
			'  Response:',
			'    {',
			'      "error": {',
			'        "message": "Invalid parameter",',
			'        "type": "OAuthException",',
			'        "code": 100,',
			'        "error_subcode": 1885650,',
			'        "is_transient": false,',
			'        "error_user_title": "Budget Too Low",',
			'        "fbtrace_id": "ApyTrace"',
			'      }',
			'    }',
			'',
		].join('\n');
		expect(classify(text)).toMatchObject({ category: 'validation', code: 100, subcode: 1885650, fbtraceId: 'ApyTrace', httpStatus: 400 });
		// the same body further down a longer dump, past where a leading JSON is looked for
		const long = text.replace("  Params:  {'name': 'My set', 'daily_budget': '10'}", `  Params:  {'name': '${'x'.repeat(400)}'}`);
		expect(classify(long)).toMatchObject({ category: 'validation', subcode: 1885650, httpStatus: 400 });
	});
});

// ---------- n8n's "copy error" JSON ----------
// The editor's NodeErrorView copyErrorDetails() (n8n-io/n8n, packages/frontend/editor-ui, the same
// function in 1.x and 2.x): { errorMessage, errorDescription?, errorDetails: { rawErrorMessage?:
// error.messages, httpCode?, errorData?: context.data, errorExtra? }, n8nDetails: { nodeName,
// nodeType, nodeVersion, resource?, operation?, itemIndex?, runIndex?, parameter?, time?,
// n8nVersion, binaryDataMode, cause?, stackTrace } }, copied as JSON.stringify(info, null, 2).

const metaBody = {
	error: {
		message: '(#17) User request limit reached',
		type: 'OAuthException',
		is_transient: true,
		code: 17,
		error_subcode: 2446079,
		fbtrace_id: 'AcopyTrace17',
	},
};

function copyError(rawErrorMessage: string[] | undefined, extra: Record<string, unknown> = {}): Record<string, unknown> {
	const errorDetails: Record<string, unknown> = { httpCode: '400' };
	if (rawErrorMessage) errorDetails.rawErrorMessage = rawErrorMessage;
	return {
		errorMessage: 'Bad request - please check your parameters',
		errorDescription: 'User request limit reached',
		errorDetails,
		n8nDetails: {
			nodeName: 'HTTP Request',
			nodeType: 'n8n-nodes-base.httpRequest',
			nodeVersion: 4.2,
			itemIndex: 0,
			time: '9/24/2026, 10:15:03 AM',
			n8nVersion: '1.123.4 (Self Hosted)',
			binaryDataMode: 'default',
			stackTrace: ['NodeApiError: Bad request - please check your parameters', '    at ExecuteContext.execute (/usr/lib/node_modules/n8n/...)'],
		},
		...extra,
	};
}

const expectedFromBody = { category: 'rate_limit', code: 17, subcode: 2446079, fbtraceId: 'AcopyTrace17', httpStatus: 400, source: 'n8n', retryable: true };

describe("n8n's copy-error JSON", () => {
	const quoted = copyError([`400 - ${JSON.stringify(JSON.stringify(metaBody))}`]);
	const unquoted = copyError([`400 - ${JSON.stringify(metaBody)}`]);

	it.each([
		['raw message with the body as quoted JSON (HTTP Request node)', quoted],
		['raw message with the body as JSON', unquoted],
	])('%s, as an object', (_name, copied) => {
		expect(classify(copied)).toMatchObject(expectedFromBody);
	});

	it.each([
		['quoted body', quoted],
		['plain body', unquoted],
	])('%s, as the pretty-printed string the copy button writes', (_name, copied) => {
		const text = JSON.stringify(copied, null, 2);
		expect(classify(text)).toMatchObject(expectedFromBody);
		expect(classify(text)).toEqual(classify(copied));
	});

	it('wrapped as an n8n item, alone or in a list of one', () => {
		expect(classify({ json: quoted })).toMatchObject(expectedFromBody);
		expect(classify({ json: JSON.stringify(quoted, null, 2) })).toMatchObject(expectedFromBody);
		expect(classify({ json: { data: JSON.stringify(unquoted) } })).toMatchObject(expectedFromBody);
	});

	it('the Meta body under errorData or n8nDetails.cause', () => {
		expect(classify(copyError(undefined, { errorDetails: { httpCode: '400', errorData: metaBody } }))).toMatchObject(expectedFromBody);
		const withCause = copyError(undefined);
		(withCause.n8nDetails as Record<string, unknown>).cause = { name: 'AxiosError', code: 'ERR_BAD_REQUEST', status: 400, response: { data: metaBody } };
		expect(classify(withCause)).toMatchObject(expectedFromBody);
	});

	it('the category comes from the Meta code, not from the HTTP status n8n kept', () => {
		const auth = copyError([`401 - ${JSON.stringify(JSON.stringify({ error: { message: 'Error validating access token', code: 190, error_subcode: 463, fbtrace_id: 'At' } }))}`]);
		(auth.errorDetails as Record<string, unknown>).httpCode = '401';
		expect(classify(auth)).toMatchObject({ category: 'auth', code: 190, subcode: 463, httpStatus: 401 });
		const whatsapp = copyError([`400 - ${JSON.stringify({ error: { message: '(#131047) Re-engagement message', code: 131047, fbtrace_id: 'Aw' } })}`]);
		expect(classify(whatsapp)).toMatchObject({ category: 'policy', code: 131047, action: 'pause' });
	});

	it('only the description kept the Meta text: its (#NNN) code counts', () => {
		const copied = copyError(undefined, { errorDescription: '(#613) Calls to this api have exceeded the rate limit.' });
		expect(classify(copied)).toMatchObject({ category: 'rate_limit', code: 613, httpStatus: 400, source: 'n8n' });
	});

	it('a transport failure copied from the editor', () => {
		const copied = {
			errorMessage: 'The connection to the server was closed unexpectedly, perhaps it is offline. You can retry the request immediately or wait and retry later.',
			errorDetails: { rawErrorMessage: ['socket hang up'] },
			n8nDetails: { nodeName: 'HTTP Request', n8nVersion: '2.4.1 (Self Hosted)', binaryDataMode: 'filesystem', stackTrace: ['NodeApiError: ...'] },
		};
		expect(classify(copied)).toMatchObject({ category: 'network', retryable: true });
		expect(classify(JSON.stringify(copied, null, 2)).category).toBe('network');
	});

	it('a copied error without any Meta or transport clue is unknown, from n8n, with its message', () => {
		const copied = {
			errorMessage: "Cannot assign to read only property 'name' of object",
			errorDetails: {},
			n8nDetails: { n8nVersion: '2.15.1 (Self Hosted)', binaryDataMode: 'filesystem', stackTrace: ['TypeError: ...'] },
		};
		expect(classify(copied)).toMatchObject({ category: 'unknown', source: 'n8n', message: "Cannot assign to read only property 'name' of object" });
	});

	it('hostile copies never throw', () => {
		const hostile: unknown[] = [
			{ errorMessage: 5, errorDetails: { rawErrorMessage: 'x' }, n8nDetails: null },
			{ errorMessage: 'x', errorDetails: { rawErrorMessage: [null, 3, {}, ['a']] }, n8nDetails: { cause: 'x' } },
			{ errorMessage: 'x', errorDetails: [], n8nDetails: [] },
			{ json: { json: { json: { errorMessage: 'x', errorDetails: {} } } } },
			JSON.stringify({ errorMessage: 'x', errorDetails: { rawErrorMessage: ['400 - "{\\"error\\":{'] } }),
		];
		for (const input of hostile) expect(() => classify(input)).not.toThrow();
	});
});
