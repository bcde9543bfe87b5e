// Meta Health Check's cost: the Graph calls and the time one run of the checks takes, through the
// node's own reader (MetaClient: pacing, retries, breaker) over real HTTP to the fake server, for
// the issue's troubled account and for many accounts of many ads. The ads check asks Meta for the
// disapproved and with-issues ads only (`effective_status` filter), so its calls grow with the
// findings, not with the ads; unfilteredAdsReads is what listing every ad would take instead.
import { DEFAULT_HEALTH_SETTINGS, LIST_PAGE_SIZE, runHealthChecks, type HealthCheckName, type HealthPlan } from '../nodes/shared/core';
import { closeMetaPools, MetaClient } from '../nodes/shared/transport';
import { healthReaderOf } from '../nodes/MetaHealthCheck/reader';
import { startFakeMeta, type FakeMeta } from '../testing/fake-meta';
import { percentile, round, type BenchReport, type Row } from './report';

/** The node's default Max Pages. */
const MAX_PAGES = 10;
const RUNS = 3;

interface Estate {
	name: string;
	checks: HealthCheckName[];
	accounts: number;
	adsPerAccount: number;
	/** Every n-th ad disapproved (0: none). */
	disapprovedEvery: number;
	whatsapp?: { numbers: number; red: number };
	pixel?: boolean;
}

const ESTATES: Estate[] = [
	{ name: "the issue's account (40 ads, 3 disapproved; 5 numbers, 1 red; a silent pixel)", checks: ['token', 'apiVersion', 'adAccount', 'ads', 'whatsappNumbers', 'pixel'], accounts: 1, adsPerAccount: 40, disapprovedEvery: 14, whatsapp: { numbers: 5, red: 1 }, pixel: true },
	{ name: '10 accounts × 1,000 ads, 1 in 50 disapproved', checks: ['adAccount', 'ads'], accounts: 10, adsPerAccount: 1_000, disapprovedEvery: 50 },
	{ name: '10 accounts × 1,000 ads, 1 in 3 disapproved', checks: ['adAccount', 'ads'], accounts: 10, adsPerAccount: 1_000, disapprovedEvery: 3 },
	{ name: '100 healthy accounts × 100 ads', checks: ['adAccount', 'ads'], accounts: 100, adsPerAccount: 100, disapprovedEvery: 0 },
];

/** Seeds the estate; returns the plan that checks it. */
function seed(fake: FakeMeta, estate: Estate, tag: number): HealthPlan {
	const plan: HealthPlan = { checks: estate.checks, targets: { adAccount: [], whatsappBusinessAccount: [], pixel: [] } };
	for (let a = 0; a < estate.accounts; a++) {
		const account = `act_${tag}${String(a).padStart(4, '0')}`;
		plan.targets.adAccount.push(account);
		fake.seedObjects([{ id: account, name: `Account ${a}`, account_status: 1, amount_spent: '1000', spend_cap: '0' }]);
		const ads = Array.from({ length: estate.adsPerAccount }, (_, i) => ({
			id: `${tag}${String(a).padStart(4, '0')}${String(i).padStart(5, '0')}`,
			name: `Ad ${i}`,
			status: 'ACTIVE',
			effective_status: estate.disapprovedEvery > 0 && i % estate.disapprovedEvery === 0 ? 'DISAPPROVED' : 'ACTIVE',
		}));
		fake.seedObjects(ads, { parent: account, edge: 'ads' });
	}
	if (estate.whatsapp) {
		const waba = `${tag}7`;
		plan.targets.whatsappBusinessAccount.push(waba);
		const { numbers, red } = estate.whatsapp;
		fake.seedObjects(
			Array.from({ length: numbers }, (_, i) => ({ id: `${tag}8${i}`, display_phone_number: `+49 151 000000${i}`, quality_rating: i < red ? 'RED' : 'GREEN', status: 'CONNECTED', name_status: 'APPROVED' })),
			{ parent: waba, edge: 'phone_numbers' },
		);
	}
	if (estate.pixel) {
		const pixel = `${tag}9`;
		plan.targets.pixel.push(pixel);
		fake.seedObjects([{ id: pixel, name: 'Shop pixel', last_fired_time: new Date(Date.now() - 3 * 86_400_000).toISOString(), is_unavailable: false }]);
	}
	return plan;
}

export async function runHealth(): Promise<BenchReport> {
	const fake = await startFakeMeta({ logLimit: 100_000 });
	// the token expires in 3 days: one finding on the issue's account
	fake.setTokenInfo({ expires_at: Math.floor(Date.now() / 1000) + 3 * 86_400 });
	const client = new MetaClient({ baseUrl: fake.url, apiVersion: 'v26.0', accessToken: fake.token, sleep: async (ms) => await new Promise((resolve) => setTimeout(resolve, ms)) });
	const reader = healthReaderOf(client, { maxPages: MAX_PAGES });
	const adsCalls = (since: number) => fake.requests.filter((r) => r.seq > since && r.path.endsWith('/ads')).length;
	const lastSeq = () => fake.requests.at(-1)?.seq ?? 0;
	const rows: Row[] = [];
	try {
		for (const [index, estate] of ESTATES.entries()) {
			const plan = seed(fake, estate, 7100 + index);
			const walls: number[] = [];
			let calls = 0;
			let adsReads = 0;
			let findings = 0;
			for (let run = 0; run < RUNS; run++) {
				const before = fake.stats().total;
				const since = lastSeq();
				const started = performance.now();
				const result = await runHealthChecks(plan, { reader, now: Date.now(), settings: DEFAULT_HEALTH_SETTINGS, credential: { accessToken: fake.token, apiVersion: 'v26.0' } });
				walls.push(performance.now() - started);
				calls = fake.stats().total - before;
				adsReads = adsCalls(since);
				findings = result.found.length;
			}
			// the alternative: every ad listed and judged here (the same page size, no page limit)
			let unfilteredReads = 0;
			if (plan.checks.includes('ads')) {
				const since = lastSeq();
				const everything = healthReaderOf(client, { maxPages: 1_000 });
				for (const account of plan.targets.adAccount) await everything.list(`${account}/ads`, { fields: 'id,name,effective_status', limit: String(LIST_PAGE_SIZE) });
				unfilteredReads = adsCalls(since);
			}
			rows.push({
				estate: estate.name,
				ads: estate.accounts * estate.adsPerAccount,
				findings,
				calls,
				adsReads,
				unfilteredAdsReads: unfilteredReads,
				medianMs: round(percentile(walls, 50), 1),
			});
		}
	} finally {
		await closeMetaPools();
		await fake.close();
	}
	const issue = rows[0];
	return {
		name: 'health',
		title: `Meta Health Check: Graph calls and time per run of the checks (${RUNS} runs each, median time; 4 reads at once, as the node; Max Pages ${MAX_PAGES})`,
		rows,
		targets: [],
		notes: [
			`The issue's account: ${issue.findings} findings from ${issue.calls} calls.`,
			'adsReads: the ads check asks Meta for disapproved and with-issues ads only, 100 a page; unfilteredAdsReads: listing every ad instead, measured the same way.',
			"Local fake server: the time is the client's and the checks', not Meta's latency (a few hundred ms a call in production, 4 at once).",
		],
	};
}
