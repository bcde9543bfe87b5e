// Where a request goes. The token is only ever sent to the credential's own origin, so every
// path, full URL and `paging.next` is resolved against it and checked before anything is sent.
import { appSecretProof } from '../core/redact';

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
