// Meta Health Check through n8n's real engine against the fake Meta server over HTTP: each check
// on real reads, findings that Escalation Router can route, and "New and Resolved Only" across
// scheduled runs (static data between executions, process memory within one).
import type { IDataObject, INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { FAKE_META_TOKEN, useFakeMeta, type FakeMeta } from '../../../testing/fake-meta';
import { runNode, runWorkflow, type RunNodeOptions } from '../../helpers/engine';

const TYPE = 'n8n-nodes-meta-resilience.metaHealthCheck';
const TOKEN = FAKE_META_TOKEN;
const OUT = { findings: 0, healthy: 1 } as const;
const DAY = 86_400;

const fake = useFakeMeta();
const produced: unknown[] = [];
afterAll(() => {
	// debug_token is asked with the token in its query: nothing of it may reach an output.
	expect(JSON.stringify(produced)).not.toContain(TOKEN);
	expect(JSON.stringify(produced)).not.toContain('SECRET0000');
});

async function run(parameters: INodeParameters, options: RunNodeOptions & { items?: IDataObject[]; apiVersion?: string } = {}) {
	const { items = [{}], apiVersion = 'v26.0', ...rest } = options;
	const result = await runNode(TYPE, parameters, items, {
		credentials: { metaGraphApi: { accessToken: TOKEN, baseUrl: fake.url, apiVersion } },
		...rest,
	});
	produced.push(result.nodeOutputs, result.error);
	return result;
}
const findings = (outputs: INodeExecutionData[][]) => outputs[OUT.findings].map((item) => [item.json.finding, (item.json.object as IDataObject).id]);
const summary = (outputs: INodeExecutionData[][]) => outputs[OUT.healthy][0].json.healthCheck as IDataObject;

/** The states of the scenario: token expiring in 3 days, account unsettled, 3 of 40 ads disapproved, a number at RED, a silent pixel. */
function troubledAccount(meta: FakeMeta) {
	const now = Math.floor(Date.now() / 1000);
	meta.setTokenInfo({ expires_at: now + 3 * DAY + 3600 });
	meta.seedObjects([{ id: 'act_1', name: 'Shop DE', account_status: 3, disable_reason: 0, amount_spent: '1000', spend_cap: '0', currency: 'EUR' }]);
	meta.seedObjects(
		Array.from({ length: 40 }, (_, i) => ({
			id: String(120210000000100 + i),
			name: `Ad ${i}`,
			effective_status: [7, 21, 33].includes(i) ? 'DISAPPROVED' : 'ACTIVE',
			...([7, 21, 33].includes(i) ? { ad_review_feedback: { global: { 'Misleading Claims': 'Ads may not make misleading claims.' } } } : {}),
		})),
		{ parent: 'act_1', edge: 'ads' },
	);
	meta.seedObjects([{ id: '200001', name: 'Shop WhatsApp Business Account' }]);
	meta.seedObjects(
		[
			{ id: '300001', display_phone_number: '+49 151 0000001', verified_name: 'Shop', quality_rating: 'GREEN', status: 'CONNECTED', name_status: 'APPROVED', messaging_limit_tier: 'TIER_1K' },
			{ id: '300002', display_phone_number: '+49 151 0000002', verified_name: 'Shop', quality_rating: 'RED', status: 'CONNECTED', name_status: 'APPROVED', messaging_limit_tier: 'TIER_250' },
		],
		{ parent: '200001', edge: 'phone_numbers' },
	);
	meta.seedObjects([{ id: '900001', name: 'Shop pixel', last_fired_time: new Date(Date.now() - 30 * 3600_000).toISOString().replace(/\.\d{3}Z$/, '+0000') }]);
}

const ALL = {
	checks: ['token', 'apiVersion', 'adAccount', 'ads', 'whatsappNumbers', 'pixel'],
	adAccountIds: 'act_1',
	whatsappBusinessAccountIds: '200001',
	pixelIds: '900001',
};

describe('Meta Health Check', () => {
	it('finds what will fail: one item per finding with metaError, a summary on Healthy', async () => {
		troubledAccount(fake);
		const { nodeOutputs, error } = await run(ALL, { apiVersion: 'v24.0' });
		expect(error).toBeUndefined();
		expect(findings(nodeOutputs)).toEqual([
			['TOKEN_EXPIRING', 'access_token'],
			['API_VERSION_RETIRED', 'marketing:v24.0'],
			['ACCOUNT_UNSETTLED', 'act_1'],
			['AD_DISAPPROVED', '120210000000107'],
			['AD_DISAPPROVED', '120210000000121'],
			['AD_DISAPPROVED', '120210000000133'],
			['WA_QUALITY_RED', '300002'],
			['PIXEL_SILENT', '900001'],
		]);
		const [token, , account, ad] = nodeOutputs[OUT.findings].map((item) => item.json);
		expect(token).toMatchObject({ check: 'token', status: 'new', facts: { daysLeft: 3 }, metaError: { category: 'auth', action: 'escalate', code: 'TOKEN_EXPIRING', source: 'internal', retryable: false } });
		expect(account).toMatchObject({ object: { type: 'ad_account', id: 'act_1', name: 'Shop DE' }, metaError: { category: 'business', code: 'ACCOUNT_UNSETTLED' } });
		expect(ad).toMatchObject({
			check: 'ads',
			object: { type: 'ad', id: '120210000000107', name: 'Ad 7', parentId: 'act_1' },
			metaError: { category: 'policy', action: 'pause', code: 'AD_DISAPPROVED', message: 'Ad Ad 7 (120210000000107) is disapproved: Misleading Claims: Ads may not make misleading claims.' },
		});
		expect((ad.metaError as IDataObject).meaning).toMatch(/Meta's reason: Misleading Claims: Ads may not make misleading claims\.$/);
		expect(nodeOutputs[OUT.findings].every((item) => JSON.stringify(item.pairedItem) === '{"item":0}')).toBe(true);
		expect(nodeOutputs[OUT.healthy]).toHaveLength(1);
		expect(summary(nodeOutputs)).toMatchObject({ report: 'newAndResolved', checked: 6, readsFailed: 0, findings: 8, new: 8, ongoing: 0, resolved: 0, stateStore: 'memory' });
		// Only the filtered list is read: the 37 active ads never cross the wire.
		const adReads = fake.requests.filter((request) => request.path.endsWith('/act_1/ads'));
		expect(adReads).toHaveLength(1);
		// Reads only.
		expect(fake.writes).toEqual([]);
	});

	it('a healthy setup gives no finding and one summary', async () => {
		fake.seedObjects([{ id: 'act_2', name: 'Shop FR', account_status: 1, amount_spent: '100', spend_cap: '100000' }]);
		const { nodeOutputs } = await run({ checks: ['token', 'apiVersion', 'adAccount', 'ads'], adAccountIds: '2' });
		expect(nodeOutputs[OUT.findings]).toEqual([]);
		expect(summary(nodeOutputs)).toMatchObject({ checks: ['token', 'apiVersion', 'adAccount', 'ads'], checked: 4, findings: 0 });
	});

	it('follows every page of a long list of disapproved ads', async () => {
		fake.seedObjects(Array.from({ length: 150 }, (_, i) => ({ id: String(120210000000500 + i), name: `Ad ${i}`, effective_status: i % 2 ? 'WITH_ISSUES' : 'DISAPPROVED' })), { parent: 'act_3', edge: 'ads' });
		const { nodeOutputs } = await run({ checks: ['ads'], adAccountIds: 'act_3' });
		expect(nodeOutputs[OUT.findings]).toHaveLength(150);
		expect(fake.requests.filter((request) => request.path.endsWith('/act_3/ads'))).toHaveLength(2);
		const limited = await run({ checks: ['ads'], adAccountIds: 'act_3', options: { maxPages: 1 } });
		expect(limited.nodeOutputs[OUT.findings]).toHaveLength(100);
		expect(summary(limited.nodeOutputs).notes).toEqual(['Ad account act_3 has more disapproved ads or ads with issues than the pages read.']);
	});

	it('a read that fails is a finding with the classified error (never a crash), and the other checks go on', async () => {
		fake.seedObjects([{ id: 'act_4', account_status: 2, disable_reason: 1 }]);
		const { nodeOutputs, error } = await run({ checks: ['adAccount', 'pixel'], adAccountIds: 'act_4', pixelIds: '999999999' });
		expect(error).toBeUndefined();
		expect(findings(nodeOutputs)).toEqual([
			['ACCOUNT_DISABLED', 'act_4'],
			['READ_FAILED', '999999999'],
		]);
		expect(nodeOutputs[OUT.findings][1].json).toMatchObject({ check: 'pixel', metaError: { category: 'not_found', code: 100, subcode: 33, source: 'graph' } });
		expect(summary(nodeOutputs)).toMatchObject({ checked: 2, readsFailed: 1 });
	});

	it('takes IDs from every input item, each finding paired to the item that named its object', async () => {
		fake.seedObjects([
			{ id: 'act_5', account_status: 101 },
			{ id: 'act_6', account_status: 1 },
			{ id: 'act_7', account_status: 7 },
		]);
		const { nodeOutputs } = await run({ checks: ['adAccount'], adAccountIds: '={{ $json.account }}' }, { items: [{ account: 'act_5' }, { account: '6' }, { account: 'act_7' }, { account: 'act_5' }] });
		expect(nodeOutputs[OUT.findings].map((item) => [item.json.finding, item.pairedItem])).toEqual([
			['ACCOUNT_CLOSED', { item: 0 }],
			['ACCOUNT_IN_REVIEW', { item: 2 }],
		]);
		expect(summary(nodeOutputs).checked).toBe(3);
	});

	it('refuses IDs it cannot check and an empty choice of checks, saying what to give', async () => {
		const wrong = await run({ checks: ['adAccount'], adAccountIds: 'act_1, https://business.facebook.com/adsmanager?act=1' });
		expect(wrong.error?.message).toMatch(/^Invalid parameter — Ad Account IDs: this is not an ID: "https:\/\/business\.facebook\.com\/adsmanager"; give IDs such as act_1234567890 or 1234567890$/);
		// Checks is required: n8n itself refuses to run the node without one (the editor marks the field).
		await expect(run({ checks: [] })).rejects.toThrow(/The workflow has issues/);
		const unknown = await run({ checks: ['token', 'mood'] });
		expect(unknown.error?.message).toMatch(/^Invalid parameter — Checks → 1: must be among token, apiVersion, adAccount, ads, whatsappNumbers, pixel/);
	});
});

describe('New and Resolved Only, across scheduled runs', () => {
	const scheduled = (staticData: IDataObject, workflowId: string) => ({ mode: 'trigger' as const, staticData, workflowId });

	it('reports a finding once; when it is gone, once more on Healthy as resolved', async () => {
		troubledAccount(fake);
		const parameters = { checks: ['ads', 'whatsappNumbers'], adAccountIds: 'act_1', whatsappBusinessAccountIds: '200001' };
		const first = await run(parameters, scheduled({}, 'wf-hc-memory'));
		expect(findings(first.nodeOutputs)).toHaveLength(4);

		// The next run of the same process: nothing new, nothing resolved.
		const second = await run(parameters, scheduled(first.staticData, 'wf-hc-memory'));
		expect(second.nodeOutputs[OUT.findings]).toEqual([]);
		expect(summary(second.nodeOutputs)).toMatchObject({ findings: 4, new: 0, ongoing: 4, resolved: 0 });

		// The ad is paused (its effective status with it), the number recovers, another ad is disapproved.
		fake.seedObjects([{ id: '120210000000107', name: 'Ad 7', effective_status: 'PAUSED' }], { parent: 'act_1', edge: 'ads' });
		fake.seedObjects([{ id: '300002', display_phone_number: '+49 151 0000002', quality_rating: 'GREEN', status: 'CONNECTED' }], { parent: '200001', edge: 'phone_numbers' });
		fake.seedObjects([{ id: '120210000000111', name: 'Ad 11', effective_status: 'DISAPPROVED' }], { parent: 'act_1', edge: 'ads' });
		// After a restart (another workflow id: this process has no state for it): the static data carries the memory.
		const third = await run(parameters, scheduled(second.staticData, 'wf-hc-restarted'));
		expect(findings(third.nodeOutputs)).toEqual([['AD_DISAPPROVED', '120210000000111']]);
		const resolved = third.nodeOutputs[OUT.healthy].slice(1).map((item) => item.json);
		expect(resolved.map((item) => [item.finding, (item.object as IDataObject).id, item.resolved])).toEqual([
			['AD_DISAPPROVED', '120210000000107', true],
			['WA_QUALITY_RED', '300002', true],
		]);
		expect(resolved[0].metaError).toBeUndefined();
		expect(summary(third.nodeOutputs)).toMatchObject({ new: 1, ongoing: 2, resolved: 2 });
	});

	it('a read that fails resolves nothing', async () => {
		troubledAccount(fake);
		const parameters = { checks: ['ads'], adAccountIds: 'act_1' };
		const first = await run(parameters, scheduled({}, 'wf-hc-failing'));
		expect(first.nodeOutputs[OUT.findings]).toHaveLength(3);
		fake.addFault({ match: { path: '/act_1/ads' }, times: 10, fault: { type: 'graphError', code: 200, message: '(#200) Requires ads_read permission' } });
		const failing = await run(parameters, scheduled(first.staticData, 'wf-hc-failing'));
		expect(findings(failing.nodeOutputs)).toEqual([['READ_FAILED', 'act_1']]);
		expect(failing.nodeOutputs[OUT.healthy]).toHaveLength(1);
		fake.clearFaults();
		const again = await run(parameters, scheduled(failing.staticData, 'wf-hc-failing'));
		expect(again.nodeOutputs[OUT.findings]).toEqual([]);
		expect(again.nodeOutputs[OUT.healthy].slice(1).map((item) => item.json.finding)).toEqual(['READ_FAILED']);
	});

	it('Every Run reports every finding on every run, as found', async () => {
		troubledAccount(fake);
		const parameters = { checks: ['pixel'], pixelIds: '900001', report: 'everyRun' };
		const first = await run(parameters, scheduled({}, 'wf-hc-every'));
		const second = await run(parameters, scheduled(first.staticData, 'wf-hc-every'));
		expect(findings(second.nodeOutputs)).toEqual([['PIXEL_SILENT', '900001']]);
		expect(second.nodeOutputs[OUT.findings][0].json.status).toBe('found');
	});
});

describe('examples/health-check-monitoring.json', () => {
	it('pauses the disapproved ads through Meta Request, alerts on the expiring token, escalates the ended version; the next run is quiet', async () => {
		const now = Math.floor(Date.now() / 1000);
		fake.setTokenInfo({ expires_at: now + 3 * DAY + 3600 });
		fake.seedObjects([{ id: 'act_123456789', name: 'Shop', account_status: 1, amount_spent: '0', spend_cap: '0' }]);
		fake.seedObjects(
			[
				{ id: '120210000000000701', name: 'Winter sale', effective_status: 'DISAPPROVED', status: 'ACTIVE' },
				{ id: '120210000000000702', name: 'Gift guide', effective_status: 'ACTIVE', status: 'ACTIVE' },
			],
			{ parent: 'act_123456789', edge: 'ads' },
		);
		const credentials = { metaGraphApi: { accessToken: TOKEN, baseUrl: fake.url, apiVersion: 'v24.0' } };
		const first = await runWorkflow('examples/health-check-monitoring.json', { credentials, mode: 'trigger', workflowId: 'wf-hc-example' });
		produced.push(first.runData);
		expect(first.error).toBeUndefined();
		expect(first.output('Pause disapproved ad').map((item) => [item.json.id, item.json.success])).toEqual([['120210000000000701', true]]);
		expect(fake.getObject('120210000000000701')?.status).toBe('PAUSED');
		expect(first.output('Send alert').map((item) => item.json.finding)).toEqual(['TOKEN_EXPIRING']);
		expect(first.output('Escalate to account owner').map((item) => item.json.finding)).toEqual(['API_VERSION_RETIRED']);
		expect(first.output('All clear and resolved')[0].json.healthCheck).toMatchObject({ findings: 3, new: 3 });

		// The paused ad no longer counts as disapproved (its effective status is PAUSED): resolved, nothing new.
		const second = await runWorkflow('examples/health-check-monitoring.json', { credentials, mode: 'trigger', workflowId: 'wf-hc-example', staticData: first.staticData });
		produced.push(second.runData);
		expect(second.output('Pause disapproved ad')).toEqual([]);
		expect(second.output('Send alert')).toEqual([]);
		expect(second.output('All clear and resolved').slice(1).map((item) => [item.json.finding, item.json.resolved])).toEqual([['AD_DISAPPROVED', true]]);
	});
});
