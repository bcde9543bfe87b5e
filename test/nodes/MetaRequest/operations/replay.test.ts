// Dead letters that can be replayed, through n8n's engine against the fake Meta server: every Failed
// item carries metaRequest.replay (never a secret), the Escalation Router passes it on, and Replay
// Failed Items sends it again with the same idempotency key: a create whose first try was applied
// and whose answer was lost is not applied twice, a replayed success is not repeated by a second replay.
import type { IDataObject, INodeExecutionData, INodeParameters } from 'n8n-workflow';
import { APPLY_THEN_FAIL, FAKE_META_TOKEN, useFakeMeta } from '../../../../testing/fake-meta';
import { runNode } from '../../../helpers/engine';

const TYPE = 'n8n-nodes-meta-resilience.metaRequest';
const ROUTER = 'n8n-nodes-meta-resilience.metaEscalationRouter';
const fake = useFakeMeta();
const FAST = { baseDelayMs: 5, maxDelayMs: 20 };

const credentials = () => ({ metaGraphApi: { accessToken: FAKE_META_TOKEN, baseUrl: fake.url, apiVersion: 'v24.0' } });

async function meta(parameters: INodeParameters, items: IDataObject[] | INodeExecutionData[], workflowId = 'storeWorkflow') {
	const result = await runNode(TYPE, { ...parameters, options: { ...FAST, ...(parameters.options as IDataObject) } }, items, { credentials: credentials(), workflowId });
	expect(result.error).toBeUndefined();
	expect(JSON.stringify(result.nodeOutputs)).not.toContain(FAKE_META_TOKEN);
	return result.nodeOutputs;
}

const json = (items: INodeExecutionData[]) => items.map((item) => item.json as IDataObject & { metaRequest: IDataObject; metaError: IDataObject; recovery: IDataObject });
const createsOf = (name: string) => fake.writes.filter((write) => write.creates && write.params.name === name);

const CREATE = { operation: 'create', objectId: 'act_1', edge: 'ads', jsonBody: '={{ JSON.stringify({ name: $json.name, status: "PAUSED" }) }}' };

