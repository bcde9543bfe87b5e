// A redelivered event (same message and status, same change) within the window starts nothing the
// second time: in process memory, and in a real redis-server shared by every n8n process; with
// Redis unreachable the trigger goes on in memory and every item says so.
import Redis from 'ioredis';
import type { ICredentialDataDecryptedObject, IDataObject } from 'n8n-workflow';

import { processStore } from '../../../nodes/shared/core';
import { dedupNamespace, MAX_MEMORY_KEYS } from '../../../nodes/MetaWebhookTrigger/deduplicate';
import { redisKeys } from '../../../nodes/shared/state/redisStore';
import { redisCredential, useRedis } from '../../helpers/redis';
import { statusBody, templateStatusBody, whatsAppStatus } from '../../../testing/metaWebhooks';
import { metaCredential, postSigned, type CallOptions } from './webhookContext';

const redis = useRedis();

const delivered = statusBody(whatsAppStatus('delivered'));
const failed = statusBody(whatsAppStatus('failed'));
const keys = (call: Awaited<ReturnType<typeof postSigned>>) => call.items.map((item) => (item.json.metaWebhook as IDataObject).eventKey);

describe('in process memory (default)', () => {
	test('a redelivery within the window is answered 200 and starts nothing; a new status of the same message starts', async () => {
		const options: CallOptions = { workflowId: 'wf-dedup-memory' };
		expect(keys(await postSigned(delivered, options))).toHaveLength(1);
		const again = await postSigned(delivered, options);
		expect(again.response.status).toBe(200);
		expect(again.result).toEqual({ noWebhookResponse: true });
		expect(keys(await postSigned(failed, options))).toHaveLength(1);
		expect(keys(await postSigned(failed, options))).toHaveLength(0);
		const template = await postSigned(templateStatusBody, options);
		expect(template.items).toHaveLength(1);
		expect((await postSigned(JSON.parse(JSON.stringify(templateStatusBody)), options)).items).toHaveLength(0);
	});

	test('one post holding the same status twice starts it once; only the new events of a partly known post start', async () => {
		const options: CallOptions = { workflowId: 'wf-dedup-partial' };
		expect(keys(await postSigned(statusBody(whatsAppStatus('sent', 'wamid.A'), whatsAppStatus('sent', 'wamid.A')), options))).toEqual(['status:wamid.A:sent']);
		expect(keys(await postSigned(statusBody(whatsAppStatus('sent', 'wamid.A'), whatsAppStatus('sent', 'wamid.B')), options))).toEqual(['status:wamid.B:sent']);
	});

	test('each trigger (workflow and node) keeps its own events', async () => {
		expect(keys(await postSigned(delivered, { workflowId: 'wf-dedup-one' }))).toHaveLength(1);
		expect(keys(await postSigned(delivered, { workflowId: 'wf-dedup-two' }))).toHaveLength(1);
		expect(keys(await postSigned(delivered, { workflowId: 'wf-dedup-one', nodeId: 'another-node' }))).toHaveLength(1);
	});

	test('after the window the event starts again', async () => {
		const options: CallOptions = { workflowId: 'wf-dedup-window', parameters: { triggerOptions: { dedupWindowHours: 0.1 / 3600 } } };
		expect(keys(await postSigned(delivered, options))).toHaveLength(1);
		expect(keys(await postSigned(delivered, options))).toHaveLength(0);
		await new Promise((resolve) => setTimeout(resolve, 150));
		expect(keys(await postSigned(delivered, options))).toHaveLength(1);
	});

	test('a window of 0, and the Test URL, keep nothing back', async () => {
		for (const options of [{ workflowId: 'wf-dedup-off', parameters: { triggerOptions: { dedupWindowHours: 0 } } }, { workflowId: 'wf-dedup-test', mode: 'manual' as const }]) {
			const first = await postSigned(delivered, options);
			expect((first.items[0].json.metaWebhook as IDataObject).deduplication).toBe('off');
			expect(keys(await postSigned(delivered, options))).toHaveLength(1);
		}
	});

	test(`memory keeps at most ${MAX_MEMORY_KEYS.toLocaleString('en')} events per trigger, the newest`, async () => {
		const options: CallOptions = { workflowId: 'wf-dedup-bound', parameters: { triggerOptions: { maxBodyKb: 4096 } } };
		const batch = 2_000;
		for (let first = 0; first < MAX_MEMORY_KEYS + 3 * batch; first += batch) {
			const statuses = Array.from({ length: batch }, (_, i) => whatsAppStatus('read', `wamid.bound${first + i}`));
			expect(keys(await postSigned(statusBody(...statuses), options))).toHaveLength(batch);
		}
		const namespace = dedupNamespace({ getWorkflow: () => ({ id: 'wf-dedup-bound' }) as never, getNode: () => ({ id: 'trigger-node-1' }) as never });
		const kept = Object.keys(processStore.routerState(namespace)?.cooldowns ?? {});
		expect(kept.length).toBeLessThanOrEqual(MAX_MEMORY_KEYS + batch);
		expect(kept).toContain(`status:wamid.bound${MAX_MEMORY_KEYS + 3 * batch - 1}:read`);
		expect(kept).not.toContain('status:wamid.bound0:read');
	}, 60_000);
});

