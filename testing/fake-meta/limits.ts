// Meta's real limit models, beside today's rolling-window budget (budget.ts): the Marketing API
// score per ad account, the Business Use Case hour window, and WhatsApp Cloud's per-number
// throughput and pair rate limit. Each is computed from rules, so `theoreticalMinimumMs` can say
// how long a perfect client needs for N calls.
//
// Time scale: every duration of a model (decay, block, window, interval) is divided by
// `timeScale` (default 1; 10 runs everything 10× faster). Headers report durations as they are in
// wall time at that scale, so a client waiting what a header says waits the right wall time.

import { Budget, DEFAULT_BUSINESS_ID, type BudgetOptions } from './budget';
import type { GraphErrorSpec } from './errors';

interface Scaled {
	/** Every duration of the model runs this many times faster. Default 1. */
	timeScale?: number;
	/** Also send `Retry-After` (whole seconds, rounded up) on refused calls. Meta never does. */
	retryAfterHeader?: boolean;
}

export type MarketingTier = 'development' | 'standard';

/**
 * Marketing API score, per ad account (`act_<id>` as the path's first segment; other calls count
 * against `defaultAccount`). A read (GET) costs 1 point, a write (POST / DELETE) 3.
 *
 * Decay: the score is a leaky bucket that drains linearly at `maxScore / decayMs` points per ms
 * (a full score reaches 0 in 300 s), never below 0. A call is accepted when score + cost ≤
 * maxScore; otherwise it is refused (not counted) and the account is blocked for `blockMs`
 * (the score keeps draining meanwhile; calls during the block are refused and do not extend it).
 */
export interface MarketingScoreOptions extends Scaled {
	model: 'marketingScore';
	/** `development` (max 60, block 300 s) or `standard` (max 9000, block 60 s). Default development. */
	tier?: MarketingTier;
	/** Overrides the tier's maximum score. */
	maxScore?: number;
	/** Overrides the tier's block time (ms at scale 1). */
	blockMs?: number;
	/** Time for a full score to decay to 0 (ms at scale 1). Default 300,000. */
	decayMs?: number;
	/** 17 (subcode 2446079, "User request limit reached", default) or 613 (subcode 1487742). */
	errorCode?: 17 | 613;
	/** The account of calls whose path names none. Default `act_0`. */
	defaultAccount?: string;
}

/**
 * Business Use Case limit: a rolling window (1 h at scale 1) per business and type, with a call
 * limit per type. Type `ads_insights` for paths containing `/insights` (POST included: async
 * report runs count there), else `ads_management` (writes and other reads). When a type's
 * window is full, calls of that type are refused (not counted) until the oldest call leaves it:
 * code 80000 (ads_insights) or 80004 (ads_management), subcode 2446079, HTTP 400.
 */
export interface BucHourOptions extends Scaled {
	model: 'bucHour';
	/** Calls of type ads_management per window. Default 300 (Meta's development formula, 0 active ads). */
	managementCalls?: number;
	/** Calls of type ads_insights per window. Default 600. */
	insightsCalls?: number;
	/** Window length (ms at scale 1). Default 3,600,000. */
	windowMs?: number;
	/** Key of `X-Business-Use-Case-Usage` for every account not in `accountBusinesses`. */
	businessId?: string;
	/** Ad account (`act_1`) → business id; each business has its own windows. */
	accountBusinesses?: Record<string, string>;
	/** Every call made while blocked extends the block by this much (ms at scale 1). Default 0. */
	penaltyMs?: number;
}

/**
 * WhatsApp Cloud, for `POST /{phone-number-id}/messages` only (other calls are not limited):
 * per phone number, at most `messagesPerSecond` messages in any rolling second (else 130429
 * "Rate limit hit"), and per (phone number, recipient `to`) at most one message per
 * `pairIntervalMs` (else 131056 "pair rate limit hit"). The pair rule is checked first; a
 * refused message counts against neither.
 */
