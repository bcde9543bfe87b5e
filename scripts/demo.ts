/**
 * `npm run demo`: the showcase workflow (examples/showcase-demo.json) in a real n8n, against the
 * embedded fake Meta server, then a per-item summary. `npm run demo -- --ui`: the n8n editor with
 * the package, the credential and every example loaded, until Ctrl+C.
 *
 * The fake server's setup (`setupDemo`) and the summary (`summarizeRun`) are exported: test/scripts/demo.test.ts
 * runs the same workflow with the same setup through the in-process engine, so the demo cannot rot.
 */
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

import { startFakeMeta, type FakeMeta } from '../testing/fake-meta';
import { cacheRoot, createInstance, ensureN8n, executionError, N8N_LINES, packPackage, runDataOf, type N8nInstance } from '../testing/n8n';

/** The repository root, from scripts/ (ts-jest) or from .tools/scripts/ (compiled). */
const REPO_DIR = [path.resolve(__dirname, '..'), path.resolve(__dirname, '..', '..')].find((dir) =>
	readdirSync(dir).includes('examples'),
) as string;
export const SHOWCASE_FILE = path.join(REPO_DIR, 'examples', 'showcase-demo.json');
export const CREDENTIAL_REF = { id: 'MetaDemoCred0001', name: 'Meta Graph API (demo)' };

const AD_ACCOUNT = '123456789';
export const AD_IDS = {
	rateLimited17: '120210000000000001',
	rateLimited80004: '120210000000000002',
	plain: '120210000000000003',
	expiredToken: '120210000000000004',
	invalid: '120210000000000005',
	plain2: '120210000000000006',
};
export const BATCH_SIZE = 20;
export const BATCH_FAILURES = [3, 11, 17];

/**
 * Seeds the ads the workflow updates, arms the faults (two rate limits that give way after one or
 * two answers, an expired token, an invalid status) and creates the async batch. Returns its id.
 */
export function setupDemo(fake: FakeMeta): { jobId: string } {
	fake.seedObjects(
		Object.values(AD_IDS).map((id) => ({ id, status: 'ACTIVE', account_id: AD_ACCOUNT })),
		{ parent: `act_${AD_ACCOUNT}`, edge: 'ads' },
	);
	const write = (id: string) => ({ method: 'POST', path: `/${id}` });
	// Meta's ad-account limit, as HTTP 400 with a Retry-After of one second
	fake.addFault({ match: write(AD_IDS.rateLimited17), times: 1, fault: { type: 'graphError', code: 17, headers: { 'retry-after': '1' } } });
	// the business use case limit, twice in a row: plain exponential backoff
	fake.addFault({ match: write(AD_IDS.rateLimited80004), times: 2, fault: { type: 'graphError', code: 80004 } });
	fake.addFault({
		match: write(AD_IDS.expiredToken),
		fault: {
			type: 'graphError',
			code: 190,
			subcode: 463,
			errorType: 'OAuthException',
			message: 'Error validating access token: Session has expired on Friday, 21-Nov-25 09:00:00 PST.',
		},
	});
	fake.addFault({
		match: write(AD_IDS.invalid),
		fault: {
			type: 'graphError',
			code: 100,
			errorType: 'OAuthException',
			message: 'Invalid parameter',
			userTitle: 'Invalid ad status',
			userMsg: "The status 'ARCHIVE' is not valid for an ad. Use ACTIVE, PAUSED, DELETED or ARCHIVED.",
		},
	});
	const jobId = fake.createAsyncJob({
		kind: 'async_batch',
		name: 'Spring launch: 20 ads',
		accountId: AD_ACCOUNT,
		total: BATCH_SIZE,
		failIndices: BATCH_FAILURES,
		completeAfterPolls: 3,
		inputs: Array.from({ length: BATCH_SIZE }, (_, i) => ({
			method: 'POST',
			relative_url: `act_${AD_ACCOUNT}/ads`,
			body: `name=Spring launch ${i + 1}&adset_id=120200000000000001&status=PAUSED`,
		})),
	});
	return { jobId };
}

interface WorkflowJson {
	id: string;
	nodes: Array<{ name: string; parameters: Record<string, any> }>;
	[key: string]: unknown;
}

export function readWorkflow(file: string): WorkflowJson {
	return JSON.parse(readFileSync(file, 'utf8')) as WorkflowJson;
}

/** The showcase workflow with the async batch's id written into its "Async batch" Set node. */
export function showcaseWorkflow(jobId: string): WorkflowJson {
	const workflow = readWorkflow(SHOWCASE_FILE);
	const setNode = workflow.nodes.find((node) => node.name === 'Async batch');
	const assignment = setNode?.parameters.assignments?.assignments?.find((a: { name: string }) => a.name === 'jobId');
	if (!assignment) throw new Error(`${SHOWCASE_FILE}: no "jobId" field in the "Async batch" node`);
	assignment.value = jobId;
	return workflow;
}

