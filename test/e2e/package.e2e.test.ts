/**
 * The package inside real n8n, on each major line: installed from its tarball as a user does,
 * loaded by n8n (the editor lists its types), and its nodes running in `n8n execute`.
 */
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

import { FAKE_META_TOKEN, useFakeMeta } from '../../testing/fake-meta';
import { executionError, nodeOutput, outputCounts, PACKAGE_NAME } from '../../testing/n8n';
import { e2eLines, outcome, SUCCEEDED, useN8n } from './setup';
import { DEMO_CREDENTIAL_REF, itemsOf, noOp, trigger, workflow } from './workflows';

const NODE_TYPES = ['metaRequest', 'metaClassifyError', 'metaBatchStatusPoller', 'metaEscalationRouter', 'metaHealthCheck'];

describe.each(e2eLines())('n8n line %s', (line) => {
	const fake = useFakeMeta();
	const n8n = useN8n(line, fake);

	test('the tarball installs into .n8n/nodes with every file its package.json announces to n8n', () => {
		const dir = path.join(n8n.userFolder, '.n8n', 'nodes', 'node_modules', PACKAGE_NAME);
		const manifest = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'));
		const files: string[] = [...manifest.n8n.nodes, ...manifest.n8n.credentials];
		expect(files.length).toBeGreaterThanOrEqual(5);
		expect(files.filter((file) => !existsSync(path.join(dir, file)))).toEqual([]);
	});

	test('n8n base nodes run, and a failed run is reported with its error', async () => {
		const ok = workflow('e2eBaseNodes', [trigger, ...itemsOf('n', [1, 2, 3]), noOp('Done')], [
			['Run', 'Values'],
			['Values', 'One item each'],
			['One item each', 'Done'],
		]);
		const failing = workflow('e2eStopAndError', [
			trigger,
			{ name: 'Fail', type: 'n8n-nodes-base.stopAndError', parameters: { errorMessage: 'planned failure' } },
		], [['Run', 'Fail']]);
		await n8n.importWorkflows([ok, failing]);

		const good = await n8n.execute('e2eBaseNodes');
		expect(outcome(good)).toEqual(SUCCEEDED);
		expect(nodeOutput(good.data, 'Done')).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);

		const bad = await n8n.execute('e2eStopAndError');
		expect(bad.ok).toBe(false);
		expect(executionError(bad.data)?.message).toBe('planned failure');
	});

	test('the editor starts, logs the owner in and lists every node and the credential of the package', async () => {
		const editor = await n8n.startEditor({ owner: { email: 'e2e@example.com', password: 'E2eTest1234' } });
		try {
			const nodes = (await (await editor.request('/types/nodes.json')).json()) as Array<{ name: string }>;
			const ours = nodes.map((n) => n.name).filter((name) => name.startsWith(`${PACKAGE_NAME}.`));
			expect(ours.sort()).toEqual(expect.arrayContaining(NODE_TYPES.map((n) => `${PACKAGE_NAME}.${n}`).sort()));
			const credentials = (await (await editor.request('/types/credentials.json')).json()) as Array<{ name: string }>;
			expect(credentials.map((c) => c.name)).toContain('metaGraphApi');
		} finally {
			await editor.stop();
		}
	});

	test('Classify Error turns Graph error bodies into metaError on each item', async () => {
		const bodies = [
			{ error: { message: '(#17) User request limit reached', type: 'OAuthException', code: 17, error_subcode: 2446079, fbtrace_id: 'AbCd1' } },
			{ error: { message: 'Error validating access token: Session has expired', type: 'OAuthException', code: 190, error_subcode: 463 } },
		];
		await n8n.importWorkflow(
			workflow('e2eClassifyError', [
				trigger,
				...itemsOf('response', bodies),
				{
					name: 'Classify',
					type: `${PACKAGE_NAME}.metaClassifyError`,
					parameters: { mode: 'annotate', failureSource: 'field', failureField: 'response' },
				},
			], [
				['Run', 'Values'],
				['Values', 'One item each'],
				['One item each', 'Classify'],
			]),
		);

		const run = await n8n.execute('e2eClassifyError');

		expect(outcome(run)).toEqual(SUCCEEDED);
		const items = nodeOutput(run.data, 'Classify');
		expect(items.map((item) => item.metaError)).toEqual([
			expect.objectContaining({ category: 'rate_limit', action: 'retry', retryable: true, code: 17, fbtraceId: 'AbCd1' }),
			expect.objectContaining({ category: 'auth', action: 'escalate', retryable: false, code: 190, subcode: 463 }),
		]);
		// the original fields stay beside the classification
		expect(items[0].response).toEqual(bodies[0]);
	});

	test('Meta Request retries a rate limit, dead-letters a missing ad, writes once, never shows the token', async () => {
		const [ad1, ad2] = fake.seedObjects(
			[
				{ name: 'Ad 1', status: 'ACTIVE' },
				{ name: 'Ad 2', status: 'ACTIVE' },
			],
			{ parent: 'act_1', edge: 'ads' },
		);
		fake.addFault({ match: { method: 'POST', path: `/v24.0/${ad2}` }, times: 1, fault: { type: 'graphError', code: 17 } });
		await n8n.importWorkflow(
			workflow('e2eMetaRequestPause', [
				trigger,
				...itemsOf('adId', [ad1, ad2, '999000111']),
				{
					name: 'Pause ad',
					type: `${PACKAGE_NAME}.metaRequest`,
					parameters: { operation: 'pause', objectId: '={{ $json.adId }}', options: { baseDelayMs: 50, maxDelayMs: 200 } },
					credentials: DEMO_CREDENTIAL_REF,
				},
				noOp('Paused'),
				noOp('Not paused'),
			], [
				['Run', 'Values'],
				['Values', 'One item each'],
				['One item each', 'Pause ad'],
				['Pause ad', 'Paused', 0],
				['Pause ad', 'Not paused', 1],
			]),
		);

		const run = await n8n.execute('e2eMetaRequestPause');

		expect(outcome(run)).toEqual(SUCCEEDED);
		expect(outputCounts(run.data, 'Pause ad')).toEqual([2, 1]);
		const failed = nodeOutput(run.data, 'Not paused');
		expect(failed[0].metaError).toMatchObject({ category: 'not_found', action: 'dead_letter', code: 100, subcode: 33 });
		expect(fake.getObject(ad1)?.status).toBe('PAUSED');
		expect(fake.getObject(ad2)?.status).toBe('PAUSED');
		// the rate-limited pause was sent again, and each pause applied exactly once
		expect(fake.requests.filter((r) => r.method === 'POST' && r.path.endsWith(`/${ad2}`))).toHaveLength(2);
		expect(fake.duplicateWrites()).toEqual([]);
		expect(run.stdout + run.stderr).not.toContain(FAKE_META_TOKEN);
	});
});
