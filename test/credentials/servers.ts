/**
 * Two tiny HTTP servers for the credential test, in-process and in real n8n (test/e2e):
 *
 * - `base` (127.0.0.1) plays the credential's Base URL. Its first path segment picks the answer:
 *   `/graph/...` is a Graph API whose `/me` answers `{id, name}` for the right bearer token and
 *   Meta's error 190 otherwise; `/redirect/<status>/...` answers that status with
 *   `Location: <other host>/...` (same rest of the path, same query), as a proxy that moved would;
 *   `/relative/<status>/...` redirects to `/graph/...` on its own host; `/nolocation/<status>`
 *   answers the status without a Location.
 * - `other` (127.0.0.2, another origin) plays the host a redirect points at. It answers every
 *   request with a Graph user `{"id":"1","name":"x"}`, so a client that follows the redirect
 *   would call the test a success; it records every request it gets.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
	method: string;
	/** Path and query as received. */
	url: string;
	headers: http.IncomingHttpHeaders;
	body: string;
}

export interface TestServer {
	/** `http://host:port`, no trailing slash. */
	url: string;
	/** `host:port`, as a URL's `host` names it. */
	host: string;
	requests: RecordedRequest[];
}

export interface CredentialServers {
	base: TestServer;
	other: TestServer;
	reset(): void;
	close(): Promise<void>;
}

export const GRAPH_USER = { id: '10', name: 'Test User' };
export const OTHER_HOST_USER = { id: '1', name: 'x' };
export const EXPIRED_TOKEN_BODY = {
	error: {
		message: 'Error validating access token: Session has expired on Friday, 01-Jan-21 00:00:00 PST.',
		type: 'OAuthException',
		code: 190,
		error_subcode: 463,
		fbtrace_id: 'AbCdEf123',
	},
};

type Handler = (req: RecordedRequest, res: http.ServerResponse, self: TestServer) => void;

async function listen(hostname: string, handler: Handler): Promise<{ server: http.Server; info: TestServer }> {
	const info: TestServer = { url: '', host: '', requests: [] };
	const server = http.createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (c: Buffer) => chunks.push(c));
		req.on('end', () => {
			const recorded: RecordedRequest = {
				method: req.method ?? '',
				url: req.url ?? '',
				headers: req.headers,
				body: Buffer.concat(chunks).toString('utf8'),
			};
			info.requests.push(recorded);
			handler(recorded, res, info);
		});
	});
	server.keepAliveTimeout = 500;
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(0, hostname, () => resolve());
	});
	const { port } = server.address() as AddressInfo;
	info.host = `${hostname}:${port}`;
	info.url = `http://${info.host}`;
	return { server, info };
}

function json(res: http.ServerResponse, status: number, body: unknown): void {
	res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8' });
	res.end(JSON.stringify(body));
}

/** Starts both servers; `token` is the one the `/graph` API accepts. */
export async function startCredentialServers(token: string): Promise<CredentialServers> {
	const other = await listen('127.0.0.2', (_req, res) => json(res, 200, OTHER_HOST_USER));
	const base = await listen('127.0.0.1', (req, res) => {
		const [, kind, statusText, ...rest] = req.url.split('?')[0].split('/');
		const query = req.url.includes('?') ? req.url.slice(req.url.indexOf('?')) : '';
		const status = Number(statusText);
		if (kind === 'graph') {
			if (!req.url.split('?')[0].endsWith('/me')) return json(res, 404, { error: { message: 'Unknown path', code: 100 } });
			if (req.headers.authorization === `Bearer ${token}`) return json(res, 200, GRAPH_USER);
			return json(res, 400, EXPIRED_TOKEN_BODY);
		}
		if (kind === 'redirect' || kind === 'relative') {
			const target = kind === 'redirect' ? `${other.info.url}/${rest.join('/')}${query}` : `/graph/${rest.join('/')}${query}`;
			res.writeHead(status, { location: target, 'content-type': 'text/html' });
			return res.end(`<a href="${target}">Moved</a>`);
		}
		if (kind === 'nolocation') {
			res.writeHead(status, { 'content-type': 'text/plain' });
			return res.end('Moved somewhere');
		}
		json(res, 404, { error: { message: 'Unknown path', code: 100 } });
	});
	return {
		base: base.info,
		other: other.info,
		reset() {
			base.info.requests.length = 0;
			other.info.requests.length = 0;
		},
		async close() {
			for (const { server } of [base, other]) {
				server.closeAllConnections();
				await new Promise<void>((resolve) => server.close(() => resolve()));
			}
		},
	};
}

/** Everything a request carried (headers, URL, body), to search for a secret. */
export function everythingSent(requests: RecordedRequest[]): string {
	return JSON.stringify(requests);
}
