// classifyMetaError: any failure in, one MetaErrorInfo out (docs/ARCHITECTURE.md). Never throws.
import {
	CATEGORY_TEXT,
	UNCLASSIFIED_TEXT,
	UNLISTED_CODE_TEXT,
	actionFor,
	isRetryableCategory,
	lookupCatalog,
} from './catalog';
import { readInput, type Reading } from './readers';
import { statusCategory, toHttpStatus } from './readers/values';
import { createRedactor, type Redactor } from '../redact';
import { phraseCategory } from './text';
import type { ClassifyContext, ErrorCategory, HeaderBag, MetaErrorInfo } from '../types';
import { parseRetryAfter, parseUsageHeaders } from './usage';

/** Longest text kept per field, so that a 1 MB message gives a small result. */
export const MAX_TEXT_LENGTH = 2000;
const MAX_ID_LENGTH = 256;
const MAX_CODE_LENGTH = 200;
/**
 * Text is redacted a little past the cut (at least as far as the longest form of a secret
 * reaches), so that a secret straddling the cut is caught whole before the cut is made.
 */
const REDACT_MARGIN = 1024;
/** Inputs up to this size are checked once for secrets as a whole (see classifyMetaError). */
const CLEAN_CHECK_LIMIT = 65_536;

/**
 * Classifies any failure (a Meta body, an async job, an AdCP task, an internal result, a transport
 * error, an n8n error item or Error Trigger payload, a WhatsApp status, a bare text) into the one
 * normalized MetaErrorInfo. `context.httpStatus` beats a status found in the input.
 */
export function classifyMetaError(input: unknown, context?: ClassifyContext): MetaErrorInfo {
	try {
		const ctx: ClassifyContext = context !== null && typeof context === 'object' ? context : {};
		const status = toHttpStatus(ctx.httpStatus);
		const redact = createRedactor(ctx.secrets);
		// Every text of the result comes from the input: a JSON text without escapes and without
		// anything to redact cannot give a field that has something, so the fields skip the check.
		const cleanInput =
			typeof input === 'string' &&
			input.length <= CLEAN_CHECK_LIMIT &&
			!input.includes('\\') &&
			!redact.mayChange(input);
		return finish(readInput(input, status), ctx, status, cleanInput ? undefined : redact);
	} catch {
		// Hostile getters or proxies; everything else is handled above.
		return { ...fallback(), meaning: CATEGORY_TEXT.unknown.meaning, remedy: CATEGORY_TEXT.unknown.remedy };
	}
}

function fallback(): Pick<MetaErrorInfo, 'category' | 'retryable' | 'action' | 'source'> {
	return { category: 'unknown', retryable: false, action: 'escalate', source: 'unknown' };
}

