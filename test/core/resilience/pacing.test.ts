// The pacing controller against the fake server's limit models, in virtual time: every model, one
// client or two sharing the state, the same defaults. What is asserted is what the controller
// promises (every call accepted or nearly, the limit learnt); the wall-time figures in real n8n are
// the bench's (`npm run bench -- --only pacing`).
import { DEFAULT_PACING_POLICY, paceObserve, paceTake, spacedTake, type PacingState } from '../../../nodes/shared/core/resilience/pacing';
import { whatsAppSend, whatsAppSpacings, WHATSAPP_PAIR_INTERVAL_MS } from '../../../nodes/shared/core/resilience/throttle';
import { parseUsageHeaders } from '../../../nodes/shared/core/errors/usage';
import { Budget, usageHeaders } from '../../../testing/fake-meta/budget';
import { createLimitModel, theoreticalMinimumMs, type LimitOptions } from '../../../testing/fake-meta/limits';

interface Limit {
	take(now: number): boolean;
	headers(now: number): Record<string, string>;
}

const rollingWindow = (calls: number, windowMs: number): Limit => {
	const budget = new Budget({ calls, windowMs, penaltyMs: 1000 });
	return { take: (now) => budget.take(now), headers: (now) => usageHeaders(budget.usage(now), '1', false) };
};

const model = (options: LimitOptions): Limit => {
	const limit = createLimitModel(options);
	const call = { method: 'GET', segments: ['act_1', '1203'], params: {} };
	return { take: (now) => limit.take(call, now) === undefined, headers: (now) => limit.headers(call, now) };
};

/**
 * `items` calls by `clients` sequential clients sharing one pacing state, each call's answer
 * taking `latencyMs` (or, with `jitterMs`, up to that much more, so concurrent answers arrive out
 * of order); a refused call is tried again after Meta's hint (at least 1 s), as the retry layer does.
 */
function simulate(limit: Limit, items: number, clients = 1, latencyMs = 5, jitterMs = 0) {
	let state: PacingState | undefined;
	let started = 0;
	let calls = 0;
	let refused = 0;
	let first = Infinity;
	let last = 0;
	let seed = 7;
	const latency = () => latencyMs + (jitterMs ? ((seed = (seed * 48271) % 2147483647) % (jitterMs + 1)) : 0);
	const events: Array<{ at: number; send: boolean; ticket?: number }> = Array.from({ length: clients }, () => ({ at: 0, send: false }));
	started = clients;
	while (events.length) {
		events.sort((a, b) => a.at - b.at);
		const event = events.shift()! as { at: number; send: boolean; ticket?: number; observe?: { usage: ReturnType<typeof parseUsageHeaders>; accepted: boolean; ticket: number } };
		const now = event.at;
		if (event.observe) {
			const { usage, accepted, ticket } = event.observe;
			state = paceObserve(state, usage, now, !accepted, ticket);
			if (!accepted) events.push({ at: now + Math.max(1000, usage?.regainAccessMs ?? 0), send: false });
			else if (started < items) {
				started++;
				events.push({ at: now, send: false });
			}
			continue;
		}
		if (!event.send) {
			const take = paceTake(state, now, DEFAULT_PACING_POLICY);
			state = take.state;
			events.push({ at: now + take.waitMs, send: !take.retake, ticket: take.ticket });
			continue;
		}
		calls++;
		first = Math.min(first, now);
		last = Math.max(last, now);
		// The server answers at once; the answer reaches the client `latency()` later.
		const accepted = limit.take(now);
		const usage = parseUsageHeaders(limit.headers(now));
		const answeredAt = now + latency();
		events.push({ at: answeredAt, send: false, observe: { usage, accepted, ticket: event.ticket! } } as never);
		if (!accepted) refused++;
		continue;
	}
	return { calls, refused, wallMs: last - first, state: state! };
}

describe('pacing controller, virtual time, defaults', () => {
	test.each([1, 2])('rolling window (100 calls / 10 s, no timing in the headers), %i client(s): never refused, learns the window', (clients) => {
		const run = simulate(rollingWindow(100, 10_000), 1000, clients);
		expect(run.refused).toBe(0);
		expect(run.calls).toBe(1000);
		// 1 % a call (a concurrent call the reading may or may not include makes it a little more).
		expect(run.state.cost).toBeGreaterThanOrEqual(0.95);
		expect(run.state.cost).toBeLessThan(1.1);
		expect(run.state.windowMs).toBeGreaterThanOrEqual(10_000);
		expect(run.state.windowMs).toBeLessThan(11_000);
		// 10 windows' worth: at least 9 windows long (the last batch starts at 9 W), and not far past 10.
		expect(run.wallMs).toBeGreaterThanOrEqual(90_000);
		expect(run.wallMs).toBeLessThan(10 * 10_000 * 1.2);
	});

	test('rolling window, 10 clients whose answers arrive out of order (5–80 ms): never refused', () => {
		const run = simulate(rollingWindow(100, 10_000), 1000, 10, 5, 75);
		expect(run.refused).toBe(0);
		expect(run.calls).toBe(1000);
	});

	test.each([1, 2])('Marketing API score (development, 20× faster), %i client(s): spaced by cost / decay, never refused', (clients) => {
		const options: LimitOptions = { model: 'marketingScore', timeScale: 20 };
		const run = simulate(model(options), 500, clients);
		expect(run.refused).toBe(0);
		// 1 point of 60 per read, the score decaying 60 points in 15 s.
		expect(run.state.cost).toBeCloseTo(100 / 60, 0);
		expect(run.state.decayPerMs).toBeCloseTo(100 / 15_000, 3);
		expect(run.wallMs).toBeGreaterThanOrEqual(theoreticalMinimumMs(options, 500));
		expect(run.wallMs).toBeLessThan(theoreticalMinimumMs(options, 500) * 1.05);
	});

	test.each([1, 2])('BUC hour window (60× faster), %i client(s): never refused, learns the hour', (clients) => {
		const options: LimitOptions = { model: 'bucHour', timeScale: 60 };
		const run = simulate(model(options), 1000, clients);
		expect(run.refused).toBe(0);
		expect(run.state.windowMs).toBeGreaterThanOrEqual(60_000);
		expect(run.state.windowMs).toBeLessThan(66_000);
		expect(run.wallMs).toBeGreaterThanOrEqual(theoreticalMinimumMs(options, 1000));
		expect(run.wallMs).toBeLessThan(theoreticalMinimumMs(options, 1000) * 1.15);
	});
});

