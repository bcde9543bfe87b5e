// Meta Health Check's run: read what to check (the checks once, the IDs from every input item),
// run the checks through MetaClient (reads only, with its pacing, retries and redaction), then
// report: every finding (Every Run), or only what is new and what was resolved since the last
// run (the memory kept in the state store: this process with a static-data snapshot, or Redis).
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import {
	cancellableSleep,
	createRedactor,
	findingError,
	FINDING_MEMORY_MS,
	reportFindings,
	runHealthChecks,
	type FindingsReport,
	type FindingsStore,
	type FoundFinding,
	type HealthReader,
	type HealthRun,
	type ReportedFindings,
} from '../shared/core';
import { getMetaCredential, outputItem, parseParameters, redactOutputs, sharedState, storeForItem } from '../shared/n8n';
import { MetaClient } from '../shared/transport';
import { healthSettings, LABELS, settingsSchema, targetsSchema, type RunSettings } from './params';

/** Key of the reported findings in the node's workflow static data (the process-memory store's snapshot). */
const STATE_KEY = 'reportedFindings';

/** The objects to check, each with the first input item that named it (its findings pair to that item). */
interface Plan {
	settings: RunSettings;
	targets: { adAccount: string[]; whatsappBusinessAccount: string[]; pixel: string[] };
	namedBy: Map<string, number>;
}

function readPlan(ctx: IExecuteFunctions): Plan {
	const node = ctx.getNode();
	const settings = parseParameters(
		node,
		settingsSchema,
		{ checks: ctx.getNodeParameter('checks', 0, []), report: ctx.getNodeParameter('report', 0, 'newAndResolved'), options: ctx.getNodeParameter('options', 0, {}) },
		{ labels: LABELS, itemIndex: 0 },
	);
	const plan: Plan = { settings, targets: { adAccount: [], whatsappBusinessAccount: [], pixel: [] }, namedBy: new Map() };
	const add = (kind: keyof Plan['targets'], ids: string[], itemIndex: number) => {
		for (const id of ids) {
			if (plan.namedBy.has(`${kind}:${id}`)) continue;
			plan.namedBy.set(`${kind}:${id}`, itemIndex);
			plan.targets[kind].push(id);
		}
	};
	ctx.getInputData().forEach((_, itemIndex) => {
		// A parameter the chosen checks hide comes back as its fallback: nothing to check.
		const raw = (name: string) => ctx.getNodeParameter(name, itemIndex, '') as unknown;
		const targets = parseParameters(
			node,
			targetsSchema,
			{ adAccountIds: raw('adAccountIds'), whatsappBusinessAccountIds: raw('whatsappBusinessAccountIds'), pixelIds: raw('pixelIds') },
			{ labels: LABELS, itemIndex },
		);
		const uses = (...checks: string[]) => checks.some((check) => (settings.checks as string[]).includes(check));
		if (uses('adAccount', 'ads')) add('adAccount', targets.adAccountIds, itemIndex);
		if (uses('whatsappNumbers')) add('whatsappBusinessAccount', targets.whatsappBusinessAccountIds, itemIndex);
		if (uses('pixel')) add('pixel', targets.pixelIds, itemIndex);
	});
	return plan;
}

/** The input item a finding pairs to: the one that named its target (the credential's: the first). */
function pairedIndex(plan: Plan, scope: string): number {
	const [check, target] = [scope.slice(0, scope.indexOf(':')), scope.slice(scope.indexOf(':') + 1)];
	const kind = check === 'whatsappNumbers' ? 'whatsappBusinessAccount' : check === 'pixel' ? 'pixel' : 'adAccount';
	return plan.namedBy.get(`${kind}:${target}`) ?? 0;
}

