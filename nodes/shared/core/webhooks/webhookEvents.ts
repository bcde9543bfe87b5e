// One event per thing that happened, from a Meta webhook body: `{ object, entry: [{ id, time,
// changes: [{ field, value }] }] }` gives one event per change; WhatsApp delivers incoming messages and
// status updates together under the field `messages`, so such a change gives one event per message
// (field `messages`) and one per status (field `statuses`). Messenger-style entries (`messaging[]`,
// `standby[]`) give one event per element. Each event carries a key that a redelivery of it has
// too, and no other event: a WhatsApp status by its message id and status, a message by its id, a
// lead by its id, anything else by a digest of the change.
// https://developers.facebook.com/docs/graph-api/webhooks/getting-started#event-notifications
// https://developers.facebook.com/docs/whatsapp/cloud-api/webhooks/components
import { createHash } from 'node:crypto';

import { classifyMetaError } from '../errors/classify';
import { webhookChangeValues } from '../errors/readers/whatsapp';
import { stableStringify } from '../resilience/idempotency';
import type { MetaErrorInfo } from '../types';
import { isObject } from '../util';

type Obj = Record<string, unknown>;

export interface WebhookEvent {
	/** The body's `object`: `whatsapp_business_account`, `page`, `instagram`, `ad_account`, … */
	object: string;
	/** The change's field (`statuses` for a WhatsApp status update, `messaging` for a Messenger-style event). */
	field: string;
	/** What happened: the change's value, or the one status, message or messaging element. */
	value: unknown;
	/** The entry's id and what it is (`wabaId`, `pageId`, …), plus WhatsApp's `phoneNumberId`. */
	ids: Record<string, string>;
	/** When it happened (ISO 8601), from the event itself, else from its entry. */
	timestamp?: string;
	/** An incoming WhatsApp message's sender, as `contacts[]` names them. */
	contact?: Obj;
	/** A WhatsApp status update's status: `sent`, `delivered`, `read`, `failed`, … */
	status?: string;
	/** A failed WhatsApp status, or a WhatsApp change carrying errors, classified as Classify Error reads it. */
	metaError?: MetaErrorInfo;
	/** The same for a redelivery of this event, different for any other event of the trigger. */
	key: string;
}

export interface EventFilter {
	/** Objects to keep; empty: all. */
	objects: readonly string[];
	/** Fields to keep; empty: all. */
	fields: readonly string[];
	/** Drop WhatsApp status updates other than `failed` (other events stay). */
	onlyFailedStatuses: boolean;
}

/** What the entry's id is, by object. */
const ENTRY_ID_NAMES: Readonly<Record<string, string>> = {
	whatsapp_business_account: 'wabaId',
	page: 'pageId',
	instagram: 'instagramAccountId',
	ad_account: 'adAccountId',
	user: 'userId',
	permissions: 'userId',
	application: 'appId',
};

const WHATSAPP = 'whatsapp_business_account';
/** Messenger-style entry lists: each element is one event under this field. */
const MESSAGING_LISTS = ['messaging', 'standby'] as const;

const text = (value: unknown): string | undefined =>
	typeof value === 'string' && value !== '' ? value : typeof value === 'number' && Number.isFinite(value) ? String(value) : undefined;

/** A Unix time in seconds or milliseconds (number or numeric text) as ISO 8601; undefined when it is not one. */
export function isoTime(value: unknown): string | undefined {
	const number = typeof value === 'string' && /^\d{1,16}$/.test(value) ? Number(value) : value;
	if (typeof number !== 'number' || !Number.isFinite(number) || number <= 0) return undefined;
	// Seconds until the year 33658; larger numbers are milliseconds (Messenger's entry times).
	const ms = number < 1e12 ? number * 1000 : number;
	return ms < 8.64e15 ? new Date(ms).toISOString() : undefined;
}

/** A key for what has no id of its own: the same parts give the same key, whatever their key order. */
function digestKey(kind: string, parts: unknown[]): string {
	return `${kind}:${createHash('sha256').update(stableStringify(parts)).digest('hex')}`;
}

