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
export function redactOutputs(outputs: INodeExecutionData[][], redactor: Redactor, options: { verbatim?: readonly string[] } = {}): INodeExecutionData[][] {
	for (const output of outputs) {
		for (const item of output) {
			// What is kept to be sent again (`verbatim`: dot paths) loses the secrets but keeps data that only looks like a token.
			const kept = (options.verbatim ?? []).map((path) => [path, getPath(item.json, path)] as const).filter(([, value]) => value !== undefined);
			item.json = redactor.deep(item.json);
			for (const [path, value] of kept) setPath(item.json, path, redactor.secretsOnly.deep(value));
		}
	}
	return outputs;
}

/** Where Meta Request keeps a request to send again: the replay record's body and query. */
export const REPLAY_VERBATIM = ['metaRequest.replay.body', 'metaRequest.replay.query'] as const;

/** Sets `value` at a dot path of objects that exist (a path that does not is left alone). */
function setPath(json: IDataObject, path: string, value: unknown): void {
	const keys = path.split('.');
	let at: unknown = json;
	for (const key of keys.slice(0, -1)) {
		at = at !== null && typeof at === 'object' ? (at as Record<string, unknown>)[key] : undefined;
		if (at === null || typeof at !== 'object') return;
	}
	(at as Record<string, unknown>)[keys[keys.length - 1]] = value;
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

import { getPath } from '../core/util';
export { getPath };