export async function executeMetaHealthCheck(ctx: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const plan = readPlan(ctx);
	const { settings } = plan;
	const credential = await getMetaCredential(ctx);
	const shared = await sharedState(ctx);
	const stateWarnings: string[] = [];
	const store = storeForItem(shared, stateWarnings);
	const signal = ctx.getExecutionCancelSignal();
	const sleep = async (ms: number) => await cancellableSleep(ms, signal);
	const { accessToken, appSecret, apiVersion, baseUrl } = credential;
	const client = new MetaClient({ accessToken, appSecret, apiVersion, baseUrl, store, sleep });

	const reader: HealthReader = {
		get: async (path, query) => {
			const result = await client.request({ method: 'GET', path, query, signal });
			return result.ok ? { ok: true, body: result.body } : { ok: false, error: result.error };
		},
		list: async (path, query) => {
			const result = await client.paginate({ method: 'GET', path, query, signal }, { maxPages: settings.options.maxPages });
			return result.ok ? { ok: true, records: result.records, more: result.more } : { ok: false, error: result.error };
		},
	};
	const now = Date.now();
	const run = await runHealthChecks(
		{ checks: settings.checks, targets: plan.targets },
		{ reader, now, settings: healthSettings(settings.options), credential: { accessToken, apiVersion } },
	);

	const report = settings.report === 'everyRun' ? everyFinding(run, now) : await newAndResolved(ctx, run, store.findings, shared.kind === 'memory', now);
	const checkedAt = new Date(now).toISOString();
	// Every Run remembers nothing: a finding is "found", not "new".
	const status = settings.report === 'everyRun' ? 'found' : 'new';
	const findingItem = (found: FoundFinding) =>
		outputItem(
			{
				check: found.check,
				finding: found.code,
				status,
				object: { ...found.object },
				...(found.facts ? { facts: { ...found.facts } } : {}),
				firstSeenAt: new Date(found.firstSeenAt).toISOString(),
				checkedAt,
				metaError: findingError(found) as unknown as IDataObject,
			},
			pairedIndex(plan, found.scope),
		);
	const findings = report.fresh.map(findingItem);
	const resolved = report.resolved.map((earlier) =>
		outputItem(
			{ check: earlier.check, finding: earlier.code, resolved: true, object: { ...earlier.object }, firstSeenAt: new Date(earlier.firstSeenAt).toISOString(), resolvedAt: checkedAt },
			pairedIndex(plan, earlier.scope),
		),
	);
	const summary = outputItem(
		{
			healthCheck: {
				checkedAt,
				report: settings.report,
				checks: [...new Set(run.checked.map(({ check }) => check))],
				checked: run.checked.length,
				readsFailed: run.checked.length - run.read.size,
				findings: run.found.length,
				new: report.fresh.length,
				ongoing: report.ongoing.length,
				resolved: report.resolved.length,
				...(run.notes.length > 0 ? { notes: run.notes } : {}),
				stateStore: shared.kind,
				...(stateWarnings.length > 0 ? { stateWarnings } : {}),
			},
		},
		0,
	);
	// Last: a Meta message or an input ID may carry the token.
	return redactOutputs([findings, [summary, ...resolved]], createRedactor([...credential.secrets, ...shared.secrets]));
}

/** Every Run: every finding is reported, as found for the first time (nothing is remembered). */
function everyFinding(run: HealthRun, now: number): FindingsReport {
	return { fresh: run.found.map(({ finding, scope }) => ({ ...finding, scope, firstSeenAt: now })), ongoing: [], resolved: [] };
}

/**
 * New and Resolved Only: one step on what this node reported before, kept per workflow and node.
 * Process memory starts from the static-data snapshot after a restart and saves it back (n8n
 * keeps static data for production runs only).
 */
async function newAndResolved(
	ctx: IExecuteFunctions,
	run: HealthRun,
	findings: FindingsStore,
	inMemory: boolean,
	now: number,
): Promise<FindingsReport> {
	const node = ctx.getNode();
	const key = `${ctx.getWorkflow().id ?? ''}:${node.id ?? node.name}`;
	const staticData = ctx.getWorkflowStaticData('node');
	const snapshot = inMemory ? (staticData[STATE_KEY] as ReportedFindings | undefined) : undefined;
	let saved: ReportedFindings | undefined;
	const report = await findings.update(key, (state) => {
		const step = reportFindings(state ?? snapshot, run.found, run.read, now);
		saved = step.state;
		return { state: step.state, result: step.report, ttlMs: FINDING_MEMORY_MS };
	});
	if (inMemory && saved) staticData[STATE_KEY] = saved as unknown as IDataObject;
	return report;
}
