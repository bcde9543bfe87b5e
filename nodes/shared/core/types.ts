// The normalized error every node of this package speaks (docs/ARCHITECTURE.md, "The normalized
// error"). No n8n imports here.

export const ERROR_CATEGORIES = [
	'auth',
	'permission',
	'validation',
	'not_found',
	'rate_limit',
	'server',
	'policy',
	'template',
	'delivery',
	'business',
	'network',
	'unknown',
] as const;
export type ErrorCategory = (typeof ERROR_CATEGORIES)[number];

/** How each category is named in the editor: options, output names, reasons. */
export const CATEGORY_LABELS: Readonly<Record<ErrorCategory, string>> = {
	auth: 'Auth',
	permission: 'Permission',
	validation: 'Validation',
	not_found: 'Not Found',
	rate_limit: 'Rate Limit',
	server: 'Server',
	policy: 'Policy',
	template: 'Template',
	delivery: 'Delivery',
	business: 'Business',
	network: 'Network',
	unknown: 'Unknown',
};

export const ERROR_ACTIONS = ['retry', 'escalate', 'pause', 'dead_letter'] as const;
export type ErrorAction = (typeof ERROR_ACTIONS)[number];

export const ERROR_SOURCES = [
	'graph',
	'async_job',
	'adcp',
	'internal',
	'transport',
	'n8n',
	'unknown',
] as const;
export type ErrorSource = (typeof ERROR_SOURCES)[number];

/** Highest utilisation seen in Meta's usage headers, and the wait Meta asks for, if any. */
export interface MetaUsage {
	/** Highest utilisation across all headers and counters, 0–100 (may exceed 100 when blocked). */
	maxPercent: number;
	/** Per header: `app`, `adAccount`, `businessUseCase`. Highest % of that header. */
	app?: number;
	adAccount?: number;
	businessUseCase?: number;
	/** Per business id and BUC type, highest % of call_count / total_cputime / total_time. */
	byBusiness?: Record<string, Record<string, number>>;
	/** X-FB-Ads-Insights-Throttle: highest of `app_id_util_pct` and `acc_id_util_pct`. */
	insights?: number;
	/** X-Page-Usage: highest of its counters. */
	page?: number;
	/** `estimated_time_to_regain_access` (minutes) or `reset_time_duration` (s), in ms; largest wins (how long a block lasts). */
	regainAccessMs?: number;
	/**
	 * The reset time of the header that holds `maxPercent`, when that header is a decaying score
	 * (X-Ad-Account-Usage's `reset_time_duration`), in ms. Never another header's: an ad-account
	 * reset of 100 s says nothing of a business-use-case hour.
	 */
	decayResetMs?: number;
}

export interface MetaErrorInfo {
	category: ErrorCategory;
	retryable: boolean;
	action: ErrorAction;
	source: ErrorSource;
	httpStatus?: number;
	/** Number for Graph codes, string for AdCP and transport codes. */
	code?: number | string;
	subcode?: number;
	type?: string;
	message?: string;
	userTitle?: string;
	userMessage?: string;
	details?: string;
	fbtraceId?: string;
	requestId?: string;
	asyncSessionId?: string;
	isTransient?: boolean;
	retryAfterMs?: number;
	usage?: MetaUsage;
	field?: string;
	suggestions?: string[];
	meaning: string;
	remedy: string;
}

export type HeaderBag = Record<string, string | string[] | undefined>;

export interface ClassifyContext {
	httpStatus?: number;
	headers?: HeaderBag;
	/** Extra secrets (the credential's token and app secret) to redact from every text field. */
	secrets?: string[];
}

/** One row of the code catalog. A row with a subcode overrides the row for its code alone. */
export interface CatalogEntry {
	code: number | string;
	subcode?: number;
	category: ErrorCategory;
	retryable: boolean;
	action: ErrorAction;
	meaning: string;
	remedy: string;
}
