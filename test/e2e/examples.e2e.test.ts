/**
 * Every workflow in examples/ imports and runs in real n8n on each major line, against the fake
 * Meta server: an example can never rot. New example files are picked up automatically; checks
 * specific to one example go into EXAMPLE_CHECKS.
 */
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import * as path from 'node:path';

import { APPLY_THEN_FAIL, FAKE_META_TOKEN, useFakeMeta, type FakeMeta } from '../../testing/fake-meta';
import { nodeOutput, outputCounts, type ExecuteResult, type N8nInstance } from '../../testing/n8n';
import { metaBytes, signBytes, statusBody, whatsAppStatus } from '../../testing/metaWebhooks';
import { e2eLines, outcome, REPO_DIR, SUCCEEDED, useN8n } from './setup';
import { demoCredential } from './workflows';

const EXAMPLES_DIR = path.join(REPO_DIR, 'examples');
const examples = readdirSync(EXAMPLES_DIR)
	.filter((f) => f.endsWith('.json'))
	.sort()
	.map((file) => ({ file, workflow: JSON.parse(readFileSync(path.join(EXAMPLES_DIR, file), 'utf8')) as { id: string } }));

/** The Instagram user of examples/instagram-publish.json, and the image whose container ends in ERROR. */
const IG_USER = '17841400000000000';
const TOO_LARGE_IMAGE = 'https://shop.example/img/autumn-plates-12000px.jpg';

/** Where the dead-letter examples keep what failed (n8n 2.x lets file nodes reach it through N8N_RESTRICT_FILE_ACCESS_TO below). */
const DEAD_LETTER_FILE = '/tmp/n8n-meta-resilience-dead-letters.json';

interface ExampleCheck {
	/** Puts what the example expects on the fake server before its run. */
	prepare?(fake: FakeMeta): void;
	/** Runs an example that a webhook starts (instead of `n8n execute`). */
	run?(n8n: N8nInstance, workflow: ExampleWorkflow, fake: FakeMeta): Promise<ExecuteResult>;
	/** Asserts on the run and on the fake server's logs after it. */
	check?(run: ExecuteResult, fake: FakeMeta): void;
}

type ExampleWorkflow = { id: string; nodes?: Array<{ type: string; webhookId?: string }> };

/** The App Secret a webhook example's credential gets, to sign what is posted to it. */
const EXAMPLE_APP_SECRET = 'exampleAppSecret0042';

/**
 * A Meta Webhook Trigger example as Meta starts it: its credential given an App Secret, the workflow
 * activated and n8n started, `body` posted signed to the trigger's production URL; the run is the
 * one execution that post starts.
 */
async function runByMetaWebhook(n8n: N8nInstance, workflow: ExampleWorkflow, fake: FakeMeta, body: unknown): Promise<ExecuteResult> {
	const { webhookId } = workflow.nodes!.find((node) => node.type.endsWith('.metaWebhookTrigger'))!;
	const credential = demoCredential(fake);
	await n8n.importCredentials([{ ...credential, data: { ...credential.data, appSecret: EXAMPLE_APP_SECRET } }]);
	await n8n.activateWorkflow(workflow.id);
	const editor = await n8n.startEditor({ owner: { email: 'examples@example.com', password: 'Examples1234' } });
	try {
		await editor.untilWebhook(`/webhook/${webhookId}/webhook`);
		const bytes = metaBytes(body);
		const posted = await editor.request(`/webhook/${webhookId}/webhook`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', 'x-hub-signature-256': signBytes(bytes, EXAMPLE_APP_SECRET) },
			body: bytes,
		});
		expect(posted.status).toBe(200);
		for (let waited = 0; waited < 60_000; waited += 500) {
			const [execution] = await editor.executions(workflow.id);
			if (execution && execution.status !== 'running' && execution.status !== 'new') return await editor.executionRun(execution.id);
			await new Promise((resolve) => setTimeout(resolve, 500));
		}
		throw new Error(`The post to ${workflow.id}'s webhook started no execution within 60 s`);
	} finally {
		await editor.stop();
	}
}

