// The Batch Status Poller's run: check every item's job ID first, follow the jobs (a few at a
// time), then put each job's outcome on Completed, Failed (one item of a job), Job Failed, Still
// Running or Succeeded, paired with the input item, in input order.
import { NodeOperationError } from 'n8n-workflow';
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { cancellableSleep, createRedactor, followJob, internalErrors, type Followed, type ItemResult, type JobTarget, type MetaErrorInfo } from '../shared/core';
import { annotateItem, getMetaCredential, getPath, outputItem, parseParameters, redactOutputs, sharedState, storeForItem } from '../shared/n8n';
import { MetaClient } from '../shared/transport';
import { OUTPUTS, type OutputName } from './description';
import { catalogIdSchema, followSettings, jobIdSchema, LABELS, sentRequestsSchema, settingsSchema } from './params';
import { compact, forEachLimited } from '../shared/core/util';

const MAX_JOB_WARNINGS = 100;

export async function executeBatchStatusPoller(ctx: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = ctx.getInputData();
	const outputs: INodeExecutionData[][] = OUTPUTS.map(() => []);
	const itemsOn = (name: OutputName) => outputs[OUTPUTS.indexOf(name)];
	if (items.length === 0) return outputs;
	const node = ctx.getNode();

	const credential = await getMetaCredential(ctx);
	const state = await sharedState(ctx);
	// Polls share pacing and breakers with Meta Request through the store; what it had to say goes on every item.
	const stateWarnings: string[] = [];
	const settings = parseParameters(
		node,
		settingsSchema,
		{
			jobKind: ctx.getNodeParameter('jobKind', 0),
			jobIdField: ctx.getNodeParameter('jobIdField', 0),
			statusUrl: ctx.getNodeParameter('statusUrl', 0, ''),
			mapping: ctx.getNodeParameter('mapping', 0, {}),
			initialInterval: ctx.getNodeParameter('initialInterval', 0),
			backoffFactor: ctx.getNodeParameter('backoffFactor', 0),
			maxInterval: ctx.getNodeParameter('maxInterval', 0),
			timeout: ctx.getNodeParameter('timeout', 0),
			options: ctx.getNodeParameter('options', 0, {}),
		},
		{ labels: LABELS },
	);
	const follow = followSettings(settings);
	const { errorField } = settings.options;

	// Every job ID is checked before any poll: a typo in item 7 should not cost minutes of polling first.
	const idSchema = jobIdSchema(settings.jobKind, settings.jobIdField);
	const jobIds = items.map((item, itemIndex) => {
		const found = idSchema.safeParse(getPath(item.json, settings.jobIdField));
		if (found.success) return found.data;
		const message = `Item ${itemIndex} ${found.error.issues[0].message}`;
		if (!ctx.continueOnFail()) throw new NodeOperationError(node, message, { itemIndex });
		return internalErrors.invalidJobId(message);
	});
	// A catalog batch is polled on its catalog, per item (an expression may name a different one each).
	const targets: Array<Omit<JobTarget, 'statusUrl'>> = items.map((_, itemIndex) => {
		if (settings.jobKind !== 'catalog_batch' || typeof jobIds[itemIndex] !== 'string') return {};
		const catalogId = catalogIdSchema.safeParse(ctx.getNodeParameter('catalogId', itemIndex, ''));
		const requests = sentRequestsSchema.safeParse(ctx.getNodeParameter('sentRequests', itemIndex, ''));
		if (catalogId.success && requests.success) return { catalogId: catalogId.data, requests: requests.data };
		const [label, issue] = catalogId.success ? ['Sent Requests', requests.error!.issues[0]] : ['Catalog ID', catalogId.error.issues[0]];
		const message = `Item ${itemIndex}: ${label} ${issue.message}`;
		if (!ctx.continueOnFail()) throw new NodeOperationError(node, `Invalid parameter — ${label}: ${issue.message}`, { itemIndex, description: message });
		jobIds[itemIndex] = internalErrors.invalidParameter(message);
		return {};
	});

	const { secrets, ...connection } = credential;
	const signal = ctx.getExecutionCancelSignal();
	// Every wait (between polls, before a retried poll) ends when the execution is cancelled.
	const wait = async (ms: number) => await cancellableSleep(ms, signal);
	const client = new MetaClient({
		...connection,
		retry: {
			maxAttempts: settings.options.pollRetries,
			baseDelayMs: settings.options.retryBaseDelay * 1000,
			maxDelayMs: Math.max(follow.schedule.maxIntervalMs, settings.options.retryBaseDelay * 1000),
			totalBudgetMs: Math.max(follow.schedule.timeoutMs, 1),
		},
		sleep: async (ms) => await wait(ms),
		store: storeForItem(state, stateWarnings),
	});
	const results: Array<Followed | MetaErrorInfo> = new Array(items.length);
	await forEachLimited(items.length, settings.options.concurrency, async (itemIndex) => {
		const jobId = jobIds[itemIndex];
		results[itemIndex] =
			typeof jobId === 'string'
				? await followJob(jobId, follow, { client, sleep: wait, now: Date.now, signal, secrets }, targets[itemIndex])
				: jobId;
	});

	const checkedAt = new Date().toISOString();
	items.forEach((item, itemIndex) => {
		const result = results[itemIndex];
		const withInput = (extra: IDataObject) => annotateItem(item, itemIndex, extra);
		if (!('polls' in result)) {
			itemsOn('Job Failed').push(withInput({ [errorField]: result as unknown as IDataObject }));
			return;
		}
		const jobId = jobIds[itemIndex] as string;
		const warnings = result.status?.warnings;
		const batchJob = compact({
			id: jobId,
			kind: settings.jobKind,
			catalogId: targets[itemIndex].catalogId,
			state: result.state,
			status: result.status?.status,
			progress: result.status?.progress,
			total: result.status?.total,
			succeeded: result.status?.succeeded,
			failed: result.status?.failed,
			// Catalog products Meta neither rejected nor proved applied (each on Failed, `unconfirmed: true`).
			unconfirmed: result.failures.filter((f) => f.unconfirmed).length || undefined,
			// Catalog batches: Meta's warnings (at most 100 here; each product's own are on its item).
			warnings: warnings?.slice(0, MAX_JOB_WARNINGS) as IDataObject[] | undefined,
			warningsTotal: warnings && warnings.length > MAX_JOB_WARNINGS ? warnings.length : undefined,
			polls: result.polls,
			elapsedMs: result.elapsedMs,
			resultsPending: result.resultsPending,
			// Still running: why it may not end by itself (a video upload that was never finished).
			reason: result.status?.reason,
			lastPollError: result.lastPollError as unknown as IDataObject | undefined,
			checkedAt,
			stateStore: state.kind,
			stateWarnings: stateWarnings.length > 0 ? [...stateWarnings] : undefined,
		});
		const perItem = (entry: ItemResult, extra: IDataObject) =>
			outputItem(
				compact({
					index: entry.index,
					id: entry.id,
					input: entry.input as IDataObject,
					...extra,
					status: entry.status,
					unconfirmed: entry.unconfirmed,
					warnings: entry.warnings as IDataObject[] | undefined,
					batchJob,
				}),
				itemIndex,
			);

		switch (result.state) {
			case 'completed':
				// What the job produced, when its status says (an async session's parsed `result`).
				if (result.failures.length === 0) itemsOn('Completed').push(withInput(compact({ result: result.status?.result as IDataObject | undefined, batchJob })));
				for (const failure of result.failures) {
					itemsOn('Failed').push(perItem(failure, { [errorField]: failure.error as unknown as IDataObject }));
				}
				for (const success of result.successes) {
					itemsOn('Succeeded').push(perItem(success, { result: success.result as IDataObject }));
				}
				break;
			case 'failed':
			case 'poll_failed':
				itemsOn('Job Failed').push(withInput({ [errorField]: result.error as unknown as IDataObject, batchJob }));
				break;
			case 'running':
				itemsOn('Still Running').push(withInput({ batchJob }));
				break;
		}
	});
	return redactOutputs(outputs, createRedactor([...credential.secrets, ...state.secrets]));
}