export interface WhatsAppLimitOptions extends Scaled {
	model: 'whatsapp';
	/** Per phone number without a tier in `numbers`. Default 80. */
	messagesPerSecond?: number;
	/**
	 * Phone number id → its throughput as Meta's "Throughput" page describes it: `STANDARD` 80
	 * messages/s, `HIGH` 1,000 (Meta's automatic upgrade), `BIZ_APP` 20 (a number also used with the
	 * WhatsApp Business app). `GET /{phone-number-id}?fields=throughput,is_on_biz_app` answers
	 * `{throughput: {level}, is_on_biz_app}` for these numbers.
	 */
	numbers?: Record<string, WhatsAppTier>;
	/** Minimum gap between two messages to the same recipient (ms at scale 1). Default 6,000. */
	pairIntervalMs?: number;
	/** HTTP status of both errors. Default the catalog's (errors.ts: 429). */
	status?: number;
}

/**
 * Ads Insights throttle (Marketing API "Insights API: Limits"): calls whose path holds `/insights`
 * answer `X-FB-Ads-Insights-Throttle: {"app_id_util_pct", "acc_id_util_pct", "ads_api_access_tier"}`
 * (other calls are not limited). Meta publishes no numbers: here each ad account (the path's first
 * segment, else `act_0`) and the app have a rolling window of `accountCalls` / `appCalls` calls;
 * when either is full the call is refused (not counted) with code 17 / subcode 1504022, as Meta's
 * rate-limiting page lists for too many insights calls. The header carries no reset time.
 */
export interface InsightsThrottleOptions extends Scaled {
	model: 'insightsThrottle';
	/** Insights calls per ad account per window. Default 60. */
	accountCalls?: number;
	/** Insights calls per app (every account) per window. Default 200. */
	appCalls?: number;
	/** Window length (ms at scale 1). Default 60,000. */
	windowMs?: number;
}

export type LimitOptions = MarketingScoreOptions | BucHourOptions | WhatsAppLimitOptions | InsightsThrottleOptions;
export type WhatsAppTier = 'STANDARD' | 'HIGH' | 'BIZ_APP';
export const WHATSAPP_TIER_MPS: Record<WhatsAppTier, number> = { STANDARD: 80, HIGH: 1000, BIZ_APP: 20 };

export type LimitModelName = LimitOptions['model'];
/** What `budget` / `setBudget` take: today's window (no `model`, or `model: 'window'`) or a model. */
export type AnyBudgetOptions = (BudgetOptions & { model?: 'window' }) | LimitOptions;

export const LIMIT_MODELS: readonly LimitModelName[] = ['marketingScore', 'bucHour', 'whatsapp', 'insightsThrottle'];

export function isLimitOptions(options: AnyBudgetOptions): options is LimitOptions {
	const model = (options as { model?: unknown }).model;
	if (model === undefined || model === 'window') return false;
	if (!LIMIT_MODELS.includes(model as LimitModelName)) {
		throw new Error(`unknown limit model ${String(model)} (known: window, ${LIMIT_MODELS.join(', ')})`);
	}
	return true;
}

/** What a model sees of a request. */
export interface LimitCall {
	method: string;
	/** Version-less path segments, e.g. ['act_1', 'insights']. */
	segments: string[];
	params: Record<string, unknown>;
}

export interface LimitModel {
	readonly options: LimitOptions;
	/** Counts the call; the error to answer when it is refused (then it is not counted). */
	take(call: LimitCall, now: number): GraphErrorSpec | undefined;
	/** Usage headers for a response to `call`. */
	headers(call: LimitCall, now: number): Record<string, string>;
	/** How long until `call` would be accepted again, 0 when it would be now. */
	regainMs(call: LimitCall, now: number): number;
}

export function createLimitModel(options: LimitOptions): LimitModel {
	switch (options.model) {
		case 'marketingScore':
			return new MarketingScoreModel(options);
		case 'bucHour':
			return new BucHourModel(options);
		case 'whatsapp':
			return new WhatsAppModel(options);
		case 'insightsThrottle':
			return new InsightsThrottleModel(options);
	}
	throw new Error(`unknown limit model ${String((options as { model?: unknown }).model)}`);
}

