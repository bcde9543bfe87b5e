// Finds the failure(s) an input item carries, before the core classifies them. This is the
// n8n-aware part: item.error, HTTP Request "full response" items, Error Trigger payloads,
// n8n error-output items and WhatsApp webhooks (split into one failure per failed status).
import type { ClassifyContext, HeaderBag } from '../shared/core';
import { webhookChangeValues } from '../shared/core/errors/readers/whatsapp';
import { isObject } from '../shared/core/util';

export interface LocatedFailure {
	/** What `classifyMetaError` reads. */
	failure: unknown;
	context: ClassifyContext;
	/** The failed WhatsApp status this failure came from (webhook items are split per status). */
	whatsappStatus?: Record<string, unknown>;
	/** Set when nothing that looks like a failure was found: the `meaning` to show instead. */
	nothingFound?: string;
}

type Json = Record<string, unknown>;

/** Status and headers of an n8n HTTP Request "Include Response Headers and Status" item, or of a Facebook Graph API error item. */
export function httpContext(json: Json): ClassifyContext {
	const context: ClassifyContext = {};
	const status = typeof json.statusCode === 'string' ? Number(json.statusCode) : json.statusCode;
	if (typeof status === 'number' && Number.isInteger(status) && status >= 100 && status <= 599) {
		context.httpStatus = status;
	}
	if (isObject(json.headers)) context.headers = json.headers as HeaderBag;
	return context;
}

interface WhatsAppStatuses {
	statuses: Json[];
	failed: Array<{ status: Json; phoneNumberId?: string }>;
}

/**
 * The statuses of a WhatsApp webhook body (`entry[].changes[].value.statuses[]`) or of one
 * change value (`{ metadata, statuses }`, as the WhatsApp Trigger node emits it). Undefined when
 * the value carries no statuses at all.
 */
export function whatsappStatuses(value: unknown): WhatsAppStatuses | undefined {
	if (!isObject(value)) return undefined;
	const changeValues: Json[] = Array.isArray(value.entry)
		? [...webhookChangeValues(value.entry)]
		: Array.isArray(value.statuses)
			? [value]
			: [];
	const result: WhatsAppStatuses = { statuses: [], failed: [] };
	for (const changeValue of changeValues) {
		if (!Array.isArray(changeValue.statuses)) continue;
		const metadata = isObject(changeValue.metadata) ? changeValue.metadata : {};
		const phoneNumberId =
			typeof metadata.phone_number_id === 'string' ? metadata.phone_number_id : undefined;
		for (const status of changeValue.statuses) {
			if (!isObject(status)) continue;
			result.statuses.push(status);
			if (status.status === 'failed') result.failed.push({ status, phoneNumberId });
		}
	}
	return changeValues.some((changeValue) => Array.isArray(changeValue.statuses))
		? result
		: undefined;
}

/** One failure per failed status; a webhook without failed statuses is one "nothing found". */
function splitWhatsApp(found: WhatsAppStatuses, context: ClassifyContext): LocatedFailure[] {
	if (found.failed.length === 0) {
		const seen = [...new Set(found.statuses.map((status) => String(status.status)))];
		return [
			{
				failure: undefined,
				context,
				nothingFound: `No failed WhatsApp status in this webhook (statuses: ${seen.join(', ') || 'none'}).`,
			},
		];
	}
	return found.failed.map(({ status, phoneNumberId }) => ({
		failure: status,
		context,
		whatsappStatus: phoneNumberId ? { ...status, phone_number_id: phoneNumberId } : status,
	}));
}

/**
 * Auto-detect: the item's own `error` property first, then (inside `body` for full HTTP
 * responses) a WhatsApp webhook, an Error Trigger's `execution.error`, an `error` field (Meta
 * body, n8n error-output item), else the whole value.
 */
export function locateAuto(json: Json, itemError?: unknown): LocatedFailure[] {
	const context = httpContext(json);
	if (itemError !== undefined && itemError !== null) return [{ failure: itemError, context }];

	// An HTTP Request full-response item: the failure is in its body.
	const subject = context.httpStatus !== undefined && 'body' in json ? json.body : json;

	const whatsapp = whatsappStatuses(subject);
	if (whatsapp) return splitWhatsApp(whatsapp, context);
	if (!isObject(subject)) return [{ failure: subject, context }];
	if (isObject(subject.execution) && subject.execution.error !== undefined) {
		return [{ failure: subject.execution.error, context }];
	}
	// Only the error itself: the other fields of an error-output item are the upstream input.
	if (subject.error !== undefined && subject.error !== null) {
		return [{ failure: { error: subject.error }, context }];
	}
	return [{ failure: subject, context }];
}

/** Field source: the value the user pointed at (a WhatsApp webhook there is split too). */
export function locateValue(value: unknown, json: Json, missing: string): LocatedFailure[] {
	const context = httpContext(json);
	if (value === undefined || value === null || value === '') {
		return [{ failure: undefined, context, nothingFound: missing }];
	}
	const whatsapp = whatsappStatuses(value);
	return whatsapp ? splitWhatsApp(whatsapp, context) : [{ failure: value, context }];
}