test('a create applied but answered 500, one refused for a permission, then replayed from another workflow: each applied once', async () => {
	// Item 0: applied, then a 500 (the answer is lost). Item 1: refused (permission, nothing applied). Item 2: created.
	fake.addFault({ match: { method: 'POST', path: '/act_1/ads' }, times: 1, fault: APPLY_THEN_FAIL[0] });
	fake.addFault({ match: { method: 'POST', path: '/act_1/ads' }, times: 1, fault: { type: 'graphError', code: 200, status: 403 } });
	const [created, failed] = await meta(CREATE, [{ name: 'Lost answer' }, { name: 'No permission yet' }, { name: 'Fine' }]);
	expect(json(created).map((item) => item.name ?? item.id)).toHaveLength(1);
	expect(json(failed).map((item) => [item.name, item.metaRequest.stopReason])).toEqual([
		['Lost answer', 'ambiguous_write'],
		['No permission yet', 'not_retryable'],
	]);
	const [lost, refused] = json(failed).map((item) => item.metaRequest.replay as IDataObject);
	expect(lost).toEqual({
		method: 'POST',
		path: 'act_1/ads',
		body: { name: 'Lost answer', status: 'PAUSED' },
		idempotencyKey: json(failed)[0].metaRequest.idempotencyKey,
		writeKind: 'create',
		failedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
		mayBeApplied: true,
		signature: expect.stringMatching(/^[a-f0-9]{64}$/),
	});
	expect(refused).not.toHaveProperty('mayBeApplied');
	expect(createsOf('Lost answer')).toHaveLength(1);
	expect(createsOf('No permission yet')).toHaveLength(0);

	// The Escalation Router passes the record on (both escalate here: an ambiguous write, a permission).
	const routed = await runNode(ROUTER, {}, failed);
	const escalated = routed.nodeOutputs[3];
	expect(escalated.map((item) => (item.json.metaRequest as IDataObject).replay)).toEqual([lost, refused]);

	// Replay from another workflow, after the permission was granted.
	const [replayed, failedAgain] = await meta({ operation: 'replay' }, escalated, 'replayWorkflow');
	expect(json(replayed).map((item) => [item.name, item.recovery])).toEqual([
		['No permission yet', { firstFailedAt: refused.failedAt, replayedAt: expect.any(String), attempts: 2, replays: 1, outcome: 'succeeded' }],
	]);
	expect(json(replayed)[0]).toMatchObject({ id: expect.any(String), metaRequest: { idempotencyKey: refused.idempotencyKey, attempts: 1 } });
	expect(json(replayed)[0]).not.toHaveProperty('metaError');
	expect(json(replayed)[0].metaRequest).not.toHaveProperty('replay');
	// The write journal knows the lost answer's key (maybe applied): not sent again, still replayable later.
	expect(json(failedAgain).map((item) => [item.name, item.metaError.code, item.metaRequest.stopReason, item.metaRequest.replay, item.recovery])).toEqual([
		['Lost answer', 'WRITE_NOT_CONFIRMED', 'ambiguous_write', lost, { firstFailedAt: lost.failedAt, replayedAt: expect.any(String), attempts: 1, replays: 1, outcome: 'failed' }],
	]);
	expect(createsOf('Lost answer')).toHaveLength(1);
	expect(createsOf('No permission yet')).toHaveLength(1);
	expect(fake.requests.filter((request) => request.idempotencyKey === refused.idempotencyKey)).toHaveLength(2);

	// The dead letters replayed again (the store was not cleared): the journal answers the one that
	// succeeded, nothing is sent twice.
	const [again, stillFailed] = await meta({ operation: 'replay' }, escalated, 'thirdWorkflow');
	expect(json(again).map((item) => [item.name, item.metaRequest.replayed, item.recovery.outcome, item.recovery.attempts])).toEqual([['No permission yet', true, 'already_succeeded', 1]]);
	expect(json(again)[0].id).toBe(json(replayed)[0].id);
	expect(json(stillFailed).map((item) => item.name)).toEqual(['Lost answer']);
	// Replaying a replayed failure continues its audit record.
	const [, third] = await meta({ operation: 'replay' }, failedAgain, 'replayWorkflow');
	expect(json(third)[0].recovery).toMatchObject({ replays: 2, attempts: 1, outcome: 'failed', firstFailedAt: lost.failedAt });
	expect(fake.duplicateWrites()).toEqual([]);
	expect(createsOf('Lost answer')).toHaveLength(1);
	expect(createsOf('No permission yet')).toHaveLength(1);
});

test('a create that may have been applied, unknown to the journal (expired, another store), is not replayed; a new key sends it', async () => {
	const record = { method: 'POST', path: 'act_1/ads', body: { name: 'Forgotten' }, idempotencyKey: 'n8n-never-seen-by-this-journal', writeKind: 'create', failedAt: '2026-12-01T10:00:00.000Z', mayBeApplied: true };
	// Written by hand here: sent only with Send Edited Records.
	const [ok, failed] = await meta({ operation: 'replay', options: { sendEditedRecords: true } }, [{ name: 'Forgotten', metaRequest: { attempts: 1, replay: record } }]);
	expect(ok).toHaveLength(0);
	expect(json(failed)[0]).toMatchObject({ metaError: { code: 'WRITE_NOT_CONFIRMED', action: 'escalate' }, metaRequest: { attempts: 0, stopReason: 'ambiguous_write', replay: record }, recovery: { attempts: 1, replays: 1, outcome: 'failed' } });
	expect(fake.requests).toHaveLength(0);
	// After checking on Meta that it does not exist: a new key.
	const [sent] = await meta({ operation: 'replay', options: { idempotencyKey: 'checked-on-meta-1', sendEditedRecords: true } }, [{ name: 'Forgotten', metaRequest: { attempts: 1, replay: record } }]);
	expect(json(sent)[0]).toMatchObject({ name: 'Forgotten', recovery: { outcome: 'succeeded', attempts: 2 } });
	expect(createsOf('Forgotten')).toHaveLength(1);
});

