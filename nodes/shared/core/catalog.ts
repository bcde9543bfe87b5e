/*
 * The code catalog: what each Meta Graph / Marketing / WhatsApp Cloud, AdCP and transport code
 * means, its category and what to do. Seeds: shared/seeds/meta-error-reference.txt and
 * adcp-error-codes.txt (their wording is kept where they give one), extended with the codes
 * DESIGN.md lists. Families (200–299, 80000–80014, 132000–132068, 1487xxx subcodes, undici and
 * TLS codes) are rules, not rows.
 *
 * Codes NOT placed with confidence (left to the family rule, the HTTP status or `unknown`):
 * - WhatsApp 131037 (display name approval), 131045 (certificate), 131055, 131059, 133000,
 *   133005–133010, 133015 and 135xxx other than 135000: exact category unsure, not listed.
 * - Placed, but with less confidence: WhatsApp 33 (not_found: phone number deleted), 80007,
 *   133016 (rate_limit), Graph 492 (auth), 506 (validation: duplicate post), 2635 (validation).
 * - Graph 2500 (used both for "active access token required" and for query parse errors),
 *   4 + subcode 1504022, 17 + subcode 2446079 (the parent code's row applies).
 * - Individual Marketing API subcodes 1487xxx (e.g. 1487390, 1487301, 1487124): only the family
 *   rule "ad object failed validation" is applied; error_user_title/msg carry the specifics.
 * - BUC codes 80010–80013: only the generic Business Use Case rate-limit row.
 * - 132000–132068 codes other than those listed: only the generic template row.
 */
import type { CatalogEntry, ErrorAction, ErrorCategory } from './types';

const ACTION_BY_CATEGORY: Readonly<Record<ErrorCategory, ErrorAction>> = {
	auth: 'escalate',
	permission: 'escalate',
	validation: 'dead_letter',
	not_found: 'dead_letter',
	rate_limit: 'retry',
	server: 'retry',
	policy: 'pause',
	template: 'dead_letter',
	delivery: 'dead_letter',
	business: 'escalate',
	network: 'retry',
	unknown: 'escalate',
};

export function actionFor(category: ErrorCategory): ErrorAction {
	return ACTION_BY_CATEGORY[category];
}

export function isRetryableCategory(category: ErrorCategory): boolean {
	return category === 'rate_limit' || category === 'server' || category === 'network';
}

/** One sentence pair per category, for codes the catalog does not list. */
export const CATEGORY_TEXT: Readonly<Record<ErrorCategory, { meaning: string; remedy: string }>> = {
	auth: {
		meaning: 'The request was not authenticated: the access token is missing, invalid or expired.',
		remedy: 'Reconnect the credential with a fresh, valid access token, then run the item again.',
	},
	permission: {
		meaning: 'The token is valid but lacks a permission or asset role needed for this call.',
		remedy: 'Grant the missing permission or asset role to the app or system user, then run the item again.',
	},
	validation: {
		meaning: 'Meta rejected the request because a parameter is missing, malformed or not allowed.',
		remedy: 'Fix the request payload (see message, field and details); retrying it unchanged will fail again.',
	},
	not_found: {
		meaning: 'The object the request refers to does not exist or is not visible to this token.',
		remedy: 'Check that the ID is correct and current and that the token can see the object.',
	},
	rate_limit: {
		meaning: 'A Meta rate limit was reached for the app, user, ad account, page or phone number.',
		remedy: 'Back off and retry later with jitter, honouring retryAfterMs, and slow the call rate down.',
	},
	server: {
		meaning: 'Meta had a temporary problem processing the request.',
		remedy: 'Retry with exponential backoff; if it persists, contact Meta support with the fbtrace_id.',
	},
	policy: {
		meaning: 'Meta blocked the action or content for a policy reason.',
		remedy: 'Pause the affected work, review the content against Meta policies and resume once fixed.',
	},
	template: {
		meaning: 'The WhatsApp message template is missing, paused, disabled or was filled in wrongly.',
		remedy: 'Use the exact approved template name and language and align the variables with it.',
	},
	delivery: {
		meaning: 'WhatsApp accepted the message but could not deliver it to this recipient.',
		remedy: 'Do not resend blindly: check the recipient and send later or through another channel.',
	},
	business: {
		meaning: 'A business or account condition (payment, inventory, budget, targeting) stopped the request.',
		remedy: 'Ask someone who manages the business account to resolve the condition, then run the item again.',
	},
	network: {
		meaning: 'The request failed in transport: the connection failed or the response was cut off or unreadable.',
		remedy: 'Retry with backoff; if it keeps failing, check connectivity, proxies and TLS to the Meta host.',
	},
	unknown: {
		meaning: 'No recognisable Meta, AdCP or transport failure was found in the input, so it could not be classified.',
		remedy: 'Inspect the original item or error and route it to a person; extend the catalog if it recurs.',
	},
};

