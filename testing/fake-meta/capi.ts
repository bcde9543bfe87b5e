// Conversions API events as Meta takes them: `POST /{pixel_id}/events` with `data: [events]`.
// A request with one invalid event is rejected as a whole (code 100; error_user_msg names it as
// `events[i]`), so nothing of it counts; an accepted one counts each event once per
// (event_name, event_id), as Meta de-duplicates, and the log says which arrived more than once.

import type { GraphErrorSpec } from './errors';

const ACTION_SOURCES = ['website', 'app', 'email', 'phone_call', 'chat', 'physical_store', 'system_generated', 'business_messaging', 'other'];
const SEVEN_DAYS_S = 7 * 24 * 3600;

export interface ConversionEventsSummary {
	/** Events in accepted requests (Meta's events_received, summed). */
	received: number;
	/** Distinct (event_name, event_id) pairs: what Meta counts. */
	unique: number;
	/** Pairs received more than once (de-duplicated by Meta, but a client should not need that). */
	duplicates: Array<{ event_name: string; event_id: string; times: number }>;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Why Meta would refuse this event, or undefined. */
function problem(event: unknown, nowS: number): string | undefined {
	if (!isRecord(event)) return 'an event must be an object';
	if (typeof event.event_name !== 'string' || event.event_name === '') return 'The parameter event_name is required.';
	const time = Number(event.event_time);
	if (!Number.isFinite(time)) return 'The parameter event_time is required.';
	if (time < nowS - SEVEN_DAYS_S) return 'event_time is too far in the past: events must be sent within 7 days of when they occurred.';
	if (time > nowS + 60) return 'event_time is in the future.';
	if (!ACTION_SOURCES.includes(String(event.action_source))) return 'The parameter action_source is required and must be one of ' + ACTION_SOURCES.join(', ') + '.';
	if (!isRecord(event.user_data) || Object.keys(event.user_data).length === 0) return 'user_data must contain at least one customer information parameter.';
	// Meta's Server Event Parameters: a website event must carry its page URL and the browser's user agent.
	if (event.action_source === 'website' && (typeof event.event_source_url !== 'string' || event.event_source_url === '')) return 'event_source_url is required for website events.';
	if (event.action_source === 'website' && (typeof event.user_data.client_user_agent !== 'string' || event.user_data.client_user_agent === '')) return 'client_user_agent is required for website events.';
	return undefined;
}

export class ConversionEvents {
	private readonly times = new Map<string, Map<string, number>>();
	private readonly received = new Map<string, number>();

	/** One request: `{events_received}`, or the refusal of its first invalid event. */
	send(pixelId: string, data: unknown, nowMs: number): { eventsReceived: number } | GraphErrorSpec {
		let events = data;
		if (typeof events === 'string') {
			try {
				events = JSON.parse(events);
			} catch {
				events = undefined;
			}
		}
		if (!Array.isArray(events) || events.length === 0) return { code: 100, message: '(#100) The parameter data is required' };
		const nowS = Math.floor(nowMs / 1000);
		for (let i = 0; i < events.length; i++) {
			const why = problem(events[i], nowS);
			if (why) return { code: 100, message: '(#100) Invalid parameter', userTitle: 'Invalid event', userMsg: `events[${i}]: ${why}` };
		}
		const seen = this.times.get(pixelId) ?? new Map<string, number>();
		this.times.set(pixelId, seen);
		for (const event of events as Array<Record<string, unknown>>) {
			// Without an event_id Meta cannot de-duplicate: each such event counts on its own.
			const key = JSON.stringify([event.event_name, event.event_id ?? `no-id-${seen.size}`]);
			seen.set(key, (seen.get(key) ?? 0) + 1);
		}
		this.received.set(pixelId, (this.received.get(pixelId) ?? 0) + events.length);
		return { eventsReceived: events.length };
	}

	summary(pixelId: string): ConversionEventsSummary {
		const seen = this.times.get(pixelId) ?? new Map<string, number>();
		const duplicates = [...seen.entries()]
			.filter(([, times]) => times > 1)
			.map(([key, times]) => {
				const [event_name, event_id] = JSON.parse(key) as [string, string];
				return { event_name, event_id, times };
			});
		return { received: this.received.get(pixelId) ?? 0, unique: seen.size, duplicates };
	}

	clear(): void {
		this.times.clear();
		this.received.clear();
	}
}
