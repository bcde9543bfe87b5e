// Meta's error bodies, with the messages, types and HTTP statuses Meta really sends for each code.

export interface GraphErrorBody {
	error: {
		message: string;
		type: string;
		code: number;
		error_subcode?: number;
		is_transient?: boolean;
		error_user_title?: string;
		error_user_msg?: string;
		error_data?: unknown;
		fbtrace_id: string;
	};
}

/** What a test says about an error; everything but `code` defaults from the catalog below. */
export interface GraphErrorSpec {
	code: number;
	subcode?: number;
	status?: number;
	message?: string;
	/** Meta's `type` (OAuthException, GraphMethodException, ...). */
	errorType?: string;
	isTransient?: boolean;
	userTitle?: string;
	userMsg?: string;
	errorData?: unknown;
}

interface CatalogEntry {
	status: number;
	message: string;
	type?: string;
	subcode?: number;
	isTransient?: boolean;
	userTitle?: string;
	userMsg?: string;
	/** WhatsApp Cloud API puts its explanation in error_data.details. */
	details?: string;
}

const SUBCODE_TOO_MANY_CALLS = 2446079;

const CATALOG: Record<number, CatalogEntry> = {
	1: { status: 500, message: 'An unknown error occurred', isTransient: true },
	2: {
		status: 500,
		message: 'An unexpected error has occurred. Please retry your request later.',
		isTransient: true,
	},
	4: { status: 403, message: '(#4) Application request limit reached', isTransient: true },
	10: { status: 403, message: '(#10) Application does not have permission for this action' },
	17: {
		status: 400,
		message: '(#17) User request limit reached',
		subcode: SUBCODE_TOO_MANY_CALLS,
		isTransient: true,
		userTitle: 'Ad Account Has Too Many API Calls',
		userMsg: 'There have been too many calls from this ad-account. Please wait a bit and try again.',
	},
	32: { status: 403, message: '(#32) Page request limit reached', isTransient: true },
	100: { status: 400, message: '(#100) Invalid parameter' },
	104: { status: 400, message: 'An access token is required to request this resource.' },
	190: { status: 400, message: 'Invalid OAuth access token - Cannot parse access token' },
	200: { status: 403, message: '(#200) Permissions error' },
	368: {
		status: 400,
		message: 'The action attempted has been deemed abusive or is otherwise disallowed',
	},
	613: {
		status: 400,
		message: '(#613) Calls to this api have exceeded the rate limit.',
		isTransient: true,
	},
	2500: { status: 400, message: 'Unknown path components' },
	80004: {
		status: 400,
		message:
			'(#80004) There have been too many calls to this ad-account. Wait a bit and try again. For more info, please refer to https://developers.facebook.com/docs/graph-api/overview/rate-limiting#ads-management.',
		subcode: SUBCODE_TOO_MANY_CALLS,
		isTransient: true,
		userTitle: 'Ad Account Has Too Many API Calls',
		userMsg: 'There have been too many calls from this ad-account. Please wait a bit and try again.',
	},
	130429: {
		status: 429,
		message: '(#130429) Rate limit hit',
		details: 'Cloud API message throughput has been reached.',
	},
	131000: { status: 500, message: '(#131000) Something went wrong', details: 'Something went wrong.' },
	131008: {
		status: 400,
		message: '(#131008) Required parameter is missing',
		details: 'A required parameter is missing.',
	},
	131016: {
		status: 503,
		message: '(#131016) Service unavailable',
		details: 'A service is temporarily unavailable. Please try again later.',
	},
	131026: {
		status: 400,
		message: '(#131026) Message undeliverable',
		details: 'Unable to deliver message.',
	},
	131056: {
		status: 429,
		message: '(#131056) (Business Account, Consumer Account) pair rate limit hit',
		details:
			'Too many messages sent from the sender phone number to the same recipient phone number in a short period of time.',
	},
	132001: {
		status: 404,
		message: '(#132001) Template name does not exist in the translation',
		details: 'template name does not exist in the translation.',
	},
};

/** The Graph error body for `spec`, and the HTTP status Meta answers it with. */
export function graphError(spec: GraphErrorSpec, fbtraceId: string): { status: number; body: GraphErrorBody } {
	const entry: CatalogEntry | undefined = CATALOG[spec.code];
	const details = entry?.details;
	const errorData =
		spec.errorData ?? (details ? { messaging_product: 'whatsapp', details } : undefined);
	const error: GraphErrorBody['error'] = {
		message: spec.message ?? entry?.message ?? `(#${spec.code}) An error occurred`,
		type: spec.errorType ?? entry?.type ?? 'OAuthException',
		code: spec.code,
	} as GraphErrorBody['error'];
	const subcode = spec.subcode ?? entry?.subcode;
	if (subcode !== undefined) error.error_subcode = subcode;
	const isTransient = spec.isTransient ?? entry?.isTransient;
	if (isTransient !== undefined) error.is_transient = isTransient;
	const userTitle = spec.userTitle ?? entry?.userTitle;
	if (userTitle !== undefined) error.error_user_title = userTitle;
	const userMsg = spec.userMsg ?? entry?.userMsg;
	if (userMsg !== undefined) error.error_user_msg = userMsg;
	if (errorData !== undefined) error.error_data = errorData;
	error.fbtrace_id = fbtraceId;
	return { status: spec.status ?? entry?.status ?? 400, body: { error } };
}

/** Meta's answer for an object that does not exist (or a method it does not support there). */
export function unsupportedRequest(method: string, id: string): GraphErrorSpec {
	return {
		code: 100,
		subcode: 33,
		errorType: 'GraphMethodException',
		message: `Unsupported ${method.toLowerCase()} request. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation. Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api`,
	};
}

/** A failed ad inside an async batch or custom batch when the test does not say which error. */
export const DEFAULT_ITEM_ERROR: GraphErrorSpec = {
	code: 100,
	subcode: 1487390,
	message: 'Invalid parameter',
	isTransient: false,
	userTitle: 'Ad Creative Is Incomplete',
	userMsg: 'The ad creative is missing a required field: link. Add a link and try again.',
};

/** `media_publish` of a container that is not FINISHED (still in progress, failed, expired, already published) or unknown. */
export const MEDIA_NOT_AVAILABLE: GraphErrorSpec = {
	code: 9007,
	subcode: 2207027,
	message: 'Media ID is not available',
	isTransient: false,
	userTitle: 'Media ID is not available',
	userMsg: 'The media is not ready for publishing, please wait for a moment',
};
