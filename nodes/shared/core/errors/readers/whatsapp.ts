// A WhatsApp status that failed, as webhooks deliver it (input kind 7 of docs/ARCHITECTURE.md), and a whole webhook body
// that carries one. webhookChangeValues is the one walk over a webhook body: the Classify Error
// node splits a webhook into one item per failed status with it too.
import { isObject } from '../../util';
import { graphReading } from './graph';
import { newReading, type Obj, type Reading } from './reading';

/** Entries, changes and statuses looked at per webhook body when reading it. */
const MAX_LIST = 50;

/** The `value` of each `entry[].changes[]` of a webhook body, in order; at most `limit` entries, and changes per entry. */
export function* webhookChangeValues(entries: readonly unknown[], limit = Infinity): Generator<Obj, void, undefined> {
	for (const entry of entries.slice(0, limit)) {
		if (!isObject(entry) || !Array.isArray(entry.changes)) continue;
		for (const change of entry.changes.slice(0, limit)) {
			if (isObject(change) && isObject(change.value)) yield change.value;
		}
	}
}

/** The first error of a failed status (or of a change value) counts. */
function firstErrorReading(errors: unknown[]): Reading {
	const first = errors.find(isObject);
	return first ? graphReading(first, 'graph') : newReading('graph', true);
}

/** `{ id, status: "failed", recipient_id, errors: [...] }`. */
export function readWhatsAppStatus(o: Obj): Reading | undefined {
	return o.status === 'failed' && Array.isArray(o.errors) ? firstErrorReading(o.errors) : undefined;
}

/** The first failed status or value error of a whole WhatsApp webhook body. */
export function readWhatsAppWebhook(o: Obj): Reading | undefined {
	if (o.object !== 'whatsapp_business_account' || !Array.isArray(o.entry)) return undefined;
	for (const value of webhookChangeValues(o.entry, MAX_LIST)) {
		if (Array.isArray(value.statuses)) {
			const failed = value.statuses
				.slice(0, MAX_LIST)
				.find((s): s is Obj => isObject(s) && s.status === 'failed' && Array.isArray(s.errors));
			if (failed) return firstErrorReading(failed.errors as unknown[]);
		}
		if (Array.isArray(value.errors) && value.errors.length > 0) return firstErrorReading(value.errors);
	}
	return undefined;
}
