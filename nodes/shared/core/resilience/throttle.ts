// The throttle layer: before each attempt it takes a slot from the pacing controller (pacing.ts)
// and waits for it; after, it feeds back the usage Meta reported. WhatsApp Cloud sends, which
// carry no usage headers, are spaced by Meta's published rules instead: per phone number and per
// recipient. Slots live in the pacing store, so every call on a key (every execution, every
// worker with Redis) is paced together.
import { internalErrors } from '../errors/internal';
import type { PacingState, PaceTake } from './pacing';
import { DEFAULT_PACING_POLICY, paceObserve, paceTake, pacingTtlMs, spacedTake, type PacingPolicy } from './pacing';
import type { PacingStore } from '../state/store';
import { stopped, type Call, type Layer } from './attempt';

/** The user's bounds on pacing: the usage to level off at and the longest wait of its own. */
export type ThrottlePolicy = PacingPolicy;
export const DEFAULT_THROTTLE_POLICY: ThrottlePolicy = DEFAULT_PACING_POLICY;

/** Pacing keys idle this long are forgotten. */
const IDLE_MS = 15 * 60_000;
/** Meta's default Cloud API throughput per business phone number. */
export const WHATSAPP_MESSAGES_PER_SECOND = 80;
/** Both spacings carry a 3 % margin: a message sent a little faster than the one before it arrives early. */
const MARGIN = 1.03;
const WHATSAPP_SPACING_MS = (1000 / WHATSAPP_MESSAGES_PER_SECOND) * MARGIN;
/** Meta's pair rate limit: about one message every 6 s to the same recipient. */
export const WHATSAPP_PAIR_INTERVAL_MS = 6000;

/** The throttle's key: origin, plus the ad account when the path names one (Meta's limits are per account). */
export function throttleKey(url: URL): string {
	const account = /\/(act_\d+)(\/|$)/.exec(url.pathname)?.[1];
	return account ? `${url.origin}/${account}` : url.origin;
}

/** `POST /{phone-number-id}/messages`: the fixed spacings Meta's messaging limits ask for. */
export function whatsAppSpacings(call: Pick<Call, 'method' | 'url' | 'recipient'>): Array<{ key: string; spacingMs: number }> {
	const number = /^\/(?:v\d+(?:\.\d+)?\/)?(\d+)\/messages\/?$/.exec(call.url.pathname)?.[1];
	if (call.method !== 'POST' || number === undefined) return [];
	const perNumber = { key: `${call.url.origin}/wa/${number}`, spacingMs: WHATSAPP_SPACING_MS };
	const to = call.recipient?.replace(/\D/g, '');
	return to ? [perNumber, { key: `${perNumber.key}/to/${to}`, spacingMs: WHATSAPP_PAIR_INTERVAL_MS * MARGIN }] : [perNumber];
}

/** A store step that keeps `state` as long as it is worth keeping, and returns `result`. */
const keep = <R>(state: PacingState, result: R, now: number) => ({ state, result, ttlMs: pacingTtlMs(state, now, IDLE_MS) });
const taken = (take: PaceTake, now: number) => keep(take.state, take, now);

export function throttleLayer(pacing: PacingStore, policy: ThrottlePolicy): Layer {
	return (next) => async (call) => {
		const overBudget = (waitMs: number, pct?: number) =>
			stopped('time_budget', internalErrors.throttled(waitMs, pct === undefined ? undefined : { maxPercent: pct }));
		for (const { key, spacingMs } of whatsAppSpacings(call)) {
			const now = call.now();
			const { waitMs } = await pacing.update(key, (s) => taken(spacedTake(s, now, spacingMs), now));
			if (now + waitMs > call.deadline) return overBudget(waitMs);
			await call.pause(waitMs);
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
		const at = call.now();
		const answered = ticket;
		await pacing.update(key, (s) => keep(paceObserve(s, outcome.usage, at, refused, answered), undefined, at));
		return outcome;
	};
}
