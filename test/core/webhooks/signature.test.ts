// X-Hub-Signature-256 as Meta sends it: HMAC-SHA256 of the bytes posted, keyed with the app
// secret. Signed here with node:crypto directly, not with the code under test.
import { createHmac } from 'node:crypto';

import { checkSignature, SIGNATURE_HEADER } from '../../../nodes/shared/core/webhooks/signature';

const APP_SECRET = 'canaryAppSecret0042xyz';
/** Meta writes non-ASCII text as \u escapes, and signs exactly those bytes. */
const RAW = Buffer.from('{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{"text":"caf\\u00e9 \\u2615"}}]}]}');

const sign = (body: Buffer | string, secret = APP_SECRET, algorithm = 'sha256') => `${algorithm}=${createHmac(algorithm, secret).update(body).digest('hex')}`;

test('the header is x-hub-signature-256, as Node names headers', () => {
	expect(SIGNATURE_HEADER).toBe('x-hub-signature-256');
});

test('a signature of the raw bytes with the App Secret is valid, in either hex case', () => {
	expect(checkSignature(RAW, sign(RAW), APP_SECRET)).toEqual({ valid: true });
	expect(checkSignature(RAW, sign(RAW).toUpperCase().replace('SHA256=', 'sha256='), APP_SECRET)).toEqual({ valid: true });
	expect(checkSignature(RAW, ` ${sign(RAW)} `, APP_SECRET)).toEqual({ valid: true });
});

test('no header, or an empty one, is missing', () => {
	expect(checkSignature(RAW, undefined, APP_SECRET)).toEqual({ valid: false, refusal: 'missing' });
	expect(checkSignature(RAW, '', APP_SECRET)).toEqual({ valid: false, refusal: 'missing' });
});

test('another algorithm, a bare digest, a short digest or the header sent twice is malformed', () => {
	for (const header of [
		sign(RAW, APP_SECRET, 'sha1'),
		createHmac('sha256', APP_SECRET).update(RAW).digest('hex'),
		sign(RAW).slice(0, -2),
		`${sign(RAW)}00`,
		`sha256=${'z'.repeat(64)}`,
		[sign(RAW), sign(RAW)],
		[sign(RAW)],
		42,
	]) {
		expect(checkSignature(RAW, header, APP_SECRET)).toEqual({ valid: false, refusal: 'malformed' });
	}
});

test('a signature made with another secret does not match', () => {
	expect(checkSignature(RAW, sign(RAW, 'another-app-secret'), APP_SECRET)).toEqual({ valid: false, refusal: 'mismatch' });
});

test('a body altered by one byte does not match its signature', () => {
	const altered = Buffer.from(RAW);
	altered[altered.length - 3] ^= 0x01;
	expect(checkSignature(altered, sign(RAW), APP_SECRET)).toEqual({ valid: false, refusal: 'mismatch' });
});

test('the same JSON serialized again (unescaped, re-spaced) does not match: only the bytes received count', () => {
	const parsed = JSON.parse(RAW.toString('utf8'));
	for (const again of [JSON.stringify(parsed), JSON.stringify(parsed, null, 2)]) {
		expect(again).not.toBe(RAW.toString('utf8'));
		expect(checkSignature(Buffer.from(again), sign(RAW), APP_SECRET)).toEqual({ valid: false, refusal: 'mismatch' });
	}
});
