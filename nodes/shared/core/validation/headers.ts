// Request headers a send may not carry, whoever wrote them (a Custom API Call's Headers, a replay
// record's headers): those the client sets itself, hop-by-hop headers that belong to one
// connection, and authentication, which is the credential's alone. One rule for every send.

/** Lower-case name → why it is refused. */
export const REFUSED_HEADERS: Readonly<Record<string, string>> = {
	host: "is the credential's Base URL host",
	'idempotency-key': 'is set by the node on every write; use the option Idempotency Key',
	'content-type': 'is set by the node (the JSON Body is sent as application/json)',
	'content-length': 'is set by the node',
	connection: 'belongs to one connection (hop-by-hop), not to the request',
	'keep-alive': 'belongs to one connection (hop-by-hop), not to the request',
	'proxy-authorization': 'would authenticate to a proxy with something else than the credential',
	'proxy-connection': 'belongs to one connection (hop-by-hop), not to the request',
	te: 'belongs to one connection (hop-by-hop), not to the request',
	trailer: 'belongs to one connection (hop-by-hop), not to the request',
	'transfer-encoding': 'is set by the node',
	upgrade: 'belongs to one connection (hop-by-hop), not to the request',
	expect: 'is not sent by the node',
	cookie: "would send a session beside the credential's token",
	authorization: "would replace or stand beside the credential's own Authorization header; the credential does the authentication",
	'x-api-key': 'is not read by Meta (the Graph API takes no API key header); the credential does the authentication',
	'api-key': 'is not read by Meta (the Graph API takes no API key header); the credential does the authentication',
	apikey: 'is not read by Meta (the Graph API takes no API key header); the credential does the authentication',
	'x-access-token': 'is not read by Meta; the credential does the authentication',
};

/** Why a header may not be sent, or undefined when it may. */
export function refusedHeader(name: string): string | undefined {
	return REFUSED_HEADERS[name.trim().toLowerCase()];
}

/** The first header of `headers` that may not be sent, with why; undefined when all may. */
export function firstRefusedHeader(headers: Record<string, string> | undefined): { name: string; why: string } | undefined {
	for (const name of Object.keys(headers ?? {})) {
		const why = refusedHeader(name);
		if (why) return { name, why };
	}
	return undefined;
}
