// Circuit breaker: after N consecutive server/network failures on one endpoint, calls fail fast
// for a cool-down instead of piling onto a struggling service; then one trial call decides.
import { internalErrors } from '../errors/internal';
import { stopped, type Layer } from './attempt';

export interface BreakerPolicy {
	/** Consecutive server/network failures that open the circuit. */
	failureThreshold: number;
	/** How long the circuit stays open before one trial call may go through, in ms. */
	coolDownMs: number;
}

export const DEFAULT_BREAKER_POLICY: BreakerPolicy = { failureThreshold: 5, coolDownMs: 30_000 };

export type BreakerState = 'closed' | 'open' | 'half_open';

/** What a call's result means to the breaker: `failure` = server or network trouble. */
export type BreakerOutcome = 'success' | 'failure';

export type BreakerPermit =
	| { allowed: true; trial: boolean }
	| { allowed: false; state: BreakerState; failures: number; halfOpensAt: number };

export class CircuitBreaker {
	private failures = 0;
	private openedAt = 0;
	private trialInFlight = false;
	private current: BreakerState = 'closed';

	constructor(public policy: BreakerPolicy) {}

	state(now: number): BreakerState {
		if (this.current === 'open' && now >= this.openedAt + this.policy.coolDownMs) return 'half_open';
		return this.current;
	}

	/** Asks to make a call. While half-open exactly one trial call is let through. */
	acquire(now: number): BreakerPermit {
		const state = this.state(now);
		if (state === 'closed') return { allowed: true, trial: false };
		if (state === 'half_open' && !this.trialInFlight) {
			this.current = 'half_open';
			this.trialInFlight = true;
			return { allowed: true, trial: true };
		}
		return {
			allowed: false,
			state,
			failures: this.failures,
			halfOpensAt: this.openedAt + this.policy.coolDownMs,
		};
	}

	/** Reports the result of a call made with a permit. */
	record(outcome: BreakerOutcome, now: number, trial: boolean): void {
		if (trial) this.trialInFlight = false;
		if (outcome === 'success') {
			this.failures = 0;
			this.current = 'closed';
			return;
		}
		this.failures++;
		if (trial || this.current === 'half_open' || this.failures >= this.policy.failureThreshold) {
			this.current = 'open';
			this.openedAt = now;
		}
	}

	/** Gives back a trial permit whose call never produced a result (aborted, refused locally). */
	release(trial: boolean): void {
		if (trial) this.trialInFlight = false;
	}
}

/** Breakers by key (host + path template). One registry is shared by every call in the process. */
export class BreakerRegistry {
	private readonly breakers = new Map<string, CircuitBreaker>();

	get(key: string, policy: BreakerPolicy = DEFAULT_BREAKER_POLICY): CircuitBreaker {
		let breaker = this.breakers.get(key);
		if (!breaker) {
			breaker = new CircuitBreaker(policy);
			this.breakers.set(key, breaker);
		}
		breaker.policy = policy;
		return breaker;
	}
}

/**
 * The endpoint a breaker guards: ids replaced so `/v24.0/123/ads` and `/v24.0/456/ads` share one
 * (`/v24.0/{id}/ads`). Numeric ids, `act_<n>` and WhatsApp-style `<n>_<n>` ids all count as ids.
 */
export function pathTemplate(pathname: string): string {
	return pathname
		.split('/')
		.map((segment) => (/^(act_)?\d+(_\d+)*$/.test(segment) ? '{id}' : segment))
		.join('/');
}

/** The breaker's key: origin and path template (`https://graph.facebook.com/v24.0/{id}/ads`). */
export function breakerKey(url: URL): string {
	return `${url.origin}${pathTemplate(url.pathname)}`;
}

/**
 * Refuses an attempt while its endpoint's circuit is open (`circuit_open`); records what the
 * attempt says about the endpoint. Only Meta's answers and real network failures count: an
 * attempt aborted, refused on this side of the wire or stopped by an inner layer is given back.
 */
export function breakerLayer(registry: BreakerRegistry, policy: BreakerPolicy): Layer {
	return (next) => async (call) => {
		const key = breakerKey(call.url);
		const breaker = registry.get(key, policy);
		const permit = breaker.acquire(call.now());
		if (!permit.allowed) return stopped('circuit_open', internalErrors.circuitOpen(key, permit.failures, permit.halfOpensAt, call.now()));
		const outcome = await next(call);
		if (outcome.ok) breaker.record('success', call.now(), permit.trial);
		else if (outcome.aborted || outcome.local || outcome.stop) breaker.release(permit.trial);
		else {
			const trouble = outcome.error.category === 'server' || outcome.error.category === 'network';
			breaker.record(trouble ? 'failure' : 'success', call.now(), permit.trial);
		}
		return outcome;
	};
}