/** The events of a webhook body, in the body's order; [] for anything that is not a webhook body. */
export function webhookEvents(body: unknown): WebhookEvent[] {
	if (!isObject(body) || !Array.isArray(body.entry)) return [];
	const object = text(body.object) ?? 'unknown';
	const events: WebhookEvent[] = [];
	for (const entry of body.entry) {
		if (!isObject(entry)) continue;
		const entryId = text(entry.id);
		const idName = ENTRY_ID_NAMES[object];
		const ids: Record<string, string> = entryId === undefined ? {} : { entryId, ...(idName ? { [idName]: entryId } : {}) };
		const base = { object, ids, timestamp: isoTime(entry.time) };
		// webhookChangeValues is the one walk over `changes[]`; it yields values, so each value's field is looked up by identity.
		const fieldOf = new Map(Array.isArray(entry.changes) ? entry.changes.filter(isObject).map((change) => [change.value, text(change.field)]) : []);
		for (const value of webhookChangeValues([entry])) {
			const field = fieldOf.get(value) ?? 'unknown';
			const parts = object === WHATSAPP && field === 'messages' ? whatsAppMessageEvents(base, value) : undefined;
			events.push(...(parts && parts.length > 0 ? parts : [changeEvent(base, entry, field, value)]));
		}
		for (const list of MESSAGING_LISTS) {
			if (!Array.isArray(entry[list])) continue;
			for (const element of entry[list].filter(isObject)) {
				const mid = isObject(element.message) ? text(element.message.mid) : undefined;
				events.push({
					...base,
					field: list,
					value: element,
					timestamp: isoTime(element.timestamp) ?? base.timestamp,
					key: mid ? `${list}:${mid}` : digestKey(list, [object, entryId, element]),
				});
			}
		}
	}
	return events;
}

type EventBase = Pick<WebhookEvent, 'object' | 'ids' | 'timestamp'>;

/** One change as one event; a WhatsApp change that carries errors gets them classified. */
function changeEvent(base: EventBase, entry: Obj, field: string, value: Obj): WebhookEvent {
	const leadId = field === 'leadgen' ? text(value.leadgen_id) : undefined;
	const event: WebhookEvent = {
		...base,
		field,
		value,
		timestamp: isoTime(value.created_time) ?? isoTime(value.time) ?? base.timestamp,
		key: leadId ? `leadgen:${leadId}` : digestKey('change', [base.object, base.ids.entryId, entry.time, field, value]),
	};
	if (base.object === WHATSAPP && Array.isArray(value.errors) && value.errors.length > 0) {
		// The reading Classify Error gives a webhook whose change carries errors and no failed status.
		event.metaError = classifyMetaError({ object: WHATSAPP, entry: [{ changes: [{ field, value }] }] });
	}
	return event;
}

/** A WhatsApp `messages` change: one event per status update and per incoming message. */
function whatsAppMessageEvents(base: EventBase, value: Obj): WebhookEvent[] {
	const metadata = isObject(value.metadata) ? value.metadata : {};
	const phoneNumberId = text(metadata.phone_number_id);
	const ids = phoneNumberId ? { ...base.ids, phoneNumberId } : base.ids;
	const events: WebhookEvent[] = [];
	for (const status of Array.isArray(value.statuses) ? value.statuses.filter(isObject) : []) {
		const id = text(status.id);
		const state = text(status.status) ?? 'unknown';
		const event: WebhookEvent = {
			...base,
			ids,
			field: 'statuses',
			value: status,
			status: state,
			timestamp: isoTime(status.timestamp) ?? base.timestamp,
			key: id ? `status:${id}:${state}` : digestKey('status', [base.ids.entryId, phoneNumberId, status]),
		};
		// The status alone, as Classify Error classifies each failed status of a webhook.
		if (state === 'failed') event.metaError = classifyMetaError(status);
		events.push(event);
	}
	const contacts = Array.isArray(value.contacts) ? value.contacts.filter(isObject) : [];
	for (const message of Array.isArray(value.messages) ? value.messages.filter(isObject) : []) {
		const id = text(message.id);
		const contact = contacts.find((candidate) => candidate.wa_id !== undefined && candidate.wa_id === message.from);
		events.push({
			...base,
			ids,
			field: 'messages',
			value: message,
			...(contact ? { contact } : {}),
			timestamp: isoTime(message.timestamp) ?? base.timestamp,
			key: id ? `message:${id}` : digestKey('message', [base.ids.entryId, phoneNumberId, message]),
		});
	}
	return events;
}

/** The events the filter keeps, in order. */
export function selectEvents(events: readonly WebhookEvent[], filter: EventFilter): WebhookEvent[] {
	return events.filter(
		(event) =>
			(filter.objects.length === 0 || filter.objects.includes(event.object)) &&
			(filter.fields.length === 0 || filter.fields.includes(event.field)) &&
			!(filter.onlyFailedStatuses && event.status !== undefined && event.status !== 'failed'),
	);
}
