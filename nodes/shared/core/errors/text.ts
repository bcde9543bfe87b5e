// What a bare failure text tells us: a Meta code written as "(#17)", a transport code, or a
// known phrase. Only the first few KB are scanned: a real message is never longer.
import type { ErrorCategory } from '../types';

const SCAN_LIMIT = 8192;

const META_CODE = /\(#(\d{1,9})\)/;
const TRANSPORT_CODE_IN_TEXT =
	/\b(E(?:CONNRESET|CONNREFUSED|TIMEDOUT|CONNABORTED|PIPE|NOTFOUND|HOSTUNREACH|NETUNREACH|AI_AGAIN|PROTO)|UND_ERR_[A-Z_]+|ERR_TLS_[A-Z_]+|CERT_HAS_EXPIRED|UNABLE_TO_VERIFY_LEAF_SIGNATURE|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN)\b/;

/**
 * What other clients write when the transfer itself failed: cURL / OpenSSL (PHP, Guzzle, the
 * facebook-php-sdk's curl and stream clients), Python requests / urllib3 (facebook-python-
 * business-sdk), Go net/http, Java, .NET and Node. Each starts with a letter: they are grouped by
 * it into one case-insensitive regex, compiled once, so that a long text is scanned cheaply.
 */
const TRANSPORT_PHRASES: readonly string[] = [
	'connection (?:was )?(?:reset|refused|aborted|closed|timed? ?-?out)',
	'connection broken',
	'reset by peer',
	'broken pipe',
	'remote ?disconnected',
	'remote end closed',
	'remote host (?:closed|terminated)',
	'terminated the handshake',
	'forcibly closed',
	'server closed the connection',
	'empty reply from server',
	'stream returned an empty response',
	'recv failure',
	'send failure',
	'transfer closed with',
	'incomplete ?read',
	'ssl[ _-]?(?:handshake|connect|read|write|routines|error|connection|eof)',
	'tls[ _-]?(?:handshake|connect|read|write|routines|error|connection|eof)',
	'unknown ssl protocol error',
	'handshake (?:failed|failure|timed? ?-?out)',
	'eof occurred in violation of protocol',
	'unexpected eof',
	'certificate (?:problem|verify failed|has expired)',
	'could not resolve (?:host|proxy)',
	"couldn'?t connect to (?:server|host)",
	'name or service not known',
	'no such host',
	'no route to host',
	'failure in name resolution',
	'failed to (?:connect to|establish a new connection)',
	'getaddrinfo',
	'nodename nor servname',
	'unknownhostexception',
	'socketexception',
	'connectexception',
	'max retries exceeded',
	'network is unreachable',
	'host is unreachable',
	'i/o timeout',
	'client network socket disconnected',
	'not closed cleanly',
	'socket hang up',
	'other side closed',
	'timed? ?-?out',
];

function byFirstLetter(phrases: readonly string[]): RegExp {
	const groups = new Map<string, string[]>();
	for (const phrase of phrases) {
		const rest = groups.get(phrase[0]);
		if (rest) rest.push(phrase.slice(1));
		else groups.set(phrase[0], [phrase.slice(1)]);
	}
	return new RegExp(
		Array.from(groups, ([first, rest]) => `${first}(?:${rest.join('|')})`).join('|'),
		'i',
	);
}

const TRANSPORT_PHRASE = byFirstLetter(TRANSPORT_PHRASES);
/** A client's transport message is short: its wording is looked for in the first 2 KB only. */
const TRANSPORT_SCAN = 2048;

/** `cURL error 56:` (PHP, Guzzle) and `curl: (35)` (the command line). */
const CURL_ERROR = /\bcurl(?:\s+error\s+|:\s*\(\s*)(\d{1,3})\b/i;
/**
 * cURL error numbers of a failed transfer: resolve (5, 6), connect (7), HTTP/2 framing and
 * streams (16, 92), cut-off and empty replies (18, 52), timeout (28), send / receive (55, 56),
 * TLS (35, 51, 53, 54, 58, 59, 60, 77, 80, 83, 90, 91), HTTP/3 (95). Not 22 (`--fail` on an
 * HTTP status) nor 47 (redirects): those are answers, not transport failures.
 */
const CURL_TRANSPORT = new Set([5, 6, 7, 16, 18, 28, 35, 51, 52, 53, 54, 55, 56, 58, 59, 60, 77, 80, 83, 90, 91, 92, 95]);

/** First match wins; Meta's own phrases first, then n8n's HTTP status texts, then transport. */
const PHRASES: ReadonlyArray<readonly [RegExp, ErrorCategory]> = [
	[/error validating access token|session has expired|invalid oauth access token|access token has expired|malformed access token|authorization failed - please check your credentials/i, 'auth'],
	[/request limit reached|too many calls|calls within one hour|rate limit|too many requests|receiving too many requests|too many 429 error responses/i, 'rate_limit'],
	[/\bdisapproved\b|\b(?:ad|creative) (?:was |has been )?rejected\b|advertising polic/i, 'policy'],
	[/does not have permission|permission denied|permissions error|forbidden - perhaps check your credentials/i, 'permission'],
	[/does not exist|could not be found|cannot be loaded due to missing permissions/i, 'not_found'],
	[/service (?:is )?(?:temporarily )?unavailable|internal server error|bad gateway|gateway timed? ?-?out|unexpected error has occurred|unknown error occurred|please retry your request later|failed to process your request|not able to process your request|too many 5\d\d error responses/i, 'server'],
	[/socket hang up|other side closed|fetch failed|network error|timed? ?-?out|timeout error|unexpected end of json input|is not valid json|unexpected token .{0,20} in json/i, 'network'],
];

export interface TextFacts {
	code?: number | string;
	category?: ErrorCategory;
	/** The text named a transport code or failure. */
	transport?: boolean;
}

function scanned(text: string): string {
	return text.length > SCAN_LIMIT ? text.slice(0, SCAN_LIMIT) : text;
}

/** The Meta code written as "(#NNN)", if any. */
export function metaCodeInText(text: string): number | undefined {
	const m = META_CODE.exec(scanned(text));
	return m ? Number(m[1]) : undefined;
}

export function readText(text: string): TextFacts {
	const scan = scanned(text);
	const code = metaCodeInText(scan);
	if (code !== undefined) return { code };
	const transport = TRANSPORT_CODE_IN_TEXT.exec(scan);
	if (transport) return { code: transport[1], category: 'network', transport: true };
	if (curlTransport(scan)) return { category: 'network', transport: true };
	const category = phraseCategory(scan);
	if (category === 'network') return { category, transport: true };
	return category ? { category } : {};
}

function curlTransport(scan: string): boolean {
	const curl = CURL_ERROR.exec(scan);
	return curl !== null && CURL_TRANSPORT.has(Number(curl[1]));
}

/**
 * The text tells of a failed transfer (a transport code, a cURL error number or another
 * client's wording), whatever else it says. For the message of an object that carries a code
 * Meta does not use (an SDK exception with its cURL errno as `code`).
 */
export function transportText(text: string): boolean {
	const scan = scanned(text);
	return TRANSPORT_CODE_IN_TEXT.test(scan) || curlTransport(scan) || transportPhrase(scan);
}

function transportPhrase(scan: string): boolean {
	return TRANSPORT_PHRASE.test(scan.length > TRANSPORT_SCAN ? scan.slice(0, TRANSPORT_SCAN) : scan);
}

export function phraseCategory(text: string): ErrorCategory | undefined {
	const scan = scanned(text);
	for (const [pattern, category] of PHRASES) if (pattern.test(scan)) return category;
	return transportPhrase(scan) ? 'network' : undefined;
}

/** A short, readable line from a non-JSON body: the HTML title, or its first characters. */
export function bodySnippet(body: string, max = 300): string {
	const head = scanned(body);
	const title = /<title[^>]*>([^<]{1,200})<\/title>/i.exec(head)?.[1]?.trim();
	const h1 = /<h1[^>]*>([^<]{1,200})<\/h1>/i.exec(head)?.[1]?.trim();
	const line = title && !/^error$/i.test(title) ? title : h1 || head;
	return line.replace(/\s+/g, ' ').trim().slice(0, max);
}
