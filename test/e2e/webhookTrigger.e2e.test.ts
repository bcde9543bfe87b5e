/**
 * The Meta Webhook Trigger in real n8n, on each major line, as Meta drives it: the workflows are
 * activated (published on 2.x) and n8n started; Meta's verification request and signed WhatsApp
 * posts (delivered, read, a failed status with code 131026, a redelivery) go to the production URL,
 * with an unsigned post, a wrong signature, a body that is not JSON and one too large; n8n's
 * executions list then holds exactly the runs expected. A second workflow keeps its events in a real
 * redis-server and sends only failures to the Escalation Router. In the editor (Debian's chromium),
 * the trigger's panel shows the Production URL to paste into Meta's App Dashboard.
 */
import { mkdirSync } from 'node:fs';
import * as path from 'node:path';

import Redis from 'ioredis';

import { launchChromium } from '../../testing/browser';

import { FAKE_META_TOKEN, useFakeMeta } from '../../testing/fake-meta';
import { nodeOutput, type Editor, type ExecutionSummary } from '../../testing/n8n';
import { startRedis, type RedisServer } from '../../testing/redisServer';
import { metaBytes, MESSAGE_ID, signBytes, statusBody, whatsAppStatus } from '../../testing/metaWebhooks';
import { e2eLines, REPO_DIR, useN8n } from './setup';
import { workflow } from './workflows';

const APP_SECRET = 'canaryAppSecret0042xyz';
const VERIFY_TOKEN = 'canary-verify-token-0042';
const META_REF = { metaGraphApi: { id: 'WebhookMetaCred01', name: 'Meta app (webhooks)' } };
const REDIS_REF = { redis: { id: 'WebhookRedisCred1', name: 'Redis (webhooks)' } };
const OWNER = { email: 'webhooks@example.com', password: 'E2eWebhooks1234' };

const ALL_EVENTS = { id: 'e2eWebhookAll', webhookId: '0b6a1c52-7f0e-4d7e-9a43-1f6f4a1c0a01' };
const FAILURES = { id: 'e2eWebhookFailures', webhookId: '0b6a1c52-7f0e-4d7e-9a43-1f6f4a1c0a02' };
const TRIGGER = 'n8n-nodes-meta-resilience.metaWebhookTrigger';

/** Every status event, as it arrives (memory de-duplication). */
const allEvents = workflow(
	ALL_EVENTS.id,
	[
		{ name: 'Meta events', type: TRIGGER, parameters: { verifyToken: VERIFY_TOKEN, fields: 'statuses' }, credentials: META_REF },
		{ name: 'Received', type: 'n8n-nodes-base.noOp', typeVersion: 1 },
	],
	[['Meta events', 'Received']],
);
/** Failures only, de-duplicated in Redis, straight into the Escalation Router. */
const failures = workflow(
	FAILURES.id,
	[
		{
			name: 'Failed deliveries',
			type: TRIGGER,
			parameters: { verifyToken: VERIFY_TOKEN, fields: 'statuses', stateStore: 'redis', triggerOptions: { onlyFailedStatuses: true } },
			credentials: { ...META_REF, ...REDIS_REF },
		},
		{
			name: 'Route',
			type: 'n8n-nodes-meta-resilience.metaEscalationRouter',
			parameters: { rules: { rule: [{ name: 'Undeliverable', categories: ['delivery'], route: 'alert' }] } },
		},
		{ name: 'Alert', type: 'n8n-nodes-base.noOp', typeVersion: 1 },
	],
	[
		['Failed deliveries', 'Route'],
		['Route', 'Alert', 2],
	],
);
for (const [wf, { webhookId }] of [[allEvents, ALL_EVENTS], [failures, FAILURES]] as const) {
	Object.assign(wf.nodes[0], { webhookId });
}

const webhookPath = ({ webhookId }: { webhookId: string }) => `/webhook/${webhookId}/webhook`;

/** The executions of a workflow once `expected` have finished and no more came within `quietMs`. */
async function settledExecutions(editor: Editor, workflowId: string, expected: number, quietMs = 3_000): Promise<ExecutionSummary[]> {
	const deadline = Date.now() + 60_000;
	let seen: ExecutionSummary[] = [];
	for (;;) {
		seen = await editor.executions(workflowId);
		const finished = seen.filter((execution) => execution.finished || !['new', 'running', 'waiting'].includes(execution.status));
		if (finished.length >= expected && finished.length === seen.length) break;
		if (Date.now() > deadline) throw new Error(`Expected ${expected} finished executions of ${workflowId}, saw ${JSON.stringify(seen)}`);
		await new Promise((resolve) => setTimeout(resolve, 500));
	}
	await new Promise((resolve) => setTimeout(resolve, quietMs));
	return await editor.executions(workflowId);
}

