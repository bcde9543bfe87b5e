// Meta Request's Send Conversions Events: one send of the item's events; when Meta rejects the
// request for an event it names (events[i]), that event fails on its own item and the others are
// sent again without it. Each send is a create with its own idempotency key (the write journal
// answers a repeat of a send that succeeded), and every event carries an event_id, which Meta
// de-duplicates by (with event_name): a resend never counts an event twice.
import { createHash } from 'node:crypto';
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { sendEventsApart, stableStringify, withEventIds, type ConversionEvent, type MetaErrorInfo } from '../shared/core';
import { outputItem } from '../shared/n8n';
import type { MetaClient, MetaRequestOptions, MetaResult } from '../shared/transport';
import type { ItemOutcome } from './outcome';
import { eventsBody } from './params';

export interface EventSendDeps {
	client: MetaClient;
	/** The first send, as prepared (path, body with event ids, idempotency key). */
	request: MetaRequestOptions;
	pixelId: string;
	events: ConversionEvent[];
	testEventCode: string;
	signal?: AbortSignal;
	itemIndex: number;
	/** `metaRequest` of one send. */
	stats(result: MetaResult, request: MetaRequestOptions): IDataObject;
	/** A Failed item of this input item with the error and the extra fields. */
	failed(error: MetaErrorInfo, stats: IDataObject, extra: IDataObject): INodeExecutionData;
}

/** A resend's key: the first key and the event ids it carries, so a re-run resending the same events finds the same key. */
function resendKey(key: string | undefined, events: ConversionEvent[]): string | undefined {
	if (!key) return undefined;
	const digest = createHash('sha256').update(stableStringify(events.map((event) => [event.event_name, event.event_id]))).digest('hex');
	return `${key.slice(0, 200)}-${digest.slice(0, 16)}`;
}

/** A resend of some of the item's events: their body, with the key a re-run resending them finds again (also a replay of one rejected event). */
export function resendRequest(request: MetaRequestOptions, events: ConversionEvent[], testEventCode: string): MetaRequestOptions {
	return { ...request, body: eventsBody(events, testEventCode), idempotencyKey: resendKey(request.idempotencyKey, events) };
}

export async function sendConversionEvents(deps: EventSendDeps): Promise<ItemOutcome> {
	const { events, generated } = withEventIds(deps.pixelId, deps.events);
	const summary = (position: number): IDataObject => ({
		index: position,
		event_name: events[position].event_name as string,
		event_id: events[position].event_id as string,
		...(generated.includes(position) ? { eventIdGenerated: true } : {}),
	});
	let sends = 0;
	const results = new Map<number, { result: MetaResult; request: MetaRequestOptions }>();
	const outcome = await sendEventsApart(events, async (subset, attempt) => {
		const request: MetaRequestOptions =
			attempt === 0
				? deps.request
				: resendRequest(deps.request, subset, deps.testEventCode);
		const result = await deps.client.request({ ...request, signal: deps.signal });
		sends++;
		results.set(attempt, { result, request });
		return Object.assign(result, { attempt });
	});
	const statsOf = (answer: { attempt: number }) => {
		const sent = results.get(answer.attempt)!;
		return { ...deps.stats(sent.result, sent.request), sends };
	};

	const failedItems: INodeExecutionData[] = [];
	for (const { position, answer } of outcome.rejected) {
		failedItems.push(deps.failed(answer.error, statsOf(answer), { eventIndex: position, event: events[position] as IDataObject }));
	}
	if (outcome.failed) {
		failedItems.push(deps.failed(outcome.failed.answer.error, statsOf(outcome.failed.answer), { events: outcome.failed.positions.map(summary) }));
	}
	const success = outcome.accepted.map(({ positions, answer }) => {
		const body = answer.body && typeof answer.body === 'object' ? (answer.body as IDataObject) : { data: answer.body as IDataObject };
		return outputItem({ ...body, events: positions.map(summary), metaRequest: statsOf(answer) }, deps.itemIndex);
	});
	// Positions in the order given: the rejected ones on Failed, in the order Meta named them.
	failedItems.sort((a, b) => Number(a.json.eventIndex ?? Infinity) - Number(b.json.eventIndex ?? Infinity));
	return { success, failed: failedItems };
}
