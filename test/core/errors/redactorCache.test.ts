// createRedactor keeps the last secrets' redactor (redact.ts): a hit must never hand back the
// redactor of other secrets, even when the caller changed its array in place.
import { classifyMetaError, createRedactor, REDACTED } from '../../../nodes/shared/core';

describe('the last redactor', () => {
	it('is the same object for the same secrets, in the same or another array', () => {
		const secrets = ['first-secret-123', 'second-secret-456'];
		const a = createRedactor(secrets);
		expect(createRedactor(secrets)).toBe(a);
		expect(createRedactor([...secrets])).toBe(a);
		expect(createRedactor(['other-secret-789'])).not.toBe(a);
	});

	it('notices an array changed in place', () => {
		const secrets = ['first-secret-123'];
		expect(createRedactor(secrets).text('x first-secret-123 y')).toBe(`x ${REDACTED} y`);
		secrets[0] = 'replaced-secret-456';
		const r = createRedactor(secrets);
		expect(r.text('x replaced-secret-456 y')).toBe(`x ${REDACTED} y`);
		expect(r.text('x first-secret-123 y')).toBe('x first-secret-123 y');
		secrets.push('added-secret-789');
		expect(createRedactor(secrets).text('added-secret-789')).toBe(REDACTED);
		secrets.length = 0;
		expect(createRedactor(secrets).text('added-secret-789')).toBe('added-secret-789');
	});

	it('redacts each credential of alternating calls with its own secrets', () => {
		const one = ['credential-one-secret'];
		const two = ['credential-two-secret'];
		const body = JSON.stringify({ error: { message: 'bad credential-one-secret credential-two-secret', code: 1 } });
		for (let i = 0; i < 3; i++) {
			expect(classifyMetaError(body, { secrets: one }).message).toBe(`bad ${REDACTED} credential-two-secret`);
			expect(classifyMetaError(body, { secrets: two }).message).toBe(`bad credential-one-secret ${REDACTED}`);
		}
	});
});
