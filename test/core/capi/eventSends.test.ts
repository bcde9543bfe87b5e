// Conversions API sends: event ids, the event a rejection names, and resending the others.
import { eventList, rejectedEventIndex, sendEventsApart, withEventIds, type MetaErrorInfo, type SendAnswer } from '../../../nodes/shared/core';

const rejection = (userMessage: string, extra: Partial<MetaErrorInfo> = {}): MetaErrorInfo => ({
	category: 'validation',
	retryable: false,
	action: 'dead_letter',
	source: 'graph',
	code: 100,
	message: '(#100) Invalid parameter',
	meaning: 'The request has an invalid parameter.',
	remedy: 'Fix the event.',
	userMessage,
	...extra,
});

const event = (name: string, extra: Record<string, unknown> = {}) => ({ event_name: name, event_time: 1_764_590_000, action_source: 'website', user_data: { em: ['a'] }, ...extra });

test('withEventIds keeps given ids and derives the missing ones from the event, the same every time', () => {
	const given = event('Purchase', { event_id: 'order-1' });
	const first = withEventIds('123', [given, event('Lead'), event('Lead', { event_time: 1_764_590_001 })]);
	expect(first.generated).toEqual([1, 2]);
	expect(first.events[0]).toBe(given);
	expect(first.events[1].event_id).toMatch(/^n8n-[0-9a-f]{32}$/);
	// Two different events, two ids; the same events again, the same ids (a re-run is de-duplicated by Meta).
	expect(first.events[1].event_id).not.toBe(first.events[2].event_id);
	expect(withEventIds('123', [given, event('Lead'), event('Lead', { event_time: 1_764_590_001 })]).events).toEqual(first.events);
	// Another pixel, another id; key order does not matter; an empty id is no id.
	expect(withEventIds('124', [event('Lead')]).events[0].event_id).not.toBe(first.events[1].event_id);
	const reordered = { user_data: { em: ['a'] }, action_source: 'website', event_time: 1_764_590_000, event_name: 'Lead' };
	expect(withEventIds('123', [reordered]).events[0].event_id).toBe(first.events[1].event_id);
	expect(withEventIds('123', [event('Lead', { event_id: ' ' })]).generated).toEqual([0]);
});

test('rejectedEventIndex reads events[i] / data[i] from the texts Meta gives, and nothing looser', () => {
	expect(rejectedEventIndex(rejection('events[2]: event_time is too far in the past'))).toBe(2);
	expect(rejectedEventIndex(rejection('', { userMessage: undefined, details: '{"blame_field_specs":[["data[12]","user_data"]]}' }))).toBe(12);
	expect(rejectedEventIndex(rejection('Events must be sent within 7 days of the event'))).toBeUndefined();
	expect(rejectedEventIndex(rejection('event 7 days old'))).toBeUndefined();
});

describe('sendEventsApart', () => {
	const events = ['A', 'B', 'C', 'D'].map((name) => event(name));
	const scripted = (answers: SendAnswer[]) => {
		const sent: string[][] = [];
		const send = async (subset: Array<Record<string, unknown>>) => {
			sent.push(subset.map((e) => e.event_name as string));
			return answers.shift()!;
		};
		return { sent, send };
	};

	test('a rejection naming an event: that event fails alone, the others are sent again (positions in the original list)', async () => {
		const { sent, send } = scripted([
			{ ok: false, error: rejection('events[1]: no user_data') },
			// In the resend (A, C, D), events[2] is D.
			{ ok: false, error: rejection('events[2]: event_time in the future') },
			{ ok: true, body: { events_received: 2 } },
		]);
		const result = await sendEventsApart(events, send);
		expect(sent).toEqual([['A', 'B', 'C', 'D'], ['A', 'C', 'D'], ['A', 'C']]);
		expect(result.rejected.map((r) => r.position)).toEqual([1, 3]);
		expect(result.accepted).toEqual([{ positions: [0, 2], answer: { ok: true, body: { events_received: 2 } } }]);
		expect(result.failed).toBeUndefined();
	});

	test('a failure that names no event, or that may have been applied, is not split: the send fails whole', async () => {
		const unnamed = scripted([{ ok: false, error: rejection('Invalid parameter') }]);
		expect(await sendEventsApart(events, unnamed.send)).toMatchObject({ accepted: [], rejected: [], failed: { positions: [0, 1, 2, 3] } });
		const server = scripted([{ ok: false, error: rejection('events[0]: oops', { category: 'server', retryable: true, action: 'retry' }) }]);
		expect((await sendEventsApart(events, server.send)).failed?.positions).toEqual([0, 1, 2, 3]);
		const outOfRange = scripted([{ ok: false, error: rejection('events[9]: no such event') }]);
		expect((await sendEventsApart(events, outOfRange.send)).rejected).toEqual([]);
		expect(unnamed.sent).toHaveLength(1);
	});

	test('every event rejected one by one: one send per event, nothing accepted', async () => {
		const { sent, send } = scripted(events.map(() => ({ ok: false, error: rejection('events[0]: bad') })));
		const result = await sendEventsApart(events, send);
		expect(sent).toHaveLength(4);
		expect(result.rejected.map((r) => r.position)).toEqual([0, 1, 2, 3]);
		expect(result.accepted).toEqual([]);
	});
});

test('eventList takes a list, { data }, or JSON of either, and says what is wrong otherwise', () => {
	expect(eventList([event('A')])).toEqual([event('A')]);
	expect(eventList(JSON.stringify({ data: [event('A')] }))).toEqual([event('A')]);
	expect(eventList('[')).toMatch(/^is not valid JSON/);
	expect(eventList({})).toBe('must be a list of events (or { "data": [...] })');
	expect(eventList([])).toBe('is an empty list: give at least one event');
	expect(eventList([event('A'), { event_time: 1 }])).toBe(
		'event 1 has no event_name (each event is an object with event_name, event_time, action_source and user_data)',
	);
	// More than 1,000 are sent 1,000 per request; only an absurd count is refused.
	expect(eventList(Array.from({ length: 1001 }, () => event('A')))).toHaveLength(1001);
	expect(eventList(Array.from({ length: 100_001 }, () => event('A')))).toMatch(/^holds 100001 events; one item takes at most 100,000/);
});