function scaleOf(options: Scaled): number {
	const scale = options.timeScale ?? 1;
	if (!(scale > 0) || !Number.isFinite(scale)) throw new Error('timeScale must be a positive number');
	return scale;
}

function positive(name: string, value: number): number {
	if (!(value > 0) || !Number.isFinite(value)) throw new Error(`${name} must be a positive number`);
	return value;
}

function isWrite(method: string): boolean {
	return method === 'POST' || method === 'DELETE';
}

const ACCOUNT = /^act_\d+$/;
/** Float slack when comparing scores. */
const EPSILON = 1e-9;

// ---------------------------------------------------------------------------------------------
// Marketing API score

const TIERS: Record<MarketingTier, { maxScore: number; blockMs: number; header: string }> = {
	development: { maxScore: 60, blockMs: 300_000, header: 'development_access' },
	standard: { maxScore: 9000, blockMs: 60_000, header: 'standard_access' },
};
export const MARKETING_READ_POINTS = 1;
export const MARKETING_WRITE_POINTS = 3;
const MARKETING_DECAY_MS = 300_000;

interface Score {
	score: number;
	at: number;
	blockedUntil: number;
}

/** The rules of a marketing score model, durations already scaled. */
function marketingRules(options: MarketingScoreOptions): { maxScore: number; blockMs: number; decayMs: number; header: string } {
	const tier = TIERS[options.tier ?? 'development'];
	if (!tier) throw new Error(`unknown tier ${String(options.tier)} (known: development, standard)`);
	const scale = scaleOf(options);
	return {
		maxScore: positive('maxScore', options.maxScore ?? tier.maxScore),
		blockMs: positive('blockMs', options.blockMs ?? tier.blockMs) / scale,
		decayMs: positive('decayMs', options.decayMs ?? MARKETING_DECAY_MS) / scale,
		header: tier.header,
	};
}

export class MarketingScoreModel implements LimitModel {
	private readonly rules: ReturnType<typeof marketingRules>;
	private readonly accounts = new Map<string, Score>();

	constructor(readonly options: MarketingScoreOptions) {
		this.rules = marketingRules(options);
		if (options.errorCode !== undefined && options.errorCode !== 17 && options.errorCode !== 613) {
			throw new Error('errorCode must be 17 or 613');
		}
	}

	/** The account a call counts against. */
	account(call: LimitCall): string {
		const first = call.segments[0];
		return first !== undefined && ACCOUNT.test(first) ? first : (this.options.defaultAccount ?? 'act_0');
	}

	/** The account's score at `now` (decayed), 0 for an account never called. */
	score(account: string, now: number): number {
		return this.state(account, now).score;
	}

	take(call: LimitCall, now: number): GraphErrorSpec | undefined {
		const state = this.state(this.account(call), now);
		if (now < state.blockedUntil) return this.error();
		const cost = isWrite(call.method) ? MARKETING_WRITE_POINTS : MARKETING_READ_POINTS;
		if (state.score + cost > this.rules.maxScore + EPSILON) {
			state.blockedUntil = now + this.rules.blockMs;
			return this.error();
		}
		state.score += cost;
		return undefined;
	}

	headers(call: LimitCall, now: number): Record<string, string> {
		const state = this.state(this.account(call), now);
		const blocked = now < state.blockedUntil;
		const pct = blocked ? 100 : Math.min(100, Math.floor((state.score / this.rules.maxScore) * 100 + EPSILON));
		const resetMs = blocked ? state.blockedUntil - now : (state.score / this.rules.maxScore) * this.rules.decayMs;
		return {
			'x-ad-account-usage': JSON.stringify({
				acc_id_util_pct: pct,
				reset_time_duration: Math.ceil(resetMs / 1000 - EPSILON),
				ads_api_access_tier: this.rules.header,
			}),
		};
	}

	regainMs(call: LimitCall, now: number): number {
		const state = this.state(this.account(call), now);
		return Math.max(0, state.blockedUntil - now);
	}

	private state(account: string, now: number): Score {
		let state = this.accounts.get(account);
		if (!state) {
			state = { score: 0, at: now, blockedUntil: 0 };
			this.accounts.set(account, state);
		}
		const elapsed = Math.max(0, now - state.at);
		state.score = Math.max(0, state.score - (elapsed * this.rules.maxScore) / this.rules.decayMs);
		state.at = Math.max(state.at, now);
		return state;
	}

