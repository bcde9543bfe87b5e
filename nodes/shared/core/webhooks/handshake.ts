// Meta's verification request: when a Callback URL is saved in the App Dashboard, Meta sends
// `GET <url>?hub.mode=subscribe&hub.challenge=<an int>&hub.verify_token=<the Verify Token typed there>`
// and accepts the URL only when the answer is the challenge. Answering it for a wrong token would let
// anyone point their own app at the URL.
// https://developers.facebook.com/docs/graph-api/webhooks/getting-started#verification-requests
import { createHash, timingSafeEqual } from 'node:crypto';

export type HandshakeRefusal = 'not_subscribe' | 'no_challenge' | 'wrong_token';

export type HandshakeAnswer = { accepted: true; challenge: string } | { accepted: false; refusal: HandshakeRefusal };

export const HANDSHAKE_REFUSALS: Record<HandshakeRefusal, string> = {
	not_subscribe: 'hub.mode is not "subscribe"',
	no_challenge: 'hub.challenge is missing or not a short plain value',
	wrong_token: "hub.verify_token does not match the node's Verify Token",
};

/** Meta sends an integer; other short plain values are echoed too, never anything that could be markup. */
const CHALLENGE = /^[A-Za-z0-9_-]{1,256}$/;

/** Equal texts, compared in constant time whatever their lengths (their digests are compared). */
export function sameSecret(given: string, expected: string): boolean {
	const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();
	return timingSafeEqual(digest(given), digest(expected));
}

/**
 * The answer to a verification request, from its query (`hub.*` keys as Express parses them). A
 * parameter sent twice arrives as an array and is refused.
 */
export function answerHandshake(query: Readonly<Record<string, unknown>>, verifyToken: string): HandshakeAnswer {
	const single = (name: string) => (typeof query[name] === 'string' ? (query[name] as string) : undefined);
	if (single('hub.mode') !== 'subscribe') return { accepted: false, refusal: 'not_subscribe' };
	const challenge = single('hub.challenge');
	if (challenge === undefined || !CHALLENGE.test(challenge)) return { accepted: false, refusal: 'no_challenge' };
	const token = single('hub.verify_token');
	if (token === undefined || !sameSecret(token, verifyToken)) return { accepted: false, refusal: 'wrong_token' };
	return { accepted: true, challenge };
}
