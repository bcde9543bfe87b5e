/**
 * The demo's showcase workflow, with the demo's own fake-server setup, through n8n's engine
 * in-process: if a node, the example or the fake server changes so that the demo would show
 * something else, this fails.
 */
import { AD_IDS, BATCH_FAILURES, BATCH_SIZE, setupDemo, showcaseWorkflow, summarizeRun } from '../../scripts/demo';
import { startFakeMeta, useFakeMeta } from '../../testing/fake-meta';
import { runWorkflow, type EngineRun } from '../helpers/engine';

const TOKEN = 'EAAcanary0000SECRET0000TOKEN';

describe('npm run demo: the showcase workflow', () => {
	// The tests below all read the one run made in beforeAll: the server keeps its state between them.
	const fake = useFakeMeta({ token: TOKEN }, { reset: false });
	let run: EngineRun;
	let jobId: string;

	beforeAll(async () => {
		({ jobId } = setupDemo(fake));
		run = await runWorkflow(showcaseWorkflow(jobId) as never, {
			credentials: { metaGraphApi: { accessToken: TOKEN, apiVersion: 'v24.0', baseUrl: fake.url } },
			timeoutMs: 30_000,
		});
	}, 40_000);

	test('runs without an execution error', () => {
		expect(run.error).toBeUndefined();
	});

	test('every ad and every failed batch item ends on the route the demo promises', () => {
		const rows = summarizeRun(run.runData as never).rows.map(({ item, route, category, code, attempts }) => ({
			item,
			route,
			category,
			code,
			attempts,
		}));
		expect(rows).toEqual([
			{ item: AD_IDS.rateLimited17, route: 'updated', category: '-', code: '-', attempts: '2' },
			{ item: AD_IDS.rateLimited80004, route: 'updated', category: '-', code: '-', attempts: '3' },
			{ item: AD_IDS.plain, route: 'updated', category: '-', code: '-', attempts: '1' },
			{ item: AD_IDS.expiredToken, route: 'escalate', category: 'auth', code: '190/463', attempts: '1' },
			{ item: AD_IDS.invalid, route: 'dead_letter', category: 'validation', code: '100', attempts: '1' },
			{ item: AD_IDS.plain2, route: 'updated', category: '-', code: '-', attempts: '1' },
			...BATCH_FAILURES.map((index) => ({
				item: `batch item #${index}`,
				route: 'dead_letter',
				category: 'validation',
				code: '100/1487390',
				attempts: '-',
			})),
		]);
	});

	test('the rate-limited updates waited for Meta: the Retry-After second, then backoff', () => {
		const waits = Object.fromEntries(summarizeRun(run.runData as never).rows.map((row) => [row.item, Number(row.waitMs)]));
		expect(waits[AD_IDS.rateLimited17]).toBeGreaterThanOrEqual(1000);
		expect(waits[AD_IDS.rateLimited80004]).toBeGreaterThan(0);
		expect(waits[AD_IDS.plain]).toBe(0);
	});

	test('the batch summary counts 20 ads, 3 failed', () => {
		expect(summarizeRun(run.runData as never).batch).toMatchObject({ id: jobId, total: BATCH_SIZE, failed: BATCH_FAILURES.length });
	});

	test('the updates reached the server once each, and the token shows up nowhere', () => {
		expect(fake.getObject(AD_IDS.rateLimited17)?.status).toBe('PAUSED');
		expect(fake.getObject(AD_IDS.plain)?.status).toBe('ACTIVE');
		expect(fake.getObject(AD_IDS.invalid)?.status).toBe('ACTIVE');
		expect(fake.duplicateWrites()).toEqual([]);
		expect(JSON.stringify(run.runData)).not.toContain(TOKEN);
	});
});

test('without the demo setup (as the e2e suite runs every example) the showcase still runs to the end', async () => {
	const fake = await startFakeMeta({ token: TOKEN });
	try {
		const run = await runWorkflow('examples/showcase-demo.json', {
			credentials: { metaGraphApi: { accessToken: TOKEN, apiVersion: 'v24.0', baseUrl: fake.url } },
			timeoutMs: 30_000,
		});
		expect(run.error).toBeUndefined();
		// unknown ads are not found, the placeholder job cannot be polled: all routed, none lost
		const rows = summarizeRun(run.runData as never).rows;
		expect(rows.map(({ item, route, category }) => `${item} ${route} ${category}`)).toEqual([
			...Object.values(AD_IDS).map((id) => `${id} dead_letter not_found`),
			'batch job 120330000000000001 dead_letter not_found',
		]);
	} finally {
		await fake.close();
	}
}, 40_000);
