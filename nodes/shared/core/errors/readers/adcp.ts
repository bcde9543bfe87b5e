// An AdCP-style task failure (input kind 3 of docs/ARCHITECTURE.md): `{ status: "failed", error_code, message, field, suggestions, retry_after, details }`.
import { adcpFailureSchema } from '../schemas';
import { newReading, type Obj, type Reading } from './reading';
import { compactJson } from './values';

/** Status exactly "failed" (a WhatsApp status, which also has `errors`, is read before). */
export function readAdcp(o: Obj): Reading | undefined {
	if (o.status !== 'failed') return undefined;
	const parsed = adcpFailureSchema.safeParse(o);
	const r = newReading('adcp', true);
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
