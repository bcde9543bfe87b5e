// Turns any input into a Reading: the raw facts of one failure, before the catalog and the
// category rules are applied. Cheap key checks pick the shape; zod then reads only that small
// object. Recursion is bounded and cycle-safe; nothing here is meant to throw, and the caller
// guards against what still could (hostile getters, proxies).
import type { ErrorCategory, ErrorSource, HeaderBag, MetaErrorInfo } from '../types';
import { NON_JSON_MEANING, lookupCatalog } from './catalog';
import {
	adcpFailureSchema,
	asyncJobFailureSchema,
	errorDataSchema,
	graphErrorLooseSchema,
	graphErrorSchema,
	internalFailureSchema,
	n8nErrorSchema,
	transportErrorSchema,
	type GraphError,
} from './schemas';
import { bodySnippet, metaCodeInText, readText, transportText } from './text';

/** What one input told about the failure: the result's own fields, as far as the input gave them. */
export interface Reading
	extends Partial<
		Pick<
			MetaErrorInfo,
			| 'code'
			| 'subcode'
			| 'type'
			| 'message'
			| 'userTitle'
			| 'userMessage'
			| 'details'
			| 'fbtraceId'
			| 'requestId'
			| 'asyncSessionId'
			| 'isTransient'
			| 'retryAfterMs'
			| 'field'
			| 'suggestions'
			| 'httpStatus'
			| 'category'
			| 'meaning'
		>
	> {
	source: ErrorSource;
	/** A failure shape or a telling text was recognised (not just "some object"). */
	sure?: boolean;
	headers?: HeaderBag;
	/** The message already went through the text rules (codes, phrases). */
	textRead?: boolean;
}

type Obj = Record<string, unknown>;

