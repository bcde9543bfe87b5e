// A rolling-window call budget, reported the way Meta reports it: usage headers on every
// response, a rate-limit error when exhausted, and a longer block for clients that keep calling.

import type { GraphErrorSpec } from './errors';

export type BudgetStyle = 'buc' | 'app' | 'adAccount';

export interface BudgetOptions {
	/** Calls allowed per rolling window. */
	calls: number;
	windowMs: number;
	/** Every call made while blocked extends the block by this much (default 0). */
	penaltyMs?: number;
	/** Which Meta limit this imitates; picks the default error code. Default `buc`. */
	style?: BudgetStyle;
	/** Key of `X-Business-Use-Case-Usage`. Default `100000000000001`. */
	businessId?: string;
	/** Error code when blocked. Default 80004 (buc), 4 (app), 17 (adAccount). */
	code?: number;
	subcode?: number;
	/** HTTP status when blocked. Default: the code's status at Meta (400, or 403 for code 4/32). */
	status?: number;
	/** Also send `Retry-After` (whole seconds) on throttled responses. Meta never does; fast tests can. */
	retryAfterHeader?: boolean;
}

const DEFAULT_CODE: Record<BudgetStyle, number> = { buc: 80004, app: 4, adAccount: 17 };
export const DEFAULT_BUSINESS_ID = '100000000000001';

export interface Usage {
	/** 0–100. */
	percent: number;
	/** How long until calls are accepted again, 0 when not blocked. */
	regainMs: number;
}

export class Budget {
	private readonly stamps: number[];
	private head = 0;
	private count = 0;
	private blockedUntil = 0;

	constructor(readonly options: BudgetOptions) {
		if (!(options.calls >= 1) || !(options.windowMs > 0)) {
			throw new Error('budget needs calls >= 1 and windowMs > 0');
		}
		this.stamps = new Array<number>(options.calls);
	}

	/** Counts a call; false when the budget is exhausted (the call is refused, not counted). */
	take(now: number): boolean {
		this.prune(now);
		if (now < this.blockedUntil) {
			this.blockedUntil += this.options.penaltyMs ?? 0;
			return false;
		}
		if (this.count >= this.options.calls) {
			this.blockedUntil = this.stamps[this.head] + this.options.windowMs;
			return false;
		}
		this.stamps[(this.head + this.count) % this.options.calls] = now;
		this.count++;
		return true;
	}

	usage(now: number): Usage {
		this.prune(now);
		if (now < this.blockedUntil) return { percent: 100, regainMs: this.blockedUntil - now };
		return { percent: Math.floor((this.count / this.options.calls) * 100), regainMs: 0 };
	}

	error(): GraphErrorSpec {
		const code = this.options.code ?? DEFAULT_CODE[this.options.style ?? 'buc'];
		return { code, subcode: this.options.subcode, status: this.options.status };
	}

	private prune(now: number): void {
		const oldest = now - this.options.windowMs;
		while (this.count > 0 && this.stamps[this.head] <= oldest) {
			this.head = (this.head + 1) % this.options.calls;
			this.count--;
		}
	}
}

/** Meta's three usage headers, all showing the budget's utilisation. */
export function usageHeaders(
	usage: Usage,
	businessId: string,
	adAccount: boolean,
): Record<string, string> {
	const pct = usage.percent;
	const headers: Record<string, string> = {
		'x-app-usage': JSON.stringify({ call_count: pct, total_cputime: pct, total_time: pct }),
		'x-business-use-case-usage': JSON.stringify({
			[businessId]: [
				{
					type: 'ads_management',
					call_count: pct,
					total_cputime: pct,
					total_time: pct,
					estimated_time_to_regain_access: Math.ceil(usage.regainMs / 60_000),
					ads_api_access_tier: 'standard_access',
				},
			],
		}),
	};
	if (adAccount) {
		// reset_time_duration (seconds) is Meta's finer hint; estimated_time_to_regain_access is minutes.
		headers['x-ad-account-usage'] = JSON.stringify({
			acc_id_util_pct: pct,
			reset_time_duration: Math.ceil(usage.regainMs / 1000),
			ads_api_access_tier: 'standard_access',
		});
	}
	return headers;
}
