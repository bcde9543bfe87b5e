// A generic internal failure (input kind 4 of docs/ARCHITECTURE.md): `{ success: false, message, requestId, code? }`,
// whose `error` may hold a failure of another shape.
import { internalFailureSchema } from '../schemas';
import { readText } from '../text';
import { newReading, type Obj, type Reading, type Walk } from './reading';
import { toId, toInt } from './values';

export function readInternal(o: Obj, walk: Walk, depth: number): Reading | undefined {
	if (o.success !== false) return undefined;
	const parsed = internalFailureSchema.safeParse(o);
	const f = parsed.success ? parsed.data : undefined;
	const inner = f?.error !== undefined ? walk.read(f.error, depth + 1) : undefined;
	const r = inner?.sure ? inner : newReading('internal', true);
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