test('items without a usable record go to Failed, naming what is missing; nothing is sent', async () => {
	const [ok, failed] = await meta({ operation: 'replay' }, [
		{ id: 'a' },
		{ metaRequest: { attempts: 2 } },
		{ metaRequest: { replay: { method: 'POST', path: 'act_1/ads', failedAt: '2026-12-01T10:00:00.000Z' } } },
		{ metaRequest: { replay: { method: 'GET', failedAt: 'now' } } },
	]);
	expect(ok).toHaveLength(0);
	expect(json(failed).map((item) => [item.metaError.code, item.metaError.category, item.metaRequest.stopReason])).toEqual(Array(4).fill(['REPLAY_INVALID', 'validation', 'refused']));
	expect(json(failed).map((item) => item.metaError.message)).toEqual([
		expect.stringContaining('the item has no metaRequest.replay'),
		expect.stringContaining('metaRequest is there but without replay'),
		expect.stringContaining('metaRequest.replay.idempotencyKey is missing'),
		expect.stringMatching(/metaRequest\.replay\.path is missing; metaRequest\.replay\.failedAt must be an ISO time/),
	]);
	expect(json(failed)[0]).toMatchObject({ id: 'a' });
	expect(json(failed).map((item) => item.metaRequest.method)).toEqual([undefined, undefined, 'POST', 'GET']);
	expect(fake.requests).toHaveLength(0);
});

test('no secret in a record: a canary token in the path, body and headers of a Custom API Call is left out', async () => {
	const canary = FAKE_META_TOKEN;
	// (The Authorization header alone makes the client refuse the call: no send carries one.)
	const [, failed] = await meta(
		{
			operation: 'custom',
			method: 'POST',
			path: `${fake.url}/v24.0/act_1/ads?access_token=${canary}&fields=id`,
			jsonBody: JSON.stringify({ name: 'Canary', access_token: canary }),
			headers: { header: [{ name: 'Authorization', value: `Bearer ${canary}` }, { name: 'X-Trace', value: 't-1' }] },
			options: { validateBeforeSending: false },
		},
		[{}],
	);
	const replay = json(failed)[0].metaRequest.replay as IDataObject;
	expect(replay).toEqual({
		method: 'POST',
		path: 'act_1/ads',
		query: { fields: 'id' },
		body: { name: 'Canary' },
		headers: { 'X-Trace': 't-1' },
		idempotencyKey: expect.stringMatching(/^n8n-/),
		failedAt: expect.any(String),
		signature: expect.stringMatching(/^[a-f0-9]{64}$/),
	});
	const text = JSON.stringify(failed);
	for (const form of [canary, encodeURIComponent(canary), Buffer.from(canary).toString('base64'), canary.toLowerCase()]) expect(text).not.toContain(form);
	expect(text).not.toMatch(/access_token|appsecret_proof|Bearer/);

	// Replayed: the credential authenticates, the record goes to the credential's host and version.
	const [sent] = await meta({ operation: 'replay' }, failed);
	expect(json(sent)[0]).toMatchObject({ recovery: { outcome: 'succeeded', replays: 1 } });
	const last = fake.requests[fake.requests.length - 1];
	expect([last.method, last.path, last.query.fields]).toEqual(['POST', '/v24.0/act_1/ads', 'id']);
});

