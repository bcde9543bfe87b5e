// graphErrorSchema and errorDataSchema checked by hand, for the shape Meta sends: on a small body zod
// costs more than the JSON.parse before it. Each gives what its schema gives, or undefined when a
// field is off, and the caller lets zod read the object (test/core/errors/fastPath.test.ts compares
// both ways). Keep in step with the schemas.
import type { ErrorData, GraphError } from '../schemas';
import type { Obj } from './reading';

const isText = (v: unknown): v is string | undefined => v === undefined || typeof v === 'string';
const isInt = (v: unknown): v is number | undefined =>
	v === undefined || (typeof v === 'number' && Number.isSafeInteger(v));

/** graphErrorSchema's data when every field is absent or of its type. */
export function plainGraphError(e: Obj): GraphError | undefined {
	// One read per field, in the schema's order, as zod reads them.
	const { message, type, code, error_subcode, is_transient, error_user_title, error_user_msg, error_data, fbtrace_id, title } = e;
	if (
		!isText(message) ||
		!isText(type) ||
		!isInt(code) ||
		!isInt(error_subcode) ||
		(is_transient !== undefined && typeof is_transient !== 'boolean') ||
		!isText(error_user_title) ||
		!isText(error_user_msg) ||
		!isText(fbtrace_id) ||
		!isText(title)
	) {
		return undefined;
	}
	return { message, type, code, error_subcode, is_transient, error_user_title, error_user_msg, error_data, fbtrace_id, title };
}

/** errorDataSchema's data when `details` is text or absent. */
export function plainErrorData(d: Obj): ErrorData | undefined {
	const { details, blame_field_specs: specs } = d;
	if (!isText(details)) return undefined;
	if (!Array.isArray(specs)) return { details, blame_field_specs: undefined };
	// A copy read by index, as zod makes it: a hole becomes undefined.
	const copy: unknown[] = new Array(specs.length);
	for (let i = 0; i < specs.length; i++) copy[i] = specs[i];
	return { details, blame_field_specs: copy };
}
