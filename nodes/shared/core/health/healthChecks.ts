// Meta Health Check's checks, one definition each: what it reads (through the injected reader:
// the node passes MetaClient, so pacing, retries and redaction apply) and what the answer means.
// Pure apart from the reads; `now` is passed in. Field names and values as Meta documents them:
// - debug_token: https://developers.facebook.com/docs/graph-api/reference/debug_token
//   (`data.is_valid`, `expires_at` and `data_access_expires_at` in Unix seconds, 0 = never; `scopes`).
// - Ad account: https://developers.facebook.com/docs/marketing-api/reference/ad-account
//   (`account_status` 1 ACTIVE, 2 DISABLED, 3 UNSETTLED, 7 PENDING_RISK_REVIEW, 8 PENDING_SETTLEMENT,
//   9 IN_GRACE_PERIOD, 100 PENDING_CLOSURE, 101 CLOSED; `disable_reason`; `amount_spent` and
//   `spend_cap` as text in the currency's smallest unit, `spend_cap` "0" = no limit).
// - The ads edge filtered by `effective_status` (a JSON list), with `issues_info` and
//   `ad_review_feedback` (`global`: reason by policy) as the Ad reference gives them.
// - WhatsApp Business Account `phone_numbers`: `quality_rating` GREEN / YELLOW / RED / UNKNOWN,
//   `status` (CONNECTED, FLAGGED, RESTRICTED, BANNED, …), `name_status` (APPROVED, DECLINED, …).
// - Ads pixel: `last_fired_time` (ISO 8601), `is_unavailable`.
import { forEachLimited, isObject } from '../util';
import type { MetaErrorInfo } from '../types';
import { API_NAMES, NEWEST_KNOWN_VERSION, VERSIONS_READ_ON, versionStanding, type MetaApi } from './apiVersions';
import { scopeOf } from './findingMemory';
import { READ_FAILED, type CheckedObject, type Finding, type FindingCode, type HealthCheckName } from './healthFindings';

export type ReadResult = { ok: true; body: unknown } | { ok: false; error: MetaErrorInfo };
export type ListResult = { ok: true; records: unknown[]; more: boolean } | { ok: false; error: MetaErrorInfo };

/** Records per page the checks ask for when they list an edge. */
export const LIST_PAGE_SIZE = 100;

/** How checks read Meta: one object, or every page of an edge (up to the reader's page limit). */
export interface HealthReader {
	get(path: string, query: Record<string, string>): Promise<ReadResult>;
	list(path: string, query: Record<string, string>): Promise<ListResult>;
}

export interface HealthSettings {
	/** TOKEN_EXPIRING (and TOKEN_DATA_ACCESS_EXPIRING) this many days ahead. */
	tokenExpiryDays: number;
	/** TOKEN_SCOPE_MISSING for each of these the token lacks. */
	requiredScopes: string[];
	/** API_VERSION_SUNSET this many days ahead. */
	apiVersionNoticeDays: number;
	/** Which APIs' end dates count (the Marketing API's come first). */
	apis: MetaApi[];
	/** SPEND_CAP_NEAR at this share of the spending limit, in percent. */
	spendCapPercent: number;
	/** PIXEL_SILENT after this many hours without an event. */
	pixelSilentHours: number;
}

export const DEFAULT_HEALTH_SETTINGS: HealthSettings = {
	tokenExpiryDays: 7,
	requiredScopes: [],
	apiVersionNoticeDays: 60,
	apis: ['graph', 'marketing'],
	spendCapPercent: 90,
	pixelSilentHours: 24,
};

export interface CheckContext {
	reader: HealthReader;
	now: number;
	settings: HealthSettings;
	credential: { accessToken: string; apiVersion: string };
}

/** What one check found on one target; `read`: its answer came (so what it did not find is resolved). */
export interface CheckOutcome {
	findings: Finding[];
	read: boolean;
	/** Said in the run's summary, not a finding (an API version the table does not know). */
	notes?: string[];
}

/** What a check is run on: the credential, or each ad account, WhatsApp Business Account or pixel. */
export type TargetKind = 'credential' | 'adAccount' | 'whatsappBusinessAccount' | 'pixel';

export interface HealthCheck {
	name: HealthCheckName;
	target: TargetKind;
	run(target: string, ctx: CheckContext): Promise<CheckOutcome>;
}

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString();
/** Ends a text with a period unless it ends a sentence already (Meta's messages often do). */
const sentence = (words: string) => (/[.!?]$/.test(words) ? words : `${words}.`);
const text = (value: unknown): string | undefined => (typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined);
const number = (value: unknown): number | undefined => {
	const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
	return Number.isFinite(n) ? n : undefined;
};

