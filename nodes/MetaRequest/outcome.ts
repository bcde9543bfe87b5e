// How a Meta Request item ends, the same way for every operation (single calls, Conversions
// events, replays, Graph batch parts): a Failed item, or a success item that keeps its input.
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import type { MetaErrorInfo } from '../shared/core';
import { isObject } from '../shared/core/util';
import { outputItem } from '../shared/n8n';
import type { NodeOptions } from './options';

/** The items one input item ends as: on Success, on Failed (Conversions events may use both). */
export interface ItemOutcome {
	success: INodeExecutionData[];
	failed: INodeExecutionData[];
}

/**
 * A Failed item of input `itemIndex`: the input's fields, `extra`, the classified error under
 * Error Field and `metaRequest`. On "On Error: Continue (using error output)", n8n moves an item
 * whose json is exactly { error, message } to the error output and merges it into the input item
 * (an item with `item.error` would arrive there as { error: message } only, losing the
 * classification), so that is all it gets.
 */
export function failedItem(
	input: INodeExecutionData,
	itemIndex: number,
	toErrorOutput: boolean,
	options: Pick<NodeOptions, 'errorField'>,
	error: MetaErrorInfo,
	stats: IDataObject,
	extra: IDataObject = {},
): INodeExecutionData {
	const json: IDataObject = toErrorOutput
		? { error: error as unknown as IDataObject, message: error.message ?? error.meaning }
		: { ...input.json, ...extra, [options.errorField]: error as unknown as IDataObject, metaRequest: stats };
	return outputItem(json, itemIndex, input);
}

/**
 * A success item of an answer about one object: the input's fields (unless Include Input Fields
 * is off; the error field, `metaRequest` and `recovery` of an earlier attempt left out), Meta's
 * answer, then `fields` (the object's `id`, `metaRequest`...). Always more than error/message
 * keys, so never taken for an error item.
 */
export function successItem(
	input: INodeExecutionData,
	itemIndex: number,
	options: Pick<NodeOptions, 'errorField' | 'includeInputFields'>,
	body: unknown,
	fields: IDataObject,
): INodeExecutionData {
	const { [options.errorField]: _error, metaRequest: _previous, recovery: _earlier, ...kept } = options.includeInputFields ? input.json : {};
	const answer = isObject(body) ? (body as IDataObject) : body === undefined ? {} : { data: body as IDataObject };
	return outputItem({ ...kept, ...answer, ...fields }, itemIndex, options.includeInputFields ? input : undefined);
}

/** One item per record of a read (List Edge, or a Get's single answer), each with `fields`. */
export function recordItems(records: unknown[], itemIndex: number, fields: IDataObject): INodeExecutionData[] {
	return records.map((body) => outputItem(isObject(body) ? { ...(body as IDataObject), ...fields } : { data: body as IDataObject, ...fields }, itemIndex));
}
