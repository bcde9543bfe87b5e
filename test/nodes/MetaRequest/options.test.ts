// Meta Request's Options: defaults, what they mean for the client, and what is refused.
import { clientSettings, optionsSchema } from '../../../nodes/MetaRequest/options';
import { labelsOf } from '../../../nodes/MetaRequest/pipeline';
import { formatZodIssues } from '../../../nodes/shared/n8n';

const LABELS = labelsOf({ properties: [] });

describe('Meta Request options', () => {
	it('fills option defaults and maps them onto the client', () => {
		const options = optionsSchema.parse({});
		expect(options).toMatchObject({ maxAttempts: 5, baseDelayMs: 1000, maxDelayMs: 60_000, timeBudgetMs: 300_000, throttleThreshold: 95, breakerThreshold: 5, breakerCoolDownMs: 30_000, concurrency: 1, maxPages: 100, retryWritesWithKey: false, errorField: 'metaError' });
		expect(clientSettings({ ...options, timeoutMs: 5000 })).toEqual({
			journal: { ttlMs: 24 * 3_600_000, whenUnavailable: 'fail' },
			retry: { maxAttempts: 5, baseDelayMs: 1000, maxDelayMs: 60_000, totalBudgetMs: 300_000 },
			throttle: { thresholdPercent: 95, maxDelayMs: 60_000 },
			breaker: { failureThreshold: 5, coolDownMs: 30_000 },
			timeouts: { headersMs: 5000, bodyMs: 5000 },
		});
		expect(optionsSchema.safeParse({ errorField: 'meta error' }).success).toBe(false);
	});

	it('takes a whole number as the idempotency key, never a rounded one', () => {
		expect(optionsSchema.parse({ idempotencyKey: 42 }).idempotencyKey).toBe('42');
		const result = optionsSchema.safeParse({ idempotencyKey: 2 ** 60 });
		expect(result.success).toBe(false);
		expect(formatZodIssues(result.error!, LABELS)).toMatch(/^Idempotency Key: is a number larger than 2\^53/);
	});

	it('refuses an Error Field that the node writes itself', () => {
		const result = optionsSchema.safeParse({ errorField: 'metaRequest' });
		expect(result.success).toBe(false);
		expect(formatZodIssues(result.error!, LABELS)).toBe(
			"Error Field: must not be metaRequest: the node writes the call's details there, which would replace the error; keep metaError",
		);
		expect(optionsSchema.parse({ errorField: 'failure' }).errorField).toBe('failure');
	});

	it('Validate Before Sending is on by default', () => {
		expect(optionsSchema.parse({}).validateBeforeSending).toBe(true);
		expect(optionsSchema.parse({ validateBeforeSending: false }).validateBeforeSending).toBe(false);
	});
});