const finding = (check: HealthCheckName, code: FindingCode, object: CheckedObject, message: string, extra: Partial<Finding> = {}): Finding => ({ check, code, object, message, ...extra });

/** A check whose read failed: the classified error is the finding (READ_FAILED), and nothing is resolved. */
function readFailed(check: HealthCheckName, object: CheckedObject, error: MetaErrorInfo, what: string): CheckOutcome {
	return { read: false, findings: [{ check, code: READ_FAILED, object, message: sentence(`Could not read ${what}: ${error.message ?? error.meaning}`), error }] };
}

const TOKEN: CheckedObject = { type: 'credential', id: 'access_token', name: "The credential's access token" };

const token: HealthCheck = {
	name: 'token',
	target: 'credential',
	async run(_target, { reader, now, settings, credential }) {
		const answer = await reader.get('debug_token', { input_token: credential.accessToken });
		if (!answer.ok) {
			// Meta refuses the token itself (190): that is the finding, not a failed read.
			if (answer.error.category === 'auth') {
				return { read: true, findings: [finding('token', 'TOKEN_INVALID', TOKEN, sentence(`Meta refuses the credential's access token: ${answer.error.message ?? answer.error.meaning}`))] };
			}
			return readFailed('token', TOKEN, answer.error, 'the access token (debug_token)');
		}
		const data = isObject(answer.body) && isObject(answer.body.data) ? answer.body.data : {};
		const object: CheckedObject = { ...TOKEN, ...(text(data.application) ? { name: `Access token of ${text(data.application)}` } : {}) };
		if (data.is_valid !== true) {
			const why = isObject(data.error) ? text(data.error.message) : undefined;
			return { read: true, findings: [finding('token', 'TOKEN_INVALID', object, sentence(`The credential's access token is not valid${why ? `: ${why}` : ''}`))] };
		}
		const findings: Finding[] = [];
		const soon = settings.tokenExpiryDays * DAY_MS;
		const expiresAt = (number(data.expires_at) ?? 0) * 1000;
		if (expiresAt > 0 && expiresAt <= now) {
			findings.push(finding('token', 'TOKEN_INVALID', object, `The credential's access token expired on ${iso(expiresAt)}.`, { facts: { expiresAt: iso(expiresAt) } }));
		} else if (expiresAt > 0 && expiresAt - now <= soon) {
			const daysLeft = Math.floor((expiresAt - now) / DAY_MS);
			findings.push(finding('token', 'TOKEN_EXPIRING', object, `The credential's access token expires on ${iso(expiresAt)} (in ${daysLeft} days).`, { facts: { expiresAt: iso(expiresAt), daysLeft } }));
		}
		const dataAccessAt = (number(data.data_access_expires_at) ?? 0) * 1000;
		if (dataAccessAt > 0 && dataAccessAt - now <= soon) {
			const daysLeft = Math.max(0, Math.floor((dataAccessAt - now) / DAY_MS));
			const when = dataAccessAt <= now ? `ended on ${iso(dataAccessAt)}` : `ends on ${iso(dataAccessAt)} (in ${daysLeft} days)`;
			findings.push(finding('token', 'TOKEN_DATA_ACCESS_EXPIRING', object, `The app's data access for this token's user ${when}.`, { facts: { dataAccessExpiresAt: iso(dataAccessAt), daysLeft } }));
		}
		const granted = new Set(Array.isArray(data.scopes) ? data.scopes.filter((scope): scope is string => typeof scope === 'string') : []);
		for (const scope of settings.requiredScopes.filter((needed) => !granted.has(needed))) {
			findings.push(finding('token', 'TOKEN_SCOPE_MISSING', { type: 'permission', id: scope, name: scope }, `The credential's access token lacks the permission ${scope}.`));
		}
		return { read: true, findings };
	},
};