	private error(): GraphErrorSpec {
		if (this.options.errorCode === 613) {
			return {
				code: 613,
				subcode: 1487742,
				userTitle: 'Too Many Calls',
				userMsg: 'There have been too many calls from this ad-account. Please wait a bit and try again.',
			};
		}
		return { code: 17, subcode: 2446079 };
	}
}

// ---------------------------------------------------------------------------------------------
// Business Use Case hour window

export type BucType = 'ads_management' | 'ads_insights';
const BUC_TYPES: readonly BucType[] = ['ads_management', 'ads_insights'];
const BUC_WINDOW_MS = 3_600_000;
const BUC_DEFAULT_CALLS: Record<BucType, number> = { ads_management: 300, ads_insights: 600 };
const BUC_CODE: Record<BucType, number> = { ads_management: 80004, ads_insights: 80000 };
/** 80000 is not in the catalog (errors.ts); Meta's wording, as for 80004. */
const BUC_INSIGHTS_ERROR: Omit<GraphErrorSpec, 'code'> = {
	message:
		'(#80000) There have been too many calls from this ad-account. Wait a bit and try again. For more info, please refer to https://developers.facebook.com/docs/graph-api/overview/rate-limiting#ads-insights.',
	subcode: 2446079,
	isTransient: true,
	userTitle: 'Ad Account Has Too Many API Calls',
	userMsg: 'There have been too many calls from this ad-account. Please wait a bit and try again.',
};

/** The type a call counts against. */
export function bucType(call: Pick<LimitCall, 'segments'>): BucType {
	return call.segments.includes('insights') ? 'ads_insights' : 'ads_management';
}

function bucRules(options: BucHourOptions): { calls: Record<BucType, number>; windowMs: number; penaltyMs: number } {
	const scale = scaleOf(options);
	const calls = {
		ads_management: positive('managementCalls', options.managementCalls ?? BUC_DEFAULT_CALLS.ads_management),
		ads_insights: positive('insightsCalls', options.insightsCalls ?? BUC_DEFAULT_CALLS.ads_insights),
	};
	if (!Number.isInteger(calls.ads_management) || !Number.isInteger(calls.ads_insights)) throw new Error('call limits must be whole numbers');
	return { calls, windowMs: positive('windowMs', options.windowMs ?? BUC_WINDOW_MS) / scale, penaltyMs: (options.penaltyMs ?? 0) / scale };
}

export class BucHourModel implements LimitModel {
	private readonly rules: ReturnType<typeof bucRules>;
	private readonly windows = new Map<string, Budget>();

	constructor(readonly options: BucHourOptions) {
		this.rules = bucRules(options);
	}

	business(call: LimitCall): string {
		const first = call.segments[0];
		return (first !== undefined && this.options.accountBusinesses?.[first]) || (this.options.businessId ?? DEFAULT_BUSINESS_ID);
	}

	take(call: LimitCall, now: number): GraphErrorSpec | undefined {
		const type = bucType(call);
		const window = this.window(this.business(call), type);
		if (window.take(now)) return undefined;
		return type === 'ads_insights' ? { code: BUC_CODE.ads_insights, ...BUC_INSIGHTS_ERROR } : { code: BUC_CODE.ads_management };
	}

	headers(call: LimitCall, now: number): Record<string, string> {
		const business = this.business(call);
		const entries = BUC_TYPES.map((type) => {
			const usage = this.window(business, type).usage(now);
			return {
				type,
				call_count: usage.percent,
				total_cputime: usage.percent,
				total_time: usage.percent,
				estimated_time_to_regain_access: usage.regainMs > 0 ? Math.ceil(usage.regainMs / 60_000) : 0,
			};
		});
		return { 'x-business-use-case-usage': JSON.stringify({ [business]: entries }) };
	}

	regainMs(call: LimitCall, now: number): number {
		return this.window(this.business(call), bucType(call)).usage(now).regainMs;
	}