/** `redact` is left out when the input is known to hold nothing to redact. */
function finish(
	r: Reading,
	ctx: ClassifyContext,
	ctxStatus: number | undefined,
	redact: Redactor | undefined,
): MetaErrorInfo {
	const httpStatus = ctxStatus ?? toHttpStatus(r.httpStatus);
	// Readers only keep safe integers; this guards the contract whatever a reader let through.
	if (typeof r.code === 'number' && !Number.isSafeInteger(r.code)) r.code = undefined;
	const subcode = Number.isSafeInteger(r.subcode) ? r.subcode : undefined;
	const entry = r.code !== undefined ? lookupCatalog(r.code, subcode) : undefined;

	let category: ErrorCategory =
		entry?.category ??
		r.category ??
		statusCategory(httpStatus) ??
		(r.message && !r.textRead ? phraseCategory(r.message) : undefined) ??
		'unknown';
	// A transient body is retryable whatever its code; with no better idea, it is a server hiccup.
	const transient = r.isTransient === true;
	if (transient && category === 'unknown') category = 'server';
	const fromEntry = entry !== undefined && entry.category === category;
	const { meaning, remedy } = describe(r, category, fromEntry ? entry : undefined);

	const out: MetaErrorInfo = {
		category,
		retryable: transient || (fromEntry ? entry.retryable : isRetryableCategory(category)),
		action: transient ? 'retry' : fromEntry ? entry.action : actionFor(category),
		source: r.source,
		meaning,
		remedy,
	};

	if (httpStatus !== undefined) out.httpStatus = httpStatus;
	if (typeof r.code === 'number') out.code = r.code;
	if (subcode !== undefined) out.subcode = subcode;
	if (r.isTransient !== undefined) out.isTransient = r.isTransient;

	// Written out field by field, each a named store: a keyed store (`out[key] = …`, in a loop or a
	// helper) that adds a property takes V8's generic path, the costliest line of finish in a profile.
	const code = typeof r.code === 'string' ? clean(r.code.trim(), MAX_CODE_LENGTH, redact) : undefined;
	if (code) out.code = code;
	const type = clean(r.type, MAX_ID_LENGTH, redact);
	if (type) out.type = type;
	const message = clean(r.message, MAX_TEXT_LENGTH, redact);
	if (message) out.message = message;
	const userTitle = clean(r.userTitle, MAX_TEXT_LENGTH, redact);
	if (userTitle) out.userTitle = userTitle;
	const userMessage = clean(r.userMessage, MAX_TEXT_LENGTH, redact);
	if (userMessage) out.userMessage = userMessage;
	const details = clean(r.details, MAX_TEXT_LENGTH, redact);
	if (details) out.details = details;
	const fbtraceId = clean(r.fbtraceId, MAX_ID_LENGTH, redact);
	if (fbtraceId) out.fbtraceId = fbtraceId;
	const requestId = clean(r.requestId, MAX_ID_LENGTH, redact);
	if (requestId) out.requestId = requestId;
	const asyncSessionId = clean(r.asyncSessionId, MAX_ID_LENGTH, redact);
	if (asyncSessionId) out.asyncSessionId = asyncSessionId;
	const field = clean(r.field, MAX_TEXT_LENGTH, redact);
	if (field) out.field = field;
	if (r.suggestions) {
		const suggestions = r.suggestions.map((s) => clean(s, MAX_TEXT_LENGTH, redact)).filter((s): s is string => !!s);
		if (suggestions.length > 0) out.suggestions = suggestions;
	}

	const headers: HeaderBag | undefined = ctx.headers ?? r.headers;
	const usage = headers ? parseUsageHeaders(headers) : undefined;
	const retryAfterMs = longestWait(r.retryAfterMs, headers ? parseRetryAfter(headers) : undefined, usage?.regainAccessMs);
	if (retryAfterMs !== undefined) out.retryAfterMs = retryAfterMs;
	if (usage) out.usage = createRedactor(ctx.secrets).deep(usage);
	return out;
}

function describe(
	r: Reading,
	category: ErrorCategory,
	entry: { meaning: string; remedy: string } | undefined,
): { meaning: string; remedy: string } {
	if (entry) return entry;
	const generic = CATEGORY_TEXT[category];
	if (r.meaning) return { meaning: r.meaning, remedy: generic.remedy };
	if (category !== 'unknown') return generic;
	if (r.code !== undefined) return UNLISTED_CODE_TEXT;
	return r.sure ? UNCLASSIFIED_TEXT : generic;
}

/** Longest wait a hint may ask for: beyond a week it is garbage, not advice. */
const MAX_RETRY_AFTER_MS = 7 * 24 * 3600 * 1000;

const positive = (v: number | undefined): number => (v !== undefined && Number.isFinite(v) && v > 0 ? v : 0);

/** The longest of three waits (ms), capped; undefined when none is a positive number. Three arguments, no rest array. */
function longestWait(a: number | undefined, b: number | undefined, c: number | undefined): number | undefined {
	const max = Math.max(positive(a), positive(b), positive(c));
	return max > 0 ? Math.min(Math.ceil(max), MAX_RETRY_AFTER_MS) : undefined;
}

/** A text field of the result: redacted (unless `redact` is left out), cut to `max`; undefined when empty. */
function clean(value: string | undefined, max: number, redact: Redactor | undefined): string | undefined {
	if (!value) return undefined;
	const cut = max + Math.max(REDACT_MARGIN, redact?.longest ?? 0);
	let t = value.length > cut ? value.slice(0, cut) : value;
	if (redact?.mayChange(t)) t = redact.text(t);
	return t.length > max ? `${t.slice(0, max)}…` : t;
}