const apiVersion: HealthCheck = {
	name: 'apiVersion',
	target: 'credential',
	async run(_target, { now, settings, credential }) {
		const version = credential.apiVersion;
		const findings: Finding[] = [];
		const notes: string[] = [];
		for (const api of settings.apis) {
			const object: CheckedObject = { type: 'api_version', id: `${api}:${version}`, name: `${API_NAMES[api]} ${version}` };
			const standing = versionStanding(version, api, now);
			const move = `Move to a current version (the newest known on ${VERSIONS_READ_ON}: ${NEWEST_KNOWN_VERSION}).`;
			if (standing.standing === 'ended') {
				const when = standing.until ? ` on ${standing.until}` : '';
				findings.push(finding('apiVersion', 'API_VERSION_RETIRED', object, `${API_NAMES[api]} ${version} ended${when}. ${move}`, { facts: standing.until ? { until: standing.until } : {} }));
			} else if (standing.standing === 'ends' && standing.daysLeft <= settings.apiVersionNoticeDays) {
				findings.push(
					finding('apiVersion', 'API_VERSION_SUNSET', object, `${API_NAMES[api]} ${version} ends on ${standing.until} (in ${standing.daysLeft} days). ${move}`, {
						facts: { until: standing.until, daysLeft: standing.daysLeft },
					}),
				);
			} else if (standing.standing === 'unknown') {
				notes.push(`${API_NAMES[api]} ${version} is not in the version table read on ${VERSIONS_READ_ON}: its end date is unknown here.`);
			}
		}
		return { read: true, findings, notes };
	},
};

const ACCOUNT_STATUS: Readonly<Record<number, { code: FindingCode; status: string }>> = {
	2: { code: 'ACCOUNT_DISABLED', status: 'DISABLED' },
	3: { code: 'ACCOUNT_UNSETTLED', status: 'UNSETTLED' },
	7: { code: 'ACCOUNT_IN_REVIEW', status: 'PENDING_RISK_REVIEW' },
	8: { code: 'ACCOUNT_UNSETTLED', status: 'PENDING_SETTLEMENT' },
	9: { code: 'ACCOUNT_UNSETTLED', status: 'IN_GRACE_PERIOD' },
	100: { code: 'ACCOUNT_CLOSED', status: 'PENDING_CLOSURE' },
	101: { code: 'ACCOUNT_CLOSED', status: 'CLOSED' },
};

/** The Ad Account reference's `disable_reason` values. */
const DISABLE_REASONS = [
	'NONE',
	'ADS_INTEGRITY_POLICY',
	'ADS_IP_REVIEW',
	'RISK_PAYMENT',
	'GRAY_ACCOUNT_SHUT_DOWN',
	'ADS_AFC_REVIEW',
	'BUSINESS_INTEGRITY_RAR',
	'PERMANENT_CLOSE',
	'UNUSED_RESELLER_ACCOUNT',
	'UNUSED_ACCOUNT',
	'UMBRELLA_AD_ACCOUNT',
	'BUSINESS_MANAGER_INTEGRITY_POLICY',
	'MISREPRESENTED_AD_ACCOUNT',
	'AOAB_DESHARE_LEGAL_ENTITY',
	'CTX_THREAD_REVIEW',
	'COMPROMISED_AD_ACCOUNT',
];

const adAccount: HealthCheck = {
	name: 'adAccount',
	target: 'adAccount',
	async run(account, { reader, settings }) {
		const object: CheckedObject = { type: 'ad_account', id: account };
		const answer = await reader.get(account, { fields: 'name,account_status,disable_reason,amount_spent,spend_cap,currency' });
		if (!answer.ok) return readFailed('adAccount', object, answer.error, `ad account ${account}`);
		const body = isObject(answer.body) ? answer.body : {};
		const named: CheckedObject = { ...object, ...(text(body.name) ? { name: text(body.name) } : {}) };
		const label = named.name ? `Ad account ${named.name} (${account})` : `Ad account ${account}`;
		const findings: Finding[] = [];
		const status = number(body.account_status);
		if (status !== undefined && status !== 1) {
			const known = ACCOUNT_STATUS[status];
			const reasonCode = number(body.disable_reason);
			const reason = reasonCode ? (DISABLE_REASONS[reasonCode] ?? `disable_reason ${reasonCode}`) : undefined;
			findings.push(
				finding('adAccount', known?.code ?? 'ACCOUNT_DISABLED', named, `${label} is ${known?.status ?? `in account_status ${status}`}${reason ? ` (${reason})` : ''}.`, {
					...(reason ? { reason } : {}),
					facts: { accountStatus: status },
				}),
			);
		}
		const cap = number(body.spend_cap) ?? 0;
		const spent = number(body.amount_spent) ?? 0;
		if (cap > 0 && (spent / cap) * 100 >= settings.spendCapPercent) {
			const percent = Math.round((spent / cap) * 1000) / 10;
			const currency = text(body.currency) ?? '';
			findings.push(
				finding('adAccount', 'SPEND_CAP_NEAR', named, `${label} has spent ${percent} % of its spending limit (${spent} of ${cap}${currency ? ` ${currency}` : ''} in minor units).`, {
					facts: { percent, amountSpent: spent, spendCap: cap },
				}),
			);
		}
		return { read: true, findings };
	},
};