	private window(business: string, type: BucType): Budget {
		const key = `${business}\u0000${type}`;
		let window = this.windows.get(key);
		if (!window) {
			window = new Budget({ calls: this.rules.calls[type], windowMs: this.rules.windowMs, penaltyMs: this.rules.penaltyMs });
			this.windows.set(key, window);
		}
		return window;
	}
}

// ---------------------------------------------------------------------------------------------
// WhatsApp Cloud

const WHATSAPP_MPS = 80;
const WHATSAPP_SECOND_MS = 1000;
const WHATSAPP_PAIR_MS = 6000;

/** `POST /{digits}/messages`: the phone number id, else undefined (not limited). */
export function whatsAppNumber(call: LimitCall): string | undefined {
	const [id, edge, ...rest] = call.segments;
	return call.method === 'POST' && edge === 'messages' && rest.length === 0 && id !== undefined && /^\d+$/.test(id) ? id : undefined;
}

function whatsAppRules(options: WhatsAppLimitOptions): { perSecond: number; secondMs: number; pairMs: number } {
	const scale = scaleOf(options);
	const perSecond = positive('messagesPerSecond', options.messagesPerSecond ?? WHATSAPP_MPS);
	if (!Number.isInteger(perSecond)) throw new Error('messagesPerSecond must be a whole number');
	return { perSecond, secondMs: WHATSAPP_SECOND_MS / scale, pairMs: positive('pairIntervalMs', options.pairIntervalMs ?? WHATSAPP_PAIR_MS) / scale };
}

export class WhatsAppModel implements LimitModel {
	private readonly rules: ReturnType<typeof whatsAppRules>;
	private readonly numbers = new Map<string, Budget>();
	/** `${number} ${to}` → time of the last accepted message. */
	private readonly pairs = new Map<string, number>();

	constructor(readonly options: WhatsAppLimitOptions) {
		this.rules = whatsAppRules(options);
	}

	take(call: LimitCall, now: number): GraphErrorSpec | undefined {
		const number = whatsAppNumber(call);
		if (number === undefined) return undefined;
		const pair = this.pairKey(number, call);
		if (pair !== undefined && this.pairWaitMs(pair, now) > 0) return { code: 131056, status: this.options.status };
		if (!this.throughput(number).take(now)) return { code: 130429, status: this.options.status };
		if (pair !== undefined) this.remember(pair, now);
		return undefined;
	}

	headers(): Record<string, string> {
		return {};
	}

	regainMs(call: LimitCall, now: number): number {
		const number = whatsAppNumber(call);
		if (number === undefined) return 0;
		const pair = this.pairKey(number, call);
		const pairWait = pair === undefined ? 0 : this.pairWaitMs(pair, now);
		return Math.max(pairWait, this.throughput(number).usage(now).regainMs);
	}

	private pairKey(number: string, call: LimitCall): string | undefined {
		const to = call.params.to;
		return typeof to === 'string' && to !== '' ? `${number} ${to.replace(/\D/g, '') || to}` : undefined;
	}

	private pairWaitMs(pair: string, now: number): number {
		const last = this.pairs.get(pair);
		return last === undefined ? 0 : Math.max(0, last + this.rules.pairMs - now);
	}

	private remember(pair: string, now: number): void {
		this.pairs.delete(pair);
		this.pairs.set(pair, now);
		// Insertion order is time order: forget pairs whose interval is over.
		if (this.pairs.size > 10_000) {
			for (const [key, at] of this.pairs) {
				if (at + this.rules.pairMs > now) break;
				this.pairs.delete(key);
			}
		}
	}

	private throughput(number: string): Budget {
		let budget = this.numbers.get(number);
		if (!budget) {
			budget = new Budget({ calls: whatsAppRate(this.options, number), windowMs: this.rules.secondMs });
			this.numbers.set(number, budget);
		}
		return budget;
	}