const MAX_DEPTH = 12;
/** Objects looked at per input: a failure is never buried under hundreds of wrappers. */
const MAX_OBJECTS = 200;
/** JSON embedded in a text ("400 - {...}") is looked for only near its start. */
const EMBEDDED_JSON_WINDOW = 200;
const MAX_LIST = 50;
/** How far into a text a `{"error": …}` object is looked for (a client's log line, an SDK's dump). */
const ERROR_OBJECT_WINDOW = 8192;
const ERROR_OBJECT = /\{\s*"error"\s*:/;
/** `Status:  400` in the text of facebook-python-business-sdk's FacebookRequestError. */
const STATUS_LINE = /\bStatus:\s*(\d{3})\b/;

const TRANSPORT_CODE =
	/^(E[A-Z0-9]{2,}|EAI_[A-Z]+|UND_ERR(_[A-Z_]+)?|ERR_TLS_[A-Z_]+|ERR_SSL_[A-Z0-9_]+|ERR_SOCKET_[A-Z_]+|ERR_STREAM_PREMATURE_CLOSE|ERR_NETWORK|ERR_HTTP2_[A-Z_]+|CERT_[A-Z_]+|UNABLE_TO_[A-Z_]+|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|HOSTNAME_MISMATCH|ABORT_ERR)$/;
const TRANSPORT_NAMES = new Set([
	'ConnectTimeoutError',
	'HeadersTimeoutError',
	'BodyTimeoutError',
	'SocketError',
	'AbortError',
	'TimeoutError',
	'RequestAbortedError',
	'ClientClosedError',
	'ClientDestroyedError',
	'ResponseContentLengthMismatchError',
	'RequestContentLengthMismatchError',
]);
const N8N_ERROR_NAME = /^Node(?:Api|Operation|Ssl)?Error$|^(?:Workflow|Expression|Trigger)\w*Error$/;
const INT_TEXT = /^\s*-?\d{1,15}\s*$/;

function isObj(v: unknown): v is Obj {
	return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function toInt(v: unknown): number | undefined {
	if (typeof v === 'number') return Number.isSafeInteger(v) ? v : undefined;
	return typeof v === 'string' && INT_TEXT.test(v) ? Number(v) : undefined;
}

export function toHttpStatus(v: unknown): number | undefined {
	const n = toInt(v);
	return n !== undefined && n >= 100 && n <= 599 ? n : undefined;
}

function toId(v: unknown): string | undefined {
	if (typeof v === 'string' && v !== '') return v;
	return typeof v === 'number' && Number.isFinite(v) ? String(v) : undefined;
}

function tryJson(text: string): { value: unknown } | undefined {
	try {
		return { value: JSON.parse(text) };
	} catch {
		return undefined;
	}
}

/** First non-blank character, without copying a possibly huge string. */
function firstChar(text: string): string {
	for (let i = 0; i < text.length && i < 1024; i++) {
		const c = text[i];
		if (c !== ' ' && c !== '\n' && c !== '\r' && c !== '\t') return c;
	}
	return '';
}

/** Compact JSON of a small value; nothing when it cannot be serialized. */
function compactJson(v: unknown): string | undefined {
	try {
		const text = JSON.stringify(v);
		return typeof text === 'string' ? text : undefined;
	} catch {
		return undefined;
	}
}

function looksGraph(e: Obj): boolean {
	if ('fbtrace_id' in e || 'error_subcode' in e || 'error_user_msg' in e || 'is_transient' in e) return true;
	return (
		toInt(e.code) !== undefined &&
		(typeof e.message === 'string' || typeof e.type === 'string' || typeof e.title === 'string')
	);
}

function looksTransport(o: Obj): boolean {
	return (
		(typeof o.code === 'string' && TRANSPORT_CODE.test(o.code)) ||
		(typeof o.name === 'string' && TRANSPORT_NAMES.has(o.name))
	);
}

/** The JSON that the copy button of n8n's error view writes (NodeErrorView copyErrorDetails). */
function looksCopiedError(o: Obj): boolean {
	return 'errorMessage' in o && ('errorDetails' in o || 'n8nDetails' in o);
}

function looksN8n(o: Obj): boolean {
	return (
		'httpCode' in o ||
		looksCopiedError(o) ||
		'execution' in o ||
		'trigger' in o ||
		(typeof o.name === 'string' && N8N_ERROR_NAME.test(o.name)) ||
		(typeof o.description === 'string' && 'message' in o) ||
		Array.isArray(o.messages)
	);
}

function readErrorData(data: unknown, into: Reading): void {
	let value = data;
	if (typeof value === 'string') {
		const parsed = firstChar(value) === '{' ? tryJson(value) : undefined;
		if (!parsed || !isObj(parsed.value)) {
			if (value.trim() !== '') into.details = value;
			return;
		}
		value = parsed.value;
	}
	if (!isObj(value)) return;
	const parsed = errorDataSchema.safeParse(value);
	if (!parsed.success) return;
	if (parsed.data.details) into.details = parsed.data.details;
	const specs = parsed.data.blame_field_specs;
	if (specs && specs.length > 0) {
		into.field = specs
			.slice(0, 10)
			.map((s) => (Array.isArray(s) ? s.map(String).join('.') : String(s)))
			.join(', ');
	}
}

function graphReading(e: Obj, source: ErrorSource): Reading {
	const strict = graphErrorSchema.safeParse(e);
	let g: GraphError;
	if (strict.success) g = strict.data;
	else {
		const loose = graphErrorLooseSchema.safeParse(e);
		g = loose.success ? loose.data : {};
	}
	const r: Reading = { source, sure: true };
	if (g.code !== undefined) r.code = g.code;
	if (g.error_subcode !== undefined) r.subcode = g.error_subcode;
	if (g.type) r.type = g.type;
	const message = g.message || g.title;
	if (message) r.message = message;
	const title = g.error_user_title || (g.title && g.title !== message ? g.title : undefined);
	if (title) r.userTitle = title;
	if (g.error_user_msg) r.userMessage = g.error_user_msg;
	if (g.fbtrace_id) r.fbtraceId = g.fbtrace_id;
	if (g.is_transient !== undefined) r.isTransient = g.is_transient;
	if (g.error_data !== undefined) readErrorData(g.error_data, r);
	// Meta sometimes leaves the code only in the text: "(#100) ...".
	if (r.code === undefined && message) {
		const code = metaCodeInText(message);
		if (code !== undefined) r.code = code;
	}
	// An SDK exception with a cURL errno as its code (facebook-php-sdk): a code Meta does not
	// use, and a message that tells of a failed transfer.
	if (message && (r.code === undefined || lookupCatalog(r.code, r.subcode) === undefined) && transportText(message)) {
		r.category = 'network';
		if (!g.type && !g.fbtrace_id) r.source = 'transport';
	}
	return r;
}

function asyncJobReading(o: Obj): Reading {
	const parsed = asyncJobFailureSchema.safeParse(o);
	const job = parsed.success ? parsed.data : undefined;
	let inner = job?.result?.error;
	if (typeof inner === 'string') inner = tryJson(inner)?.value;
	const r: Reading = isObj(inner) ? graphReading(inner, 'async_job') : { source: 'async_job', sure: true };
	r.source = 'async_job';
	if (r.code === undefined && job?.error_code !== undefined) r.code = job.error_code;
	if (!r.message && job?.exception) r.message = job.exception;
	const id = toId(job?.id);
	if (id) r.asyncSessionId = id;
	return r;
}

function whatsappStatusReading(errors: unknown[]): Reading {
	const first = errors.find(isObj);
	return first ? graphReading(first, 'graph') : { source: 'graph', sure: true };
}

function adcpReading(o: Obj): Reading {
	const parsed = adcpFailureSchema.safeParse(o);
	const r: Reading = { source: 'adcp', sure: true };
	if (!parsed.success) return r;
	const a = parsed.data;
	if (a.error_code) r.code = a.error_code;
	if (a.message) r.message = a.message;
	if (a.field) r.field = a.field;
	if (a.suggestions !== undefined) {
		const list = (Array.isArray(a.suggestions) ? a.suggestions : [a.suggestions]).filter(
			(s): s is string => typeof s === 'string' && s !== '',
		);
		if (list.length > 0) r.suggestions = list.slice(0, 20);
	}
	if (a.retry_after !== undefined) r.retryAfterMs = Math.ceil(a.retry_after * 1000);
	if (typeof a.details === 'string') r.details = a.details;
	else if (a.details !== undefined && a.details !== null) {
		const json = compactJson(a.details);
		if (json) r.details = json;
	}
	return r;
}

function internalReading(o: Obj, walker: Walker, depth: number): Reading {
	const parsed = internalFailureSchema.safeParse(o);
	const f = parsed.success ? parsed.data : undefined;
	const inner = f?.error !== undefined ? walker.read(f.error, depth + 1) : undefined;
	const r: Reading = inner?.sure ? inner : { source: 'internal', sure: true };
	if (r.code === undefined && f?.code !== undefined) r.code = toInt(f.code) ?? f.code;
	if (!r.message) {
		const message = f?.message || (typeof f?.error === 'string' ? f.error : undefined);
		if (message) r.message = message;
	}
	const requestId = toId(f?.requestId);
	if (requestId) r.requestId = requestId;
	if (f?.retry_after !== undefined) r.retryAfterMs = Math.ceil(f.retry_after * 1000);
	if (r.source === 'internal' && r.code === undefined && r.message) {
		const facts = readText(r.message);
		if (facts.code !== undefined) r.code = facts.code;
		if (facts.category) r.category = facts.category;
		r.textRead = true;
	}
	return r;
}

function transportReading(o: Obj): Reading {
	const parsed = transportErrorSchema.safeParse(o);
	const r: Reading = { source: 'transport', sure: true, category: 'network' };
	if (!parsed.success) return r;
	const t = parsed.data;
	if (t.code) r.code = t.code;
	if (t.message) r.message = t.message;
	return r;
}

/** An ad or creative that Meta's review turned down. */
function disapprovalReading(o: Obj): Reading | undefined {
	const status = o.effective_status ?? o.review_status ?? o.status;
	if (status !== 'DISAPPROVED') return undefined;
	const r: Reading = { source: 'graph', sure: true, category: 'policy', message: 'The ad was disapproved by Meta review.' };
	const feedback = isObj(o.ad_review_feedback) ? o.ad_review_feedback.global : undefined;
	if (isObj(feedback)) {
		r.details = Object.entries(feedback)
			.slice(0, 10)
			.map(([k, v]) => `${k}: ${typeof v === 'string' ? v : compactJson(v) ?? ''}`)
			.join('; ');
	}
	return r;
}

/** The first failed status or value error of a whole WhatsApp webhook body. */
function whatsappWebhookReading(o: Obj): Reading | undefined {
	if (o.object !== 'whatsapp_business_account' || !Array.isArray(o.entry)) return undefined;
	for (const entry of o.entry.slice(0, MAX_LIST)) {
		if (!isObj(entry) || !Array.isArray(entry.changes)) continue;
		for (const change of entry.changes.slice(0, MAX_LIST)) {
			const value = isObj(change) ? change.value : undefined;
			if (!isObj(value)) continue;
			if (Array.isArray(value.statuses)) {
				const failed = value.statuses
					.slice(0, MAX_LIST)
					.find((s): s is Obj => isObj(s) && s.status === 'failed' && Array.isArray(s.errors));
				if (failed) return whatsappStatusReading(failed.errors as unknown[]);
			}
			if (Array.isArray(value.errors) && value.errors.length > 0) return whatsappStatusReading(value.errors);
		}
	}
	return undefined;
}

/** What n8n's copy-error JSON holds beyond an error item: the raw messages, data, cause. */
interface CopiedError {
	children: unknown[];
	httpCode: unknown;
	message?: string;
	description?: string;
}

function copiedError(o: Obj): CopiedError {
	const details = isObj(o.errorDetails) ? o.errorDetails : undefined;
	const n8n = isObj(o.n8nDetails) ? o.n8nDetails : undefined;
	const raw = details?.rawErrorMessage;
	const children: unknown[] = Array.isArray(raw) ? raw.slice(0, 5) : [raw];
	children.push(details?.errorData, details?.errorExtra, n8n?.cause, o.errorDescription, o.errorMessage);
	return {
		children,
		httpCode: details?.httpCode,
		message: typeof o.errorMessage === 'string' && o.errorMessage !== '' ? o.errorMessage : undefined,
		description: typeof o.errorDescription === 'string' && o.errorDescription !== '' ? o.errorDescription : undefined,
	};
}

/** Index of the `}` that closes the object opening at `start`, or -1 (strings and escapes honoured). */
function objectEnd(text: string, start: number): number {
	let depth = 0;
	let inString = false;
	for (let i = start; i < text.length; i++) {
		const c = text.charCodeAt(i);
		if (inString) {
			if (c === 92) i++; // backslash: skip the escaped character
			else if (c === 34) inString = false;
		} else if (c === 34) inString = true;
		else if (c === 123) depth++;
		else if (c === 125 && --depth === 0) return i;
	}
	return -1;
}

class Walker {
	/** Objects visited. A budget bounds the walk, so a short list beats a Set here. */
	private readonly seen: object[] = [];

	/** A reading of any value, or undefined when it holds nothing at all. */
	read(value: unknown, depth: number): Reading | undefined {
		if (depth > MAX_DEPTH) return undefined;
		if (typeof value === 'string') return this.text(value, depth);
		if (!isObj(value) || this.seen.length >= MAX_OBJECTS || this.seen.includes(value)) return undefined;
		this.seen.push(value);
		return this.object(value, depth);
	}

	private object(o: Obj, depth: number): Reading {
		// 1. { error: {...} } (the error may also be JSON text)
		let err = o.error;
		if (typeof err === 'string' && firstChar(err) === '{') err = tryJson(err)?.value ?? err;
		if (isObj(err) && looksGraph(err)) {
			const r = graphReading(err, 'graph');
			const requestId = toId(o.requestId);
			if (requestId) r.requestId = requestId;
			return r;
		}
		const status = o.status;
		if (typeof status === 'string') {
			const lower = status.toLowerCase();
			// 2. async job: FAILED with its result / exception / numeric error_code
			if (lower === 'failed' && ('result' in o || 'exception' in o || toInt(o.error_code) !== undefined)) {
				return asyncJobReading(o);
			}
			// 7. WhatsApp failed status, then 3. AdCP task failure
			if (status === 'failed') {
				return Array.isArray(o.errors) ? whatsappStatusReading(o.errors) : adcpReading(o);
			}
		}
		// 4. internal { success: false }
		if (o.success === false) return internalReading(o, this, depth);
		// 1. the inner Graph object alone
		if (looksGraph(o)) return graphReading(o, 'graph');
		const special = whatsappWebhookReading(o) ?? disapprovalReading(o);
		if (special) return special;
		// 5. transport
		if (looksTransport(o)) return transportReading(o);
		// 6. wrappers: n8n items and errors, axios / request / fetch errors
		return this.wrapper(o, depth);
	}

	private wrapper(o: Obj, depth: number): Reading {
		const n8n = looksN8n(o) || 'error' in o;
		const parsed = n8nErrorSchema.safeParse(o);
		const w = parsed.success ? parsed.data : {};
		const copied = looksCopiedError(o) ? copiedError(o) : undefined;
		const response = isObj(o.response) ? o.response : undefined;
		const context = isObj(o.context) ? o.context : undefined;
		const wrapperStatus =
			toHttpStatus(w.httpCode) ??
			toHttpStatus(copied?.httpCode) ??
			toHttpStatus(o.statusCode) ??
			toHttpStatus(o.status) ??
			toHttpStatus(response?.status) ??
			toHttpStatus(response?.statusCode);
		const headers = isObj(response?.headers) ? (response.headers as HeaderBag) : undefined;

		const children: unknown[] = [
			o.execution,
			o.trigger,
			context?.data,
			w.cause,
			w.errorResponse,
			response?.data,
			response?.body,
			// facebook-nodejs-business-sdk's FacebookRequestError keeps the Meta body here
			response?.error,
			...(copied?.children ?? []),
			o.error,
			o.body,
			o.data,
			o.json,
			o.reason,
			w.description,
			...(w.messages ?? []).slice(0, 5),
			w.message,
		];
		let found: Reading | undefined;
		for (const child of children) {
			if (child === undefined || child === null) continue;
			const r = this.read(child, depth + 1);
			if (r?.sure) {
				found = r;
				break;
			}
		}
		// Without a find, every text of the wrapper was already read as a child.
		const r: Reading = found ?? { source: n8n ? 'n8n' : 'unknown', textRead: true };
		if (found && n8n) r.source = 'n8n';
		const message = w.message || copied?.message;
		const description = w.description || copied?.description;
		if (!r.message && message) r.message = message;
		if (!found && description && description !== message) r.details = description;
		r.httpStatus ??= wrapperStatus;
		r.headers ??= headers;
		return r;
	}

	/** A text inside another value: JSON in it, a Meta code, a transport code or a phrase. */
	private text(text: string, depth: number): Reading | undefined {
		if (text.trim() === '') return undefined;
		const json = this.embeddedJson(text, depth);
		if (json?.sure) return json;
		const inner = this.errorObjectIn(text, depth);
		if (inner?.sure) return inner;
		const facts = readText(text);
		const r: Reading = { source: 'unknown', message: text, textRead: true };
		if (facts.code !== undefined) r.code = facts.code;
		if (facts.category) r.category = facts.category;
		if (facts.code !== undefined || facts.category) {
			r.sure = true;
			// a bare text with a clue is what n8n keeps of a failure: its message
			r.source = facts.transport ? 'transport' : 'n8n';
		}
		return r;
	}

	/** JSON text, or a text that starts with JSON after a prefix such as `400 - `. */
	embeddedJson(text: string, depth: number): Reading | undefined {
		const start = text.indexOf('{');
		if (start < 0 || start > EMBEDDED_JSON_WINDOW) return undefined;
		let parsed = tryJson(start === 0 ? text : text.slice(start));
		// `400 - "{\"error\":...}"`: JSON that holds JSON text
		if (!parsed && start > 0 && text[start - 1] === '"') {
			const quoted = tryJson(text.slice(start - 1));
			if (quoted && typeof quoted.value === 'string') parsed = tryJson(quoted.value);
		}
		if (!parsed || !isObj(parsed.value)) return undefined;
		const r = this.read(parsed.value, depth + 1);
		if (r && start > 0) {
			const prefix = text.slice(0, start);
			const prefixStatus = /^\s*(\d{3})\s*-/.exec(prefix) ?? STATUS_LINE.exec(prefix);
			if (prefixStatus) r.httpStatus ??= toHttpStatus(prefixStatus[1]);
		}
		return r;
	}

	/**
	 * A `{"error": …}` object further into a text than embeddedJson looks: a log line or an SDK's
	 * dump (facebook-python-business-sdk prints the body after Method, Path, Params and Status).
	 */
	private errorObjectIn(text: string, depth: number): Reading | undefined {
		const scan = text.length > ERROR_OBJECT_WINDOW ? text.slice(0, ERROR_OBJECT_WINDOW) : text;
		const m = ERROR_OBJECT.exec(scan);
		if (!m) return undefined;
		const end = objectEnd(scan, m.index);
		const parsed = end > 0 ? tryJson(scan.slice(m.index, end + 1)) : undefined;
		if (!parsed || !isObj(parsed.value)) return undefined;
		const r = this.read(parsed.value, depth + 1);
		if (r?.sure && r.httpStatus === undefined) {
			const status = STATUS_LINE.exec(scan.slice(0, m.index));
			if (status) r.httpStatus = toHttpStatus(status[1]);
		}
		return r;
	}

	/**
	 * The input itself as a string: a JSON body, `400 - {...}` text, an n8n message, or a body
	 * that is not JSON. A body takes its category from the HTTP status (network when none).
	 */
	topString(text: string, httpStatus: number | undefined): Reading {
		const c = firstChar(text);
		if (c === '{' || c === '[' || c === '"') {
			const parsed = tryJson(text);
			if (parsed) {
				const v = parsed.value;
				if (typeof v === 'string') return this.topString(v, httpStatus);
				return (isObj(v) ? this.read(v, 1) : undefined) ?? { source: 'unknown' };
			}
		}
		const bodyLike = c === '{' || c === '[' || c === '<' || c === '' || httpStatus !== undefined;
		if (!bodyLike) return this.text(text, 0) ?? { source: 'unknown' };
		const json = c === '{' || c === '[' ? undefined : this.embeddedJson(text, 0);
		if (json?.sure) return json;
		const r: Reading = { source: 'transport', sure: true, meaning: NON_JSON_MEANING };
		// A plain-text body may still name its Meta code; a cut-off JSON or HTML page goes by status.
		const code = c === '{' || c === '[' || c === '<' ? undefined : metaCodeInText(text);
		if (code !== undefined) r.code = code;
		else r.category = nonJsonCategory(httpStatus);
		const snippet = bodySnippet(text);
		if (snippet) r.message = snippet;
		return r;
	}
}

const STATUS_CATEGORY: Readonly<Record<number, ErrorCategory>> = {
	401: 'auth',
	403: 'permission',
	404: 'not_found',
	408: 'server',
	429: 'rate_limit',
};

/** Category an HTTP status alone implies, when the body names no known code. */
export function statusCategory(status: number | undefined): ErrorCategory | undefined {
	if (status === undefined) return undefined;
	if (status >= 500) return 'server';
	return STATUS_CATEGORY[status];
}

/** A body that is not JSON: by status; a success status or none means a cut-off read. */
function nonJsonCategory(status: number | undefined): ErrorCategory {
	if (status === undefined || status < 400) return 'network';
	return statusCategory(status) ?? 'unknown';
}

export function readInput(input: unknown, httpStatus: number | undefined): Reading {
	const walker = new Walker();
	if (typeof input === 'string') return walker.topString(input, httpStatus);
	return walker.read(input, 0) ?? { source: 'unknown' };
}
