// Reading requests and writing answers, including the broken answers faults ask for.

import type { IncomingMessage, ServerResponse } from 'http';

const MAX_BODY_BYTES = 10 * 1024 * 1024;

export interface Answer {
	status: number;
	body: unknown;
	headers?: Record<string, string>;
}

export function readBody(req: IncomingMessage): Promise<string> {
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		let size = 0;
		req.on('data', (chunk: Buffer) => {
			size += chunk.length;
			if (size > MAX_BODY_BYTES) reject(new Error('request body too large'));
			else chunks.push(chunk);
		});
		req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
		req.on('error', reject);
	});
}

/** Graph reads form values that look like JSON (`adbatch=[...]`, `targeting={...}`) as JSON. */
function formValue(value: string): unknown {
	const first = value.trimStart()[0];
	if (first !== '{' && first !== '[') return value;
	try {
		return JSON.parse(value);
	} catch {
		return value;
	}
}

export function formParams(params: URLSearchParams): Record<string, unknown> {
	const result: Record<string, unknown> = {};
	for (const [name, value] of params) result[name] = formValue(value);
	return result;
}

/** JSON or form body; `invalid` when it claims to be JSON and is not. */
export function parseBody(raw: string, contentType: string | undefined): { body?: unknown; invalid?: boolean } {
	if (raw === '') return {};
	const type = contentType ?? '';
	if (type.includes('json') || (!type.includes('form') && /^\s*[[{]/.test(raw))) {
		try {
			return { body: JSON.parse(raw) };
		} catch {
			return { invalid: true };
		}
	}
	return { body: formParams(new URLSearchParams(raw)) };
}

/** An answer with `body: undefined` (a redirect) is sent with an empty body. */
export function sendJson(res: ServerResponse, answer: Answer, headers: Record<string, string>): void {
	const text = answer.body === undefined ? '' : JSON.stringify(answer.body);
	res.writeHead(answer.status, {
		...headers,
		...answer.headers,
		'content-type': 'application/json; charset=UTF-8',
		'content-length': String(Buffer.byteLength(text)),
	});
	res.end(text);
}

export function sendText(res: ServerResponse, status: number, text: string, headers: Record<string, string>): void {
	res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', ...headers, 'content-length': String(Buffer.byteLength(text)) });
	res.end(text);
}

/** Headers and the first half of the body, then a TCP reset: the client saw its request accepted. */
export function sendThenReset(res: ServerResponse, answer: Answer, headers: Record<string, string>): void {
	const text = Buffer.from(JSON.stringify(answer.body));
	res.writeHead(answer.status, {
		...headers,
		...answer.headers,
		'content-type': 'application/json; charset=UTF-8',
		'content-length': String(text.length),
	});
	res.write(text.subarray(0, Math.floor(text.length / 2)), () => setImmediate(() => res.socket?.resetAndDestroy()));
}

/** A 200 that promises more bytes than it sends, then closes: the client reads cut-off JSON. */
export function sendTruncated(res: ServerResponse, answer: Answer, headers: Record<string, string>): void {
	const text = Buffer.from(JSON.stringify(answer.body));
	res.writeHead(200, {
		...headers,
		...answer.headers,
		'content-type': 'application/json; charset=UTF-8',
		'content-length': String(text.length + 64),
	});
	res.write(text.subarray(0, Math.max(1, Math.floor(text.length * 0.6))), () => setImmediate(() => res.socket?.destroy()));
}

const HTML_502 = `<!DOCTYPE html>
<html lang="en" id="facebook">
<head><title>Facebook | Error</title><meta charset="utf-8"></head>
<body>
<div id="content"><h1>Sorry, something went wrong.</h1>
<p>We're working on getting this fixed as soon as we can.</p>
<p>502 Bad Gateway</p></div>
</body>
</html>
`;

export function sendHtml502(res: ServerResponse): void {
	res.writeHead(502, { 'content-type': 'text/html; charset=utf-8', 'content-length': String(Buffer.byteLength(HTML_502)) });
	res.end(HTML_502);
}
