// Meta's usage headers and wait hints. Header values arrive as strings (or arrays of them) with
// JSON inside; anything malformed is ignored, never thrown.
import type { HeaderBag, MetaUsage } from '../types';

/** Header value by case-insensitive name; for repeated headers, every value. */
export function getHeaderValues(headers: HeaderBag | undefined, name: string): string[] {
	if (!headers || typeof headers !== 'object') return [];
	const wanted = name.toLowerCase();
	const out: string[] = [];
	for (const key of Object.keys(headers)) {
		if (key.toLowerCase() !== wanted) continue;
		const value: unknown = headers[key];
		if (typeof value === 'string') out.push(value);
		else if (Array.isArray(value)) for (const v of value) if (typeof v === 'string') out.push(v);
	}
	return out;
}

function toNumber(value: unknown): number | undefined {
	const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
	return typeof n === 'number' && Number.isFinite(n) ? n : undefined;
}

function parseJsonObject(text: string): Record<string, unknown> | undefined {
	try {
		const value: unknown = JSON.parse(text);
		return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
	} catch {
		return undefined;
	}
}

/** Highest of the given counters of an object, if any is a number. */
function maxOf(obj: Record<string, unknown>, keys: readonly string[]): number | undefined {
	let max: number | undefined;
	for (const key of keys) {
		const n = toNumber(obj[key]);
		if (n !== undefined && (max === undefined || n > max)) max = n;
	}
	return max;
}

/** Keys from header JSON become keys of our output: keep the prototype out of reach. */
function isSafeKey(key: string): boolean {
	return key !== '' && key !== '__proto__' && key !== 'constructor' && key !== 'prototype';
}

const COUNTERS = ['call_count', 'total_cputime', 'total_time'] as const;

function higher(a: number | undefined, b: number | undefined): number | undefined {
	if (a === undefined) return b;
	return b === undefined || a >= b ? a : b;
}

/**
 * Parses Meta's usage headers: X-App-Usage, X-Ad-Account-Usage, X-Business-Use-Case-Usage (Graph
 * API "Rate Limiting"), X-FB-Ads-Insights-Throttle (Marketing API "Insights API: Limits") and
 * X-Page-Usage. Returns undefined when none of them holds a usable number. Used on failures and on
 * successful responses alike.
 */
export function parseUsageHeaders(headers: HeaderBag | undefined): MetaUsage | undefined {
	try {
		return readUsage(headers);
	} catch {
		return undefined;
	}
}

/** One header's reading: its highest percentage and, for a decaying score, its reset time. */
interface HeaderReading {
	pct?: number;
	resetMs?: number;
}

function readUsage(headers: HeaderBag | undefined): MetaUsage | undefined {
	let regainMs: number | undefined;
	const counters = (name: string): HeaderReading => {
		const reading: HeaderReading = {};
		for (const raw of getHeaderValues(headers, name)) {
			const obj = parseJsonObject(raw);
			if (!obj) continue;
			reading.pct = higher(reading.pct, maxOf(obj, COUNTERS));
			const regain = toNumber(obj.estimated_time_to_regain_access);
			if (regain !== undefined && regain > 0) regainMs = higher(regainMs, regain * 60_000);
		}
		return reading;
	};
	const app = counters('x-app-usage');
	const page = counters('x-page-usage');

	const adAccount: HeaderReading = {};
	for (const raw of getHeaderValues(headers, 'x-ad-account-usage')) {
		const obj = parseJsonObject(raw);
		if (!obj) continue;
		adAccount.pct = higher(adAccount.pct, toNumber(obj.acc_id_util_pct));
		const reset = toNumber(obj.reset_time_duration);
		if (reset !== undefined && reset > 0) {
			adAccount.resetMs = higher(adAccount.resetMs, reset * 1000);
			regainMs = higher(regainMs, reset * 1000);
		}
	}

	const insights: HeaderReading = {};
	for (const raw of getHeaderValues(headers, 'x-fb-ads-insights-throttle')) {
		const obj = parseJsonObject(raw);
		if (obj) insights.pct = higher(insights.pct, maxOf(obj, ['app_id_util_pct', 'acc_id_util_pct']));
	}

	const buc: HeaderReading = {};
	let byBusiness: Record<string, Record<string, number>> | undefined;
	for (const raw of getHeaderValues(headers, 'x-business-use-case-usage')) {
		const obj = parseJsonObject(raw);
		if (!obj) continue;
		for (const businessId of Object.keys(obj)) {
			const list = obj[businessId];
			if (!isSafeKey(businessId)) continue;
			if (!Array.isArray(list)) continue;
			for (const item of list as unknown[]) {
				if (!item || typeof item !== 'object') continue;
				const row = item as Record<string, unknown>;
				const pct = maxOf(row, COUNTERS);
				const regain = toNumber(row.estimated_time_to_regain_access);
				if (regain !== undefined && regain > 0) regainMs = higher(regainMs, regain * 60_000);
				if (pct === undefined) continue;
				buc.pct = higher(buc.pct, pct);
				const type = typeof row.type === 'string' && isSafeKey(row.type) ? row.type : 'unknown';
				byBusiness ??= {};
				const perType = (byBusiness[businessId] ??= {});
				perType[type] = higher(perType[type], pct)!;
			}
		}
	}

	const readings = [app, adAccount, buc, insights, page];
	const maxPercent = readings.reduce<number | undefined>((max, r) => higher(max, r.pct), undefined);
	if (maxPercent === undefined && regainMs === undefined) return undefined;
	const usage: MetaUsage = { maxPercent: maxPercent ?? 0 };
	if (app.pct !== undefined) usage.app = app.pct;
	if (adAccount.pct !== undefined) usage.adAccount = adAccount.pct;
	if (buc.pct !== undefined) usage.businessUseCase = buc.pct;
	if (byBusiness) usage.byBusiness = byBusiness;
	if (insights.pct !== undefined) usage.insights = insights.pct;
	if (page.pct !== undefined) usage.page = page.pct;
	if (regainMs !== undefined) usage.regainAccessMs = regainMs;
	// The decay rate is the governing header's own: only when the ad account's score is the highest.
	const governing = readings.filter((r) => r.pct !== undefined && r.pct === maxPercent);
	if (adAccount.resetMs !== undefined && governing.length === 1 && governing[0] === adAccount) usage.decayResetMs = adAccount.resetMs;
	return usage;
}

/** `Retry-After` in ms: delay-seconds or an HTTP date (relative to `now`). Undefined if absent/past. */
export function parseRetryAfter(headers: HeaderBag | undefined, now = Date.now()): number | undefined {
	let best: number | undefined;
	for (const raw of getHeaderValues(headers, 'retry-after')) {
		const text = raw.trim();
		let ms: number | undefined;
		if (/^\d+(\.\d+)?$/.test(text)) ms = Number(text) * 1000;
		else {
			const at = Date.parse(text);
			if (!Number.isNaN(at)) ms = at - now;
		}
		if (ms !== undefined && ms > 0 && Number.isFinite(ms)) best = higher(best, Math.ceil(ms));
	}
	return best;
}
