// What a reader gives (a Reading: the raw facts of one failure, before the catalog and the
// category rules) and what it is given (the object, and the walk it is part of).
import type { ErrorSource, HeaderBag, MetaErrorInfo } from '../../types';

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

/**
 * A Reading with every field present (undefined until a reader sets it), always in this order:
 * readers fill it in place, so that all Readings share one shape and the reads of finish
 * (classify.ts) stay monomorphic. Readings of many shapes made those reads megamorphic.
 */
export function newReading(source: ErrorSource, sure?: boolean): Reading {
	return {
		source,
		sure,
		code: undefined,
		subcode: undefined,
		type: undefined,
		message: undefined,
		userTitle: undefined,
		userMessage: undefined,
		details: undefined,
		fbtraceId: undefined,
		requestId: undefined,
		asyncSessionId: undefined,
		isTransient: undefined,
		retryAfterMs: undefined,
		field: undefined,
		suggestions: undefined,
		httpStatus: undefined,
		category: undefined,
		meaning: undefined,
		headers: undefined,
		textRead: undefined,
	};
}

export type Obj = Record<string, unknown>;

/** The walk a reader is part of: reads a nested value (object or text) within the walk's bounds. */
export interface Walk {
	/** A reading of any value, or undefined when it holds nothing at all (or the walk is spent). */
	read(value: unknown, depth: number): Reading | undefined;
}

/** One step of the detection order: a Reading when the object has the step's shape, else undefined. */
export type ObjectReader = (o: Obj, walk: Walk, depth: number) => Reading | undefined;