const EXAMPLE_CHECKS: Record<string, ExampleCheck> = {
	'health-check-monitoring.json': {
		// A token expiring in 3 days and one disapproved ad among two; the credential's v24.0 has ended on the Marketing API.
		prepare: (fake) => {
			fake.setTokenInfo({ expires_at: Math.floor(Date.now() / 1000) + 3 * 86_400 + 3600 });
			fake.seedObjects([{ id: 'act_123456789', name: 'Shop', account_status: 1, amount_spent: '0', spend_cap: '0' }]);
			fake.seedObjects(
				[
					{ id: '120210000000000701', name: 'Winter sale', effective_status: 'DISAPPROVED', status: 'ACTIVE' },
					{ id: '120210000000000702', name: 'Gift guide', effective_status: 'ACTIVE', status: 'ACTIVE' },
				],
				{ parent: 'act_123456789', edge: 'ads' },
			);
		},
		check: (run, fake) => {
			expect(nodeOutput(run.data, 'Pause disapproved ad').map((item) => [item.id, item.success])).toEqual([['120210000000000701', true]]);
			expect(fake.getObject('120210000000000701')?.status).toBe('PAUSED');
			expect(nodeOutput(run.data, 'Send alert').map((item) => item.finding)).toEqual(['TOKEN_EXPIRING']);
			expect(nodeOutput(run.data, 'Escalate to account owner').map((item) => item.finding)).toEqual(['API_VERSION_RETIRED']);
			expect(nodeOutput(run.data, 'All clear and resolved')[0].healthCheck).toMatchObject({ checked: 4, findings: 3, readsFailed: 0 });
			// Reads only, apart from the pause the router asked for.
			expect(fake.writes.map((write) => write.path)).toEqual([expect.stringMatching(/\/120210000000000701$/)]);
		},
	},
	'batch-catalog-recovery.json': {
		prepare: (fake) => fake.setJobDefaults({ warnIndices: [0] }),
		check: (run, fake) => {
			// One Failed item per product Meta rejected (the one without a price), the others applied.
			const failed = nodeOutput(run.data, 'Products failed');
			expect(failed.map((p) => [p.id, p.metaError?.category, p.metaError?.message])).toEqual([
				['mug-blue-350', 'validation', 'A required field is missing: price.'],
			]);
			const updated = nodeOutput(run.data, 'Products updated');
			expect(updated.map((p) => [p.id, p.warnings?.length ?? 0])).toEqual([
				['mug-white-350', 1],
				['plate-oak-26', 0],
			]);
			expect(fake.writes.filter((w) => w.path.endsWith('/items_batch'))).toHaveLength(1);
		},
	},
	'conversions-events.json': {
		check: (run, fake) => {
			// The lead without action_source is refused before sending, on its own item; the other two go in one request, counted once.
			const rejected = nodeOutput(run.data, 'Event rejected');
			expect(rejected.map((item) => [item.eventIndex, item.event.event_name, item.metaError.category, item.metaError.code])).toEqual([[1, 'Lead', 'validation', 'VALIDATION_CAPI_ACTION_SOURCE']]);
			expect(rejected[0].metaRequest).toMatchObject({ attempts: 0, stopReason: 'refused' });
			const sent = nodeOutput(run.data, 'Sent');
			expect(sent.map((item) => [item.events_received, item.events.map((event: { event_name: string }) => event.event_name)])).toEqual([[2, ['Purchase', 'AddToCart']]]);
			expect(fake.conversionEvents('1234567890123456')).toEqual({ received: 2, unique: 2, duplicates: [] });
			const requests = fake.requests.filter((request) => request.path.endsWith('/1234567890123456/events'));
			expect(requests).toHaveLength(1);
			expect(fake.writes).toHaveLength(1);
			expect(fake.duplicateWrites()).toEqual([]);
			// The server saw only digests of the customer data: no raw email, phone, name or city anywhere.
			const [purchase] = (requests[0].body as { data: Array<{ user_data: Record<string, unknown> }> }).data;
			for (const field of ['em', 'ph', 'fn', 'ln', 'ct', 'st', 'zp', 'country']) expect(purchase.user_data[field]).toMatch(/^[a-f0-9]{64}$/);
			expect(purchase.user_data.fbc).toMatch(/^fb\.1\.\d+\.IwAR2exampleClick$/);
			// (The Set node before holds them, as the user gave them; nothing after it does.)
			const everything = JSON.stringify([fake.requests, sent, rejected]).toLowerCase();
			for (const raw of ['jane.doe@example.com', '555-0123', '5550123', 'max.mustermann', '0049 151', '4915123456789', 'san francisco']) expect(everything).not.toContain(raw);
		},
	},
	'dead-letter-1-store.json': {
		// One create applied and then answered 500 (its answer lost), one rate-limited past Max Attempts (2), one created.
		prepare: (fake) => {
			rmSync(DEAD_LETTER_FILE, { force: true });
			fake.addFault({ match: { method: 'POST', path: '/act_123456789/ads' }, times: 1, fault: APPLY_THEN_FAIL[0] });
			fake.addFault({ match: { method: 'POST', path: '/act_123456789/ads' }, times: 2, fault: { type: 'graphError', code: 17, status: 400 } });
		},
		check: (run, fake) => {
			expect(nodeOutput(run.data, 'Created').map((ad) => fake.getObject(ad.id)?.name)).toEqual(['Autumn recap']);
			const stored = JSON.parse(readFileSync(DEAD_LETTER_FILE, 'utf8')) as Array<Record<string, any>>;
			expect(stored.map((item) => [item.name, item.route, item.metaRequest.stopReason, item.metaRequest.replay.path, item.metaRequest.replay.mayBeApplied])).toEqual([
				['Spring launch', 'dead_letter', 'ambiguous_write', 'act_123456789/ads', true],
				['Summer teaser', 'dead_letter', 'max_attempts', 'act_123456789/ads', undefined],
			]);
			expect(JSON.stringify(stored)).not.toMatch(/access_token|appsecret_proof|Bearer/);
			// The lost answer's create was applied once; the rate-limited one not at all.
			expect(fake.writes.filter((write) => write.creates).map((write) => write.params.name)).toEqual(['Spring launch', 'Autumn recap']);
		},
	},
	'dead-letter-2-replay.json': {
		// Runs after dead-letter-1-store.json (alphabetical order), in another n8n process: the rate limit is over.
		check: (run, fake) => {
			const replayed = nodeOutput(run.data, 'Replayed');
			expect(replayed.map((item) => [item.name, item.recovery.outcome, item.recovery.attempts, item.recovery.replays])).toEqual([['Summer teaser', 'succeeded', 3, 1]]);
			// The create whose answer was lost is not sent again (the journal of the first run's process
			// is gone, so nothing proves it was not applied): back into the file with its record.
			const remaining = JSON.parse(readFileSync(DEAD_LETTER_FILE, 'utf8')) as Array<Record<string, any>>;
			expect(remaining.map((item) => [item.name, item.metaError.code, item.recovery.outcome, Boolean(item.metaRequest.replay)])).toEqual([
				['Spring launch', 'WRITE_NOT_CONFIRMED', 'failed', true],
			]);
			// Each failed write applied exactly once over both runs: the replay sent only the rate-limited one.
			expect(fake.writes.map((write) => [write.method, write.path, write.params.name])).toEqual([['POST', '/act_123456789/ads', 'Summer teaser']]);
			expect(fake.duplicateWrites()).toEqual([]);
			rmSync(DEAD_LETTER_FILE, { force: true });
		},
	},
	'escalation-spend-anomaly.json': {
		// Three ad sets, seven days each; the second one's newest day spends 5× its usual.
		prepare: (fake) => {
			const adsets = [
				{ id: '120210000000000101', name: 'Prospecting', dailySpend: 12 },
				{ id: '120210000000000102', name: 'Retargeting', dailySpend: 25 },
				{ id: '120210000000000103', name: 'Lookalike', dailySpend: 40 },
			];
			fake.seedObjects(adsets.map(({ id, name }) => ({ id, name, status: 'ACTIVE' })), { parent: 'act_123456789', edge: 'adsets' });
			fake.seedInsights({ account: 'act_123456789', adsets, days: 7, jump: { adsetId: '120210000000000102', factor: 5 } });
		},
		check: (run, fake) => {
			const paused = nodeOutput(run.data, 'Paused');
			expect(paused.map((item) => [item.adset_id, item.routing.by, item.routing.anomaly.status, item.routing.anomaly.samples])).toEqual([
				['120210000000000102', 'anomaly', 'fired', 6],
			]);
			expect(paused[0].reason).toMatch(/^anomaly "Spend spike": spend 127\.5 \(\d{4}-\d\d-\d\d\) of 120210000000000102 is 5\.\d+× its baseline/);
			expect(fake.getObject('120210000000000102')?.status).toBe('PAUSED');
			expect(fake.getObject('120210000000000101')?.status).toBe('ACTIVE');
			expect(fake.getObject('120210000000000103')?.status).toBe('ACTIVE');
			// One pause, of the jumping ad set only, sent once.
			expect(fake.writes.map((write) => [write.method, write.path, write.params.status])).toEqual([['POST', '/120210000000000102', 'PAUSED']]);
			expect(fake.duplicateWrites()).toEqual([]);
			expect(nodeOutput(run.data, 'Normal')).toHaveLength(20);
		},
	},
	'instagram-publish.json': {
		// An Instagram user with two posts; the second image is too large for Instagram (its container ends in ERROR).
		prepare: (fake) => {
			fake.seedObjects([{ id: IG_USER, username: 'example.shop' }]);
			fake.setJobDefaults({ completeAfterPolls: 2, containerErrors: { [TOO_LARGE_IMAGE]: 2207004 } });
		},
		check: (run, fake) => {
			expect(outputCounts(run.data, 'Publish')).toEqual([1, 0]);
			const [published] = nodeOutput(run.data, 'Published');
			expect(fake.getObject(published.id)).toMatchObject({ media_type: 'IMAGE', media_url: 'https://shop.example/img/spring-mugs.jpg' });
			const failed = nodeOutput(run.data, 'Container failed');
			expect(failed.map((item) => [item.metaError.code, item.metaError.subcode, item.metaError.category, item.batchJob.status])).toEqual([
				['IG_CONTAINER_ERROR', 2207004, 'validation', 'ERROR'],
			]);
			// Two containers, one media_publish (of the FINISHED one), nothing written twice.
			const containers = fake.writes.filter((write) => write.path === `/${IG_USER}/media`);
			expect(containers.map((write) => write.params.image_url).sort()).toEqual([TOO_LARGE_IMAGE, 'https://shop.example/img/spring-mugs.jpg']);
			const finished = containers.find((write) => write.params.image_url !== TOO_LARGE_IMAGE)!;
			expect(fake.writes.filter((write) => write.path.endsWith('/media_publish')).map((write) => [write.params.creation_id, write.objectId])).toEqual([[finished.objectId, published.id]]);
			expect(failed[0].id).toBe(containers.find((write) => write.params.image_url === TOO_LARGE_IMAGE)!.objectId);
			expect(fake.writes).toHaveLength(3);
			expect(fake.duplicateWrites()).toEqual([]);
		},
	},
	'meta-request-batch.json': {
		// 59 of the 60 ads exist; the last one was deleted on Meta's side.
		prepare: (fake) => fake.seedObjects(Array.from({ length: 59 }, (_, i) => ({ id: `120210000000${String(1001 + i).padStart(6, '0')}`, status: 'ACTIVE' }))),
		check: (run, fake) => {
			expect(nodeOutput(run.data, 'Paused')).toHaveLength(59);
			const failed = nodeOutput(run.data, 'Not paused (see metaError)');
			expect(failed.map((item) => [item.adId, item.metaError.category])).toEqual([['120210000000001060', 'not_found']]);
			// Two batch calls (50 + 10 sub-requests), each ad written once.
			const calls = fake.requests.filter((request) => request.batch === undefined && request.method === 'POST' && request.path === '/v24.0/');
			expect(calls.map((call) => (call.body as { batch: unknown[] }).batch.length)).toEqual([50, 10]);
			expect(fake.requests.filter((request) => request.batch !== undefined)).toHaveLength(60);
			expect(fake.writes).toHaveLength(59);
			expect(new Set(fake.writes.map((write) => write.objectId)).size).toBe(59);
			expect(fake.getObject('120210000000001059')?.status).toBe('PAUSED');
			expect(fake.duplicateWrites()).toEqual([]);
		},
	},
	'meta-request-list-ads.json': {
		prepare: (fake) =>
			fake.seedObjects(
				Array.from({ length: 120 }, (_, i) => ({ name: `Ad ${i + 1}`, effective_status: 'ACTIVE' })),
				{ parent: 'act_123456789', edge: 'ads' },
			),
		check: (run) => {
			const ads = nodeOutput(run.data, 'One item per ad');
			expect(ads).toHaveLength(120);
			expect(new Set(ads.map((ad) => ad.id)).size).toBe(120);
		},
	},
	'meta-request-pause-ads.json': {
		prepare: (fake) =>
			fake.seedObjects(
				['120210000000000001', '120210000000000002', '120210000000000003'].map((id) => ({ id, status: 'ACTIVE' })),
			),
		check: (run, fake) => {
			expect(nodeOutput(run.data, 'Paused')).toHaveLength(3);
			expect(fake.getObject('120210000000000002')?.status).toBe('PAUSED');
			expect(fake.duplicateWrites()).toEqual([]);
		},
	},
	'meta-request-prevalidate.json': {
		check: (run, fake) => {
			expect(nodeOutput(run.data, 'Created')).toHaveLength(1);
			const failed = nodeOutput(run.data, 'Not sent or failed (see metaError)');
			expect(failed.map((item) => [item.label, item.metaError.code, item.metaError.source])).toEqual([
				['page given as an object', 'VALIDATION_RAW_ID', 'internal'],
				['video as the picture', 'VALIDATION_MEDIA_TYPE', 'internal'],
			]);
			// Validate Before Sending: nothing was sent for the two refused creatives.
			expect(fake.requests.map((request) => (request.body as { name?: string }).name)).toEqual(['Spring sale']);
		},
	},
	'whatsapp-failed-deliveries.json': {
		// Meta's webhook with a delivered and a failed (131026) status: only the failure starts the run, and it ends on Alert.
		run: (n8n, workflow, fake) => runByMetaWebhook(n8n, workflow, fake, statusBody(whatsAppStatus('delivered'), whatsAppStatus('failed', 'wamid.exampleFailed', 131026))),
		check: (run) => {
			const alerts = nodeOutput(run.data, 'Alert: message not delivered');
			expect(alerts.map((item) => [item.field, item.value.id, item.metaError.category, item.metaError.code, item.route])).toEqual([['statuses', 'wamid.exampleFailed', 'delivery', 131026, 'alert']]);
			expect(alerts[0].metaWebhook).toMatchObject({ signature: 'verified' });
			expect(JSON.stringify(run.data)).not.toContain(EXAMPLE_APP_SECRET);
		},
	},
};

describe.each(e2eLines())('examples on n8n line %s', (line) => {
	const fake = useFakeMeta();
	// n8n 2.x lets file nodes use ~/.n8n-files only, unless told otherwise (the dead-letter examples write to /tmp).
	const n8n = useN8n(line, fake, { env: { N8N_RESTRICT_FILE_ACCESS_TO: '~/.n8n-files;/tmp' } });

	beforeAll(async () => {
		if (examples.length > 0) await n8n.importWorkflows(examples.map((e) => e.workflow));
	});

	test('examples/ holds at least one workflow', () => {
		expect(examples.length).toBeGreaterThan(0);
	});

	test.each(examples)('$file runs to the end without an execution error or a token in its output', async ({ file, workflow }) => {
		fake.reset();
		EXAMPLE_CHECKS[file]?.prepare?.(fake);

		const run = await (EXAMPLE_CHECKS[file]?.run?.(n8n, workflow, fake) ?? n8n.execute(workflow.id));

		expect(outcome(run)).toEqual(SUCCEEDED);
		expect(run.stdout + run.stderr).not.toContain(FAKE_META_TOKEN);
		EXAMPLE_CHECKS[file]?.check?.(run, fake);
	});
});
