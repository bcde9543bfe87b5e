// What Meta Health Check finds: one Finding per problem with one object (the token, an API
// version, an ad account, an ad, a phone number, a pixel), and the normalized error it carries so
// that Escalation Router and Classify Error read it like any failure. The codes are catalog rows
// (errors/catalog.ts): category, action, meaning and remedy come from there.
import { lookupCatalog } from '../errors/catalog';
import type { MetaErrorInfo } from '../types';

export const HEALTH_CHECK_NAMES = ['token', 'apiVersion', 'adAccount', 'ads', 'whatsappNumbers', 'pixel'] as const;
export type HealthCheckName = (typeof HEALTH_CHECK_NAMES)[number];

/** The codes a check can find (each a catalog row), and READ_FAILED: its read itself failed. */
export const FINDING_CODES = [
	'TOKEN_INVALID',
	'TOKEN_EXPIRING',
	'TOKEN_DATA_ACCESS_EXPIRING',
	'TOKEN_SCOPE_MISSING',
	'API_VERSION_SUNSET',
	'API_VERSION_RETIRED',
	'ACCOUNT_DISABLED',
	'ACCOUNT_UNSETTLED',
	'ACCOUNT_IN_REVIEW',
	'ACCOUNT_CLOSED',
	'SPEND_CAP_NEAR',
	'AD_DISAPPROVED',
	'AD_WITH_ISSUES',
	'WA_QUALITY_YELLOW',
	'WA_QUALITY_RED',
	'WA_NUMBER_FLAGGED',
	'WA_NUMBER_RESTRICTED',
	'WA_NAME_REJECTED',
	'PIXEL_SILENT',
] as const;
export type FindingCode = (typeof FINDING_CODES)[number];

/** A check whose read failed (permission, rate limit, a wrong ID): the classified error is the finding. */
export const READ_FAILED = 'READ_FAILED';

export interface CheckedObject {
	/** `credential`, `api_version`, `ad_account`, `ad`, `phone_number`, `pixel`. */
	type: string;
	id: string;
	name?: string;
	/** The object it was found through: the ad account of an ad, the WhatsApp Business Account of a number. */
	parentId?: string;
}

export interface Finding {
	check: HealthCheckName;
	code: FindingCode | typeof READ_FAILED;
	object: CheckedObject;
	/** What was found, in one sentence naming the object (never a token). */
	message: string;
	/** Meta's own reason (an ad's review feedback, an account's disable reason). */
	reason?: string;
	/** The values the finding rests on (an expiry time, a percentage, the last event). */
	facts?: Record<string, string | number | boolean>;
	/** READ_FAILED: the read's classified error. */
	error?: MetaErrorInfo;
}

/** A finding's identity across runs: the same check, object and code is the same finding. */
export const findingKey = (finding: Pick<Finding, 'check' | 'object' | 'code'>): string => `${finding.check}:${finding.object.id}:${finding.code}`;

/** The normalized error a finding carries (`metaError`): the catalog's row for its code, Meta's reason in the meaning. */
export function findingError(finding: Finding): MetaErrorInfo {
	if (finding.error) return finding.error;
	const row = lookupCatalog(finding.code)!;
	return {
		category: row.category,
		retryable: false,
		action: row.action,
		source: 'internal',
		code: finding.code,
		message: finding.message,
		meaning: finding.reason ? `${row.meaning} Meta's reason: ${finding.reason}` : row.meaning,
		remedy: row.remedy,
	};
}
