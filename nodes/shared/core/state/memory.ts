// The process-memory backend: one store per n8n process, shared by every execution in it. Each
// operation runs without an await inside, so it is atomic among the process's concurrent calls.
// Bounded: pacing, findings and breaker keys are few (hosts, accounts, endpoints, health check
// nodes); the journal keeps at most
// MAX_JOURNAL_KEYS keys and drops expired ones as it goes.
import { CircuitBreaker, type BreakerPolicy } from '../resilience/breaker';
import type { PacingState } from '../resilience/pacing';
import { stateWindows, type PolicyState } from '../policy/policyState';
import type { ReportedFindings } from '../health/findingMemory';
import { UNSETTLED_KEEP_MS, type BreakerStore, type JournalEntry, type JournalOutcome, type JournalStore, type StateStep, type StateStore, type SteppedStore, type WindowStore } from './store';

/** Journal keys kept at most in one process; the oldest go first. */
export const MAX_JOURNAL_KEYS = 10_000;
/** Pacing, findings and breaker keys kept at most; the least recently used go first. */
const MAX_KEYS = 1_000;

/** A Map that forgets its least recently set key past `max`. */
function boundedSet<K, V>(map: Map<K, V>, key: K, value: V, max: number): void {
	map.delete(key);
	map.set(key, value);
	if (map.size > max) map.delete(map.keys().next().value as K);
}

interface Stepped<S> {
	state: S;
	expiresAt: number;
}

/** JSON states changed by pure steps (pacing, Health Check findings), each kept as long as its last step says. */
export class MemorySteps<S> implements SteppedStore<S> {
	private readonly keys = new Map<string, Stepped<S>>();

	async update<R>(key: string, step: StateStep<S, R>): Promise<R> {
		const now = Date.now();
		const held = this.keys.get(key);
		const { state, result, ttlMs } = step(held && held.expiresAt > now ? held.state : undefined);
		boundedSet(this.keys, key, { state, expiresAt: now + ttlMs }, MAX_KEYS);
		return result;
	}
}

export class MemoryBreakers implements BreakerStore {
	private readonly breakers = new Map<string, CircuitBreaker>();

	private get(key: string, policy: BreakerPolicy): CircuitBreaker {
		let breaker = this.breakers.get(key);
		if (!breaker) {
			breaker = new CircuitBreaker(policy);
			boundedSet(this.breakers, key, breaker, MAX_KEYS);
		}
		breaker.policy = policy;
		return breaker;
	}

	async acquire(key: string, now: number, policy: BreakerPolicy) {
		return this.get(key, policy).acquire(now);
	}

	async record(key: string, outcome: 'success' | 'failure', now: number, trial: boolean, policy: BreakerPolicy): Promise<void> {
		this.get(key, policy).record(outcome, now, trial);
	}

	async release(key: string, trial: boolean): Promise<void> {
		this.breakers.get(key)?.release(trial);
	}
}

type Held = { state: 'pending'; at: number; until: number } | { state: 'done' | 'ambiguous'; at: number; until: number; outcome?: JournalOutcome };

export class MemoryJournal implements JournalStore {
	private readonly entries = new Map<string, Held>();

	async claim(key: string, now: number, leaseMs: number): Promise<JournalEntry> {
		const held = this.entries.get(key);
		if (held && held.until > now) {
			if (held.state === 'done') return { state: 'done', at: held.at, outcome: structuredClone(held.outcome!) };
			return { state: held.state, at: held.at };
		}
		// A lease that ran out without an answer: its holder died while sending (or hung). It may
		// have been applied, so the key stays taken, as ambiguous, instead of being claimed again.
		if (held?.state === 'pending') {
			boundedSet(this.entries, key, { state: 'ambiguous', at: held.at, until: now + UNSETTLED_KEEP_MS }, MAX_JOURNAL_KEYS);
			return { state: 'ambiguous', at: held.at };
		}
		boundedSet(this.entries, key, { state: 'pending', at: now, until: now + leaseMs }, MAX_JOURNAL_KEYS);
		return { state: 'claimed' };
	}

	async complete(key: string, outcome: JournalOutcome, now: number, ttlMs: number): Promise<void> {
		// A copy: what the journal answers later must not change with the item built from it.
		boundedSet(this.entries, key, { state: 'done', at: now, until: now + ttlMs, outcome: structuredClone(outcome) }, MAX_JOURNAL_KEYS);
	}

	async abandon(key: string, now: number, ttlMs: number): Promise<void> {
		boundedSet(this.entries, key, { state: 'ambiguous', at: now, until: now + ttlMs }, MAX_JOURNAL_KEYS);
	}

	async release(key: string): Promise<void> {
		this.entries.delete(key);
	}
}

/** Router windows over a PolicyState (the shape saved to static data), updated in place. */
export function policyStateWindows(state: PolicyState): WindowStore {
	const windows = stateWindows(state);
	return {
		count: async (key, now, windowMs, keep) => windows.count(key, now, windowMs, keep),
		fire: async (key, now, windowMs) => windows.fire(key, now, windowMs),
		claim: async (key, now, cooldownMs) => windows.claim(key, now, cooldownMs),
		sample: async (key, now, value, sampleKey, keep) => windows.sample(key, now, value, sampleKey, keep),
	};
}

/** The process-memory store; router namespaces keep a PolicyState each (see routerState). */
export class MemoryStore implements StateStore {
	readonly kind = 'memory' as const;
	readonly pacing = new MemorySteps<PacingState>();
	readonly findings = new MemorySteps<ReportedFindings>();
	readonly breakers = new MemoryBreakers();
	readonly journal = new MemoryJournal();
	private readonly routers = new Map<string, PolicyState>();

	/** The state of router `namespace` in this process, or undefined when this process has none yet. */
	routerState(namespace: string): PolicyState | undefined {
		return this.routers.get(namespace);
	}

	/** Adopts `state` (loaded from a snapshot) as router `namespace`'s state in this process. */
	adoptRouterState(namespace: string, state: PolicyState): PolicyState {
		boundedSet(this.routers, namespace, state, MAX_KEYS);
		return state;
	}

	windows(namespace: string): WindowStore {
		return policyStateWindows(this.routers.get(namespace) ?? this.adoptRouterState(namespace, { thresholds: {}, cooldowns: {} }));
	}
}

/** The one memory store of this process. */
export const processStore = new MemoryStore();
