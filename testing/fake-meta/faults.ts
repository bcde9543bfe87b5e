// Fault injection: rules that pick which requests misbehave, and how.

import type { GraphErrorSpec } from './errors';

/** Faults that answer in Meta's place; nothing is applied unless wrapped in `applyThen`. */
export type AnswerFault =
	/** A Meta error body (defaults per code from the catalog). */
	| ({ type: 'graphError'; headers?: Record<string, string> } & GraphErrorSpec)
	/** A proxy's HTML error page, status 502. */
	| { type: 'html502' }
	/** Any status with any body (object → JSON, string → as is). */
	| { type: 'status'; status: number; body?: unknown; headers?: Record<string, string> };

export type Fault =
	| AnswerFault
	/**
	 * The request is applied, then the answer is the given fault (a 500 with code 2 and
	 * `is_transient`, a 503 with code 1, a gateway's HTML 504): a 5xx does not prove nothing happened.
	 */
	| { type: 'applyThen'; fault: AnswerFault }
	/**
	 * TCP reset. `before`: nothing is applied. `after`: the request is applied, the response
	 * headers and half the body are sent, then the connection is reset.
	 */
	| { type: 'reset'; when: 'before' | 'after' }
	/** The request is applied, but the answer comes only after `ms` (if the client still waits). */
	| { type: 'stall'; ms: number }
	/** The request is applied; the 200 answer declares a longer content-length than it sends. */
	| { type: 'truncated' };

export interface FaultMatch {
	method?: string | string[];
	/** A string matches the whole path, with or without its `/vNN.N` prefix; a RegExp is tested on the path. */
	path?: string | RegExp;
	/** Only writes (POST, DELETE), or only reads. */
	writes?: boolean;
}

export interface FaultRule {
	match?: FaultMatch;
	/** Fire at most this many times. */
	times?: number;
	/** Fire with this probability (seeded PRNG). */
	probability?: number;
	/** Fire on every n-th matching request (n, 2n, ...). */
	every?: number;
	/** One fault, or several to pick from at random (seeded). */
	fault: Fault | Fault[];
}

export interface RequestFacts {
	method: string;
	path: string;
	/** Path without the version prefix. */
	graphPath: string;
}

interface ActiveRule {
	rule: FaultRule;
	matched: number;
	fired: number;
}

export class Faults {
	private rules: ActiveRule[] = [];

	constructor(private readonly random: () => number) {}

	add(rule: FaultRule): void {
		const faults = Array.isArray(rule.fault) ? rule.fault : [rule.fault];
		if (faults.length === 0) throw new Error('a fault rule needs at least one fault');
		this.rules.push({ rule, matched: 0, fired: 0 });
	}

	clear(): void {
		this.rules = [];
	}

	/** The fault for this request, if a rule fires (first firing rule wins). */
	pick(request: RequestFacts): Fault | undefined {
		for (const active of this.rules) {
			const { rule } = active;
			if (!matches(rule.match, request)) continue;
			active.matched++;
			if (rule.times !== undefined && active.fired >= rule.times) continue;
			if (rule.every !== undefined && active.matched % rule.every !== 0) continue;
			if (rule.probability !== undefined && this.random() >= rule.probability) continue;
			active.fired++;
			if (!Array.isArray(rule.fault)) return rule.fault;
			return rule.fault[Math.floor(this.random() * rule.fault.length)];
		}
		return undefined;
	}
}

function matches(match: FaultMatch | undefined, request: RequestFacts): boolean {
	if (!match) return true;
	if (match.method !== undefined) {
		const methods = Array.isArray(match.method) ? match.method : [match.method];
		if (!methods.some((m) => m.toUpperCase() === request.method)) return false;
	}
	if (match.writes !== undefined && match.writes !== (request.method !== 'GET')) return false;
	if (match.path instanceof RegExp) return match.path.test(request.path);
	if (typeof match.path === 'string') return match.path === request.path || match.path === request.graphPath;
	return true;
}

/** A short label for logs and stats: `graphError:131016`, `reset:after`, `status:429`, `stall`, ... */
export function faultLabel(fault: Fault): string {
	switch (fault.type) {
		case 'graphError':
			return `graphError:${fault.code}`;
		case 'reset':
			return `reset:${fault.when}`;
		case 'status':
			return `status:${fault.status}`;
		case 'applyThen':
			return `applied+${faultLabel(fault.fault)}`;
		default:
			return fault.type;
	}
}

/** Faults under which the request is applied (the others answer before it is). */
export function appliesRequest(fault: Fault): boolean {
	return (
		fault.type === 'stall' ||
		fault.type === 'truncated' ||
		fault.type === 'applyThen' ||
		(fault.type === 'reset' && fault.when === 'after')
	);
}

/** A gateway's HTML error page with the given status, as a load balancer in front of Meta sends it. */
export function gatewayPage(status: 502 | 503 | 504): AnswerFault {
	const body = `<!DOCTYPE html><html><head><title>${status} Gateway Error</title></head><body><h1>${status} Gateway Time-out</h1><p>The server didn't respond in time.</p></body></html>`;
	return { type: 'status', status, body, headers: { 'content-type': 'text/html; charset=utf-8' } };
}

/** The apply-then-fail answers: the write happened, the answer says 5xx. */
export const APPLY_THEN_FAIL: Fault[] = [
	{ type: 'applyThen', fault: { type: 'graphError', code: 2, status: 500, isTransient: true } },
	{ type: 'applyThen', fault: { type: 'graphError', code: 1, status: 503 } },
	{ type: 'applyThen', fault: gatewayPage(504) },
];

export interface ChaosOptions {
	/** Share of requests that fail (default 0.3). */
	rate?: number;
	/** Stall length; make it longer than the client's timeout (default 2000 ms). */
	stallMs?: number;
	match?: FaultMatch;
}

/**
 * The chaos mix: every rate-limit code with the status Meta uses, 500/503, 131016, resets before
 * and after the request was sent, stalls, an HTML 502, truncated JSON, and writes that are applied
 * and then answered with a 5xx or a gateway page.
 * The rate-limit answers carry usage headers at 100 % that allow access again right away.
 */
export function chaosFaults(options: ChaosOptions = {}): FaultRule {
	const throttledHeaders = {
		'x-app-usage': JSON.stringify({ call_count: 100, total_cputime: 100, total_time: 100 }),
		'x-ad-account-usage': JSON.stringify({ acc_id_util_pct: 100, reset_time_duration: 1, ads_api_access_tier: 'standard_access' }),
	};
	const rateLimit = (code: number): Fault => ({ type: 'graphError', code, headers: throttledHeaders });
	return {
		match: options.match,
		probability: options.rate ?? 0.3,
		fault: [
			rateLimit(4),
			rateLimit(17),
			rateLimit(32),
			rateLimit(613),
			rateLimit(80004),
			rateLimit(130429),
			rateLimit(131056),
			{ type: 'graphError', code: 1 },
			{ type: 'graphError', code: 2 },
			{ type: 'graphError', code: 131016 },
			{ type: 'graphError', code: 2, status: 503 },
			{ type: 'reset', when: 'before' },
			{ type: 'reset', when: 'after' },
			{ type: 'stall', ms: options.stallMs ?? 2000 },
			{ type: 'html502' },
			{ type: 'truncated' },
			...APPLY_THEN_FAIL,
		],
	};
}
