// What the resilience layers share: one call as they see it, the outcome of one attempt, and how
// layers wrap an attempt. A layer is `(next) => attempt`: it may act before (wait, refuse), call
// `next`, and act after (record, retry). Each layer owns its key and its internal errors.
import type { StopReason } from '../contract';
import type { HeaderBag, MetaErrorInfo, MetaUsage } from '../types';

export interface CallStats {
	/** Requests sent, over all retries (and pages). */
	attempts: number;
	/** Time spent waiting (backoff and throttle), in ms. */
	waitedMs: number;
	/** Usage reported by the last response that had usage headers. */
	usage?: MetaUsage;
}

/** One call, as the layers see it. */
export interface Call {
	method: string;
	/** Where it goes: the layers' keys (endpoint, ad account) come from it. */
	url: URL;
	/** A write that makes something new: not repeated when a failure may have applied it. */
	creates: boolean;
	/** The user's opt-in to repeat such a write with its idempotency key. */
	retryWritesWithKey: boolean;
	/** The calls Meta counts this one as, for pacing (a Graph batch: its parts). Default 1. */
	weight?: number;
	/** WhatsApp sends: who the message goes to (Meta limits messages per recipient). */
	recipient?: string;
	/** Writes: the key the write journal knows it by (sent as `Idempotency-Key`). */
	idempotencyKey?: string;
	/** Writes: a digest of what is sent (method, path after the version, query, body), so one key cannot stand for two requests. */
	requestDigest?: string;
	signal?: AbortSignal;
	/** Epoch ms: no wait may end after it (the item's time budget). */
	deadline: number;
	now(): number;
	/** Waits (cut short on cancel) and counts the time in `waitedMs`. */
	pause(ms: number): Promise<void>;
	/** Tells the item something it should know (a store that fell back, a write sent unjournaled). */
	warn(message: string): void;
	/** Set once any attempt of this call failed in a way that may have applied it. */
	mayHaveApplied?: boolean;
	/** Set by the stale-connection layer once it has replayed, so it replays once per call. */
	replayedStale?: boolean;
}

export interface Sent {
	ok: true;
	status: number;
	headers: HeaderBag;
	/** Parsed JSON; `{}` for an empty body; `{ location }` for a redirect. */
	body: unknown;
	usage?: MetaUsage;
	/** Answered from the write journal: when the write it repeats succeeded (epoch ms). Nothing was sent. */
	replayedFrom?: number;
}

export interface Failed {
	ok: false;
	error: MetaErrorInfo;
	/** The failure does not prove that Meta did nothing (a 5xx, a gateway page, a reset after sending). */
	mayBeApplied: boolean;
	/** The execution was cancelled. */
	aborted?: boolean;
	/** It failed on this side of the wire: nothing reached Meta. */
	local?: boolean;
	/** A kept-alive connection was closed under the request before any answer. */
	stale?: boolean;
	usage?: MetaUsage;
	/** Set by a layer that ends the call: no outer layer may try again. */
	stop?: StopReason;
}

export type Outcome = Sent | Failed;
export type Attempt = (call: Call) => Promise<Outcome>;
export type Layer = (next: Attempt) => Attempt;

/** Wraps `send` in the layers, the first one outermost: `compose(a, b)(send)` = a(b(send)). */
export function compose(...layers: Layer[]): (send: Attempt) => Attempt {
	return (send) => layers.reduceRight<Attempt>((next, layer) => layer(next), send);
}

/** A failure that ends the call, for layers that refuse before anything is sent. */
export function stopped(stop: StopReason, error: MetaErrorInfo): Failed {
	return { ok: false, error, mayBeApplied: false, stop };
}

/**
 * A kept-alive connection the server closed as the request went out: once per call, at once and
 * beyond Max Attempts, a request that may be repeated goes out again on a fresh connection. A
 * create is not: the server may have read it.
 */
export const staleConnectionLayer: Layer = (next) => async (call) => {
	const outcome = await next(call);
	if (outcome.ok || !outcome.stale || call.creates || call.replayedStale || call.signal?.aborted) return outcome;
	call.replayedStale = true;
	return await next(call);
};
