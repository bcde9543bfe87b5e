// Send Conversions Events: server events to a pixel (POST /{pixel-ID}/events). Each event's customer data is normalized and hashed
// (Hash Customer Data), and with Validate Before Sending an event Meta would refuse fails on its
// own item, never sent. The others go 1,000 per request; when Meta rejects a request for an event
// it names (events[i]), that event fails on its own item and the others are sent again without it.
// Each send is a create with its own idempotency key (the write journal answers a repeat of a send
// that succeeded), and every event carries an event_id, which Meta de-duplicates by (with
// event_name): a resend never counts an event twice.
import { createHash } from 'node:crypto';
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';
import { z } from 'zod';

import {
	capiEventProblems,
	chunks,
	eventList,
	HASHED_USER_DATA,
	internalErrors,
	MAX_EVENTS_PER_REQUEST,
	prepareEvent,
	sendEventsApart,
	stableStringify,
	withEventIds,
	type CapiProblem,
	type ConversionEvent,
	type MetaErrorInfo,
} from '../../shared/core';
import { compact, isObject } from '../../shared/core/util';
import { outputItem } from '../../shared/n8n';
import type { MetaClient, MetaRequestOptions, MetaResult } from '../../shared/transport';
import { objectId } from '../fields';
import type { ItemOutcome } from '../outcome';
import { defineOperation } from '../pipeline';
import { replayOf } from '../replayRecords';

/** Conversions API events: the list, `{ data: [...] }`, or JSON text of either (see eventList). */
const conversionEvents = z.unknown().transform((value, ctx) => {
	const events = eventList(value);
	if (typeof events !== 'string') return events;
	ctx.addIssue({ code: 'custom', message: events });
	return z.NEVER;
});

export const sendEvents = defineOperation({
	value: 'sendEvents',
	option: {
		name: 'Send Conversions Events',
		description: 'Send server events to a pixel (POST /{pixel-ID}/events); an event Meta rejects fails on its own and the others are sent again',
		action: 'Send conversions events',
	},
	properties: [
		{
			displayName: 'Pixel ID',
			name: 'objectId',
			type: 'string',
			required: true,
			default: '',
			placeholder: 'e.g. 1234567890123456',
			description: 'The pixel (dataset) that receives the events',
		},
		{
			displayName: 'Events',
			name: 'events',
			type: 'json',
			default: '[]',
			required: true,
			description:
				'The events to send, as a list (or { "data": [...] }): each with event_name, event_time, action_source and user_data. More than 1,000 go as several requests. An event without event_id gets one made from its fields, the same each time it is sent, so Meta counts a repeat once.',
		},
		{
			displayName: 'Hash Customer Data',
			name: 'hashCustomerData',
			type: 'boolean',
			default: true,
			description:
				'Whether to normalize and SHA-256 hash the customer information in user_data (em, ph, fn, ln, ge, db, ct, st, zp, country, external_id) as Meta requires. Values already hashed pass unchanged. Turn it off only if you hash upstream: an email or phone number that is plainly not hashed is then refused, not sent.',
		},
		{
			displayName: 'Test Event Code',
			name: 'testEventCode',
			type: 'string',
			default: '',
			placeholder: 'e.g. TEST12345',
			description: "Optional: the code from Events Manager's Test Events tab, so the events show there and are not counted",
		},
	],
	schema: z.object({
		objectId,
		events: conversionEvents,
		testEventCode: z.string().trim().default(''),
		hashCustomerData: z.boolean().default(true),
	}),
	subtitle: '"Send events to " + id',
	writes: true,
	// Every event with an event_id: Meta counts an event sent twice once (event_id + event_name).
	// Customer data normalized and hashed as it will be sent: the key is derived from what Meta gets.
	request: (params, query) => ({
		method: 'POST',
		path: `${params.objectId}/events`,
		query,
		body: eventsBody(
			withEventIds(params.objectId, params.events).events.map((event) => prepareEvent(event, params.hashCustomerData).event),
			params.testEventCode,
		),
		writeKind: 'create',
	}),
	send: async (run, { params, options, request }, itemIndex) => {
		const warnings: string[] = [];
		const { client } = run.client(options, warnings);
		return await sendConversionEvents({
			client,
			request,
			pixelId: params.objectId,
			events: params.events,
			testEventCode: params.testEventCode,
			hash: params.hashCustomerData,
			validate: options.validateBeforeSending,
			now: Date.now(),
			signal: run.signal,
			itemIndex,
			stats: (result, sent) => ({
				...run.stats(result, sent, [...warnings, ...result.warnings]),
				...(result.ok ? {} : { replay: replayOf(sent, run.replayBase, { stopReason: result.stopReason }) }),
			}),
			failed: (error, stats, extra, replayEvent) => {
				// A rejected event is replayed on its own, with the key a resend of it alone would have.
				const replay =
					replayEvent === undefined
						? stats.replay
						: replayOf(resendRequest(request, [replayEvent], params.testEventCode), run.replayBase, stats.stopReason === 'refused' ? { notSent: true } : {});
				// Without the input's fields: they may hold the customer data unhashed (pairedItem still leads to them).
				return run.failed(itemIndex, { json: {} }, options, error, compact({ ...stats, replay }), extra);
			},
		});
	},
});

/** The body of a Conversions API send. */
export function eventsBody(events: unknown[], testEventCode: string): Record<string, unknown> {
	return testEventCode ? { data: events, test_event_code: testEventCode } : { data: events };
}

