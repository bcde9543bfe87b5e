// What a bare failure text tells us: a Meta code written as "(#17)", a transport code, or a
// known phrase. Only the first few KB are scanned: a real message is never longer.
import type { ErrorCategory } from './types';

const SCAN_LIMIT = 8192;

const META_CODE = /\(#(\d{1,9})\)/;
const TRANSPORT_CODE_IN_TEXT =
	/\b(E(?:CONNRESET|CONNREFUSED|TIMEDOUT|CONNABORTED|PIPE|NOTFOUND|HOSTUNREACH|NETUNREACH|AI_AGAIN|PROTO)|UND_ERR_[A-Z_]+|ERR_TLS_[A-Z_]+|CERT_HAS_EXPIRED|UNABLE_TO_VERIFY_LEAF_SIGNATURE|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN)\b/;

/** First match wins; Meta's own phrases first, then n8n's HTTP status texts, then transport. */
const PHRASES: ReadonlyArray<readonly [RegExp, ErrorCategory]> = [
	[/error validating access token|session has expired|invalid oauth access token|access token has expired|malformed access token|authorization failed - please check your credentials/i, 'auth'],
	[/request limit reached|too many calls|calls within one hour|rate limit|too many requests|receiving too many requests/i, 'rate_limit'],
	[/\bdisapproved\b|\b(?:ad|creative) (?:was |has been )?rejected\b|advertising polic/i, 'policy'],
	[/does not have permission|permission denied|permissions error|forbidden - perhaps check your credentials/i, 'permission'],
	[/does not exist|could not be found|cannot be loaded due to missing permissions/i, 'not_found'],
	[/service (?:is )?(?:temporarily )?unavailable|internal server error|bad gateway|gateway timed? ?-?out|unexpected error has occurred|unknown error occurred|please retry your request later|failed to process your request|not able to process your request/i, 'server'],
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
	const category = phraseCategory(scan);
	if (category === 'network') return { category, transport: true };
	return category ? { category } : {};
}

export function phraseCategory(text: string): ErrorCategory | undefined {
	const scan = scanned(text);
	for (const [pattern, category] of PHRASES) if (pattern.test(scan)) return category;
	return undefined;
}

/** A short, readable line from a non-JSON body: the HTML title, or its first characters. */
export function bodySnippet(body: string, max = 300): string {
	const head = scanned(body);
	const title = /<title[^>]*>([^<]{1,200})<\/title>/i.exec(head)?.[1]?.trim();
	const h1 = /<h1[^>]*>([^<]{1,200})<\/h1>/i.exec(head)?.[1]?.trim();
	const line = title && !/^error$/i.test(title) ? title : h1 || head;
	return line.replace(/\s+/g, ' ').trim().slice(0, max);
}