describe.each(e2eLines())('Meta Webhook Trigger on n8n line %s', (line) => {
	const fake = useFakeMeta();
	const n8n = useN8n(line, fake);
	let redis: RedisServer;
	let editor: Editor;
	const log: string[] = [];

	/** Posts `bytes` to a production URL; `signature`: the header's value, or none. */
	const post = async (to: { webhookId: string }, bytes: Buffer | string, signature?: string, headers: Record<string, string> = {}) => {
		const res = await editor.request(webhookPath(to), {
			method: 'POST',
			headers: { 'content-type': 'application/json', ...(signature ? { 'x-hub-signature-256': signature } : {}), ...headers },
			body: bytes,
		});
		return { status: res.status, body: await res.text() };
	};
	const postSigned = async (to: { webhookId: string }, body: unknown) => {
		const bytes = metaBytes(body);
		return await post(to, bytes, signBytes(bytes, APP_SECRET));
	};

	beforeAll(async () => {
		const started = Date.now();
		redis = await startRedis();
		await n8n.importCredentials([
			{ ...META_REF.metaGraphApi, type: 'metaGraphApi', data: { accessToken: FAKE_META_TOKEN, appSecret: APP_SECRET, baseUrl: fake.url } },
			{ ...REDIS_REF.redis, type: 'redis', data: { host: '127.0.0.1', port: redis.port, database: 0, password: '', ssl: false } },
		]);
		await n8n.importWorkflows([allEvents, failures]);
		await n8n.activateWorkflow(ALL_EVENTS.id);
		await n8n.activateWorkflow(FAILURES.id);
		editor = await n8n.startEditor({ owner: OWNER, log: (text) => log.push(text) });
		// 2.x publishes activated workflows in the background, after start
		for (const to of [ALL_EVENTS, FAILURES]) await editor.untilWebhook(webhookPath(to));
		process.stderr.write(`[e2e] line ${line}: two workflows activated and n8n started in ${Math.round((Date.now() - started) / 1000)} s\n`);
	});
	afterAll(async () => {
		await editor?.stop();
		await redis?.stop();
	});

	test("the trigger's panel in the editor shows the Production URL to paste as Meta's Callback URL, and the Verify Token field", async () => {
		const browser = await launchChromium();
		const problems: string[] = [];
		try {
			const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
			page.setDefaultTimeout(30_000);
			page.on('pageerror', (error) => {
				if (/metaWebhookTrigger|n8n-nodes-meta-resilience/i.test(`${error.message}\n${error.stack}`)) problems.push(error.message);
			});
			const login = await page.request.post(`${editor.url}/rest/login`, { data: { emailOrLdapLoginId: OWNER.email, password: OWNER.password } });
			expect(login.ok()).toBe(true);
			await page.goto(`${editor.url}/workflow/${ALL_EVENTS.id}`);
			await page.locator('[data-test-id="canvas-node"][data-node-name="Meta events"]').dblclick();
			const panel = page.getByTestId('ndv');
			await panel.waitFor();
			await panel.getByText("paste this node's Production URL", { exact: false }).first().waitFor();
			await panel.getByText('Verify Token', { exact: true }).first().waitFor();
			await panel.getByText('Webhook URLs', { exact: true }).first().click();
			// exact: the notice and the trigger panel's hint name the Production URL too
			await panel.getByText('Production URL', { exact: true }).first().click();
			await panel.getByText(`${editor.url}/webhook/${ALL_EVENTS.webhookId}/webhook`).first().waitFor();
			const dir = path.join(REPO_DIR, 'test-results', 'webhook-trigger', `n8n-${line}`);
			mkdirSync(dir, { recursive: true });
			await page.screenshot({ path: path.join(dir, 'trigger-panel.png') });
			expect(await panel.innerText()).not.toContain(VERIFY_TOKEN);
		} finally {
			await browser.close();
		}
		expect(problems).toEqual([]);
	});

	test("Meta's verification request on the production URL: the challenge for the Verify Token, 403 for anything else", async () => {
		const verify = async (query: Record<string, string>) => {
			const res = await editor.request(`${webhookPath(ALL_EVENTS)}?${new URLSearchParams(query)}`);
			return { status: res.status, body: await res.text() };
		};
		expect(await verify({ 'hub.mode': 'subscribe', 'hub.challenge': '1158201444', 'hub.verify_token': VERIFY_TOKEN })).toEqual({ status: 200, body: '1158201444' });
		expect(await verify({ 'hub.mode': 'subscribe', 'hub.challenge': '1158201444', 'hub.verify_token': 'meatyhamhock' })).toMatchObject({ status: 403 });
		expect(await verify({ 'hub.mode': 'subscribe', 'hub.challenge': '1158201444' })).toMatchObject({ status: 403 });
	});

	test('signed posts start one run per event, a redelivery none; unsigned, wrongly signed, malformed and oversized posts get 401/400/413 and no run', async () => {
		const started = Date.now();
		const failed = statusBody(whatsAppStatus('failed', 'wamid.e2eFailed', 131026));
		expect(await postSigned(ALL_EVENTS, statusBody(whatsAppStatus('delivered')))).toEqual({ status: 200, body: 'EVENT_RECEIVED' });
		expect(await postSigned(ALL_EVENTS, statusBody(whatsAppStatus('read')))).toEqual({ status: 200, body: 'EVENT_RECEIVED' });
		expect(await postSigned(ALL_EVENTS, failed)).toEqual({ status: 200, body: 'EVENT_RECEIVED' });
		// Meta's redelivery of the same status: answered 200 (else Meta retries), nothing started.
		expect(await postSigned(ALL_EVENTS, failed)).toEqual({ status: 200, body: 'EVENT_RECEIVED' });

		const forged = metaBytes(statusBody(whatsAppStatus('failed', 'wamid.e2eForged')));
		expect(await post(ALL_EVENTS, forged)).toEqual({ status: 401, body: 'Invalid signature' });
		expect(await post(ALL_EVENTS, forged, signBytes(forged, 'not-the-app-secret'))).toEqual({ status: 401, body: 'Invalid signature' });
		const broken = Buffer.from('{"object":"whatsapp_business_account","entry":[');
		expect(await post(ALL_EVENTS, broken)).toEqual({ status: 401, body: 'Invalid signature' });
		expect(await post(ALL_EVENTS, broken, signBytes(broken, APP_SECRET))).toEqual({ status: 400, body: 'The body is not JSON' });
		const large = metaBytes(statusBody(...Array.from({ length: 6_000 }, (_, i) => whatsAppStatus('read', `wamid.e2eLarge${i}`))));
		expect(large.length).toBeGreaterThan(1024 * 1024);
		expect(await post(ALL_EVENTS, large, signBytes(large, APP_SECRET))).toEqual({ status: 413, body: 'Payload too large' });

		const executions = await settledExecutions(editor, ALL_EVENTS.id, 3);
		process.stderr.write(`[e2e] line ${line}: 10 posts answered and 3 runs settled in ${Math.round((Date.now() - started) / 1000)} s\n`);
		expect(executions.map((execution) => [execution.mode, execution.status])).toEqual([
			['webhook', 'success'],
			['webhook', 'success'],
			['webhook', 'success'],
		]);
		const runs = await Promise.all(executions.map((execution) => editor.executionRun(execution.id)));
		const events = runs.map((run) => nodeOutput(run.data, 'Meta events')).sort((a, b) => String(a[0]?.value?.status).localeCompare(String(b[0]?.value?.status)));
		expect(events.map((items) => items.map((item) => [item.field, item.value.id, item.value.status, item.metaError?.code]))).toEqual([
			[['statuses', MESSAGE_ID, 'delivered', undefined]],
			[['statuses', 'wamid.e2eFailed', 'failed', 131026]],
			[['statuses', MESSAGE_ID, 'read', undefined]],
		]);
		expect(events[1][0].metaError).toMatchObject({ category: 'delivery', action: 'dead_letter' });
		expect(events[1][0].metaWebhook).toMatchObject({ signature: 'verified', deduplication: 'memory' });
		const everything = JSON.stringify(runs) + log.join('\n');
		for (const secret of [APP_SECRET, VERIFY_TOKEN, FAKE_META_TOKEN]) expect(everything).not.toContain(secret);
		// n8n's log says why each refused post started nothing.
		expect(log.filter((text) => text.includes('post refused (401), nothing started'))).toHaveLength(3);
		expect(log.some((text) => text.includes('post refused (400), nothing started'))).toBe(true);
	});

	test('failures only, de-duplicated in Redis, go straight into the Escalation Router: one run, on Alert', async () => {
		const failed = statusBody(whatsAppStatus('failed', 'wamid.e2eRedis', 131026));
		for (const body of [statusBody(whatsAppStatus('delivered', 'wamid.e2eRedis')), failed, failed]) {
			expect(await postSigned(FAILURES, body)).toEqual({ status: 200, body: 'EVENT_RECEIVED' });
		}
		const executions = await settledExecutions(editor, FAILURES.id, 1);
		expect(executions.map((execution) => execution.status)).toEqual(['success']);
		const run = await editor.executionRun(executions[0].id);
		expect(nodeOutput(run.data, 'Alert').map((item) => [item.route, item.metaError.code, item.value.id, item.metaWebhook.deduplication])).toEqual([
			['alert', 131026, 'wamid.e2eRedis', 'redis'],
		]);
		const client = new Redis({ host: '127.0.0.1', port: redis.port, lazyConnect: true });
		try {
			await client.connect();
			expect(await client.keys('mr:win:*status:wamid.e2eRedis:failed')).toHaveLength(1);
		} finally {
			client.disconnect();
		}
	});
});