// ---------------------------------------------------------------------------------------------
// Summary

export interface SummaryRow {
	item: string;
	route: string;
	category: string;
	code: string;
	attempts: string;
	waitMs: string;
}

export interface Summary {
	rows: SummaryRow[];
	batch?: { id: string; total?: number; succeeded?: number; failed?: number; polls?: number };
}

type Json = Record<string, any>;
type RunData = Record<string, Array<{ data?: { main?: Array<Array<{ json: Json }> | null> } }>>;

const ROUTER = 'Route failures';
const UPDATER = 'Update ad status';
const POLLER = 'Follow the batch';

const text = (value: unknown) => (value === undefined || value === null ? '-' : String(value));

function outputsOf(runData: RunData, node: string): Json[][][] {
	return (runData[node] ?? []).map((run) => (run.data?.main ?? []).map((items) => (items ?? []).map((item) => item.json)));
}

/** A failed item of a batch (Failed) or the whole job (Job Failed). */
function batchLabel(json: Json): string {
	if (!json.batchJob) return text(json.id);
	return json.index === undefined ? `batch job ${text(json.batchJob.id)}` : `batch item #${json.index}`;
}

/** One row per ad update and per failed batch item, from a run's runData (n8n's or the engine's). */
export function summarizeRun(runData: RunData): Summary {
	const adRows: SummaryRow[] = [];
	const batchRows: SummaryRow[] = [];
	for (const run of outputsOf(runData, UPDATER)) {
		for (const json of run[0] ?? []) {
			adRows.push({
				// an update's success item names its object (and keeps the input's fields)
				item: text(json.id),
				route: 'updated',
				category: '-',
				code: '-',
				attempts: text(json.metaRequest?.attempts),
				waitMs: text(json.metaRequest?.waitedMs),
			});
		}
	}
	for (const run of outputsOf(runData, ROUTER)) {
		for (const json of run.flat()) {
			const error: Json = json.metaError ?? {};
			const row: SummaryRow = {
				item: json.adId ?? batchLabel(json),
				route: text(json.route),
				category: text(error.category),
				code: error.subcode === undefined ? text(error.code) : `${error.code}/${error.subcode}`,
				attempts: text(json.metaRequest?.attempts),
				waitMs: text(json.metaRequest?.waitedMs),
			};
			(json.batchJob ? batchRows : adRows).push(row);
		}
	}
	adRows.sort((a, b) => a.item.localeCompare(b.item));
	const jobs = outputsOf(runData, POLLER).flatMap((run) => run.flat().map((json) => json.batchJob as Json | undefined));
	const job = jobs.find((j) => j !== undefined);
	return {
		rows: [...adRows, ...batchRows],
		batch: job && { id: String(job.id), total: job.total, succeeded: job.succeeded, failed: job.failed, polls: job.polls },
	};
}