export interface EventSendDeps {
	client: MetaClient;
	/** The send of every event, as prepared (path, body with event ids and hashed customer data, idempotency key). */
	request: MetaRequestOptions;
	pixelId: string;
	/** The events as given (customer data not hashed yet). */
	events: ConversionEvent[];
	testEventCode: string;
	/** Hash Customer Data. */
	hash: boolean;
	/** Validate Before Sending: refuse here what Meta would refuse. */
	validate: boolean;
	now: number;
	signal?: AbortSignal;
	itemIndex: number;
	/** `metaRequest` of one send. */
	stats(result: MetaResult, request: MetaRequestOptions): IDataObject;
	/** A Failed item of this input item with the error and the extra fields; `replayEvent`: the one event a replay sends again. */
	failed(error: MetaErrorInfo, stats: IDataObject, extra: IDataObject, replayEvent?: ConversionEvent): INodeExecutionData;
}

/** A resend's key: the first key and the event ids it carries, so a re-run resending the same events finds the same key. */
function resendKey(key: string | undefined, events: ConversionEvent[]): string | undefined {
	if (!key) return undefined;
	const digest = createHash('sha256').update(stableStringify(events.map((event) => [event.event_name, event.event_id]))).digest('hex');
	return `${key.slice(0, 200)}-${digest.slice(0, 16)}`;
}

/** A send of some of the item's events: their body, with the key a re-run sending them finds again (also a replay of one rejected event). */
export function resendRequest(request: MetaRequestOptions, events: ConversionEvent[], testEventCode: string): MetaRequestOptions {
	return { ...request, body: eventsBody(events, testEventCode), idempotencyKey: resendKey(request.idempotencyKey, events) };
}

/** An event whose customer data was not hashed, as it may be shown: the customer information withheld. */
function withheld(event: ConversionEvent): ConversionEvent {
	if (!isObject(event.user_data)) return event;
	const userData = { ...event.user_data };
	for (const field of HASHED_USER_DATA) if (field in userData) userData[field] = '[withheld: not hashed]';
	return { ...event, user_data: userData };
}

const NOT_HASHED = (fields: string[]): CapiProblem => ({
	code: 'VALIDATION_CAPI_NOT_HASHED',
	field: `user_data.${fields[0]}`,
	message: `user_data ${fields.join(', ')} ${fields.length > 1 ? 'are' : 'is'} not hashed (Hash Customer Data is off): turn Hash Customer Data on, or hash ${fields.length > 1 ? 'them' : 'it'} with SHA-256 before this node.`,
});

export async function sendConversionEvents(deps: EventSendDeps): Promise<ItemOutcome> {
	const { events: given, generated } = withEventIds(deps.pixelId, deps.events);
	const prepared = given.map((event) => prepareEvent(event, deps.hash));
	const events = prepared.map((p) => p.event);
	const summary = (position: number): IDataObject => ({
		index: position,
		event_name: events[position].event_name as string,
		event_id: events[position].event_id as string,
		...(generated.includes(position) ? { eventIdGenerated: true } : {}),
		...(prepared[position].derived.length ? { derived: prepared[position].derived } : {}),
		...(prepared[position].dropped.length ? { leftOut: prepared[position].dropped } : {}),
	});

	// Refused here: never sent, each on its own item.
	const failedItems: INodeExecutionData[] = [];
	const sendable: number[] = [];
	prepared.forEach(({ event, unhashed }, position) => {
		const problems = [...(unhashed.length ? [NOT_HASHED(unhashed)] : []), ...(deps.validate ? capiEventProblems(event, deps.now) : [])];
		if (problems.length === 0) {
			sendable.push(position);
			return;
		}
		const stats: IDataObject = { method: 'POST', attempts: 0, waitedMs: 0, stopReason: 'refused' };
		const shown = unhashed.length ? withheld(event) : event;
		failedItems.push(deps.failed(internalErrors.prevalidation(problems), stats, { eventIndex: position, event: shown as IDataObject }, unhashed.length ? undefined : event));
	});

	// The others, 1,000 per request; the prepared request when it carries exactly them.
	const runs = chunks(sendable, MAX_EVENTS_PER_REQUEST);
	const whole = runs.length === 1 && sendable.length === events.length;
	let sends = 0;
	const success: INodeExecutionData[] = [];
	for (const run of runs) {
		const results = new Map<number, { result: MetaResult; request: MetaRequestOptions }>();
		const outcome = await sendEventsApart(
			run.map((position) => events[position]),
			async (subset, attempt) => {
				const request = attempt === 0 && whole ? deps.request : resendRequest(deps.request, subset, deps.testEventCode);
				const result = await deps.client.request({ ...request, signal: deps.signal });
				sends++;
				results.set(attempt, { result, request });
				return Object.assign(result, { attempt });
			},
		);
		const statsOf = (answer: { attempt: number }) => {
			const sent = results.get(answer.attempt)!;
			return { ...deps.stats(sent.result, sent.request), sends };
		};
		for (const { position, answer } of outcome.rejected) {
			const at = run[position];
			failedItems.push(deps.failed(answer.error, statsOf(answer), { eventIndex: at, event: events[at] as IDataObject }, events[at]));
		}
		if (outcome.failed) {
			failedItems.push(deps.failed(outcome.failed.answer.error, statsOf(outcome.failed.answer), { events: outcome.failed.positions.map((p) => summary(run[p])) }));
		}
		for (const { positions, answer } of outcome.accepted) {
			const body = answer.body && typeof answer.body === 'object' ? (answer.body as IDataObject) : { data: answer.body as IDataObject };
			success.push(outputItem({ ...body, events: positions.map((p) => summary(run[p])), metaRequest: statsOf(answer) }, deps.itemIndex));
		}
	}
	// Positions in the order given: the rejected ones on Failed, in event order.
	failedItems.sort((a, b) => Number(a.json.eventIndex ?? Infinity) - Number(b.json.eventIndex ?? Infinity));
	return { success, failed: failedItems };
}
