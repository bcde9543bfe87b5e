/*
 * The code catalog: what each Meta Graph / Marketing / WhatsApp Cloud, AdCP and transport code
 * means, its category and what to do. It started from two seed tables, kept in this repository as
 * test/core/errors/seeds/meta-error-reference.txt and adcp-error-codes.txt (their wording is kept
 * where they give one), extended with the codes of the category rules (docs/error-core.md, "Categories and
 * default actions") and with Meta's published tables:
 * - Graph API "Handling Errors" (1609005) and Facebook's API_EC_* list that Graph still answers
 *   with (5, 12, 101, 110);
 * - Marketing API "Error Codes" (every row that names one failure: 2606–2654, 1340029 … 3910001,
 *   and the 100 / 200 / 2654 subcode rows);
 * - Marketing API "Rate Limiting" (2446079, 1487742, 5044001, 1504022, 1504039, 1487632, 1885172);
 * - WhatsApp Cloud API "Error codes" (131037, 131045, 133000, 133005–133010, 133015).
 * Families (200–299, 80000–80014, 132000–132068, 1487xxx as a code or a subcode of 100, undici
 * and TLS codes) are rules, not rows. A seven-digit Marketing number that arrives as the
 * error_subcode of another code is looked up as a code (see lookupCatalog).
 *
 * Codes NOT placed with confidence (left to the family rule, the HTTP status or `unknown`):
 * - WhatsApp 131055, 131059, 131060, 134011 and 135xxx other than 135000: not in a published
 *   table we could read; 133001–133003, 133007, 131001, 131002, 131006, 131043, 136025: titles
 *   only (an SDK's list of older codes), no description to place them by; 2593107 / 2593108
 *   (coexistence sync limits): numbers not confirmed.
 * - Marketing 5000 ("Unknown error code") and 1 + subcode 99 (the parent's server row applies).
 * - Placed, but with less confidence: WhatsApp 33 (not_found: phone number deleted), 80007,
 *   133016, 133015 (rate_limit: wait and retry), Graph 492 (auth), 506 (validation: duplicate
 *   post), 2635 (validation), Marketing 1487990 / 2446867 (business: an account cap reached).
 * - Graph 2500 (used both for "active access token required" and for query parse errors).
 * - Other Marketing API subcodes 1487xxx (e.g. 1487390, 1487301, 1487124): only the family
 *   rule "ad object failed validation" is applied; error_user_title/msg carry the specifics.
 * - BUC codes 80010–80013: only the generic Business Use Case rate-limit row.
 * - 132000–132068 codes other than those listed: only the generic template row.
 * - Conversions API: its failures are Graph codes (100, 190, 100/33 for an unknown pixel); no
 *   table of its own was found.
 */
