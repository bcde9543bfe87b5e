// The pacing controller: from Meta's usage headers it learns what one call costs and how usage
// recovers, and spaces calls so usage levels off just under the limit instead of hitting it.
// Pure steps over a small state; the pacing store applies them atomically per key, so every
// execution (and, with Redis, every worker) shares one budget.
//
// Meta limits recover in one of two ways, and the headers tell which:
// - a decaying score (X-Ad-Account-Usage: `reset_time_duration` while not blocked): usage falls
//   steadily, `pct / reset` per ms, so calls are spaced by cost / rate at the target;
// - a rolling window (X-App-Usage, X-Business-Use-Case-Usage: no timing before the block): usage
//   falls only when old calls leave the window, so the pacer runs up to the target, waits for the
//   calls that started the run to leave, and learns the window's length from when they do.
import type { MetaUsage } from '../types';

export interface PacingPolicy {
	/** Usage (%) to level off at: no call is planned that would take usage past it. */
	thresholdPercent: number;
	/** Longest wait on the pacer's own estimate (Meta's regain hints are waited out in full). */
	maxDelayMs: number;
}

export const DEFAULT_PACING_POLICY: PacingPolicy = { thresholdPercent: 95, maxDelayMs: 60_000 };

/** What one call is assumed to cost (%) until a run from low usage has measured it. */
const PRIOR_COST = 1;
/** Calls and usage points a run must span before its cost per call is trusted. */
const COST_SAMPLE_CALLS = 10;
const COST_SAMPLE_POINTS = 20;
/** Points of a recovery that may be rounding and estimate error rather than calls leaving. */
const RECOVERY_NOISE = 4;
/** Shortest wait before looking again at a rolling window whose length is not known yet. */
const MIN_PROBE_MS = 250;
/** A call waiting on another's look takes again this long after it. */
const RETAKE_AFTER_LOOK_MS = 50;
/** A look whose answer has not come back within this is given up (its call failed somewhere). */
const LOOK_ANSWER_MS = 10_000;
/** Bounds on a window's length closer than this (share of it) are close enough. */
const WINDOW_PRECISION = 0.02;

export interface PacingState {
	/**
	 * The latest reading: usage (%), when, and the ticket of the call that brought it. Every slot
	 * taken gets the next ticket (`takes`), so the calls a reading cannot include are those with a
	 * later ticket, and an answer that arrives after a newer one (concurrent calls) is not read.
	 */
	pct: number;
	at: number;
	ticket: number;
	takes: number;
	/** Usage one call adds (%), once measured. */
	cost?: number;
	/** The cost sample under way: the reading it starts from (usage, ticket, time). */
	costFromPct?: number;
	costFromTicket?: number;
	costFromAt?: number;
	/** Recovery (% per ms) of a decaying score, from its reset time. */
	decayPerMs?: number;
	/** Rolling windows: the window's length lies between `windowMinMs` and `windowMs` (both learned). */
	windowMs?: number;
	windowMinMs?: number;
	/** When the current run up to the target began. */
	runAt?: number;
	/** The reading when the run became full (its first look): usage and ticket. */
	fullPct?: number;
	fullTicket?: number;
	/** Usage spent on looks in this run, and in the run before (those calls leave during this one). */
	lookPct?: number;
	strayPct?: number;
	/** When the pacer next looks at a full rolling window, and whether that look is still out. */
	lookAt?: number;
	looking?: boolean;
	/** No call starts before this: Meta said it is blocked, or a fixed spacing (WhatsApp). */
	notBefore: number;
}

export interface PaceTake {
	state: PacingState;
	waitMs: number;
	/** The slot's ticket, to hand back with its call's answer (none with `retake`). */
	ticket?: number;
	retake?: boolean;
}

function fresh(now: number): PacingState {
	return { pct: 0, at: now, ticket: 0, takes: 0, notBefore: 0 };
}

/** Usage (%) expected `now`, counting the calls the last reading cannot include. */
function projected(s: PacingState, now: number): number {
	const recovered = (s.decayPerMs ?? 0) * Math.max(0, now - s.at);
	return Math.max(0, s.pct - recovered) + (s.takes - s.ticket) * (s.cost ?? PRIOR_COST);
}

