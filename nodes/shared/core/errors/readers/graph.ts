// Graph / Marketing / WhatsApp error bodies (input kind 1 of docs/ARCHITECTURE.md): `{ error: {...} }`, the inner object
// alone, and an ad or creative that Meta's review turned down. The async-job and WhatsApp
// readers read their inner errors with graphReading too.
import type { ErrorSource } from '../../types';
import { isObject } from '../../util';
import { lookupCatalog } from '../catalog';
import { errorDataSchema, graphErrorLooseSchema, graphErrorSchema, type ErrorData, type GraphError } from '../schemas';
import { metaCodeInText, transportText } from '../text';
import { plainErrorData, plainGraphError } from './plain';
import { newReading, type Obj, type Reading } from './reading';
import { compactJson, firstChar, toId, toInt, tryJson } from './values';

function looksGraph(e: Obj): boolean {
	if ('fbtrace_id' in e || 'error_subcode' in e || 'error_user_msg' in e || 'is_transient' in e) return true;
	return (
		toInt(e.code) !== undefined &&
		(typeof e.message === 'string' || typeof e.type === 'string' || typeof e.title === 'string')
	);
}

function readErrorData(data: unknown, into: Reading): void {
	let value = data;
	if (typeof value === 'string') {
		const parsed = firstChar(value) === '{' ? tryJson(value) : undefined;
		if (!parsed || !isObject(parsed.value)) {
			if (value.trim() !== '') into.details = value;
			return;
		}
		value = parsed.value;
	}
	if (!isObject(value)) return;
	let d: ErrorData | undefined = plainErrorData(value);
	if (!d) {
		const parsed = errorDataSchema.safeParse(value);
		if (!parsed.success) return;
		d = parsed.data;
	}
	if (d.details) into.details = d.details;
	const specs = d.blame_field_specs;
	if (specs && specs.length > 0) {
		into.field = specs
			.slice(0, 10)
			.map((s) => (Array.isArray(s) ? s.map(String).join('.') : String(s)))
			.join(', ');
	}
}

/** The reading of one Graph error object (the inner `error`), under the given source. */
export function graphReading(e: Obj, source: ErrorSource): Reading {
	let g: GraphError | undefined = plainGraphError(e);
	if (!g) {
		const strict = graphErrorSchema.safeParse(e);
		if (strict.success) g = strict.data;
		else {
			const loose = graphErrorLooseSchema.safeParse(e);
			g = loose.success ? loose.data : {};
		}
	}
	const r = newReading(source, true);
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

/** `{ error: {...} }`, the error possibly as JSON text. */
export function readGraphBody(o: Obj): Reading | undefined {
	let err = o.error;
	if (typeof err === 'string' && firstChar(err) === '{') err = tryJson(err)?.value ?? err;
	if (!isObject(err) || !looksGraph(err)) return undefined;
	const r = graphReading(err, 'graph');
	const requestId = toId(o.requestId);
	if (requestId) r.requestId = requestId;
	return r;
}

/** The inner Graph error object alone. */
export function readGraphError(o: Obj): Reading | undefined {
	return looksGraph(o) ? graphReading(o, 'graph') : undefined;
}

/** An ad or creative that Meta's review turned down. */
export function readDisapproval(o: Obj): Reading | undefined {
	const status = o.effective_status ?? o.review_status ?? o.status;
	if (status !== 'DISAPPROVED') return undefined;
	const r = newReading('graph', true);
	r.category = 'policy';
	r.message = 'The ad was disapproved by Meta review.';
	const feedback = isObject(o.ad_review_feedback) ? o.ad_review_feedback.global : undefined;
	if (isObject(feedback)) {
		r.details = Object.entries(feedback)
			.slice(0, 10)
			.map(([k, v]) => `${k}: ${typeof v === 'string' ? v : compactJson(v) ?? ''}`)
			.join('; ');
	}
	return r;
}