	/** `GET /{phone-number-id}?fields=throughput,is_on_biz_app` for a number with a tier; undefined for others. */
	phoneNumber(id: string): Record<string, unknown> | undefined {
		const tier = this.options.numbers?.[id];
		if (tier === undefined) return undefined;
		return { id, throughput: { level: tier === 'HIGH' ? 'HIGH' : 'STANDARD' }, is_on_biz_app: tier === 'BIZ_APP', platform_type: 'CLOUD_API' };
	}
}

/** Messages per rolling second for one number: its tier's, else `messagesPerSecond`. */
function whatsAppRate(options: WhatsAppLimitOptions, number: string | undefined): number {
	const tier = number === undefined ? undefined : options.numbers?.[number];
	return tier === undefined ? whatsAppRules(options).perSecond : WHATSAPP_TIER_MPS[tier];
}

// ---------------------------------------------------------------------------------------------
// Ads Insights throttle

const INSIGHTS_DEFAULTS = { accountCalls: 60, appCalls: 200, windowMs: 60_000 };

function insightsRules(options: InsightsThrottleOptions): { accountCalls: number; appCalls: number; windowMs: number } {
	const scale = scaleOf(options);
	const accountCalls = positive('accountCalls', options.accountCalls ?? INSIGHTS_DEFAULTS.accountCalls);
	const appCalls = positive('appCalls', options.appCalls ?? INSIGHTS_DEFAULTS.appCalls);
	if (!Number.isInteger(accountCalls) || !Number.isInteger(appCalls)) throw new Error('call limits must be whole numbers');
	return { accountCalls, appCalls, windowMs: positive('windowMs', options.windowMs ?? INSIGHTS_DEFAULTS.windowMs) / scale };
}

export class InsightsThrottleModel implements LimitModel {
	private readonly rules: ReturnType<typeof insightsRules>;
	private readonly accounts = new Map<string, Budget>();
	private readonly app: Budget;

	constructor(readonly options: InsightsThrottleOptions) {
		this.rules = insightsRules(options);
		this.app = new Budget({ calls: this.rules.appCalls, windowMs: this.rules.windowMs });
	}

	take(call: LimitCall, now: number): GraphErrorSpec | undefined {
		if (!call.segments.includes('insights')) return undefined;
		const account = this.account(call);
		// Both windows must have room; a refused call counts in neither.
		if (account.usage(now).percent >= 100 || this.app.usage(now).percent >= 100) {
			return { code: 17, subcode: 1504022, message: '(#17) There have been too many calls for ads insights. Please wait a bit and try again.', isTransient: true };
		}
		account.take(now);
		this.app.take(now);
		return undefined;
	}

	headers(call: LimitCall, now: number): Record<string, string> {
		if (!call.segments.includes('insights')) return {};
		const value = { app_id_util_pct: this.app.usage(now).percent, acc_id_util_pct: this.account(call).usage(now).percent, ads_api_access_tier: 'standard_access' };
		return { 'x-fb-ads-insights-throttle': JSON.stringify(value) };
	}

	regainMs(call: LimitCall, now: number): number {
		if (!call.segments.includes('insights')) return 0;
		return Math.max(this.account(call).usage(now).regainMs, this.app.usage(now).regainMs);
	}

	private account(call: LimitCall): Budget {
		const first = call.segments[0];
		const key = first !== undefined && ACCOUNT.test(first) ? first : 'act_0';
		let budget = this.accounts.get(key);
		if (!budget) {
			budget = new Budget({ calls: this.rules.accountCalls, windowMs: this.rules.windowMs });
			this.accounts.set(key, budget);
		}
		return budget;
	}
}

// ---------------------------------------------------------------------------------------------
// Theoretical minimum wall time

/** A mix of calls a bench makes; what each model counts is said at `theoreticalMinimumMs`. */
export interface CallMix {
	/** GETs outside `/insights` (marketing: 1 point; BUC: ads_management). */
	reads?: number;
	/** POST / DELETE outside `/insights` (marketing: 3 points; BUC: ads_management). */
	writes?: number;
	/** GETs on `/insights` paths (marketing: 1 point each, as reads; BUC: ads_insights). */
	insights?: number;
	/** WhatsApp messages, on one phone number. */
	messages?: number;
	/** WhatsApp: most messages sent to any one recipient (default 1: all distinct). */
	maxPerRecipient?: number;
	/** WhatsApp: the phone number id the messages go from (its tier in `numbers` sets the rate). */
	phoneNumber?: string;
}