test('a write refused before sending carries its record, marked notSent; replayed unfixed it is refused again, fixed it is sent', async () => {
	const [, failed] = await meta(
		{ operation: 'create', objectId: 'act_1', edge: 'adcreatives', jsonBody: JSON.stringify({ name: 'Spring', object_story_spec: { page_id: '123', link_data: { picture: 'https://cdn.example/clip.mp4', link: 'https://shop.example' } } }) },
		[{ creative: 'spring' }],
	);
	const item = json(failed)[0];
	expect(item.metaRequest).toMatchObject({ stopReason: 'refused', attempts: 0, replay: { method: 'POST', path: 'act_1/adcreatives', notSent: true, idempotencyKey: expect.any(String) } });

	const [, refusedAgain] = await meta({ operation: 'replay' }, failed);
	expect(json(refusedAgain)[0]).toMatchObject({ metaError: { code: 'VALIDATION_MEDIA_TYPE' }, metaRequest: { stopReason: 'refused', replay: item.metaRequest.replay }, recovery: { replays: 1, attempts: 0, outcome: 'failed' } });

	// Fixed in the record (an image instead of the video), then replayed: sent once.
	const fixed = structuredClone(json(refusedAgain)[0]);
	((fixed.metaRequest.replay as IDataObject).body as { object_story_spec: { link_data: IDataObject } }).object_story_spec.link_data.picture = 'https://cdn.example/spring.jpg';
	// A record changed by hand is not what the node wrote: refused, until Send Edited Records says it is yours.
	const [, unverified] = await meta({ operation: 'replay' }, [fixed]);
	expect(json(unverified)[0].metaError).toMatchObject({ code: 'REPLAY_UNVERIFIED' });
	const [sent] = await meta({ operation: 'replay', options: { sendEditedRecords: true } }, [fixed]);
	expect(json(sent)[0]).toMatchObject({ creative: 'spring', recovery: { replays: 2, outcome: 'succeeded', attempts: 1 } });
	expect(fake.requests.filter((request) => request.path.endsWith('/act_1/adcreatives'))).toHaveLength(1);
});

test('a List Edge that failed is replayed as a list read, one item per record', async () => {
	fake.seedObjects([{ name: 'A' }, { name: 'B' }, { name: 'C' }], { parent: 'act_9', edge: 'ads' });
	fake.addFault({ match: { method: 'GET' }, times: 1, fault: { type: 'graphError', code: 10, status: 403 } });
	const [, failed] = await meta({ operation: 'listEdge', objectId: 'act_9', edge: 'ads', fields: 'name', limit: 2 }, [{}]);
	expect(json(failed)[0].metaRequest.replay).toEqual({ method: 'GET', path: 'act_9/ads', query: { limit: 2, fields: 'name' }, list: { limit: 2 }, failedAt: expect.any(String), signature: expect.any(String) });
	const [records] = await meta({ operation: 'replay' }, failed);
	expect(json(records).map((item) => [item.name, item.recovery.outcome])).toEqual([
		['A', 'succeeded'],
		['B', 'succeeded'],
	]);
});

test('rate-limited to Max Attempts: the router dead-letters it with its record; replayed later it is applied once', async () => {
	fake.seedObjects([{ id: '120210000000000777', name: 'Ad', status: 'ACTIVE' }]);
	fake.addFault({ match: { method: 'POST' }, times: 2, fault: { type: 'graphError', code: 17, status: 400 } });
	const [, failed] = await meta({ operation: 'pause', objectId: '={{ $json.adId }}', options: { maxAttempts: 2 } }, [{ adId: '120210000000000777' }]);
	expect(json(failed)[0].metaRequest).toMatchObject({ stopReason: 'max_attempts', attempts: 2 });
	const routed = await runNode(ROUTER, {}, failed);
	const deadLetters = routed.nodeOutputs[4];
	expect(deadLetters.map((item) => [item.json.route, (item.json.metaRequest as IDataObject).replay])).toEqual([
		['dead_letter', { method: 'POST', path: '120210000000000777', body: { status: 'PAUSED' }, idempotencyKey: expect.any(String), writeKind: 'idempotent', failedAt: expect.any(String), signature: expect.any(String) }],
	]);
	const [sent] = await meta({ operation: 'replay' }, deadLetters, 'replayWorkflow');
	expect(json(sent)[0]).toMatchObject({ adId: '120210000000000777', success: true, route: 'dead_letter', recovery: { attempts: 3, replays: 1, outcome: 'succeeded' } });
	expect(fake.getObject('120210000000000777')?.status).toBe('PAUSED');
	expect(fake.writes.filter((write) => write.path === '/120210000000000777')).toHaveLength(1);
});

