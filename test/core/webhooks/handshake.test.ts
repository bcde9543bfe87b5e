// Meta's verification request (GET ?hub.mode=subscribe&hub.challenge=…&hub.verify_token=…).
import { answerHandshake, sameSecret } from '../../../nodes/shared/core/webhooks/handshake';

const TOKEN = 'canary-verify-token-0042';
const query = (extra: Record<string, unknown> = {}) => ({ 'hub.mode': 'subscribe', 'hub.challenge': '1158201444', 'hub.verify_token': TOKEN, ...extra });

test('the challenge is answered for the right token', () => {
	expect(answerHandshake(query(), TOKEN)).toEqual({ accepted: true, challenge: '1158201444' });
});

test('a wrong, missing, longer or differently cased token is refused', () => {
	for (const token of ['meatyhamhock', undefined, `${TOKEN}x`, TOKEN.toUpperCase(), '', TOKEN.slice(0, -1)]) {
		expect(answerHandshake(query({ 'hub.verify_token': token }), TOKEN)).toEqual({ accepted: false, refusal: 'wrong_token' });
	}
});

test('a mode other than subscribe is refused, whatever the token', () => {
	for (const mode of ['unsubscribe', undefined, 'SUBSCRIBE']) {
		expect(answerHandshake(query({ 'hub.mode': mode }), TOKEN)).toEqual({ accepted: false, refusal: 'not_subscribe' });
	}
});

test('a missing challenge, or one that is not a short plain value, is refused (never echoed)', () => {
	for (const challenge of [undefined, '', '<script>alert(1)</script>', 'a b', '9'.repeat(257)]) {
		expect(answerHandshake(query({ 'hub.challenge': challenge }), TOKEN)).toEqual({ accepted: false, refusal: 'no_challenge' });
	}
});

test('a parameter sent twice (an array in the query) is refused', () => {
	expect(answerHandshake(query({ 'hub.verify_token': [TOKEN, TOKEN] }), TOKEN)).toMatchObject({ accepted: false, refusal: 'wrong_token' });
	expect(answerHandshake(query({ 'hub.mode': ['subscribe'] }), TOKEN)).toMatchObject({ accepted: false, refusal: 'not_subscribe' });
});

test('sameSecret compares whole texts of any length', () => {
	expect(sameSecret(TOKEN, TOKEN)).toBe(true);
	expect(sameSecret('', TOKEN)).toBe(false);
	expect(sameSecret(`${TOKEN}${TOKEN}`, TOKEN)).toBe(false);
});
