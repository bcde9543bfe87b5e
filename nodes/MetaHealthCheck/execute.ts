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
	HEALTH_CHECKS,
	reportFindings,
	runHealthChecks,
	scopeOf,
	type FindingsReport,
	type FindingsStore,
	type FoundFinding,
	type HealthRun,
	type ReportedFindings,
} from '../shared/core';
import { getMetaCredential, outputItem, parseParameters, redactOutputs, sharedState, storeForItem } from '../shared/n8n';
import { MetaClient } from '../shared/transport';
import { healthSettings, LABELS, settingsSchema, targetsSchema, type RunSettings } from './params';
import { healthReaderOf } from './reader';

/** Key of the reported findings in the node's workflow static data (the process-memory store's snapshot). */
const STATE_KEY = 'reportedFindings';

/** The parameter that names each kind of target (the credential needs none). */
const ID_PARAMETERS = { adAccount: 'adAccountIds', whatsappBusinessAccount: 'whatsappBusinessAccountIds', pixel: 'pixelIds' } as const;
type TargetKinds = keyof typeof ID_PARAMETERS;

/** The objects to check, and for each check's scope the first input item that named its object (its findings pair to that item). */
interface Plan {
	settings: RunSettings;
	targets: Record<TargetKinds, string[]>;
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
	// What each chosen check runs on, as the registry says.
	const chosen = HEALTH_CHECKS.filter((check) => settings.checks.includes(check.name));
	const plan: Plan = { settings, targets: { adAccount: [], whatsappBusinessAccount: [], pixel: [] }, namedBy: new Map() };
	ctx.getInputData().forEach((_, itemIndex) => {
		// A parameter the chosen checks hide comes back as its fallback: nothing to check.
		const raw = (name: string) => ctx.getNodeParameter(name, itemIndex, '') as unknown;
		const targets = parseParameters(
			node,
			targetsSchema,
			{ adAccountIds: raw('adAccountIds'), whatsappBusinessAccountIds: raw('whatsappBusinessAccountIds'), pixelIds: raw('pixelIds') },
			{ labels: LABELS, itemIndex },
		);
		for (const kind of Object.keys(ID_PARAMETERS) as TargetKinds[]) {
			const checks = chosen.filter((check) => check.target === kind);
			for (const id of checks.length > 0 ? targets[ID_PARAMETERS[kind]] : []) {
				if (!plan.targets[kind].includes(id)) plan.targets[kind].push(id);
				for (const check of checks) if (!plan.namedBy.has(scopeOf(check.name, id))) plan.namedBy.set(scopeOf(check.name, id), itemIndex);
			}
		}
	});
	return plan;
}

/** The input item a finding pairs to: the one that named its object (the credential's: the first). */
const pairedIndex = (plan: Plan, scope: string): number => plan.namedBy.get(scope) ?? 0;

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

	const reader = healthReaderOf(client, { maxPages: settings.options.maxPages, signal });
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
