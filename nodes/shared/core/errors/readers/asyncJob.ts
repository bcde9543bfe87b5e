// The async job failure (input kind 2 of docs/ARCHITECTURE.md): `{ result: { error: {...} }, error_code, status: "FAILED", exception, id }`.
import { isObject } from '../../util';
import { asyncJobFailureSchema } from '../schemas';
import { graphReading } from './graph';
import { newReading, type Obj, type Reading } from './reading';
import { toId, toInt, tryJson } from './values';

/** Status FAILED (any case) with its result, exception or numeric error_code. */
export function readAsyncJob(o: Obj): Reading | undefined {
	const status = o.status;
	if (typeof status !== 'string' || status.toLowerCase() !== 'failed') return undefined;
	if (!('result' in o || 'exception' in o || toInt(o.error_code) !== undefined)) return undefined;
	const parsed = asyncJobFailureSchema.safeParse(o);
	const job = parsed.success ? parsed.data : undefined;
	let inner = job?.result?.error;
	if (typeof inner === 'string') inner = tryJson(inner)?.value;
	const r: Reading = isObject(inner) ? graphReading(inner, 'async_job') : newReading('async_job', true);
	r.source = 'async_job';
	if (r.code === undefined && job?.error_code !== undefined) r.code = job.error_code;
	if (!r.message && job?.exception) r.message = job.exception;
	const id = toId(job?.id);
	if (id) r.asyncSessionId = id;
	return r;
}
