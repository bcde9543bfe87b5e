// Conversions API sends (`POST /{pixel_id}/events`, `data: [events]`): every event gets an
// event_id (Meta de-duplicates by event_id + event_name, so a send repeated after an unclear
// answer counts once), and a request that Meta rejects for one event is sent again without it,
// that event failing on its own. Pure: the caller does the sending.
import { createHash } from 'node:crypto';

import { stableStringify } from '../resilience/idempotency';
import type { MetaErrorInfo } from '../types';
import { isObject } from '../util';
import { prepareUserData, type PreparedUserData } from './userData';

export type ConversionEvent = Record<string, unknown>;

/**
 * The events with an event_id each: one given is kept; a missing one is derived from the pixel and
 * the event's own fields, so the same event sent again (a re-run, a retry) gets the same id and
 * Meta counts it once. `generated`: the positions whose id was derived here.
 */
export function withEventIds(pixelId: string, events: readonly ConversionEvent[]): { events: ConversionEvent[]; generated: number[] } {
	const generated: number[] = [];
	const withIds = events.map((event, position) => {
		const given = event.event_id;
		if ((typeof given === 'string' && given.trim() !== '') || (typeof given === 'number' && Number.isFinite(given))) return event;
		generated.push(position);
		const digest = createHash('sha256').update(stableStringify([pixelId, { ...event, event_id: undefined }])).digest('hex');
		return { ...event, event_id: `n8n-${digest.slice(0, 32)}` };
	});
	return { events: withIds, generated };
}

/** `events[2]` or `data[2]` in a rejection's texts or error_data: the event Meta names (nothing looser: "event 7 days old" names none). */
const EVENT_INDEX = [/\b(?:events|data)\s*\[\s*(\d+)\s*\]/i];

/** The position (in the data sent) of the event a rejection names, or undefined when it names none. */
export function rejectedEventIndex(error: MetaErrorInfo): number | undefined {
	for (const text of [error.userMessage, error.message, error.details, error.field, error.userTitle]) {
		if (typeof text !== 'string') continue;
		for (const pattern of EVENT_INDEX) {
			const found = pattern.exec(text);
			if (found) return Number(found[1]);
		}
	}
	return undefined;
}

/** What a send answered: Meta's body, or the classified failure. */
export type SendAnswer = { ok: true; body: unknown } | { ok: false; error: MetaErrorInfo };

export interface EventSends<A extends SendAnswer> {
	/** Each accepted send: the positions (in the events given) it carried, and its answer. */
	accepted: Array<{ positions: number[]; answer: Extract<A, { ok: true }> }>;
	/** Each event that Meta rejected by name, with that rejection. */
	rejected: Array<{ position: number; answer: Extract<A, { ok: false }> }>;
	/** Events of a send that failed without naming one (not sent again here). */
	failed?: { positions: number[]; answer: Extract<A, { ok: false }> };
}

/**
 * Sends the events, and while Meta rejects a send for an event it names (a validation answer:
 * nothing of that request was applied), sends the others again without it. At most one send per
 * event, plus one.
 */
export async function sendEventsApart<A extends SendAnswer>(
	events: readonly ConversionEvent[],
	send: (events: ConversionEvent[], attempt: number) => Promise<A>,
): Promise<EventSends<A>> {
	const result: EventSends<A> = { accepted: [], rejected: [] };
	let pending = events.map((_, position) => position);
	for (let attempt = 0; pending.length > 0; attempt++) {
		const answer = await send(
			pending.map((position) => events[position]),
			attempt,
		);
		if (answer.ok) {
			result.accepted.push({ positions: pending, answer: answer as Extract<A, { ok: true }> });
			break;
		}
		const failure = answer as Extract<A, { ok: false }>;
		const named = rejectedEventIndex(failure.error);
		// Only a refusal proves nothing was applied; a named event out of range names nothing here.
		if (named === undefined || named >= pending.length || failure.error.retryable || !isRefusal(failure.error)) {
			result.failed = { positions: pending, answer: failure };
			break;
		}
		result.rejected.push({ position: pending[named], answer: failure });
		pending = pending.filter((_, i) => i !== named);
	}
	return result;
}

/** A validation or not-found answer: Meta refused the request as a whole, so it can be sent again without the event. */
function isRefusal(error: MetaErrorInfo): boolean {
	return error.category === 'validation' || error.category === 'not_found';
}

/** The most events the Conversions API takes in one request; an item with more is sent as several requests. */
export const MAX_EVENTS_PER_REQUEST = 1000;
/** A bound on one item's events (a mistake such as a whole table in one field, not a use). */
const MAX_EVENTS_PER_ITEM = 100_000;

/** An event as it is sent: user_data normalized and hashed (with `hash`), fbc from an fbclid; and what was done to it. */
export function prepareEvent(event: ConversionEvent, hash: boolean): { event: ConversionEvent } & Omit<PreparedUserData, 'userData'> {
	const { userData, ...done } = prepareUserData(event.user_data, { hash, eventTime: event.event_time, eventSourceUrl: event.event_source_url });
	return { event: event.user_data === undefined && Object.keys(userData).length === 0 ? event : { ...event, user_data: userData }, ...done };
}

/** Consecutive runs of at most `size`. */
export function chunks<T>(list: readonly T[], size: number): T[][] {
	const out: T[][] = [];
	for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
	return out;
}

/** Events given as the list itself, `{ data: [...] }`, or JSON text of either; each must be an object. */
export function eventList(value: unknown): ConversionEvent[] | string {
	let parsed = value;
	if (typeof value === 'string') {
		try {
			parsed = JSON.parse(value);
		} catch {
			return 'is not valid JSON; give a list of events such as [{"event_name": "Purchase", "event_time": 1764590000, "action_source": "website", "user_data": {...}}]';
		}
	}
	if (isObject(parsed) && Array.isArray(parsed.data)) parsed = parsed.data;
	if (!Array.isArray(parsed)) return 'must be a list of events (or { "data": [...] })';
	if (parsed.length === 0) return 'is an empty list: give at least one event';
	if (parsed.length > MAX_EVENTS_PER_ITEM) return `holds ${parsed.length} events; one item takes at most ${MAX_EVENTS_PER_ITEM.toLocaleString('en-US')} (they are sent ${MAX_EVENTS_PER_REQUEST.toLocaleString('en-US')} per request): split them into several items`;
	const notEvent = parsed.findIndex((event) => !isObject(event) || typeof event.event_name !== 'string' || event.event_name === '');
	if (notEvent >= 0) return `event ${notEvent} has no event_name (each event is an object with event_name, event_time, action_source and user_data)`;
	return parsed as ConversionEvent[];
}