import type { CatalogEntry, ErrorAction, ErrorCategory } from '../types';

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
	// Instagram content publishing: media_publish before the container is FINISHED (subcode 2207027).
	// Not retried in place: the answer proves nothing was published, and the fix is to wait for the container.
	entry(9007, 'validation', 'The Instagram media container is not ready to publish (Media ID is not available): Meta is still processing it, or it failed or expired.', 'Follow the container with the Batch Status Poller (Instagram Media Container) until status_code is FINISHED, then publish (or replay this item).'),
	entry(1609005, 'validation', 'Meta could not post the link: the URL is malformed, unreachable or refused by the link scraper.', 'Check that the link is a public, well-formed URL that the Sharing Debugger can read, then post again.'),
	// Facebook's API_EC_* list, whose numbers Graph still answers with
	entry(5, 'permission', 'The call came from a source IP address that the app does not allow (app server IP allowlist).', 'Add the n8n host\'s outgoing IP to the app\'s Server IP Allowlist, or remove the allowlist.'),
	entry(12, 'validation', 'The method or field is deprecated for the Graph API version the request uses.', 'Move the request to the endpoint or field that replaces it in the current Graph API version.'),
	entry(101, 'auth', 'Meta could not validate the application: the app ID or API key is invalid.', 'Check the App ID and App Secret in the Meta Graph API credential and that the app still exists.'),
	entry(110, 'validation', 'The user ID in the request is not valid.', 'Use a valid user ID (an app-scoped ID for this app) in the request.'),

	// Marketing API error reference (codes; Meta also sends them as the error_subcode of 100 or 200)
	entry(2606, 'validation', 'Meta could not render a preview of this ad.', 'Check the creative and the ad format named in the request, then ask for the preview again.'),
	entry(2607, 'validation', 'The currency given cannot be used with ads.', 'Use a currency code that Meta accepts for the ad account.'),
	entry(2615, 'validation', 'The update call for this ad account is not valid.', 'Send only fields that may be changed on the ad account, with valid values.'),
	entry(2654, 'validation', 'Meta failed to create the custom audience.', 'Read userMessage for the reason (terms, subtype, source data), fix the request and create it again.'),
	entry(2654, 'permission', 'The caller has no write permission on the ad account it is creating an audience for.', 'Give the user or system user an advertiser role on the ad account, then create the audience again.', 1713092),
	entry(100, 'validation', 'The targeting category chosen is no longer available (deprecated behaviour-based targeting).', 'Pick a current category with Targeting Search and send the ad set again.', 1487694),
	entry(100, 'validation', 'This combination of tasks cannot be assigned to a user on the ad account.', 'Send one of the task combinations Meta lists as permitted roles for ad accounts.', 1752129),
	entry(100, 'validation', 'Meta could not download the image from its URL (not reachable, or blocked by robots.txt).', 'Make the image URL public and allow Meta\'s crawler in robots.txt, or upload the image instead.', 3858258),
	entry(200, 'permission', 'The Custom Audience terms have not been accepted for this ad account.', 'Have an admin of the ad account accept the Custom Audience terms in Ads Manager, then run the item again.', 1870034),
	entry(200, 'validation', 'Users cannot be removed: the audience would become too small to deliver.', 'Do not remove these users, or add others first so the audience stays above the minimum size.', 1870047),
	entry(1340029, 'validation', 'A Dynamic Creative ad cannot be deleted on its own.', 'Delete the parent ad set instead.'),
	entry(1373054, 'validation', 'The call-to-action type in the creative could not be read.', 'Send a call_to_action type from the list the API reference gives.'),
	entry(1404078, 'policy', 'Meta temporarily blocked this account from performing the action.', 'Pause the automation for this action and resume after the block ends.'),
	entry(1404163, 'policy', 'The account may no longer advertise with Meta products (advertising access restricted).', 'Stop all ad work for this account and request a review in Account Quality.'),
	entry(1487007, 'validation', 'The ad cannot be edited: its scheduled ad set has passed its end date.', 'Move the ad set end date into the future, then edit the ad again.'),
	entry(1487033, 'validation', 'The campaign end date is not in the future.', 'Send an end date later than now.'),
	entry(1487056, 'validation', 'The ad set is deleted: only its name can still be changed.', 'Duplicate the ad set and edit the copy instead.'),
	entry(1487472, 'validation', 'The chosen Page post cannot be promoted in an ad.', 'Choose a different Page post for the ad.'),
	entry(1487566, 'validation', 'The campaign is deleted: only its name can still be changed.', 'Duplicate the campaign and edit the copy instead.'),
	entry(1487678, 'validation', 'The promoted app runs on a different operating system than the ad set targets.', 'Align the ad set\'s OS targeting with the app being promoted.'),
	entry(1487831, 'not_found', 'The product set could not be loaded: it does not exist or is not visible to this token.', 'Check the product set ID and that the catalog is shared with the ad account.'),
	entry(1487929, 'validation', 'The promoted object is ambiguous: more than one was given.', 'Specify exactly one promoted object.'),
	entry(1487990, 'business', 'The ad account holds too many archived ads to archive more.', 'Have someone delete old archived ads in the account, then archive again.'),
	entry(1815199, 'permission', 'The ad account has no access to this Instagram account.', 'Assign the ad account to the Instagram account (or use an authorised one), then run the item again.'),
	entry(1815629, 'validation', 'The ad asset values are not unique.', 'Remove the duplicate asset values from the request.'),
	entry(1815694, 'permission', 'The user does not have the permission for this ads action.', 'Give the user or system user the ad account role this action needs.'),
	entry(1870065, 'validation', 'The targeting uses an audience that was disabled (shared by an account that is no longer active).', 'Remove the disabled audiences from the targeting and send again.'),
	entry(1870088, 'validation', 'Connection targeting is deprecated and blocks publishing the campaign.', 'Remove the connections from the targeting and publish again.'),
	entry(1870090, 'permission', 'The Custom Audience terms must be accepted before audiences or ad sets can be created or edited.', 'Have an admin accept the Custom Audience terms for the ad account, then run the item again.'),
	entry(1870092, 'permission', 'The Meta Business Tools terms must be accepted before audiences or ad sets can be created or edited.', 'Have an admin accept the Meta Business Tools terms, then run the item again.'),
	entry(1870165, 'validation', 'The audience uses targeting options that may not reach people under the minimum age for such targeting.', 'Raise the minimum age or keep only location, age and gender targeting.'),
	entry(1870199, 'validation', 'location_types may no longer be set: location targeting always reaches people living in or recently in the places.', 'Remove every value from location_types and send again.'),
	entry(1870219, 'validation', 'Account controls may only save employer exclusions.', 'Send only employer exclusions to account controls.'),
	entry(1870220, 'validation', 'More employer exclusions were sent than account controls allow.', 'Reduce the employer exclusions to the allowed number.'),
	entry(1885029, 'validation', 'The ad\'s Page does not match the Page of the object it promotes.', 'Use the same Page for the ad and for the promoted post or app.'),
	entry(1885088, 'validation', 'The ad is archived: only its name can still be changed.', 'Duplicate the ad and edit the copy instead.'),
	entry(1885183, 'validation', 'The creative\'s post was made by an app in development mode.', 'Switch that app to live mode, or use a post made by a live app.'),
	entry(1885204, 'validation', 'The chosen optimisation needs automatic bidding.', 'Remove the bid and billing settings, or change the optimisation goal.'),
	entry(1885272, 'validation', 'The budget is too low.', 'Raise the budget to at least the minimum for the account currency.'),
	entry(1885557, 'not_found', 'The promoted post is unavailable: deleted, unpublished, not owned by the ad\'s Page or not visible to this token.', 'Promote a published post of the ad\'s Page that the token can see.'),
	entry(1885621, 'validation', 'A budget may be set on the ad set or on the campaign, not on both.', 'Keep only one of the two budgets.'),
	entry(1885650, 'validation', 'The budget is too low to cover spend during the update.', 'Raise the budget to the minimum that userMessage gives.'),
	entry(2238055, 'validation', 'The creative spec or the campaign budget breaks a rule (Instagram fields given together, or a budget below the ad sets\' minimum).', 'Fix the field that userMessage names and send again.'),
	entry(2446149, 'validation', 'The creative spec combines Instagram fields that may not be sent together.', 'Send only one of instagram_user_id / instagram_actor_id, and of instagram_story_id / source_instagram_media_id.'),
	entry(2446173, 'validation', 'A target rule refers to an asset label that no asset carries.', 'Fix or remove the target rule labels, or the ad creatives that use them.'),
	entry(2446289, 'not_found', 'The post chosen for the ad is not available: deleted or not visible to this token.', 'Check the post in the ad creative and that the token can see it.'),
	entry(2446307, 'validation', 'The campaign spend cap is below the minimum.', 'Raise the spend cap to at least the minimum.'),
	entry(2446347, 'validation', 'An ad of an existing post needs the use_existing_post flag set to true.', 'Set use_existing_post to true in asset_feed_spec target_rules.'),
	entry(2446383, 'validation', 'The campaign objective needs an external website URL.', 'Add a call to action with a website URL to the ad creative.'),
	entry(2446394, 'validation', 'The ad set uses detailed targeting options that are no longer available or not allowed in exclusions.', 'Remove those detailed targeting items and send again.'),
	entry(2446509, 'validation', 'The campaign destination type is not valid.', 'Send a destination type the objective allows.'),
	entry(2446580, 'validation', 'components and child_attachments may not both be given in interactive_components_spec.', 'Send only one of the two.'),
	entry(2446712, 'validation', 'Store visits optimisation is no longer available.', 'Use reach or store sales optimisation instead.'),
	entry(2446867, 'business', 'The account reached its cap of Advantage+ Shopping campaigns for these countries.', 'Use a standard conversions campaign, or end an existing Advantage+ Shopping campaign first.'),
	entry(2446880, 'business', 'The WhatsApp number linked to the Page or Instagram profile was disconnected.', 'Reconnect the WhatsApp account to the Page or profile, then run the ad again.'),
	entry(2490085, 'validation', 'The 191x100 crop key is no longer available in this API version.', 'Use the 100x100 crop key instead.'),
	entry(2490155, 'not_found', 'The post of the ad is not available: removed or not visible to this token.', 'Check the post and that the token may see it, or choose another one.'),
	entry(2490372, 'validation', 'A shop destination must be chosen to continue.', 'Set the shop destination of the ad.'),
	entry(2490427, 'policy', 'The ad was rejected in its latest review and is disabled.', 'Pause work on this ad; change the content and create a new ad.'),
	entry(2490468, 'policy', 'The ad was rejected in its latest review and is disabled.', 'Pause work on this ad; change the content and create a new ad.'),
	entry(2708008, 'permission', 'This user is not authorised to run ads about social issues, elections or politics.', 'Have an authorised user place the ad, or complete Meta\'s ID confirmation first.'),
	entry(2859015, 'policy', 'Meta temporarily blocked this account from performing the action.', 'Pause the automation for this action and resume after the block ends.'),
	entry(3858064, 'validation', 'The campaign uses options that may not be used with audiences under the minimum age.', 'Raise the minimum age or keep only age and city-or-larger location targeting.'),
	entry(3858082, 'validation', 'The creative is eligible for Standard Enhancements but enroll_status was not given.', 'Say in the creative whether Standard Enhancements are on or off.'),
	entry(3858152, 'validation', 'The ad set must be published with beneficiary and payer information.', 'Add the beneficiary and payer to the ad set, then publish it.'),
	entry(3867105, 'validation', 'This content cannot be used for a partnership ad.', 'Select different content for the partnership ad.'),
	entry(3910001, 'server', 'The ad account is having temporary trouble at Meta.', 'Retry later with backoff; if the account keeps failing, contact Meta support with the fbtrace_id.'),

	// Marketing API rate limiting: subcodes (of 4, 17, 32, 613, 800xx) that name the limit
	entry(2446079, 'rate_limit', 'Ad account request limit reached: too many calls for this ad account.', `${BACK_OFF} X-Ad-Account-Usage gives the wait (reset_time_duration).`),
	entry(1487742, 'rate_limit', 'Too many calls were made from this ad account.', `${BACK_OFF} X-Ad-Account-Usage gives the wait (reset_time_duration).`),
	entry(5044001, 'rate_limit', 'Too many create or edit requests per second for this app and ad account.', 'Spread writes out (under 100 per second per ad account) and retry with backoff.'),
	entry(1504022, 'rate_limit', 'Too many Ads Insights requests: the insights backend is throttling the app.', 'Make fewer and lighter insights queries (shorter ranges, fewer IDs), wait and retry.'),
	entry(1504039, 'rate_limit', 'Too many Ads Insights requests: the insights backend is throttling the app.', 'Make fewer and lighter insights queries (shorter ranges, fewer IDs), wait and retry.'),
	entry(1487632, 'rate_limit', 'The ad set budget was changed too often (a few changes per hour allowed).', 'Wait about an hour before changing this ad set\'s budget again.'),
	entry(1885172, 'rate_limit', 'The account spend cap was changed too often today.', 'Wait until the next day before changing the spend cap again.'),
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
	entry(131037, 'business', 'The business phone number\'s display name is not approved yet, so it cannot send messages.', 'Get the display name approved (or fix it) in WhatsApp Manager, then send again.'),
	entry(131042, 'business', 'Business eligibility payment issue: no valid payment method or credit line for the account.', 'Fix the payment method or credit line in WhatsApp Manager.'),
	entry(131045, 'business', 'The message failed because of a phone number registration (certificate) error.', 'Register the business phone number again, then send the message.'),
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
	entry(133000, 'business', 'A previous deregistration of the phone number did not complete.', 'Deregister the number again, then register it.'),
	entry(133004, 'server', 'The WhatsApp server is temporarily unavailable.', 'Retry later with backoff.'),
	entry(133005, 'validation', 'The two-step verification PIN in the request is wrong.', 'Send the correct PIN, or reset it by turning two-step verification off and setting a new PIN.'),
	entry(133006, 'business', 'The phone number must be verified again before it can be registered.', 'Verify the phone number in WhatsApp Manager, then register it.'),
	entry(133008, 'rate_limit', 'Too many two-step verification PIN guesses for this phone number.', 'Wait the time that details gives before trying the PIN again.'),
	entry(133009, 'rate_limit', 'Two-step verification PINs were entered too fast.', 'Wait the time that details gives before trying the PIN again.'),
	entry(133010, 'business', 'The phone number is not registered on the WhatsApp Business Platform.', 'Register the phone number with the Cloud API, then send again.'),
	entry(133015, 'rate_limit', 'The phone number was deleted moments ago and the deletion has not finished.', 'Wait about 5 minutes, then register the number again.'),
	entry(133016, 'rate_limit', 'Account register/deregister rate limit exceeded for this phone number.', BACK_OFF),
	entry(135000, 'validation', 'Generic user error: the request has a problem with its parameters.', 'Check the parameters against the endpoint reference.'),

	// Meta Health Check findings (core/health): what will fail, found before it does. Never retryable:
	// the remedy is a person's (a new token, a payment, a fixed ad).
	entry('TOKEN_INVALID', 'auth', 'The credential\'s access token is no longer valid: Meta refuses every call made with it.', NEW_TOKEN),
	entry('TOKEN_EXPIRING', 'auth', 'The credential\'s access token expires soon; from then on every call fails with code 190.', 'Replace the token before it expires: a system user token (Business Settings → System users) does not expire; a user token can be exchanged for a long-lived one.'),
	entry('TOKEN_DATA_ACCESS_EXPIRING', 'auth', 'The app\'s access to this user\'s data expires soon (90 days after the user last used the app); calls for that data then fail.', 'Have the user log in to the app again before the date, or use a system user token, whose data access does not expire.'),
	entry('TOKEN_SCOPE_MISSING', 'permission', 'The access token lacks a permission that the workflows need.', 'Grant the permission to the app (through App Review where Meta requires it) and issue the token again with it.'),
	entry('API_VERSION_SUNSET', 'business', 'The credential\'s API version ends soon; after that date every call on it fails.', 'Set API Version in the Meta Graph API credential to a current version and run the workflows once to check them.'),
	entry('API_VERSION_RETIRED', 'business', 'The credential\'s API version has ended: Meta refuses calls on it (the Marketing API answers code 2635).', 'Set API Version in the Meta Graph API credential to a current version now, then run the workflows once to check them.'),
	entry('ACCOUNT_DISABLED', 'business', 'The ad account is disabled: none of its ads deliver.', 'Open Account Quality in Meta Business Suite, read the reason and request a review.'),
	entry('ACCOUNT_UNSETTLED', 'business', 'The ad account has an unpaid balance (unsettled, pending settlement or in its grace period): its ads stop, or will stop, delivering.', 'Pay the balance or fix the payment method in Billing & payments.'),
	entry('ACCOUNT_IN_REVIEW', 'business', 'The ad account is under risk review: its ads may not deliver until the review ends.', 'Wait for the review, and answer any request from Meta in Account Quality.'),
	entry('ACCOUNT_CLOSED', 'business', 'The ad account is closed or being closed: it cannot run ads.', 'Move the campaigns to an active ad account and take this one out of the workflows.'),
	entry('SPEND_CAP_NEAR', 'business', 'The ad account has spent most of its account spending limit; at the limit every ad in it stops.', 'Raise or reset the account spending limit in Billing & payments, or plan for the stop.'),
	entry('AD_DISAPPROVED', 'policy', 'Meta\'s review disapproved the ad: it does not deliver.', 'Edit the ad to meet the Advertising Standards (Meta\'s reason is in the message) or request another review.'),
	entry('AD_WITH_ISSUES', 'policy', 'The ad has issues that stop or limit its delivery.', 'Fix what the message names (on the ad, its ad set or campaign) and check that it delivers again.'),
	entry('WA_QUALITY_YELLOW', 'business', 'The phone number\'s quality rating dropped to medium (yellow): more blocks and reports will lower it to red.', 'Send fewer, more relevant messages to people who opted in; review the templates sent lately.'),
	entry('WA_QUALITY_RED', 'policy', 'The phone number\'s quality rating is low (red): Meta may lower its messaging limit or restrict it.', 'Pause marketing messages from this number and review recent templates and opt-ins until the rating recovers.'),
	entry('WA_NUMBER_FLAGGED', 'policy', 'Meta flagged the phone number for low quality: its messaging limit is lowered if quality does not recover within 7 days.', 'Pause marketing messages from this number and improve quality (relevance, opt-in, frequency) within the 7 days.'),
	entry('WA_NUMBER_RESTRICTED', 'policy', 'The phone number is restricted or banned: it cannot start new conversations.', 'Read the restriction and its end in WhatsApp Manager; appeal it there if it is wrong.'),
	entry('WA_NAME_REJECTED', 'business', 'Meta declined the phone number\'s display name.', 'Change the display name to meet WhatsApp\'s display name rules in WhatsApp Manager and submit it again.'),
	entry('PIXEL_SILENT', 'business', 'The pixel (dataset) has received no event for longer than expected, or Meta reports it unavailable: conversions are not measured.', 'Check the website\'s pixel code and the Conversions API sender (Events Manager → Diagnostics).'),

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
	{
		range: [1487000, 1487999],
		entry: entry(1487000, 'validation', 'Meta rejected the ad object during validation (Marketing API code 1487xxx); userTitle and userMessage name the problem.', 'Fix the field that userMessage names (budget, targeting, creative, schedule) and send again; unchanged it will fail again.'),
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

/**
 * Marketing API numbers (seven digits) are listed by Meta as codes but arrive as well as the
 * error_subcode of a parent (100, 200, 1, a negative code): such a subcode is looked up as a code.
 */
const MIN_MARKETING_CODE = 1_000_000;

/**
 * The row for a code (and subcode): exact subcode row, a Marketing subcode's own row (a
 * rate-limit parent keeps its category), subcode family, code row, code family. A negative
 * code is an internal Meta error whose subcode is the failure.
 */
export function lookupCatalog(code: number | string, subcode?: number): CatalogEntry | undefined {
	// The Graph reader and then finish (classify.ts) ask for the same code: the last answer is kept.
	if (code === last.code && subcode === last.subcode) return last.entry;
	last.code = code;
	last.subcode = subcode;
	return (last.entry = findEntry(code, subcode));
}

/** NaN equals nothing: the first call looks up. */
const last: { code: unknown; subcode: number | undefined; entry: CatalogEntry | undefined } = {
	code: NaN,
	subcode: undefined,
	entry: undefined,
};

function findEntry(code: number | string, subcode?: number): CatalogEntry | undefined {
	const key = normalizeCode(code);
	if (typeof key === 'number' && key < 0) {
		return subcode !== undefined && subcode >= 0 ? findEntry(subcode) : undefined;
	}
	if (subcode !== undefined) {
		const exact = bySubcode.get(key)?.get(subcode);
		if (exact) return exact;
		const own = subcode >= MIN_MARKETING_CODE ? byCode.get(subcode) : undefined;
		if (own) {
			const parent = codeEntry(key);
			if (parent?.category !== 'rate_limit' || own.category === 'rate_limit') return own;
			return parent;
		}
		for (const rule of RULES) {
			if ('ofCode' in rule && rule.ofCode === key && inRange(rule, subcode)) return rule.entry;
		}
	}
	return codeEntry(key);
}

/** The row of a code alone: its own row, else its family. */
function codeEntry(key: number | string): CatalogEntry | undefined {
	const row = byCode.get(key);
	if (row) return row;
	for (const rule of RULES) {
		if ('ofCode' in rule) continue;
		const hit = typeof key === 'number' ? inRange(rule, key) : 'pattern' in rule && rule.pattern.test(key);
		if (hit) return rule.entry;
	}
	return undefined;
}