/** `unknown` with something found: a code the catalog lacks, or a failure without any clue. */
export const UNLISTED_CODE_TEXT = {
	meaning: 'The failure carries a code that the catalog does not list, so its kind could not be determined.',
	remedy: 'Read message and details and route the item to a person; add the code to the catalog if it recurs.',
} as const;
export const UNCLASSIFIED_TEXT = {
	meaning: 'A failure was found, but it carries no known code, HTTP status or phrase that tells its kind.',
	remedy: 'Read message and details and route the item to a person.',
} as const;

/** Meaning of a response whose body is not JSON (HTML error page, truncated read). */
export const NON_JSON_MEANING =
	'The server answered with a body that is not JSON (an HTML error page or a truncated response).';

function entry(
	code: number | string,
	category: ErrorCategory,
	meaning: string,
	remedy: string,
	subcode?: number,
): CatalogEntry {
	const row: CatalogEntry = {
		code,
		category,
		retryable: isRetryableCategory(category),
		action: actionFor(category),
		meaning,
		remedy,
	};
	if (subcode !== undefined) row.subcode = subcode;
	return row;
}

const BACK_OFF = 'Back off and retry with jitter, honouring retryAfterMs and the usage headers.';
const NEW_TOKEN = 'Refresh/reconnect token: issue a new token and update the Meta Graph API credential.';
const RETRY = 'Retry with exponential backoff; if it persists, contact Meta support with the fbtrace_id.';
const TRANSPORT_RETRY = 'Retry with backoff; writes only with an idempotency key, as the request may have been received.';

const BUC = (code: number, useCase: string) =>
	entry(
		code,
		'rate_limit',
		`Business Use Case rate limit reached for ${useCase} on this business asset.`,
		`${BACK_OFF} The wait is in X-Business-Use-Case-Usage (estimated_time_to_regain_access).`,
	);

