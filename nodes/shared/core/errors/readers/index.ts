// Turns any input into a Reading: the raw facts of one failure, before the catalog and the
// category rules are applied. An object goes through DETECTION_ORDER, first match wins: cheap key
// checks pick the shape, zod then reads only that small object. A text goes to the text reader.
// The walk is bounded and cycle-safe; nothing here is meant to throw, and the caller guards
// against what still could (hostile getters, proxies).
import { isObject } from '../../util';
import { readAdcp } from './adcp';
import { readAsyncJob } from './asyncJob';
import { readDisapproval, readGraphBody, readGraphError } from './graph';
import { readInternal } from './internalFailure';
import { readWrapper } from './n8nShapes';
import { newReading, type ObjectReader, type Reading, type Walk } from './reading';
import { readInputText, readNestedText } from './textInput';
import { readTransport } from './transport';
import { readWhatsAppStatus, readWhatsAppWebhook } from './whatsapp';

export type { Reading } from './reading';

/** The shapes an object can be read as, one reader module each (texts: ./textInput). */
export type ObjectShape = 'graph' | 'async-job' | 'whatsapp' | 'adcp' | 'internal' | 'transport' | 'n8n';

export interface DetectionStep {
	shape: ObjectShape;
	/** The input kind (docs/ARCHITECTURE.md, "The inputs classifyMetaError reads") that the step reads. */
	input: number;
	/** What the step matches. */
	matches: string;
	read: ObjectReader;
}

/**
 * How an object is read: the first step that matches reads it. A text (the input, or one found
 * inside) is read by ./textInput (input 8), which reads the JSON it holds through this order again;
 * what nothing reads is unknown (input 9).
 */
export const DETECTION_ORDER: readonly DetectionStep[] = [
	{ shape: 'graph', input: 1, matches: '{ error: { code, message, fbtrace_id, … } }, the error maybe as JSON text', read: readGraphBody },
	{ shape: 'async-job', input: 2, matches: 'status FAILED (any case) with result, exception or a numeric error_code', read: readAsyncJob },
	{ shape: 'whatsapp', input: 7, matches: 'status "failed" with errors[]', read: readWhatsAppStatus },
	{ shape: 'adcp', input: 3, matches: 'status "failed"', read: readAdcp },
	{ shape: 'internal', input: 4, matches: 'success: false (its error is read through this order)', read: readInternal },
	{ shape: 'graph', input: 1, matches: 'the inner Graph error object alone', read: readGraphError },
	{ shape: 'whatsapp', input: 7, matches: 'a whole webhook body (object: whatsapp_business_account)', read: readWhatsAppWebhook },
	{ shape: 'graph', input: 1, matches: 'an ad or creative whose effective, review or own status is DISAPPROVED', read: readDisapproval },
	{ shape: 'transport', input: 5, matches: 'a Node / undici / TLS error code or error name', read: readTransport },
	{ shape: 'n8n', input: 6, matches: 'any other object: an n8n item or error, or another wrapper, read through its children', read: readWrapper },
];

const MAX_DEPTH = 12;
/** Objects looked at per input: a failure is never buried under hundreds of wrappers. */
const MAX_OBJECTS = 200;

class Walker implements Walk {
	/** Objects visited. A budget bounds the walk, so a short list beats a Set here. */
	private readonly seen: object[] = [];

	read(value: unknown, depth: number): Reading | undefined {
		if (depth > MAX_DEPTH) return undefined;
		if (typeof value === 'string') return readNestedText(value, this, depth);
		if (!isObject(value) || this.seen.length >= MAX_OBJECTS || this.seen.includes(value)) return undefined;
		this.seen.push(value);
		for (const step of DETECTION_ORDER) {
			const r = step.read(value, this, depth);
			if (r) return r;
		}
		return undefined; // not reached: the last step reads every object
	}
}

export function readInput(input: unknown, httpStatus: number | undefined): Reading {
	const walker = new Walker();
	if (typeof input === 'string') return readInputText(input, httpStatus, walker);
	return walker.read(input, 0) ?? newReading('unknown');
}