test('a rejected Conversions event carries a send of that event alone; fixed, its replay counts it once', async () => {
	const now = Math.floor(Date.now() / 1000);
	const event = (id: string, time: number) => ({
		event_name: 'Purchase',
		event_id: id,
		event_time: time,
		action_source: 'website',
		event_source_url: 'https://shop.example/done',
		user_data: { em: ['7b17fb0bd173f625b58636fb796407c22b3d16fc78302d79f0fd30c2fc2fc068'], client_user_agent: 'Mozilla/5.0' },
	});
	// Validate Before Sending off: Meta itself rejects the old event.
	const [, failed] = await meta(
		{ operation: 'sendEvents', objectId: '555', events: JSON.stringify([event('o-1', now - 60), event('o-2', now - 9 * 24 * 3600)]), options: { validateBeforeSending: false } },
		[{ batch: 'nightly' }],
	);
	expect(json(failed)).toHaveLength(1);
	const replay = json(failed)[0].metaRequest.replay as { body: { data: Array<{ event_id: string; event_time: number }> }; path: string; idempotencyKey: string };
	expect(replay).toMatchObject({ method: 'POST', path: '555/events', writeKind: 'create', body: { data: [{ event_id: 'o-2' }] } });
	expect(replay.idempotencyKey).not.toBe(json(failed)[0].metaRequest.idempotencyKey);
	const fixed = structuredClone(json(failed)[0]);
	(fixed.metaRequest.replay as typeof replay).body.data[0].event_time = now - 120;
	const [sent] = await meta({ operation: 'replay', options: { sendEditedRecords: true } }, [fixed]);
	expect(json(sent)[0]).toMatchObject({ events_received: 1, recovery: { outcome: 'succeeded', replays: 1 } });
	expect(fake.conversionEvents('555')).toEqual({ received: 2, unique: 2, duplicates: [] });
});

test('a binary upload kept in a record is replayed byte for byte: token-like base64 is not rewritten, the credential token still never shows', async () => {
	// A 1×1 PNG: its base64 holds "EAAAAB…", which the generic token pattern would rewrite.
	const png = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';
	fake.addFault({ match: { method: 'POST', path: '/act_1/adimages' }, times: 1, fault: { type: 'graphError', code: 17, status: 400 } });
	const upload = {
		operation: 'custom',
		method: 'POST',
		path: 'act_1/adimages',
		jsonBody: `={{ JSON.stringify({ bytes: "${png}", name: "pixel.png", note: "token ${FAKE_META_TOKEN}" }) }}`,
		options: { maxAttempts: 1 },
	};
	const [, failed] = await meta(upload, [{ image: 'pixel' }]);
	const record = json(failed)[0].metaRequest.replay as { body: { bytes: string; note: string } };
	expect(record.body.bytes).toBe(png);
	// The credential's own token is still taken out of what is kept.
	expect(record.body.note).not.toContain(FAKE_META_TOKEN);
	const [sent] = await meta({ operation: 'replay' }, failed);
	expect(json(sent)).toHaveLength(1);
	const uploads = fake.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/act_1/adimages'));
	expect((uploads[uploads.length - 1].body as { bytes: string }).bytes).toBe(png);
});

