// Texts (input kind 8 of docs/ARCHITECTURE.md): the input itself as a string (a JSON body, `400 - {...}`, an n8n message,
// a body that is not JSON), and a text inside another value. JSON in a text is read as an object;
// otherwise ../text tells what the text says (a Meta code, a transport code, a known phrase).
import { isObject } from '../../util';
import { readText } from '../text';
import { newReading, type Reading, type Walk } from './reading';
import { readNonJsonBody } from './transport';
import { firstChar, toHttpStatus, tryJson } from './values';

/** JSON embedded in a text ("400 - {...}") is looked for only near its start. */
const EMBEDDED_JSON_WINDOW = 200;
/** How far into a text a `{"error": …}` object is looked for (a client's log line, an SDK's dump). */
const ERROR_OBJECT_WINDOW = 8192;
const ERROR_OBJECT = /\{\s*"error"\s*:/;
/** `Status:  400` in the text of facebook-python-business-sdk's FacebookRequestError. */
const STATUS_LINE = /\bStatus:\s*(\d{3})\b/;

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

/** JSON text, or a text that starts with JSON after a prefix such as `400 - `. */
function embeddedJson(text: string, walk: Walk, depth: number): Reading | undefined {
	const start = text.indexOf('{');
	if (start < 0 || start > EMBEDDED_JSON_WINDOW) return undefined;
	let parsed = tryJson(start === 0 ? text : text.slice(start));
	// `400 - "{\"error\":...}"`: JSON that holds JSON text
	if (!parsed && start > 0 && text[start - 1] === '"') {
		const quoted = tryJson(text.slice(start - 1));
		if (quoted && typeof quoted.value === 'string') parsed = tryJson(quoted.value);
	}
	if (!parsed || !isObject(parsed.value)) return undefined;
	const r = walk.read(parsed.value, depth + 1);
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
function errorObjectIn(text: string, walk: Walk, depth: number): Reading | undefined {
	const scan = text.length > ERROR_OBJECT_WINDOW ? text.slice(0, ERROR_OBJECT_WINDOW) : text;
	const m = ERROR_OBJECT.exec(scan);
	if (!m) return undefined;
	const end = objectEnd(scan, m.index);
	const parsed = end > 0 ? tryJson(scan.slice(m.index, end + 1)) : undefined;
	if (!parsed || !isObject(parsed.value)) return undefined;
	const r = walk.read(parsed.value, depth + 1);
	if (r?.sure && r.httpStatus === undefined) {
		const status = STATUS_LINE.exec(scan.slice(0, m.index));
		if (status) r.httpStatus = toHttpStatus(status[1]);
	}
	return r;
}

/** A text inside another value: JSON in it, a Meta code, a transport code or a phrase. */
export function readNestedText(text: string, walk: Walk, depth: number): Reading | undefined {
	if (text.trim() === '') return undefined;
	const json = embeddedJson(text, walk, depth);
	if (json?.sure) return json;
	const inner = errorObjectIn(text, walk, depth);
	if (inner?.sure) return inner;
	const facts = readText(text);
	const r = newReading('unknown');
	r.message = text;
	r.textRead = true;
	if (facts.code !== undefined) r.code = facts.code;
	if (facts.category) r.category = facts.category;
	if (facts.code !== undefined || facts.category) {
		r.sure = true;
		// a bare text with a clue is what n8n keeps of a failure: its message
		r.source = facts.transport ? 'transport' : 'n8n';
	}
	return r;
}

/**
 * The input itself as a string: a JSON body, `400 - {...}` text, an n8n message, or a body
 * that is not JSON. A body takes its category from the HTTP status (network when none).
 */
export function readInputText(text: string, httpStatus: number | undefined, walk: Walk): Reading {
	const c = firstChar(text);
	if (c === '{' || c === '[' || c === '"') {
		const parsed = tryJson(text);
		if (parsed) {
			const v = parsed.value;
			if (typeof v === 'string') return readInputText(v, httpStatus, walk);
			return (isObject(v) ? walk.read(v, 1) : undefined) ?? newReading('unknown');
		}
	}
	const bodyLike = c === '{' || c === '[' || c === '<' || c === '' || httpStatus !== undefined;
	if (!bodyLike) return readNestedText(text, walk, 0) ?? newReading('unknown');
	const json = c === '{' || c === '[' ? undefined : embeddedJson(text, walk, 0);
	if (json?.sure) return json;
	return readNonJsonBody(text, c, httpStatus);
}