/**
 * Takes the next call slot: how long to wait before sending. With `retake`, no slot was taken:
 * another call holds the next look at a full rolling window; wait, then take again. `weight`: the
 * calls Meta counts this one as (a Graph batch counts each of its parts), each a ticket of its own.
 */
export function paceTake(state: PacingState | undefined, now: number, policy: PacingPolicy, weight = 1): PaceTake {
	const s: PacingState = state ? { ...state } : fresh(now);
	const slots = Math.max(1, Math.floor(weight));
	const cost = (s.cost ?? PRIOR_COST) * slots;
	let at = now;
	if (s.notBefore > now) at = s.notBefore;
	else {
		const excess = projected(s, now) + cost - policy.thresholdPercent;
		if (excess <= 0) {
			if (s.runAt === undefined) {
				s.runAt = now;
				// The last run's looks leave the window during this run: a fall that size proves nothing.
				s.strayPct = s.lookPct;
				s.lookPct = 0;
			}
		} else if (s.decayPerMs) at = now + Math.min(policy.maxDelayMs, excess / s.decayPerMs);
		else if (s.lookAt !== undefined && (s.lookAt > now || (s.looking && now < s.lookAt + LOOK_ANSWER_MS))) {
			// Another call holds the look, or its answer is not back yet: one look at a time.
			return { state: s, waitMs: Math.max(s.lookAt, now) - now + RETAKE_AFTER_LOOK_MS, retake: true };
		} else {
			s.lookAt = Math.min(now + policy.maxDelayMs, nextLook(s, now, (100 - s.pct) / cost, policy.maxDelayMs));
			s.lookPct = (s.lookPct ?? 0) + cost;
			s.looking = true;
			if (s.fullPct === undefined) {
				s.fullPct = s.pct;
				s.fullTicket = s.ticket;
			}
			at = s.lookAt;
		}
	}
	s.takes += slots;
	return { state: s, waitMs: Math.max(0, at - now), ticket: s.takes };
}

/**
 * When to look again at a full rolling window: when the run's first calls should have left it.
 * Length unknown: the looks grow geometrically from the run's length, by a factor that the room
 * left (`looks`: calls that still fit) can pay for on the way to the longest wait. Length known within
 * bounds: halfway between them, then just past the upper bound.
 */
function nextLook(s: PacingState, now: number, looks: number, longestMs: number): number {
	const runAt = s.runAt ?? s.at;
	const ran = Math.max(MIN_PROBE_MS, now - runAt);
	const { windowMs: upper, windowMinMs: lower = 0 } = s;
	if (upper === undefined) {
		const growth = Math.min(2, Math.max(1.25, (longestMs / ran) ** (1 / Math.max(1, looks - 1))));
		return runAt + ran * growth;
	}
	const halfway = runAt + (lower + upper) / 2;
	if (upper - lower > upper * WINDOW_PRECISION && halfway > now) return halfway;
	// Past the upper bound by a little, so the run's first calls have had time to leave; still full
	// after that, a tenth of the window later each time (every look costs a call of the room left).
	const past = runAt + upper * (1 + WINDOW_PRECISION / 4);
	return past > now ? past : now + Math.max(MIN_PROBE_MS, upper / 10);
}

/**
 * Reads what the call of slot `ticket` reported: its usage (none: the call gave no reading, or was
 * not made) and whether Meta refused it as over the limit. An answer older than the last one read
 * says nothing new.
 */