/**
 * Marketing score, one ad account: with P = reads + insights + 3 × writes points and maximum M,
 * a client that never gets blocked sends the last call once P − M points have drained, at
 * M / decay points per ms: `max(0, P − M) × decayMs / M / timeScale`. (Any order of the calls.)
 */
export function marketingScoreMinimumMs(options: MarketingScoreOptions, calls: CallMix): number {
	const rules = marketingRules(options);
	const points = ((calls.reads ?? 0) + (calls.insights ?? 0)) * MARKETING_READ_POINTS + (calls.writes ?? 0) * MARKETING_WRITE_POINTS;
	return (Math.max(0, points - rules.maxScore) * rules.decayMs) / rules.maxScore;
}

/**
 * BUC hour window, one business: per type, n calls with limit L per window W go L at a time, the
 * k-th batch at (k − 1) × W: `floor((n − 1) / L) × W / timeScale` (0 for n = 0); the types run
 * in parallel, so the answer is the larger of ads_management (reads + writes) and ads_insights.
 */
export function bucHourMinimumMs(options: BucHourOptions, calls: CallMix): number {
	const rules = bucRules(options);
	const batches = (n: number, limit: number) => (n > 0 ? Math.floor((n - 1) / limit) : 0);
	const management = batches((calls.reads ?? 0) + (calls.writes ?? 0), rules.calls.ads_management);
	const insights = batches(calls.insights ?? 0, rules.calls.ads_insights);
	return Math.max(management, insights) * rules.windowMs;
}

/**
 * WhatsApp, one phone number: m messages at R per rolling second take `floor((m − 1) / R) × 1 s`,
 * and k messages to one recipient take `(k − 1) × pairIntervalMs`; the minimum is the larger of
 * the two, divided by timeScale (a lower bound; exact when one rule binds alone, as in all-distinct
 * recipients or a single recipient).
 */
export function whatsAppMinimumMs(options: WhatsAppLimitOptions, calls: CallMix): number {
	const rules = whatsAppRules(options);
	const messages = calls.messages ?? 0;
	if (messages <= 0) return 0;
	const perRecipient = Math.min(messages, Math.max(1, calls.maxPerRecipient ?? 1));
	const perSecond = whatsAppRate(options, calls.phoneNumber);
	return Math.max(Math.floor((messages - 1) / perSecond) * rules.secondMs, (perRecipient - 1) * rules.pairMs);
}

/**
 * Insights throttle: n insights calls of one account go L at a time, L the smaller of the account's
 * and the app's limit, the k-th batch at (k − 1) × W: `floor((n − 1) / L) × W / timeScale`.
 */
export function insightsThrottleMinimumMs(options: InsightsThrottleOptions, calls: CallMix): number {
	const rules = insightsRules(options);
	const n = calls.insights ?? 0;
	return n > 0 ? Math.floor((n - 1) / Math.min(rules.accountCalls, rules.appCalls)) * rules.windowMs : 0;
}

/**
 * The least wall time (ms, from the first call to the start of the last) in which a perfect client
 * can make `calls` under `model` without a refusal, network time aside. A number means that many
 * reads (marketing score, BUC: ads_management) or messages to distinct recipients (WhatsApp).
 */
export function theoreticalMinimumMs(model: LimitOptions, calls: CallMix | number): number {
	switch (model.model) {
		case 'marketingScore':
			return marketingScoreMinimumMs(model, typeof calls === 'number' ? { reads: calls } : calls);
		case 'bucHour':
			return bucHourMinimumMs(model, typeof calls === 'number' ? { reads: calls } : calls);
		case 'whatsapp':
			return whatsAppMinimumMs(model, typeof calls === 'number' ? { messages: calls } : calls);
		case 'insightsThrottle':
			return insightsThrottleMinimumMs(model, typeof calls === 'number' ? { insights: calls } : calls);
	}
	throw new Error(`unknown limit model ${String((model as { model?: unknown }).model)}`);
}
