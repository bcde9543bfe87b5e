// The throttle layer: before each attempt it takes a slot from the pacing controller (pacing.ts)
// and waits for it; after, it feeds back the usage Meta reported. WhatsApp Cloud sends, which
// carry no usage headers, are spaced by Meta's published rules instead: per phone number (at the
// number's own throughput, throughput.ts) and per recipient. Slots live in the pacing store, so every call on a key (every execution, every
// worker with Redis) is paced together.
import { internalErrors } from '../errors/internal';
import type { PacingState, PaceTake } from './pacing';
import { DEFAULT_PACING_POLICY, paceObserve, paceTake, pacingTtlMs, spacedTake, type PacingPolicy } from './pacing';
import type { PacingStore } from '../state/store';
import { stopped, type Call, type Layer } from './attempt';
import { whatsAppRate, whatsAppRateRefused, type PhoneNumberLookup } from './throughput';

/** The user's bounds on pacing: the usage to level off at and the longest wait of its own. */
export type ThrottlePolicy = PacingPolicy;
export const DEFAULT_THROTTLE_POLICY: ThrottlePolicy = DEFAULT_PACING_POLICY;

/** Pacing keys idle this long are forgotten. */
const IDLE_MS = 15 * 60_000;
/** Both spacings carry a 3 % margin: a message sent a little faster than the one before it arrives early. */
const MARGIN = 1.03;
/** Meta's pair rate limit: about one message every 6 s to the same recipient. */
export const WHATSAPP_PAIR_INTERVAL_MS = 6000;

/** The throttle's key: origin, plus the ad account when the path names one (Meta's limits are per account). */
export function throttleKey(url: URL): string {
	const account = /\/(act_\d+)(\/|$)/.exec(url.pathname)?.[1];
	return account ? `${url.origin}/${account}` : url.origin;
}

/** `POST /{phone-number-id}/messages`: the number, and the pacing keys of Meta's messaging limits (per number, per recipient). */
export function whatsAppSend(call: Pick<Call, 'method' | 'url' | 'recipient'>): { number: string; numberKey: string; recipientKey?: string } | undefined {
	const number = /^\/(?:v\d+(?:\.\d+)?\/)?(\d+)\/messages\/?$/.exec(call.url.pathname)?.[1];
	if (call.method !== 'POST' || number === undefined) return undefined;
	const numberKey = `${call.url.origin}/wa/${number}`;
	const to = call.recipient?.replace(/\D/g, '');
	return { number, numberKey, recipientKey: to ? `${numberKey}/to/${to}` : undefined };
}

/**
 * The fixed spacings of a WhatsApp send, in the order they are waited for: one message per 6 s to
 * a recipient, then one per 1/rate s on the number. The number's slot comes last, right before
 * sending: a send that waited out the recipient's 6 s after the number's slot would go out with
 * every other such send at once.
 */
export function whatsAppSpacings(send: NonNullable<ReturnType<typeof whatsAppSend>>, messagesPerSecond: number): Array<{ key: string; spacingMs: number }> {
	const perNumber = { key: send.numberKey, spacingMs: (1000 / messagesPerSecond) * MARGIN };
	return send.recipientKey ? [{ key: send.recipientKey, spacingMs: WHATSAPP_PAIR_INTERVAL_MS * MARGIN }, perNumber] : [perNumber];
}

/** A store step that keeps `state` as long as it is worth keeping, and returns `result`. */
const keep = <R>(state: PacingState, result: R, now: number) => ({ state, result, ttlMs: pacingTtlMs(state, now, IDLE_MS) });
const taken = (take: PaceTake, now: number) => keep(take.state, take, now);

/** `lookup`: reads a WhatsApp phone number's throughput (throughput.ts); without it, the default rate. */
export function throttleLayer(pacing: PacingStore, policy: ThrottlePolicy, lookup?: PhoneNumberLookup): Layer {
	return (next) => async (call) => {
		const overBudget = (waitMs: number, pct?: number) =>
			stopped('time_budget', internalErrors.throttled(waitMs, pct === undefined ? undefined : { maxPercent: pct }));
		const send = whatsAppSend(call);
		if (send) {
			const rate = await whatsAppRate(call.url.origin, send.number, lookup, call.now());
			for (const { key, spacingMs } of whatsAppSpacings(send, rate)) {
				const now = call.now();
				const { waitMs } = await pacing.update(key, (s) => taken(spacedTake(s, now, spacingMs), now));
				if (now + waitMs > call.deadline) return overBudget(waitMs);
				await call.pause(waitMs);
			}
		}
		const key = throttleKey(call.url);
		let ticket: number | undefined;
		while (ticket === undefined) {
			const now = call.now();
			const take = await pacing.update(key, (s) => taken(paceTake(s, now, policy, call.weight), now));
			// (A slot not used counts as a call until a newer answer is read: the safe side.)
			if (take.waitMs > 0 && now + take.waitMs > call.deadline) return overBudget(take.waitMs, take.state.pct);
			await call.pause(take.waitMs);
			ticket = take.ticket;
		}
		const outcome = await next(call);
		const refused = !outcome.ok && outcome.error.category === 'rate_limit';
		// The number is slower than we thought (a WhatsApp Business app number, a tier Meta lowered).
		if (send && !outcome.ok && outcome.error.code === 130429) whatsAppRateRefused(call.url.origin, send.number, call.now());
		const at = call.now();
		const answered = ticket;
		await pacing.update(key, (s) => keep(paceObserve(s, outcome.usage, at, refused, answered), undefined, at));
		return outcome;
	};
}