export const CATALOG: readonly CatalogEntry[] = [
	// Graph / Marketing API
	entry(1, 'server', 'An unknown error occurred at Meta (API Unknown); it is often temporary.', RETRY),
	entry(2, 'server', 'Temporary service issue at Meta (API Service); the same request may succeed later.', 'Retry with exponential backoff; contact Meta support with the fbtrace_id if it persists.'),
	entry(3, 'permission', 'The app lacks the capability or permission for this API method.', 'Give the app the required capability or feature access, then run the item again.'),
	entry(4, 'rate_limit', 'Too many API calls: the app reached its application-level rate limit.', 'Back off and retry with jitter, and spread calls out while X-App-Usage is high.'),
	entry(10, 'permission', 'App permission denied: the permission was not granted, was removed, or the app is not approved for it.', 'Verify app permissions and review status, and that the user or system user granted them.'),
	entry(17, 'rate_limit', 'User request limit reached: too many calls for this user or ad account.', BACK_OFF),
	entry(32, 'rate_limit', 'Page request limit reached: too many calls for this Page.', BACK_OFF),
	entry(100, 'validation', 'Invalid parameter: a field is missing, misspelled, of the wrong type or not allowed here.', 'Validate payload schema against the endpoint reference and fix the field the message names.'),
	entry(100, 'not_found', 'The object does not exist, cannot be loaded with this token\'s permissions, or does not support this operation.', 'Check that the ID is correct and current and that the token can see the object.', 33),
	entry(104, 'auth', 'No access token reached Meta: the request was sent without a token.', 'Set the Access Token on the Meta Graph API credential (and check that a proxy does not strip the Authorization header).'),
	entry(102, 'auth', 'The API session is invalid: the user\'s login or access token is no longer valid.', NEW_TOKEN),
	entry(190, 'auth', 'Access token invalid/expired: it was revoked, has expired or is malformed.', NEW_TOKEN),
	entry(190, 'auth', 'The user has not authorized the app (app not installed or removed).', 'Have the user log in to the app and grant access again, then update the token.', 458),
	entry(190, 'auth', 'The user is checkpointed: they must log in to Facebook to pass a security check.', 'Ask the user to log in at facebook.com and clear the checkpoint, then refresh the token.', 459),
	entry(190, 'auth', 'The session was invalidated because the user changed their password.', 'Have the user log in again to issue a new token and update the credential.', 460),
	entry(190, 'auth', 'The access token has expired.', 'Issue a new long-lived or system user token and update the credential.', 463),
	entry(190, 'auth', 'The user has not confirmed their Facebook account.', 'Ask the user to confirm their account, then issue a new token.', 464),
	entry(190, 'auth', 'The access token is invalid (the user logged out or it was revoked).', 'Issue a new token and update the credential.', 467),
	entry(190, 'auth', 'Invalid session: the token\'s user no longer has a role on the Page or asset.', 'Give the user a role on the Page or business asset again, then refresh the token.', 492),
	entry(200, 'permission', 'Business asset permission missing: the token may not act on this object.', 'Reassign Business Portfolio permissions (asset roles) to the user or system user.'),
	entry(294, 'permission', 'Managing ads needs the ads_management permission and Ads API access for the app.', 'Grant ads_management and request Ads API access for the app, then run the item again.'),
	entry(341, 'rate_limit', 'Application limit reached: the app hit a temporary limit for this kind of action.', BACK_OFF),
	entry(368, 'policy', 'The action was blocked temporarily because it was deemed abusive or against Meta policies.', 'Pause the automation, review the content against Meta policies and resume after the block ends.'),
	entry(470, 'policy', 'Outside service window: more than 24 hours passed since the customer last wrote, so only a template may be sent.', 'Send approved template first; continue freely once the customer replies.'),
	entry(506, 'validation', 'Duplicate post: the same content was just posted.', 'Change the content or drop the duplicate; sending it unchanged will fail again.'),
	entry(613, 'rate_limit', 'Calls to this API exceeded its rate limit (calls within one hour exceeded).', BACK_OFF),
	entry(803, 'not_found', 'Some of the aliases or IDs requested do not exist.', 'Check the IDs and usernames in the request.'),
	entry(2635, 'validation', 'The call uses a deprecated Marketing API version.', 'Update the API version in the Meta Graph API credential.'),
	BUC(80000, 'ads insights'),
	BUC(80001, 'Pages'),
	BUC(80002, 'Instagram'),
	BUC(80003, 'custom audiences'),
	BUC(80004, 'ads management'),
	BUC(80005, 'lead generation'),
	BUC(80006, 'Messenger'),
	entry(80007, 'rate_limit', 'The WhatsApp Business Account reached its rate limit.', BACK_OFF),
	BUC(80008, 'WhatsApp Business management'),
	BUC(80009, 'catalog management'),
	BUC(80014, 'catalog batch requests'),

	// WhatsApp Cloud API
	entry(0, 'auth', 'AuthException: Meta could not authenticate the app user (token expired, revoked or invalid).', NEW_TOKEN),
	entry(33, 'not_found', 'The phone number ID does not exist or the business phone number was deleted.', 'Check the phone number ID in the request and in WhatsApp Manager.'),
	entry(130429, 'rate_limit', 'Throughput limit hit: the Cloud API message throughput for this number was reached.', 'Queue/throttle traffic and retry with backoff.'),
	entry(130472, 'delivery', 'The recipient\'s number is part of a Meta experiment, so the marketing message was not sent.', 'Do not resend now; leave this recipient out of marketing sends for a while.'),
	entry(130497, 'policy', 'The business account is restricted from messaging users in this country.', 'Stop sending to this country and review the WhatsApp Business policies.'),
	entry(131000, 'server', 'Something went wrong at WhatsApp (generic server error).', RETRY),
	entry(131005, 'permission', 'Access denied: the token lacks permission for this WhatsApp resource.', 'Grant whatsapp_business_messaging/management and assign the WhatsApp account to the system user.'),
	entry(131008, 'validation', 'Required parameter missing in the request.', 'Add missing field named in details.'),
	entry(131009, 'validation', 'A parameter value is not valid (format, phone number ID or value).', 'Correct the value named in details.'),
	entry(131016, 'server', 'Service unavailable: WhatsApp is temporarily overloaded or down.', 'Retry with backoff and circuit-breaker guard.'),
	entry(131021, 'validation', 'Recipient cannot be sender: the message was addressed to the business\'s own number.', 'Send to a different recipient number.'),
	entry(131026, 'delivery', 'Message undeliverable: the number is not on WhatsApp, has not accepted the terms, or runs an old app.', 'Validate destination and retry when appropriate, or reach the user through another channel.'),
	entry(131031, 'policy', 'The business account has been locked (policy violation or failed verification).', 'Pause sending and resolve the lock in WhatsApp Manager before resuming.'),
	entry(131042, 'business', 'Business eligibility payment issue: no valid payment method or credit line for the account.', 'Fix the payment method or credit line in WhatsApp Manager.'),
	entry(131047, 'policy', 'Re-engagement message: more than 24 hours passed since the customer last replied.', 'Send an approved template message instead.'),
	entry(131048, 'policy', 'Spam rate limit hit: sends were restricted because many messages were blocked or reported.', 'Pause sending from this number and improve message quality before resuming.'),
	entry(131049, 'delivery', 'Meta chose not to deliver this marketing message to keep engagement healthy.', 'Do not resend at once; try this recipient again much later.'),
	entry(131050, 'delivery', 'The user stopped marketing messages from this business.', 'Stop sending marketing messages to this user.'),
	entry(131051, 'validation', 'Unsupported message type.', 'Fix message type and object structure.'),
	entry(131052, 'delivery', 'Media download error: the media the user sent could not be downloaded.', 'Ask the user to send the media again by another means.'),
	entry(131053, 'validation', 'Media upload error: the media could not be uploaded (unsupported type or size).', 'Check the media type and size limits, then send a valid file.'),
	entry(131056, 'rate_limit', 'Pair rate limit reached: too many messages to the same recipient in a short time.', 'Slow down per-recipient pace and retry later.'),
	entry(131057, 'server', 'The business account is in maintenance mode (for example a throughput upgrade).', 'Retry later with backoff.'),
	entry(132000, 'template', 'Template parameter mismatch: the number of variables differs from the approved template.', 'Align variables with approved template.'),
	entry(132001, 'template', 'Template not found/unavailable in this name and language.', 'Use exact approved template name + language.'),
	entry(132005, 'template', 'The template text is too long once its variables are filled in.', 'Shorten the variable values.'),
	entry(132007, 'template', 'The template variables break the format character policy.', 'Remove the disallowed characters (new lines, tabs, many spaces) from the variables.'),
	entry(132012, 'template', 'A template variable has the wrong format (for example a header media type).', 'Send variables in the format the approved template declares.'),
	entry(132015, 'template', 'The template is paused because of low quality.', 'Edit the template or use another one; it cannot be sent while paused.'),
	entry(132016, 'template', 'The template is disabled after being paused too often for low quality.', 'Create a new template; a disabled one cannot be sent.'),
	entry(132068, 'template', 'The WhatsApp Flow is blocked.', 'Fix the Flow in WhatsApp Manager before sending it again.'),
	entry(132069, 'rate_limit', 'The WhatsApp Flow is throttled: too many messages with it were sent in the last hour.', BACK_OFF),
	entry(133004, 'server', 'The WhatsApp server is temporarily unavailable.', 'Retry later with backoff.'),
	entry(133016, 'rate_limit', 'Account register/deregister rate limit exceeded for this phone number.', BACK_OFF),
	entry(135000, 'validation', 'Generic user error: the request has a problem with its parameters.', 'Check the parameters against the endpoint reference.'),

	// AdCP (seed adcp-error-codes.txt: Description / Resolution)
	entry('INVALID_CREDENTIALS', 'auth', 'Invalid or malformed authentication credentials.', 'Verify API key is correct and active.'),
	entry('TOKEN_EXPIRED', 'auth', 'Authentication token has expired.', 'Refresh OAuth token or re-authenticate.'),
	entry('INSUFFICIENT_PERMISSIONS', 'permission', 'Account lacks required permissions.', 'Contact administrator to upgrade permissions.'),
	entry('MISSING_REQUIRED_FIELD', 'validation', 'Required parameter is missing.', 'Include all required fields.'),
	entry('INVALID_FIELD_VALUE', 'validation', 'Field value doesn’t meet requirements.', 'Provide valid values per specification.'),
	entry('INVALID_FIELD_FORMAT', 'validation', 'Field format is incorrect.', 'Use correct format as specified.'),
	entry('RESOURCE_NOT_FOUND', 'not_found', 'Requested resource doesn’t exist.', 'Verify ID is correct and current.'),
	entry('PRODUCT_NOT_FOUND', 'not_found', 'Product ID doesn’t exist.', 'Use get_products to find valid IDs.'),
	entry('CREATIVE_NOT_FOUND', 'not_found', 'Creative ID doesn’t exist.', 'Use list_creatives to find valid IDs.'),
	entry('INSUFFICIENT_INVENTORY', 'business', 'Not enough inventory for request.', 'Expand targeting or reduce impressions.'),
	entry('BUDGET_EXCEEDED', 'business', 'Request exceeds budget limits.', 'Reduce budget or request limit increase.'),
	entry('INVALID_TARGETING', 'business', 'Targeting criteria is invalid.', 'Adjust targeting parameters.'),
	entry('CREATIVE_REJECTED', 'policy', 'Creative failed policy validation.', 'Review and fix creative content.'),
	entry('RATE_LIMIT_EXCEEDED', 'rate_limit', 'Too many requests.', 'Wait for retry_after seconds, then retry.'),
	entry('INTERNAL_SERVER_ERROR', 'server', 'Unexpected server error.', 'Retry request, contact support if persistent.'),
	entry('SERVICE_UNAVAILABLE', 'server', 'External service temporarily down.', 'Wait and retry.'),
	entry('TIMEOUT', 'server', 'Request exceeded processing time.', 'Retry with smaller request or contact support.'),

	// Transport (Node and undici codes)
	entry('ECONNRESET', 'network', 'The connection was reset by the server or a proxy; the request may or may not have been received.', TRANSPORT_RETRY),
	entry('ECONNREFUSED', 'network', 'The server refused the connection (nothing listening or a firewall).', 'Retry with backoff; check the base URL and proxy if it persists.'),
	entry('ETIMEDOUT', 'network', 'The connection or request timed out.', TRANSPORT_RETRY),
	entry('ECONNABORTED', 'network', 'The connection was aborted before the response completed.', TRANSPORT_RETRY),
	entry('EPIPE', 'network', 'The connection was closed while the request was being written.', TRANSPORT_RETRY),
	entry('ENOTFOUND', 'network', 'The host name could not be resolved (DNS).', 'Check the base URL and DNS, then retry.'),
	entry('EAI_AGAIN', 'network', 'DNS lookup failed temporarily.', 'Retry with backoff.'),
	entry('EHOSTUNREACH', 'network', 'The host is unreachable.', 'Retry with backoff; check the network route and proxy.'),
	entry('ENETUNREACH', 'network', 'The network is unreachable.', 'Retry with backoff; check the machine\'s network.'),
	entry('UND_ERR_CONNECT_TIMEOUT', 'network', 'Connecting to the server timed out.', 'Retry with backoff; the request was not sent.'),
	entry('UND_ERR_HEADERS_TIMEOUT', 'network', 'The server did not send response headers in time.', TRANSPORT_RETRY),
	entry('UND_ERR_BODY_TIMEOUT', 'network', 'The response body stalled past the body timeout.', TRANSPORT_RETRY),
	entry('UND_ERR_SOCKET', 'network', 'The socket failed or was closed by the other side mid-request.', TRANSPORT_RETRY),
	entry('UND_ERR_CLOSED', 'network', 'The HTTP client was closed while the request was pending.', TRANSPORT_RETRY),
	entry('UND_ERR_ABORTED', 'network', 'The request was aborted (timeout or cancellation).', TRANSPORT_RETRY),
];

