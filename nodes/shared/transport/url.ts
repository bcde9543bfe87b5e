// Where a request goes. The token is only ever sent to the credential's own origin, so every
// path, full URL and `paging.next` is resolved against it and checked before anything is sent.
import { appSecretProof } from '../core/redact';
import { hasDotDotSegment } from '../core/util';

export type QueryValue = string | number | boolean | null | undefined | object;

/** Query parameters that carry credentials: never taken from a path, a query or a next link. */
const CREDENTIAL_PARAMS = ['access_token', 'appsecret_proof'];

export class ForeignHostError extends Error {
	constructor(
		readonly host: string,
		readonly allowedHost: string,
	) {
		super(
			`Refused to call ${host}: the access token is only sent to the credential's host (${allowedHost}). ` +
				'Use a path or a URL on that host, or change the Base URL of the credential.',
		);
	}
}

/** A path that climbs out of where the credential points (`../`, `%2e%2e/`, `%2F..%2F`). */
export class PathOutsideBaseError extends Error {
	constructor(readonly path: string) {
		super(
			`Refused a path that climbs out of the credential's Base URL (a ".." segment, written plainly or encoded): ${path.length > 120 ? `${path.slice(0, 120)}…` : path}. ` +
				'Give the path of a Graph object or edge, such as act_123/ads.',
		);
	}
}

export interface ResolvedUrl {
	/** What is sent, `appsecret_proof` included. */
	url: URL;
	/** What may be shown: the same URL without any credential parameter. */
	display: string;
}

function encodeQueryValue(value: QueryValue): string | undefined {
	if (value === undefined || value === null) return undefined;
	if (typeof value === 'object') return JSON.stringify(value);
	return String(value);
}

/**
 * Resolves `path` against the credential's base URL and version: `me`, `/act_1/ads` and
 * `v24.0/me` become `<base>/<version>/…`; a full URL is kept but must be on the base URL's origin.
 * Throws `ForeignHostError` for any other origin (scheme included: no token over plain http by
 * a detour).
 */
export function resolveMetaUrl(
	base: { baseUrl: string; apiVersion: string; accessToken: string; appSecret?: string },
	path: string,
	query: Record<string, QueryValue> = {},
): ResolvedUrl {
	const baseUrl = new URL(base.baseUrl);
	const trimmed = path.trim();
	let url: URL;
	if (/^[a-z][a-z0-9+.-]*:/i.test(trimmed) || trimmed.startsWith('//')) {
		url = new URL(trimmed, baseUrl);
	} else {
		const relative = trimmed.replace(/^\/+/, '');
		const versioned = /^v\d+(\.\d+)?(\/|$|\?)/.test(relative) ? relative : `${base.apiVersion}/${relative}`;
		url = new URL(`${baseUrl.pathname.replace(/\/+$/, '')}/${versioned}`, baseUrl.origin);
	}
	if (url.origin !== baseUrl.origin) throw new ForeignHostError(url.host || url.protocol, baseUrl.host);
	// The URL parser already folded plain `..` (and `%2e%2e`): what is left must stay under the
	// Base URL's path, and no encoded `..` may remain for a server to decode.
	const prefix = baseUrl.pathname.replace(/\/+$/, '');
	if ((prefix !== '' && url.pathname !== prefix && !url.pathname.startsWith(`${prefix}/`)) || hasDotDotSegment(url.pathname) || /(^|\/)\.\.?(\/|$)/.test(trimmed.split(/[?#]/)[0])) {
		throw new PathOutsideBaseError(path);
	}
	url.hash = '';
	for (const name of CREDENTIAL_PARAMS) url.searchParams.delete(name);
	for (const [name, value] of Object.entries(query)) {
		const encoded = encodeQueryValue(value);
		if (encoded !== undefined && !CREDENTIAL_PARAMS.includes(name)) url.searchParams.set(name, encoded);
	}
	const display = url.toString();
	if (base.appSecret) url.searchParams.set('appsecret_proof', appSecretProof(base.accessToken, base.appSecret));
	return { url, display };
}