export function formatTable(rows: SummaryRow[]): string {
	const header: SummaryRow = { item: 'item', route: 'route', category: 'category', code: 'code', attempts: 'attempts', waitMs: 'wait ms' };
	const keys = Object.keys(header) as Array<keyof SummaryRow>;
	const widths = keys.map((k) => Math.max(...[header, ...rows].map((row) => row[k].length)));
	const line = (row: SummaryRow) => keys.map((k, i) => row[k].padEnd(widths[i])).join('  ').trimEnd();
	return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

// ---------------------------------------------------------------------------------------------
// The command

const MINUTE = 60_000;
const say = (line = '') => process.stdout.write(`${line}\n`);

/** Prints a line now and then while a slow step runs, so a first n8n install does not look stuck. */
async function withHeartbeat<T>(what: string, work: Promise<T>): Promise<T> {
	const started = Date.now();
	const timer = setInterval(() => say(`  ... ${what} (${Math.round((Date.now() - started) / 1000)} s)`), 20_000);
	try {
		return await work;
	} finally {
		clearInterval(timer);
	}
}

async function prepareN8n(fake: FakeMeta, token: string, port?: number): Promise<N8nInstance> {
	say(`Getting n8n ${N8N_LINES['1'].version} (installed once into ${cacheRoot()}, then reused)...`);
	const env = await withHeartbeat('installing n8n', ensureN8n('1', (line) => say(`  ${line}`)));
	say('Packing this package (npm pack) and installing it into a fresh n8n user folder...');
	const tgz = await withHeartbeat('packing', packPackage(REPO_DIR));
	const n8n = await createInstance(env, tgz, port === undefined ? {} : { port });
	await n8n.importCredentials([
		{ ...CREDENTIAL_REF, type: 'metaGraphApi', data: { accessToken: token, apiVersion: 'v24.0', baseUrl: fake.url } },
	]);
	return n8n;
}

async function runDemo(fake: FakeMeta, token: string, redact: (s: string) => string): Promise<void> {
	const { jobId } = setupDemo(fake);
	const n8n = await prepareN8n(fake, token);
	try {
		const id = await n8n.importWorkflow(showcaseWorkflow(jobId));
		say('Running the showcase workflow with `n8n execute`...');
		const started = Date.now();
		const run = await n8n.execute(id, { timeoutMs: 3 * MINUTE });
		if (`${run.stdout}${run.stderr}`.includes(token)) throw new Error('the access token showed up in n8n\'s output');
		if (!run.ok) {
			const why = run.timedOut ? 'timed out after 3 minutes' : (executionError(run.data)?.message ?? `exit code ${run.code}`);
			throw new Error(`n8n execute failed: ${why}\n${redact(`${run.stdout}\n${run.stderr}`).trim().split('\n').slice(-30).join('\n')}`);
		}
		const summary = summarizeRun(runDataOf(run.data));
		const duplicates = fake.duplicateWrites();
		say(`Done in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
		say();
		say(formatTable(summary.rows));
		say();
		if (summary.batch) {
			const b = summary.batch;
			say(`Async batch ${b.id}: ${text(b.total)} ads, ${text(b.succeeded)} created, ${text(b.failed)} failed (each its own item above), ${text(b.polls)} polls.`);
		}
		const sent = fake.requests.length;
		say(`The fake Meta server saw ${sent} requests; writes applied twice: ${duplicates.length}.`);
		say();
		say('Where to look next:');
		say(`  - the workflow: ${path.relative(process.cwd(), SHOWCASE_FILE)} (sticky notes explain each branch)`);
		say('  - the nodes: docs/nodes/meta-request.md, docs/nodes/batch-status-poller.md, docs/nodes/escalation-router.md; the demo: docs/demo.md');
		say('  - open it in the n8n editor and run it yourself: npm run demo -- --ui');
	} finally {
		await n8n.dispose();
	}
}

async function runUi(fake: FakeMeta, token: string): Promise<void> {
	const { jobId } = setupDemo(fake);
	const n8n = await prepareN8n(fake, token, 5678);
	const examplesDir = path.dirname(SHOWCASE_FILE);
	const examples = readdirSync(examplesDir)
		.filter((file) => file.endsWith('.json'))
		.sort()
		.map((file) => (path.join(examplesDir, file) === SHOWCASE_FILE ? showcaseWorkflow(jobId) : readWorkflow(path.join(examplesDir, file))));
	await n8n.importWorkflows(examples);
	say('Starting the n8n editor...');
	const editor = await withHeartbeat('starting n8n', n8n.startEditor({ port: 5678 }));
	say();
	say(`n8n is ready at ${editor.url}`);
	say('  - First visit: n8n asks you to set up an owner account (any email and password; it stays in a');
	say('    temporary folder that is deleted when you stop the demo). Then you are logged in.');
	say(`  - Workflows: ${examples.length} examples, among them "Meta resilience showcase (demo)": open it, click "Execute workflow",`);
	say('    then double-click a node to see its items (metaError, metaRequest.attempts, route, reason).');
	say(`  - Credential "${CREDENTIAL_REF.name}" points at the embedded fake Meta server (${fake.url}).`);
	say('  - Press Ctrl+C to stop n8n and the fake server.');
	await new Promise<void>((resolve) => {
		process.once('SIGINT', resolve);
		process.once('SIGTERM', resolve);
	});
	say('\nStopping...');
	await n8n.dispose();
}

async function main(argv: string[]): Promise<void> {
	const unknown = argv.filter((arg) => arg !== '--ui');
	if (unknown.length > 0) throw new Error(`unknown argument ${unknown.join(' ')} (known: --ui)`);
	// a random token, so "it never shows up in any output" is checked against a secret nobody typed
	const token = `EAAdemo${randomBytes(24).toString('hex')}`;
	// npm would otherwise install the peer n8n-workflow (the newest, whose isolated-vm needs a
	// compiler and newer Node headers) next to the package; n8n brings its own
	process.env.npm_config_legacy_peer_deps ??= 'true';
	const redact = (s: string) => s.split(token).join('***');
	const fake = await startFakeMeta({ token });
	say(`Fake Meta server (an embedded stand-in for graph.facebook.com) at ${fake.url}`);
	try {
		if (argv.includes('--ui')) await runUi(fake, token);
		else await runDemo(fake, token, redact);
	} catch (error) {
		throw new Error(redact((error as Error).message));
	} finally {
		await fake.close();
	}
}

if (require.main === module) {
	main(process.argv.slice(2)).then(
		() => process.exit(0),
		(error: Error) => {
			process.stderr.write(`\nDemo failed: ${error.message}\n`);
			process.exit(1);
		},
	);
}
