// Product catalog batches (items_batch): what a check_batch_request_status answer proves about each
// product (rejected, applied, or not proven either way) and what the Failed items say.
import { compact, getPath, isObject } from '../util';
import type { FailureHint } from './jobModel';
import { list, lower, num, str } from './jobValues';

/** Catalog batch errors and warnings are `{ line, id, message }`, `id` being the product's retailer id. */
export const retailerIdOf = (request: unknown) => str(getPath(request, 'data.id') ?? getPath(request, 'retailer_id') ?? getPath(request, 'data.retailer_id'));

/** The one status entry of `check_batch_request_status` (`data: []` until Meta has registered the handle). */
export function catalogEntry(body: Record<string, unknown>): Record<string, unknown> {
	const first = list(body.data)[0];
	return isObject(first) ? first : Array.isArray(body.data) ? {} : body;
}

/**
 * What a catalog batch's status entry proves. Meta's reference for check_batch_request_status:
 * `errors` is a sample of the errors (`errors_total_count` counts them all); the complete list of
 * rejected requests is `ids_of_invalid_requests`, sent only when the poll asks for it
 * (`load_ids_of_invalid_requests=true`). Status `finished` means every request was processed;
 * `error` means some may not have been.
 */
export interface CatalogVerdict {
	/** Retailer ids Meta rejected, each with the messages the sample has for it. */
	rejected: Map<string, { line?: number; messages: string[] }>;
	/** Rejections without an id (a line number only). */
	unnamed: Array<{ line?: number; message?: string }>;
	/** Every product Meta does not name as rejected was applied. */
	othersApplied: boolean;
	/** Why the others are not proven applied, when they are not. */
	doubt?: string;
	errorsTotal?: number;
}

export function catalogVerdict(entry: Record<string, unknown>): CatalogVerdict {
	const rejected: CatalogVerdict['rejected'] = new Map();
	const unnamed: CatalogVerdict['unnamed'] = [];
	const errors = list(entry.errors);
	for (const error of errors) {
		const id = str(getPath(error, 'id'));
		const line = num(getPath(error, 'line'));
		const message = str(getPath(error, 'message'));
		if (id === undefined) {
			unnamed.push(compact({ line, message }));
			continue;
		}
		const found = rejected.get(id) ?? { line, messages: [] };
		if (message !== undefined) found.messages.push(message);
		rejected.set(id, found);
	}
	const sampled = new Set(rejected.keys());
	const invalidIds = Array.isArray(entry.ids_of_invalid_requests) ? entry.ids_of_invalid_requests.map(str).filter((id): id is string => id !== undefined) : undefined;
	for (const id of invalidIds ?? []) if (!rejected.has(id)) rejected.set(id, { messages: [] });
	const errorsTotal = num(entry.errors_total_count);
	let doubt: string | undefined;
	if (lower(entry.status) !== 'finished') {
		doubt = `the batch ended with status "${str(entry.status) ?? 'unknown'}", so some of its requests may not have been processed`;
	} else if (invalidIds === undefined) {
		// Without the list, only a sample that holds every error names every rejected product.
		if (errorsTotal === undefined || errors.length < errorsTotal) {
			doubt = `Meta returned a sample of ${errors.length} error(s)${errorsTotal === undefined ? '' : ` of ${errorsTotal}`} and no ids_of_invalid_requests`;
		}
	} else if ([...sampled].some((id) => !invalidIds.includes(id)) || (invalidIds.length === 0 && (errorsTotal ?? 0) > 0)) {
		doubt = 'ids_of_invalid_requests is incomplete (it misses products the errors name)';
	}
	if (doubt === undefined && unnamed.length > 0) doubt = 'Meta named some rejected requests by line only';
	return { rejected, unnamed, othersApplied: doubt === undefined, doubt, errorsTotal };
}

export const catalogItemHint = (messages: string[]): FailureHint => ({
	always: {
		category: 'validation',
		retryable: false,
		action: 'dead_letter',
		source: 'async_job',
		code: 'CATALOG_ITEM_ERROR',
		meaning: 'Meta rejected this product of the catalog batch; the other products were still applied.',
		remedy:
			'Correct the product in the source feed data, send it again, and check in Commerce Manager that it was ingested before reactivating the ad sets that use its product set.',
		...(messages.length > 1 ? { details: messages.join('\n') } : {}),
	},
});

/** A product Meta neither names as rejected nor proves applied: sending it again is safe (items_batch applies by retailer id). */
export const catalogUnconfirmedHint = (doubt: string): FailureHint => ({
	always: {
		category: 'server',
		retryable: true,
		action: 'retry',
		source: 'async_job',
		code: 'CATALOG_ITEM_UNCONFIRMED',
		message: `Meta's answer does not prove this product was applied: ${doubt}.`,
		meaning: 'The catalog batch did not say whether this product was applied; it was not reported as rejected either.',
		remedy:
			'Send the product again (an items_batch request applies by retailer id, so a product applied twice is the same product), or check it in Commerce Manager.',
	},
});
