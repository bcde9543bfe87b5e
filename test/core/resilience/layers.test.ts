// The resilience layers on their own, around a scripted attempt: order, keys, stops, what each
// layer learns. (The client tests run them against the fake Meta server.)
import {
	breakerKey,
	breakerLayer,
	compose,
	retryLayer,
	staleConnectionLayer,
	throttleKey,
	throttleLayer,
	type Attempt,
	type Call,
	type Layer,
	type Outcome,
	MemoryStore,
} from '../../../nodes/shared/core';

function call(overrides: Partial<Call> = {}): Call & { waits: number[] } {
	let clock = 1_000;
	const waits: number[] = [];
	return {
		method: 'GET',
		url: new URL('https://graph.facebook.com/v24.0/act_42/ads'),
		creates: false,
		retryWritesWithKey: false,
		deadline: 1_000 + 60_000,
		now: () => clock,
		pause: async (ms) => {
			waits.push(ms);
			clock += ms;
		},
		warn: () => {},
		waits,
		...overrides,
	};
}

const server: Outcome = { ok: false, error: { category: 'server', retryable: true, action: 'retry', source: 'graph', meaning: 'm', remedy: 'r' }, mayBeApplied: true };
const success: Outcome = { ok: true, status: 200, headers: {}, body: {} };
const script = (...outcomes: Outcome[]): Attempt & { calls: number } => {
	const attempt = Object.assign(async () => outcomes[Math.min(attempt.calls++, outcomes.length - 1)], { calls: 0 });
	return attempt;
};

test('compose wraps the first layer outermost', async () => {
	const trace: string[] = [];
	const named = (name: string): Layer => (next) => async (c) => {
		trace.push(`${name}>`);
		const outcome = await next(c);
		trace.push(`<${name}`);
		return outcome;
	};
	await compose(named('a'), named('b'))(async () => (trace.push('send'), success))(call());
	expect(trace).toEqual(['a>', 'b>', 'send', '<b', '<a']);
});

test('each layer owns its key: the breaker per endpoint template, the throttle per ad account', () => {
	const url = new URL('https://graph.facebook.com/v24.0/act_42/ads?x=1');
	expect(breakerKey(url)).toBe('https://graph.facebook.com/v24.0/{id}/ads');
	expect(throttleKey(url)).toBe('https://graph.facebook.com/act_42');
	expect(throttleKey(new URL('https://graph.facebook.com/v24.0/me'))).toBe('https://graph.facebook.com');
});

describe('retry layer: asks retryDecision "retry or not" after each failed attempt', () => {
	const retry = retryLayer({ maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 1_000, totalBudgetMs: 60_000 }, () => 0.5);

	test('retries a retryable failure until Max Attempts, then stops with max_attempts', async () => {
		const send = script(server);
		const c = call();
		expect(await retry(send)(c)).toMatchObject({ ok: false, stop: 'max_attempts' });
		expect(send.calls).toBe(3);
		expect(c.waits).toEqual([50, 100]);
	});

	test('a create whose failure may have been applied stops at once as ambiguous_write, unless the user opted in', async () => {
		const send = script(server, success);
		expect(await retry(send)(call({ method: 'POST', creates: true }))).toMatchObject({ stop: 'ambiguous_write', error: { action: 'escalate' } });
		expect(send.calls).toBe(1);
		expect(await retry(send)(call({ method: 'POST', creates: true, retryWritesWithKey: true }))).toMatchObject({ ok: true });
	});

	test('a layer inside that stops (the breaker, the throttle) is final', async () => {
		const send = script({ ...server, stop: 'circuit_open' });
		expect(await retry(send)(call())).toMatchObject({ stop: 'circuit_open' });
		expect(send.calls).toBe(1);
	});

	test('a wait that would cross the deadline is not started', async () => {
		const send = script({ ...server, error: { ...(server as { error: object }).error, retryAfterMs: 120_000 } } as Outcome);
		expect(await retry(send)(call())).toMatchObject({ stop: 'time_budget' });
	});
});

test('breaker layer: opens after the threshold, refuses with circuit_open, learns nothing from local failures', async () => {
	const breaker = breakerLayer(new MemoryStore().breakers, { failureThreshold: 2, coolDownMs: 30_000 });
	const local = script({ ...server, local: true });
	for (let i = 0; i < 5; i++) await breaker(local)(call());
	expect(await breaker(script(success))(call())).toMatchObject({ ok: true });
	const failing = script(server);
	await breaker(failing)(call());
	await breaker(failing)(call());
	expect(await breaker(failing)(call())).toMatchObject({ stop: 'circuit_open', error: { code: 'CIRCUIT_OPEN' } });
	expect(failing.calls).toBe(2);
});

test('throttle layer: waits for the slot the usage allows, refuses a wait past the deadline', async () => {
	const throttle = throttleLayer(new MemoryStore().pacing, { thresholdPercent: 80, maxDelayMs: 10_000 });
	const busy = script({ ...success, usage: { maxPercent: 100 } } as Outcome);
	const c = call();
	await throttle(busy)(c);
	await throttle(busy)(c);
	// Full, with no hint of how usage recovers: the second call waits to look again, within Max Delay.
	expect(c.waits[0]).toBe(0);
	expect(c.waits[1]).toBeGreaterThan(0);
	expect(c.waits[1]).toBeLessThanOrEqual(10_000);
	expect(await throttle(busy)(call({ deadline: 0 }))).toMatchObject({ stop: 'time_budget', error: { code: 'THROTTLED' } });
});

test('stale-connection layer: once per call, never for a create', async () => {
	const stale: Outcome = { ...server, stale: true } as Outcome;
	const send = script(stale, success);
	const c = call();
	expect(await staleConnectionLayer(send)(c)).toMatchObject({ ok: true });
	expect(await staleConnectionLayer(script(stale))(c)).toMatchObject({ ok: false });
	const create = script(stale, success);
	expect(await staleConnectionLayer(create)(call({ creates: true }))).toMatchObject({ ok: false });
	expect(create.calls).toBe(1);
});
