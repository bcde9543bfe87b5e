// Is a webhook post really from Meta? Meta signs every event notification with the app's secret:
// `X-Hub-Signature-256: sha256=<HMAC-SHA256 of the payload, keyed with the App Secret, hex>`, computed
// over the bytes it sends (an escaped-unicode JSON text), so only the raw body as received can be
// checked; a body parsed and serialized again gives another digest.
// https://developers.facebook.com/docs/graph-api/webhooks/getting-started#event-notifications
import { createHmac, timingSafeEqual } from 'node:crypto';

/** The header Meta signs with (lowercase, as Node's HTTP server names headers). */
export const SIGNATURE_HEADER = 'x-hub-signature-256';

/** Why a post is refused: no header, a header of another form (`sha1=…`, two values), or another digest. */
export type SignatureRefusal = 'missing' | 'malformed' | 'mismatch';

export type SignatureCheck = { valid: true } | { valid: false; refusal: SignatureRefusal };

export const SIGNATURE_REFUSALS: Record<SignatureRefusal, string> = {
	missing: 'no X-Hub-Signature-256 header',
	malformed: 'the X-Hub-Signature-256 header is not "sha256=" and 64 hex digits',
	mismatch: "the X-Hub-Signature-256 header does not match the body signed with the credential's App Secret",
};

const SHA256_HEADER = /^sha256=([0-9a-f]{64})$/i;

/**
 * Checks `header` (as Node gives it: a string, or an array when it was sent more than once) against
 * the HMAC-SHA256 of `rawBody` keyed with `appSecret`. The digests are compared in constant time.
 */
export function checkSignature(rawBody: Buffer, header: unknown, appSecret: string): SignatureCheck {
	if (header === undefined || header === '') return { valid: false, refusal: 'missing' };
	const match = typeof header === 'string' ? SHA256_HEADER.exec(header.trim()) : null;
	if (!match) return { valid: false, refusal: 'malformed' };
	const given = Buffer.from(match[1], 'hex');
	const expected = createHmac('sha256', appSecret).update(rawBody).digest();
	return timingSafeEqual(given, expected) ? { valid: true } : { valid: false, refusal: 'mismatch' };
}