describe('in Redis (queue mode)', () => {
	const options = (workflowId: string, extra: ICredentialDataDecryptedObject = {}): CallOptions => ({
		workflowId,
		parameters: { stateStore: 'redis' },
		credentials: { metaGraphApi: metaCredential(), redis: redisCredential(redis, extra) },
	});

	test('a redelivery starts nothing, and the claim is in Redis (not in this process) for the window', async () => {
		const first = await postSigned(failed, options('wf-dedup-redis'));
		expect(first.items.map((item) => item.json.metaWebhook)).toEqual([expect.objectContaining({ deduplication: 'redis' })]);
		expect((first.items[0].json.metaWebhook as IDataObject).warnings).toBeUndefined();
		expect((await postSigned(failed, options('wf-dedup-redis'))).items).toHaveLength(0);

		const namespace = dedupNamespace({ getWorkflow: () => ({ id: 'wf-dedup-redis' }) as never, getNode: () => ({ id: 'trigger-node-1' }) as never });
		const client = new Redis({ host: '127.0.0.1', port: redis.port, lazyConnect: true });
		try {
			await client.connect();
			const ttl = await client.pttl(redisKeys.window(namespace, 'cool', keys(first)[0] as string));
			expect(ttl).toBeGreaterThan(23 * 3_600_000);
			expect(ttl).toBeLessThanOrEqual(24 * 3_600_000);
		} finally {
			client.disconnect();
		}
		// Nothing in this process's memory (the fallback opens its namespace, empty).
		expect(processStore.routerState(namespace)?.cooldowns ?? {}).toEqual({});
	});

	test('the Redis password is redacted from the items', async () => {
		// The server has no password: Redis ignores AUTH (ioredis warns on the console), and the trigger goes on.
		const warn = jest.spyOn(console, 'warn').mockImplementation(() => {});
		const call = await postSigned(delivered, options('wf-dedup-password', { password: 'canaryRedisPassword42' }));
		warn.mockRestore();
		expect(call.items).toHaveLength(1);
		expect(JSON.stringify(call)).not.toContain('canaryRedisPassword42');
	});

	test('Redis unreachable: the trigger goes on in process memory and every item says so', async () => {
		const down = options('wf-dedup-redis-down', { port: 1 });
		const first = await postSigned(statusBody(whatsAppStatus('sent', 'wamid.C'), whatsAppStatus('sent', 'wamid.D')), down);
		expect(first.response.status).toBe(200);
		expect(first.items.map((item) => item.json.metaWebhook)).toEqual([
			expect.objectContaining({ deduplication: 'redis', warnings: [expect.stringContaining('kept in this n8n process only')] }),
			expect.objectContaining({ deduplication: 'redis', warnings: [expect.stringContaining('kept in this n8n process only')] }),
		]);
		expect((await postSigned(statusBody(whatsAppStatus('sent', 'wamid.C')), down)).items).toHaveLength(0);
	});
});