describe('pacing controller, steps', () => {
	const policy = { thresholdPercent: 80, maxDelayMs: 10_000 };

	test('below the target a call goes at once; a slot taken counts until its call reports', () => {
		const first = paceTake(undefined, 0, policy);
		expect(first.waitMs).toBe(0);
		expect(first.ticket).toBe(1);
		const second = paceTake(first.state, 1, policy);
		let state = paceObserve(second.state, { maxPercent: 10 }, 5, false, first.ticket!);
		// The second call is not in that reading yet.
		expect(state).toMatchObject({ pct: 10, ticket: 1, takes: 2 });
		state = paceObserve(state, { maxPercent: 12 }, 6, false, second.ticket!);
		expect(state).toMatchObject({ pct: 12, ticket: 2 });
		// An answer older than the one read says nothing new.
		expect(paceObserve(state, { maxPercent: 3 }, 7, false, 1)).toMatchObject({ pct: 12, ticket: 2 });
	});

	test('a decaying score: waits (usage + cost − target) / decay, each concurrent slot one cost later, never past Max Delay', () => {
		let state = paceObserve(undefined, { maxPercent: 80, regainAccessMs: 80_000, decayResetMs: 80_000 }, 0, false, 0); // 1 % per s
		const first = paceTake(state, 0, policy);
		expect(first.waitMs).toBeCloseTo(1000, 0); // prior cost 1 %
		const second = paceTake(first.state, 0, policy);
		expect(second.waitMs).toBeCloseTo(2000, 0);
		state = paceObserve(undefined, { maxPercent: 99, regainAccessMs: 9_900_000, decayResetMs: 9_900_000 }, 0, false, 0); // 0.001 % per s
		expect(paceTake(state, 0, policy).waitMs).toBe(10_000);
	});

	test('a refusal with a regain hint holds every slot until then', () => {
		const state = paceObserve(undefined, { maxPercent: 100, regainAccessMs: 120_000 }, 1000, true, 0);
		expect(paceTake(state, 2000, policy).waitMs).toBe(119_000);
		expect(paceTake(state, 121_000, policy).waitMs).toBeGreaterThan(0); // still full: it looks again later
	});

	test('a full rolling window: one call holds the next look, the others take again after it', () => {
		let state = paceObserve(paceTake(undefined, 0, policy).state, { maxPercent: 80 }, 100, false, 1);
		const look = paceTake(state, 100, policy);
		expect(look.retake).toBeUndefined();
		expect(look.waitMs).toBeGreaterThan(0);
		state = look.state;
		const other = paceTake(state, 150, policy);
		expect(other.retake).toBe(true);
		expect(other.waitMs).toBeGreaterThan(look.waitMs - 50);
		expect(other.ticket).toBeUndefined();
		expect(other.state.takes).toBe(state.takes);
	});

	test('a fixed spacing hands out one slot per spacing', () => {
		const a = spacedTake(undefined, 0, 100);
		const b = spacedTake(a.state, 0, 100);
		const c = spacedTake(b.state, 350, 100);
		expect([a.waitMs, b.waitMs, c.waitMs]).toEqual([0, 100, 0]);
	});

	test("WhatsApp sends are spaced per number (at its rate) and per recipient; other calls are not", () => {
		const url = new URL('https://graph.facebook.com/v24.0/1234567890/messages');
		const send = whatsAppSend({ method: 'POST', url, recipient: '+49 151 2345' })!;
		expect(send.number).toBe('1234567890');
		// The recipient's slot first, the number's last (right before sending).
		const spacings = whatsAppSpacings(send, 80);
		expect(spacings.map((s) => s.key)).toEqual(['https://graph.facebook.com/wa/1234567890/to/491512345', 'https://graph.facebook.com/wa/1234567890']);
		expect(spacings[1].spacingMs).toBeGreaterThanOrEqual(1000 / 80);
		expect(whatsAppSpacings(send, 20)[1].spacingMs).toBeGreaterThanOrEqual(1000 / 20);
		expect(whatsAppSpacings(send, 1000)[1].spacingMs).toBeLessThan(1.1);
		expect(spacings[0].spacingMs).toBeGreaterThanOrEqual(WHATSAPP_PAIR_INTERVAL_MS);
		expect(whatsAppSend({ method: 'GET', url })).toBeUndefined();
		expect(whatsAppSend({ method: 'POST', url: new URL('https://graph.facebook.com/v24.0/act_1/ads') })).toBeUndefined();
	});
});