/** A family: a numeric code range (optionally a subcode range of one code), or a string pattern. */
type Rule =
	| { range: readonly [number, number]; ofCode?: number; entry: CatalogEntry }
	| { pattern: RegExp; entry: CatalogEntry };

const RULES: readonly Rule[] = [
	{
		ofCode: 100,
		range: [1487000, 1487999],
		entry: entry(100, 'validation', 'Meta rejected the ad object during validation (Marketing API subcode 1487xxx); userTitle and userMessage name the problem.', 'Fix the field that userMessage names (budget, targeting, creative, schedule) and send again; unchanged it will fail again.'),
	},
	{ range: [200, 299], entry: entry(200, 'permission', 'A permission (2xx family) needed for this call is missing.', 'Grant the permission the message names to the app or system user, then run the item again.') },
	{ range: [80000, 80014], entry: entry(80000, 'rate_limit', 'Business Use Case rate limit reached for this business asset.', `${BACK_OFF} The wait is in X-Business-Use-Case-Usage.`) },
	{ range: [132000, 132068], entry: entry(132000, 'template', CATEGORY_TEXT.template.meaning, CATEGORY_TEXT.template.remedy) },
	{ pattern: /^(ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_)|SELF_SIGNED|^EPROTO$/, entry: entry('TLS', 'network', 'The TLS (HTTPS) connection failed: certificate or protocol error.', 'Check the system clock, proxies that intercept TLS and the base URL; retry once fixed.') },
	{ pattern: /^UND_ERR_/, entry: entry('UND_ERR', 'network', 'The HTTP client (undici) failed before a full response arrived.', TRANSPORT_RETRY) },
];

