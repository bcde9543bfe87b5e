// What n8n puts on an item when another node failed (input kind 6 of docs/ARCHITECTURE.md): error output items, Error
// Trigger data, NodeApiError and its cause, the JSON of n8n's copy-error button; and the other
// wrappers read the same way (axios / request / fetch errors). The last step of the detection
// order: it reads any object, through the children where a wrapped failure may sit.
import type { HeaderBag } from '../../types';
import { isObject } from '../../util';
import { n8nErrorSchema } from '../schemas';
import { newReading, type Obj, type Reading, type Walk } from './reading';
import { toHttpStatus } from './values';

const N8N_ERROR_NAME = /^Node(?:Api|Operation|Ssl)?Error$|^(?:Workflow|Expression|Trigger)\w*Error$/;

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

/** What n8n's copy-error JSON holds beyond an error item: the raw messages, data, cause. */
interface CopiedError {
	children: unknown[];
	httpCode: unknown;
	message?: string;
	description?: string;
}

function copiedError(o: Obj): CopiedError {
	const details = isObject(o.errorDetails) ? o.errorDetails : undefined;
	const n8n = isObject(o.n8nDetails) ? o.n8nDetails : undefined;
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

/** Any object: the first child read as a failure, with the wrapper's status, headers and message. */
export function readWrapper(o: Obj, walk: Walk, depth: number): Reading {
	const n8n = looksN8n(o) || 'error' in o;
	const parsed = n8nErrorSchema.safeParse(o);
	const w = parsed.success ? parsed.data : {};
	const copied = looksCopiedError(o) ? copiedError(o) : undefined;
	const response = isObject(o.response) ? o.response : undefined;
	const context = isObject(o.context) ? o.context : undefined;
	const wrapperStatus =
		toHttpStatus(w.httpCode) ??
		toHttpStatus(copied?.httpCode) ??
		toHttpStatus(o.statusCode) ??
		toHttpStatus(o.status) ??
		toHttpStatus(response?.status) ??
		toHttpStatus(response?.statusCode);
	const headers = isObject(response?.headers) ? (response.headers as HeaderBag) : undefined;

	// In this order; built by pushes, as array spreads cost more than the reads themselves.
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
	];
	if (copied) children.push(...copied.children);
	children.push(o.error, o.body, o.data, o.json, o.reason, w.description);
	if (w.messages) children.push(...w.messages.slice(0, 5));
	children.push(w.message);
	let found: Reading | undefined;
	for (const child of children) {
		if (child === undefined || child === null) continue;
		const r = walk.read(child, depth + 1);
		if (r?.sure) {
			found = r;
			break;
		}
	}
	// Without a find, every text of the wrapper was already read as a child.
	let r = found;
	if (!r) {
		r = newReading(n8n ? 'n8n' : 'unknown');
		r.textRead = true;
	} else if (n8n) r.source = 'n8n';
	const message = w.message || copied?.message;
	const description = w.description || copied?.description;
	if (!r.message && message) r.message = message;
	if (!found && description && description !== message) r.details = description;
	r.httpStatus ??= wrapperStatus;
	r.headers ??= headers;
	return r;
}
