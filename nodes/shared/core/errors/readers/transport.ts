// Transport failures (input kind 5 of docs/ARCHITECTURE.md): an Error, or its serialized form, with a Node / undici / TLS
// code or error name; and a body that is not JSON (an HTML 502 page, a truncated read).
import type { ErrorCategory } from '../../types';
import { NON_JSON_MEANING } from '../catalog';
import { transportErrorSchema } from '../schemas';
import { bodySnippet, metaCodeInText } from '../text';
import { newReading, type Obj, type Reading } from './reading';
import { statusCategory } from './values';

const TRANSPORT_CODE =
	/^(E[A-Z0-9]{2,}|EAI_[A-Z]+|UND_ERR(_[A-Z_]+)?|ERR_TLS_[A-Z_]+|ERR_SSL_[A-Z0-9_]+|ERR_SOCKET_[A-Z_]+|ERR_STREAM_PREMATURE_CLOSE|ERR_NETWORK|ERR_HTTP2_[A-Z_]+|CERT_[A-Z_]+|UNABLE_TO_[A-Z_]+|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|HOSTNAME_MISMATCH|ABORT_ERR)$/;
const TRANSPORT_NAMES = new Set([
	'ConnectTimeoutError',
	'HeadersTimeoutError',
	'BodyTimeoutError',
	'SocketError',
	'AbortError',
	'TimeoutError',
	'RequestAbortedError',
	'ClientClosedError',
	'ClientDestroyedError',
	'ResponseContentLengthMismatchError',
	'RequestContentLengthMismatchError',
]);

function looksTransport(o: Obj): boolean {
	return (
		(typeof o.code === 'string' && TRANSPORT_CODE.test(o.code)) ||
		(typeof o.name === 'string' && TRANSPORT_NAMES.has(o.name))
	);
}

/** An error object with a transport code or name. */
export function readTransport(o: Obj): Reading | undefined {
	if (!looksTransport(o)) return undefined;
	const parsed = transportErrorSchema.safeParse(o);
	const r = newReading('transport', true);
	r.category = 'network';
	if (!parsed.success) return r;
	const t = parsed.data;
	if (t.code) r.code = t.code;
	if (t.message) r.message = t.message;
	return r;
}

/** A body that is not JSON: by status; a success status or none means a cut-off read. */
function nonJsonCategory(status: number | undefined): ErrorCategory {
	if (status === undefined || status < 400) return 'network';
	return statusCategory(status) ?? 'unknown';
}

/**
 * A body that is not JSON (`first` is its first non-blank character). A plain-text body may
 * still name its Meta code; a cut-off JSON or HTML page goes by the HTTP status.
 */
export function readNonJsonBody(body: string, first: string, httpStatus: number | undefined): Reading {
	const r = newReading('transport', true);
	r.meaning = NON_JSON_MEANING;
	const code = first === '{' || first === '[' || first === '<' ? undefined : metaCodeInText(body);
	if (code !== undefined) r.code = code;
	else r.category = nonJsonCategory(httpStatus);
	const snippet = bodySnippet(body);
	if (snippet) r.message = snippet;
	return r;
}
