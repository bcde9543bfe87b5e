// Output items the way n8n expects them: paired to their input, never mistaken for error items.
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';
import { createRedactor, type Redactor } from '../core/redact';

/**
 * A new output item from `json`, paired to input item `itemIndex`. Keeps the input's binary
 * data when given. `item.error` is never copied: n8n would move the item to the error output.
 */
export function outputItem(
	json: IDataObject,
	itemIndex: number,
	source?: INodeExecutionData,
): INodeExecutionData {
	const item: INodeExecutionData = { json, pairedItem: { item: itemIndex } };
	if (source?.binary) item.binary = source.binary;
	return item;
}

/**
 * The input item's fields plus `fields` (which win on a name clash), paired to `itemIndex`.
 * Add at least one field other than error/message/details (e.g. `metaError`), or n8n treats
 * an item made only of those keys as an error item.
 */
export function annotateItem(
	source: INodeExecutionData,
	itemIndex: number,
	fields: IDataObject,
): INodeExecutionData {
	return outputItem({ ...source.json, ...fields }, itemIndex, source);
}

/**
 * The node's outputs with every item's JSON redacted: the last step of every node, after every
 * other change, so that no token or secret reaches n8n's run data in any encoding.
 */
export function redactOutputs(outputs: INodeExecutionData[][], redactor: Redactor): INodeExecutionData[][] {
	for (const output of outputs) {
		for (const item of output) item.json = redactor.deep(item.json);
	}
	return outputs;
}

/**
 * An error a node stops with, its message and description redacted like its outputs (a field
 * holding a token or a URL with `access_token=` must not reach the execution's error). The error
 * itself is kept, so n8n shows it as the node's (NodeOperationError, NodeApiError).
 */
export function redactError<E>(error: E, redactor: Redactor): E {
	if (!(error instanceof Error)) return error;
	const described = error as Error & { description?: unknown };
	error.message = redactor.text(error.message);
	if (typeof described.description === 'string') described.description = redactor.text(described.description);
	return error;
}

/** Runs a node's execute: an error it stops with leaves with its message and description redacted (the token patterns; outputs get the credential's own secrets too). */
export async function redactingErrors<T>(run: () => Promise<T>): Promise<T> {
	try {
		return await run();
	} catch (error) {
		throw redactError(error, createRedactor());
	}
}

export { getPath } from '../core/util';