const byCode = new Map<number | string, CatalogEntry>();
const bySubcode = new Map<number | string, Map<number, CatalogEntry>>();
for (const row of CATALOG) {
	if (row.subcode === undefined) byCode.set(row.code, row);
	else {
		const rows = bySubcode.get(row.code) ?? new Map<number, CatalogEntry>();
		bySubcode.set(row.code, rows.set(row.subcode, row));
	}
}

/** Accepts 190, "190" and AdCP/transport codes in any case; number codes stay numbers. */
function normalizeCode(code: number | string): number | string {
	if (typeof code === 'number') return code;
	const trimmed = code.trim();
	return /^-?\d{1,15}$/.test(trimmed) ? Number(trimmed) : trimmed.toUpperCase();
}

function inRange(rule: Rule, value: number): boolean {
	return 'range' in rule && value >= rule.range[0] && value <= rule.range[1];
}

/** The row for a code (and subcode): exact subcode row, subcode family, code row, code family. */
export function lookupCatalog(code: number | string, subcode?: number): CatalogEntry | undefined {
	const key = normalizeCode(code);
	if (subcode !== undefined) {
		const exact = bySubcode.get(key)?.get(subcode);
		if (exact) return exact;
		for (const rule of RULES) {
			if ('ofCode' in rule && rule.ofCode === key && inRange(rule, subcode)) return rule.entry;
		}
	}
	const row = byCode.get(key);
	if (row) return row;
	for (const rule of RULES) {
		if ('ofCode' in rule) continue;
		const hit = typeof key === 'number' ? inRange(rule, key) : 'pattern' in rule && rule.pattern.test(key);
		if (hit) return rule.entry;
	}
	return undefined;
}