describe('records go only where their first call could go', () => {
	const record = (extra: IDataObject) => ({ method: 'GET', path: 'act_1/ads', failedAt: '2026-12-01T10:00:00.000Z', ...extra });

	test.each([['../admin/users'], ['act_1/%2e%2e/%2e%2e/internal'], ['act_1/ads%2F..%2F..%2Fadmin'], ['act_1/ads%252F..%252Fadmin'], ['act_1\\..\\admin']])(
		'a record path %s that climbs out is refused (REPLAY_INVALID), nothing sent',
		async (path) => {
			const [ok, failed] = await meta({ operation: 'replay' }, [{ metaRequest: { replay: record({ path }) } }]);
			expect(ok).toEqual([]);
			expect(json(failed)[0].metaError).toMatchObject({ code: 'REPLAY_INVALID', message: expect.stringContaining('climbs out of the Base URL') });
			expect(fake.requests).toHaveLength(0);
		},
	);

	test('a first call to a path with an encoded climb is refused, and its record keeps the path encoded as sent', async () => {
		const [, failed] = await meta({ operation: 'custom', method: 'GET', path: 'act_1/ads%2F..%2F..%2Fadmin' }, [{}]);
		expect(json(failed)[0].metaError).toMatchObject({ code: 'PATH_OUTSIDE_BASE' });
		expect((json(failed)[0].metaRequest.replay as IDataObject).path).toBe('act_1/ads%2F..%2F..%2Fadmin');
		expect(fake.requests).toHaveLength(0);
		const [ok, again] = await meta({ operation: 'replay' }, failed);
		expect(ok).toEqual([]);
		expect(json(again)[0].metaError).toMatchObject({ code: 'REPLAY_INVALID' });
		expect(fake.requests).toHaveLength(0);
	});

	test('a record header no send may carry (Host, a hop-by-hop header, authentication) is refused, not sent with the token', async () => {
		for (const headers of [{ Host: 'internal.example' }, { Connection: 'close' }, { 'X-Api-Key': 'k' }, { Cookie: 'session=1' }]) {
			const [ok, failed] = await meta({ operation: 'replay', options: { sendEditedRecords: true } }, [{ metaRequest: { replay: record({ headers }) } }]);
			expect(ok).toEqual([]);
			expect(json(failed)[0].metaError).toMatchObject({ code: 'INVALID_HEADER', message: expect.stringContaining(Object.keys(headers)[0]) });
		}
		expect(fake.requests).toHaveLength(0);
	});
});

test('a record written into the dead-letter store by someone else (a budget change, a delete) is not sent with the credential', async () => {
	const [ad] = fake.seedObjects([{ name: 'Ad', status: 'ACTIVE' }]);
	// Shaped like a real record, with a made-up signature, and one whose signed body was changed.
	const forged = { method: 'DELETE', path: ad, idempotencyKey: 'n8n-forged', writeKind: 'idempotent', failedAt: '2026-12-01T10:00:00.000Z', signature: 'a'.repeat(64) };
	fake.addFault({ match: { method: 'POST' }, times: 1, fault: { type: 'graphError', code: 17, status: 400 } });
	const [, failed] = await meta({ operation: 'update', objectId: ad, jsonBody: '{"daily_budget": 1000}', options: { maxAttempts: 1 } }, [{}]);
	const tampered = structuredClone(json(failed)[0]);
	((tampered.metaRequest.replay as IDataObject).body as IDataObject).daily_budget = 999999;
	const before = fake.requests.length;
	const [ok, refused] = await meta({ operation: 'replay' }, [{ metaRequest: { replay: forged } }, tampered]);
	expect(ok).toEqual([]);
	expect(json(refused).map((item) => item.metaError.code)).toEqual(['REPLAY_UNVERIFIED', 'REPLAY_UNVERIFIED']);
	expect(fake.requests).toHaveLength(before);
	expect(fake.getObject(ad)?.status).toBe('ACTIVE');
	// Another credential's record is not this one's either: the signature is keyed by the credential.
	const other = await runNode(TYPE, { operation: 'replay', options: FAST }, failed, {
		credentials: { metaGraphApi: { accessToken: 'EAAanother0000credential0000token', baseUrl: fake.url, apiVersion: 'v24.0' } },
	});
	expect((other.nodeOutputs[1][0].json.metaError as IDataObject).code).toBe('REPLAY_UNVERIFIED');
});
