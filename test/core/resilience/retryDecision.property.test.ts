// A single call (the retry layer) and a part of a Graph batch (decidePart) follow one rule,
// retryDecision: for any failure, write kind, ambiguity and attempt number, both end the same way
// (same verdict, stop reason, reported error and wait). Left out: the time budget (a batch bounds
// its waits per round, not per part) and local failures (a part is always Meta's answer).
import fc from 'fast-check';

import {
	decidePart,
	ERROR_CATEGORIES,
	retryLayer,
	type Attempt,
	type Call,
	type MetaErrorInfo,
	type Outcome,
	type PartDecision,
	type RetryPolicy,
} from '../../../nodes/shared/core';

const failure = fc.record(
	{
		category: fc.constantFrom(...ERROR_CATEGORIES),
		retryable: fc.boolean(),
		httpStatus: fc.constantFrom(400, 404, 429, 500, 502, 503),
		retryAfterMs: fc.integer({ min: 0, max: 120_000 }),
		message: fc.constantFrom('Service temporarily unavailable', 'Unsupported request'),
	},
	{ requiredKeys: ['category', 'retryable'] },
).map((fields): MetaErrorInfo => ({ ...fields, action: fields.retryable ? 'retry' : 'escalate', source: 'graph', meaning: 'm', remedy: 'r' }));

// A read, a write that changes nothing more when repeated, and a write that creates.
const writeKind = fc.constantFrom(
	{ method: 'GET', creates: false },
	{ method: 'POST', creates: false },
	{ method: 'DELETE', creates: false },
	{ method: 'POST', creates: true },
);

const situation = fc
	.record({
		error: failure,
		kind: writeKind,
		mayBeApplied: fc.boolean(),
		maxAttempts: fc.integer({ min: 1, max: 6 }),
		baseDelayMs: fc.integer({ min: 1, max: 5_000 }),
		maxDelayMs: fc.integer({ min: 1, max: 60_000 }),
		random: fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
		// Whether each earlier attempt (all retryable, so both went on) may have been applied.
		earlier: fc.array(fc.boolean(), { maxLength: 5 }),
	})
	.map((s) => ({
		...s,
		// A create that an earlier attempt may have applied was never sent again: not a reachable situation.
		earlier: s.earlier.slice(0, s.maxAttempts - 1).map((applied) => applied && !s.kind.creates),
	}));

type Situation = typeof situation extends fc.Arbitrary<infer T> ? T : never;

function policyOf(s: Situation): RetryPolicy {
	return { maxAttempts: s.maxAttempts, baseDelayMs: s.baseDelayMs, maxDelayMs: s.maxDelayMs, totalBudgetMs: Number.MAX_SAFE_INTEGER };
}

const earlierFailure = (mayBeApplied: boolean): Outcome => ({
	ok: false,
	error: { category: 'server', retryable: true, action: 'retry', source: 'graph', httpStatus: 500, meaning: 'm', remedy: 'r' },
	mayBeApplied,
});

/** What the retry layer does with the situation's failure, in decidePart's terms. */
async function throughRetryLayer(s: Situation): Promise<PartDecision> {
	const script: Outcome[] = [...s.earlier.map(earlierFailure), { ok: false, error: s.error, mayBeApplied: s.mayBeApplied }, { ok: true, status: 200, headers: {}, body: {} }];
	let sent = 0;
	const send: Attempt = async () => script[sent++];
	const waits: number[] = [];
	const call: Call = {
		...s.kind,
		url: new URL('https://graph.facebook.com/v24.0/act_1/ads'),
		retryWritesWithKey: false,
		deadline: Number.POSITIVE_INFINITY,
		now: () => 0,
		pause: async (ms) => void waits.push(ms),
		warn: () => {},
	};
	const outcome = await retryLayer(policyOf(s), () => s.random)(send)(call);
	if (sent === script.length) return { settle: 'retry', error: s.error, delayMs: waits[waits.length - 1] };
	if (outcome.ok) return { settle: 'success', status: outcome.status, body: outcome.body };
	return { settle: 'failed', error: outcome.error, stopReason: outcome.stop! };
}

function throughBatchPart(s: Situation): PartDecision {
	const decision = decidePart({ ok: false, error: s.error, mayBeApplied: s.mayBeApplied }, s.kind, s.earlier.length + 1, s.earlier.includes(true), policyOf(s), () => s.random);
	return decision.settle === 'success' ? { settle: 'success', status: decision.status, body: decision.body } : decision;
}

test('the retry layer and a batch part decide alike in every situation', async () => {
	await fc.assert(
		fc.asyncProperty(situation, async (s) => {
			expect(await throughRetryLayer(s)).toEqual(throughBatchPart(s));
		}),
		{ numRuns: 2_000 },
	);
});

test('the situations cover every verdict', () => {
	const seen = new Set<string>();
	fc.sample(situation, { numRuns: 2_000, seed: 22 }).forEach((s) => {
		const decision = throughBatchPart(s);
		seen.add(decision.settle === 'failed' ? decision.stopReason : decision.settle);
	});
	expect([...seen].sort()).toEqual(['ambiguous_write', 'max_attempts', 'not_retryable', 'retry', 'success']);
});