/** Meta's reason for an ad: the review feedback, else the issues' summaries. */
function adReason(ad: Record<string, unknown>): string | undefined {
	const feedback = isObject(ad.ad_review_feedback) && isObject(ad.ad_review_feedback.global) ? Object.entries(ad.ad_review_feedback.global) : [];
	const reviewed = feedback.map(([policy, why]) => (text(why) ? `${policy}: ${text(why)}` : policy));
	const issues = Array.isArray(ad.issues_info) ? ad.issues_info.filter(isObject).map((issue) => text(issue.error_summary) ?? text(issue.error_message)).filter((why): why is string => !!why) : [];
	const reasons = [...reviewed, ...issues];
	return reasons.length > 0 ? reasons.join('; ') : undefined;
}

const ads: HealthCheck = {
	name: 'ads',
	target: 'adAccount',
	async run(account, { reader }) {
		const answer = await reader.list(`${account}/ads`, {
			fields: 'id,name,effective_status,issues_info,ad_review_feedback',
			effective_status: JSON.stringify(['DISAPPROVED', 'WITH_ISSUES']),
			limit: String(LIST_PAGE_SIZE),
		});
		if (!answer.ok) return readFailed('ads', { type: 'ad_account', id: account }, answer.error, `the ads of ad account ${account}`);
		const findings: Finding[] = [];
		for (const ad of answer.records.filter(isObject)) {
			const id = text(ad.id);
			const status = text(ad.effective_status);
			if (!id || (status !== 'DISAPPROVED' && status !== 'WITH_ISSUES')) continue;
			const object: CheckedObject = { type: 'ad', id, ...(text(ad.name) ? { name: text(ad.name) } : {}), parentId: account };
			const reason = adReason(ad);
			const label = object.name ? `Ad ${object.name} (${id})` : `Ad ${id}`;
			const what = status === 'DISAPPROVED' ? 'is disapproved' : 'has issues';
			findings.push(finding('ads', status === 'DISAPPROVED' ? 'AD_DISAPPROVED' : 'AD_WITH_ISSUES', object, sentence(`${label} ${what}${reason ? `: ${reason}` : ''}`), reason ? { reason } : {}));
		}
		return { read: true, findings, ...(answer.more ? { notes: [`Ad account ${account} has more disapproved ads or ads with issues than the pages read.`] } : {}) };
	},
};

const QUALITY: Readonly<Record<string, FindingCode>> = { YELLOW: 'WA_QUALITY_YELLOW', RED: 'WA_QUALITY_RED' };
const NUMBER_STATUS: Readonly<Record<string, FindingCode>> = { FLAGGED: 'WA_NUMBER_FLAGGED', RESTRICTED: 'WA_NUMBER_RESTRICTED', BANNED: 'WA_NUMBER_RESTRICTED' };

const whatsappNumbers: HealthCheck = {
	name: 'whatsappNumbers',
	target: 'whatsappBusinessAccount',
	async run(waba, { reader }) {
		const answer = await reader.list(`${waba}/phone_numbers`, {
			fields: 'id,display_phone_number,verified_name,quality_rating,messaging_limit_tier,status,name_status',
			limit: String(LIST_PAGE_SIZE),
		});
		if (!answer.ok) return readFailed('whatsappNumbers', { type: 'whatsapp_business_account', id: waba }, answer.error, `the phone numbers of WhatsApp Business Account ${waba}`);
		const findings: Finding[] = [];
		for (const phone of answer.records.filter(isObject)) {
			const id = text(phone.id);
			if (!id) continue;
			const name = [text(phone.display_phone_number), text(phone.verified_name)].filter(Boolean).join(' ');
			const object: CheckedObject = { type: 'phone_number', id, ...(name ? { name } : {}), parentId: waba };
			const label = `Phone number ${name || id}`;
			const tier = text(phone.messaging_limit_tier);
			const facts = { ...(tier ? { messagingLimitTier: tier } : {}), ...(text(phone.quality_rating) ? { qualityRating: text(phone.quality_rating)! } : {}) };
			const quality = QUALITY[text(phone.quality_rating) ?? ''];
			if (quality) findings.push(finding('whatsappNumbers', quality, object, `${label} has quality rating ${phone.quality_rating as string}${tier ? ` (messaging limit ${tier})` : ''}.`, { facts }));
			const status = NUMBER_STATUS[text(phone.status) ?? ''];
			if (status) findings.push(finding('whatsappNumbers', status, object, `${label} is ${phone.status as string}.`, { facts }));
			if (text(phone.name_status) === 'DECLINED') findings.push(finding('whatsappNumbers', 'WA_NAME_REJECTED', object, `Meta declined the display name of ${label.toLowerCase()}.`));
		}
		return { read: true, findings };
	},
};

