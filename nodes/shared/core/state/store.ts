// The state the resilience layers and the Escalation Router share between calls, executions and
// (with Redis) n8n workers: one interface per owner, each operation atomic, every key namespaced
// by its owner and expiring. Backends: process memory (memory.ts) and Redis (shared/state/redisStore.ts).
import type { PacingState } from '../resilience/pacing';
import type { BreakerOutcome, BreakerPermit, BreakerPolicy } from '../resilience/breaker';
import type { SampleAnswer } from '../policy/anomaly';
import type { ReportedFindings } from '../health/findingMemory';

/**
 * How long a journal key whose holder never settled it (its lease ran out: the worker died while
 * sending) stays ambiguous: as long as a create is remembered by default, so it is not sent again.
 */
export const UNSETTLED_KEEP_MS = 24 * 60 * 60_000;

/** One pure step on a key's JSON state: the new state, what to return, how long to keep it. */
export type StateStep<S, R> = (state: S | undefined) => { state: S; result: R; ttlMs: number };

/** A JSON state per key, changed only by pure steps. */
export interface SteppedStore<S> {
	/**
	 * Applies `step` to `key`'s state atomically: every caller on every worker sees one sequence of
	 * steps. The step must be pure: a backend may run it again when the state changed meanwhile.
	 */
	update<R>(key: string, step: StateStep<S, R>): Promise<R>;
}

/** One step of the pacing controller on a key's state. */
export type PacingStep<R> = StateStep<PacingState, R>;

/** Pacing (throttle layer): the controller's state per host and ad account (or WhatsApp number). */
export type PacingStore = SteppedStore<PacingState>;

/** Meta Health Check: what each health check node has reported and not seen resolved, per workflow and node. */
export type FindingsStore = SteppedStore<ReportedFindings>;

/** Circuit breakers (breaker layer), per endpoint: one half-open trial across every worker. */
export interface BreakerStore {
	acquire(key: string, now: number, policy: BreakerPolicy): Promise<BreakerPermit>;
	record(key: string, outcome: BreakerOutcome, now: number, trial: boolean, policy: BreakerPolicy): Promise<void>;
	/** Gives back a trial permit whose call produced no answer. */
	release(key: string, trial: boolean): Promise<void>;
}

/** Escalation Router windows and cooldowns, within one router's namespace. */
export interface WindowStore {
	/** Adds one event at `now` to the window `key` and returns how many are inside it (newest `keep` at most). */
	count(key: string, now: number, windowMs: number, keep: number): Promise<number>;
	/** Fires `key` at `now` unless it fired less than `windowMs` ago; true when it fired now. */
	fire(key: string, now: number, windowMs: number): Promise<boolean>;
	/** Claims the cooldown `key` at `now` unless it was claimed less than `cooldownMs` ago (then: when). */
	claim(key: string, now: number, cooldownMs: number): Promise<{ claimed: true } | { claimed: false; lastAt: number }>;
	/**
	 * Anomaly baselines: unless `sampleKey` is not after the newest key counted (then: that key),
	 * returns the readings before this one and adds `value` (the newest `keep` kept), in one step.
	 * A baseline lives BASELINE_TTL_MS after its last reading.
	 */
	sample(key: string, now: number, value: number, sampleKey: string | undefined, keep: number): Promise<SampleAnswer>;
}

/** What the journal recorded for a write that was answered with success. */
export interface JournalOutcome {
	status: number;
	body: unknown;
}

export type JournalEntry =
	/** Nobody held the key: it is now ours until `complete`, `abandon` or `release`, or the lease ends. */
	| { state: 'claimed' }
	/** The write succeeded at `at`: not to be sent again. */
	| { state: 'done'; at: number; outcome: JournalOutcome }
	/** Another call holds the key since `at` (another worker, or one that died while sending). */
	| { state: 'pending'; at: number }
	/** A call with this key may have been applied (`at`); nobody knows. */
	| { state: 'ambiguous'; at: number };

/** The write journal (journal layer), keyed by idempotency key. */
export interface JournalStore {
	claim(key: string, now: number, leaseMs: number): Promise<JournalEntry>;
	/** Records the success of the write holding `key`, kept for `ttlMs`. */
	complete(key: string, outcome: JournalOutcome, now: number, ttlMs: number): Promise<void>;
	/** The write may have been applied: later claims learn it (kept for `ttlMs`). */
	abandon(key: string, now: number, ttlMs: number): Promise<void>;
	/** Nothing was applied: the key is free again. */
	release(key: string): Promise<void>;
}

export type StoreKind = 'memory' | 'redis';

export interface StateStore {
	kind: StoreKind;
	pacing: PacingStore;
	findings: FindingsStore;
	breakers: BreakerStore;
	journal: JournalStore;
	/** The windows and cooldowns of one router (`namespace`: workflow and node). */
	windows(namespace: string): WindowStore;
}

/** Thrown by a backend that cannot reach its storage; callers decide what to do without it. */
export class StateUnavailableError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'StateUnavailableError';
	}
}