export function paceObserve(state: PacingState | undefined, usage: MetaUsage | undefined, now: number, refused: boolean, ticket: number): PacingState {
	const s: PacingState = state ? { ...state } : fresh(now);
	// Any answer after the look was due carries what the look would have told.
	if (s.lookAt !== undefined && now >= s.lookAt) s.looking = undefined;
	if (!usage) return s;
	const pct = usage.maxPercent;
	if (refused && usage.regainAccessMs) s.notBefore = Math.max(s.notBefore, now + usage.regainAccessMs);
	if (ticket < s.ticket) return s;
	if (refused) {
		Object.assign(s, { pct, at: now, ticket });
		return s;
	}
	// A reset time while not blocked is a decaying score's: it falls to 0 in that time. Only the
	// reset of the header that holds the highest usage says how that usage falls.
	if (usage.decayResetMs && pct > 0) {
		const rate = pct / usage.decayResetMs;
		// Both the floored percentage and the whole-second reset make a reading low: keep the best.
		s.decayPerMs = Math.max(rate, (s.decayPerMs ?? 0) * 0.99);
	}
	measureCost(s, pct, now, ticket);
	learnWindow(s, pct, now, ticket);
	Object.assign(s, { pct, at: now, ticket });
	return s;
}

/** The cost of a call: usage gained over calls made, corrected for what decayed meanwhile. */
function measureCost(s: PacingState, pct: number, now: number, ticket: number): void {
	if (s.costFromPct === undefined || s.costFromTicket === undefined || pct < s.costFromPct) {
		Object.assign(s, { costFromPct: pct, costFromTicket: ticket, costFromAt: now });
		return;
	}
	const calls = ticket - s.costFromTicket;
	const gained = pct - s.costFromPct + (s.decayPerMs ?? 0) * Math.max(0, now - (s.costFromAt ?? now));
	if (calls >= COST_SAMPLE_CALLS && gained >= COST_SAMPLE_POINTS) {
		// Usage that recovered meanwhile (a window turning over) only makes a sample low: the
		// highest is the closest; samples long enough that flooring moves one by a few % at most.
		s.cost = Math.max(gained / calls, s.cost ?? 0);
		Object.assign(s, { costFromPct: pct, costFromTicket: ticket, costFromAt: now });
	}
}

/**
 * Rolling windows, once a run is full (it looks): usage that recovered since then, counting every
 * call made meanwhile (a window that turns over while calls refill it shows no fall), means the
 * calls that began the run have left the window, so it is at most as long as the time since; none
 * means it is longer. Recovery no larger than the last run's looks may be those looks leaving.
 */
function learnWindow(s: PacingState, pct: number, now: number, ticket: number): void {
	if (s.decayPerMs || s.runAt === undefined || s.fullPct === undefined) return;
	const since = now - s.runAt;
	const cost = s.cost ?? PRIOR_COST;
	const recovered = s.fullPct + (ticket - (s.fullTicket ?? ticket)) * cost - pct;
	// (Both readings are floored, and the cost is an estimate: a few points are noise.)
	if (recovered >= Math.max(3 * cost, (s.strayPct ?? 0) + RECOVERY_NOISE + cost)) {
		s.windowMs = Math.min(s.windowMs ?? Infinity, since);
		if (s.windowMinMs !== undefined && s.windowMinMs >= s.windowMs) s.windowMinMs = undefined;
		s.runAt = s.lookAt = s.fullPct = s.fullTicket = undefined;
	} else if (s.windowMs === undefined || since < s.windowMs) {
		s.windowMinMs = Math.max(s.windowMinMs ?? 0, since);
	} else if (since > s.windowMs * 1.5) {
		// Still full well past the upper bound: the window grew (or a stray fall misled us).
		s.windowMs = undefined;
		s.windowMinMs = since;
	}
}

/** A fixed spacing (WhatsApp's per-number and per-recipient rules): the next slot on `key`. */
export function spacedTake(state: PacingState | undefined, now: number, spacingMs: number): PaceTake {
	const s: PacingState = state ? { ...state } : fresh(now);
	const at = Math.max(now, s.notBefore);
	s.notBefore = at + spacingMs;
	return { state: s, waitMs: at - now };
}

/** How long a key's state is worth keeping after a step: what it learned, and past anything it waits for. */
export function pacingTtlMs(s: PacingState, now: number, idleMs: number): number {
	return Math.max(idleMs, (s.windowMs ?? 0) * 2, s.notBefore - now + idleMs, (s.lookAt ?? 0) - now + idleMs);
}