const pixel: HealthCheck = {
	name: 'pixel',
	target: 'pixel',
	async run(pixelId, { reader, now, settings }) {
		const object: CheckedObject = { type: 'pixel', id: pixelId };
		const answer = await reader.get(pixelId, { fields: 'id,name,last_fired_time,is_unavailable' });
		if (!answer.ok) return readFailed('pixel', object, answer.error, `pixel ${pixelId}`);
		const body = isObject(answer.body) ? answer.body : {};
		const named: CheckedObject = { ...object, ...(text(body.name) ? { name: text(body.name) } : {}) };
		const label = named.name ? `Pixel ${named.name} (${pixelId})` : `Pixel ${pixelId}`;
		if (body.is_unavailable === true) return { read: true, findings: [finding('pixel', 'PIXEL_SILENT', named, `${label} is unavailable, Meta says.`, { facts: { isUnavailable: true } })] };
		const lastFired = text(body.last_fired_time) ? Date.parse(text(body.last_fired_time)!.replace(/([+-]\d{2})(\d{2})$/, '$1:$2')) : NaN;
		const silentFor = settings.pixelSilentHours * HOUR_MS;
		if (!Number.isFinite(lastFired)) return { read: true, findings: [finding('pixel', 'PIXEL_SILENT', named, `${label} has never received an event.`)] };
		if (now - lastFired >= silentFor) {
			const hours = Math.floor((now - lastFired) / HOUR_MS);
			return { read: true, findings: [finding('pixel', 'PIXEL_SILENT', named, `${label} has received no event for ${hours} hours (last on ${iso(lastFired)}).`, { facts: { lastFiredAt: iso(lastFired), hoursSilent: hours } })] };
		}
		return { read: true, findings: [] };
	},
};

/** Every check, in the order the editor lists them and the run reports them. */
export const HEALTH_CHECKS: readonly HealthCheck[] = [token, apiVersion, adAccount, ads, whatsappNumbers, pixel];

export interface HealthPlan {
	checks: HealthCheckName[];
	/** The objects each kind of check is run on (the credential needs none). */
	targets: Record<Exclude<TargetKind, 'credential'>, string[]>;
}

export interface HealthRun {
	found: Array<{ finding: Finding; scope: string }>;
	/** The scopes whose read succeeded (what they no longer find is resolved). */
	read: Set<string>;
	/** Every check and target that ran. */
	checked: Array<{ check: HealthCheckName; target: string }>;
	notes: string[];
}

/** Runs the plan's checks on their targets, a few reads at a time; findings in check, then target order. */
export async function runHealthChecks(plan: HealthPlan, ctx: CheckContext, concurrency = 4): Promise<HealthRun> {
	const work = HEALTH_CHECKS.filter((check) => plan.checks.includes(check.name)).flatMap((check) =>
		(check.target === 'credential' ? ['credential'] : plan.targets[check.target]).map((target) => ({ check, target })),
	);
	const outcomes: CheckOutcome[] = new Array(work.length);
	await forEachLimited(work.length, concurrency, async (index) => {
		outcomes[index] = await work[index].check.run(work[index].target, ctx);
	});
	const run: HealthRun = { found: [], read: new Set(), checked: [], notes: [] };
	work.forEach(({ check, target }, index) => {
		const scope = scopeOf(check.name, target);
		const outcome = outcomes[index];
		run.checked.push({ check: check.name, target });
		if (outcome.read) run.read.add(scope);
		run.found.push(...outcome.findings.map((found) => ({ finding: found, scope })));
		run.notes.push(...(outcome.notes ?? []));
	});
	return run;
}
