// Replay Failed Items on Redis: the write journal is keyed by the idempotency key alone, so a replay
// from another workflow (another worker) finds the entry the first run left: a create that
// succeeded on replay is answered from the journal the next time, one whose answer was lost is refused.
import type { IDataObject, INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { APPLY_THEN_FAIL, FAKE_META_TOKEN, useFakeMeta } from '../../../../testing/fake-meta';
import { runNode } from '../../../helpers/engine';
import { redisCredential, useRedis } from '../../../helpers/redis';

const META_REQUEST = 'n8n-nodes-meta-resilience.metaRequest';
const fake = useFakeMeta();
const redis = useRedis();

const credentials = () => ({
	metaGraphApi: { accessToken: FAKE_META_TOKEN, baseUrl: fake.url, apiVersion: 'v24.0' },
	redis: redisCredential(redis),
});

async function meta(parameters: INodeParameters, items: IDataObject[] | INodeExecutionData[], workflowId: string) {
	const run = await runNode(META_REQUEST, { stateStore: 'redis', ...parameters, options: { baseDelayMs: 5, maxDelayMs: 20 } }, items, { credentials: credentials(), workflowId });
	expect(run.error).toBeUndefined();
	return run.nodeOutputs.map((items) => items.map((item) => item.json as IDataObject & { metaRequest: IDataObject; metaError: IDataObject; recovery: IDataObject }));
}

test('a replay from another workflow meets the first run’s journal entries in Redis', async () => {
	fake.addFault({ match: { method: 'POST', path: '/act_7/ads' }, times: 1, fault: APPLY_THEN_FAIL[1] });
	fake.addFault({ match: { method: 'POST', path: '/act_7/ads' }, times: 1, fault: { type: 'graphError', code: 10, status: 403 } });
	const create = { operation: 'create', objectId: 'act_7', edge: 'ads', jsonBody: '={{ JSON.stringify({ name: $json.name }) }}' };
	const [, failed] = await meta(create, [{ name: 'Lost' }, { name: 'Later' }], 'wf-redis-store');
	expect(failed.map((item) => [item.name, item.metaRequest.stateStore, item.metaRequest.stopReason])).toEqual([
		['Lost', 'redis', 'ambiguous_write'],
		['Later', 'redis', 'not_retryable'],
	]);
	const deadLetters = failed.map((json) => ({ json }));

	const [ok, refused] = await meta({ operation: 'replay' }, deadLetters, 'wf-redis-replay');
	expect(ok.map((item) => [item.name, item.recovery.outcome])).toEqual([['Later', 'succeeded']]);
	// The journal in Redis holds the lost answer's key as unconfirmed: its own refusal, not the replay's.
	expect(refused.map((item) => [item.name, item.metaError.code, String(item.metaError.message)])).toEqual([
		['Lost', 'WRITE_NOT_CONFIRMED', expect.stringContaining('never confirmed')],
	]);

	const [again] = await meta({ operation: 'replay' }, deadLetters, 'wf-redis-replay-2');
	expect(again.map((item) => [item.name, item.metaRequest.replayed, item.recovery.outcome])).toEqual([['Later', true, 'already_succeeded']]);
	expect(fake.writes.filter((write) => write.creates).map((write) => write.params.name)).toEqual(['Lost', 'Later']);
	expect(fake.duplicateWrites()).toEqual([]);
});

test('a replay whose create is applied and answered 500 keeps mayBeApplied on its record: a later replay through a journal that never saw the key sends nothing', async () => {
	// Refused by a rate limit (nothing applied, no mayBeApplied), in process memory.
	fake.addFault({ match: { method: 'POST', path: '/act_8/ads' }, times: 1, fault: { type: 'graphError', code: 17, status: 400 } });
	const create = { operation: 'create', objectId: 'act_8', edge: 'ads', jsonBody: '={{ JSON.stringify({ name: $json.name }) }}' };
	const first = await runNode(META_REQUEST, { ...create, options: { baseDelayMs: 5, maxDelayMs: 20, maxAttempts: 1 } }, [{ name: 'Twice?' }], { credentials: credentials(), workflowId: 'wf-ambiguous-1' });
	const [dead] = first.nodeOutputs[1].map((item) => item.json as IDataObject & { metaRequest: { replay: IDataObject } });
	expect(dead.metaRequest.replay).not.toHaveProperty('mayBeApplied');

	// The replay (process memory) is applied, and its answer lost.
	fake.addFault({ match: { method: 'POST', path: '/act_8/ads' }, times: 1, fault: APPLY_THEN_FAIL[0] });
	const replayed = await runNode(META_REQUEST, { operation: 'replay', options: { baseDelayMs: 5, maxDelayMs: 20 } }, [{ json: dead }], { credentials: credentials(), workflowId: 'wf-ambiguous-2' });
	const [again] = replayed.nodeOutputs[1].map((item) => item.json as IDataObject & { metaRequest: { replay: IDataObject; stopReason: string } });
	expect(again.metaRequest.stopReason).toBe('ambiguous_write');
	// The record as it now stands: it may have been applied.
	expect(again.metaRequest.replay).toMatchObject({ mayBeApplied: true, idempotencyKey: dead.metaRequest.replay.idempotencyKey });

	// Another worker (the Redis journal never saw the key): refused, not sent.
	const [ok, refused] = await meta({ operation: 'replay' }, [{ json: again }], 'wf-ambiguous-3');
	expect(ok).toEqual([]);
	expect(refused.map((item) => item.metaError.code)).toEqual(['WRITE_NOT_CONFIRMED']);
	expect(fake.writes.filter((write) => write.creates && write.params.name === 'Twice?')).toHaveLength(1);
});
