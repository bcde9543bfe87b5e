// Circuit breaker: after N consecutive server/network failures on one endpoint, calls fail fast
// for a cool-down instead of piling onto a struggling service; then one trial call decides.
import { internalErrors } from '../errors/internal';
import type { BreakerStore } from '../state/store';
import { stopped, type Layer } from './attempt';

export interface BreakerPolicy {
	/** Consecutive server/network failures that open the circuit. */
	failureThreshold: number;
	/** How long the circuit stays open before one trial call may go through, in ms. */
	coolDownMs: number;
}

export const DEFAULT_BREAKER_POLICY: BreakerPolicy = { failureThreshold: 5, coolDownMs: 30_000 };

export type BreakerState = 'closed' | 'open' | 'half_open';

/** How long a half-open trial is held at most: a call (or a worker) that never answers frees it then. */
export const trialLeaseMs = (policy: BreakerPolicy): number => Math.max(policy.coolDownMs, 60_000);

/** What a call's result means to the breaker: `failure` = server or network trouble. */
export type BreakerOutcome = 'success' | 'failure';

export type BreakerPermit =
	| { allowed: true; trial: boolean }
	| { allowed: false; state: BreakerState; failures: number; halfOpensAt: number };

export class CircuitBreaker {
	private failures = 0;
	private openedAt = 0;
	/** Until when the half-open trial is taken (0: free). A lease, so a call that never ends frees it. */
	private trialUntil = 0;
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
		if (state === 'half_open' && now >= this.trialUntil) {
			this.current = 'half_open';
			this.trialUntil = now + trialLeaseMs(this.policy);
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
		if (trial) this.trialUntil = 0;
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
		if (trial) this.trialUntil = 0;
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
 * Breakers live in the breaker store: with Redis, every worker sees the same circuit.
 */
export function breakerLayer(breakers: BreakerStore, policy: BreakerPolicy): Layer {
	return (next) => async (call) => {
		const key = breakerKey(call.url);
		const permit = await breakers.acquire(key, call.now(), policy);
		if (!permit.allowed) return stopped('circuit_open', internalErrors.circuitOpen(key, permit.failures, permit.halfOpensAt, call.now()));
		const outcome = await next(call);
		if (outcome.ok) await breakers.record(key, 'success', call.now(), permit.trial, policy);
		else if (outcome.aborted || outcome.local || outcome.stop) await breakers.release(key, permit.trial);
		else {
			const trouble = outcome.error.category === 'server' || outcome.error.category === 'network';
			await breakers.record(key, trouble ? 'failure' : 'success', call.now(), permit.trial, policy);
		}
		return outcome;
	};
}
