/* eslint-disable n8n-nodes-base/node-filename-against-convention -- the file name is the package's fixed contract; the type name carries the `meta` prefix */
import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';

import { batchStatusPollerProperties, OUTPUT_NAMES } from './description';
import { executeBatchStatusPoller } from './execute';
import { redactingErrors } from '../shared/n8n';

export class BatchStatusPoller implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Batch Status Poller',
		name: 'metaBatchStatusPoller',
		icon: 'file:batchStatusPoller.svg',
		group: ['transform'],
		version: 1,
		// $rawParameter: a Status URL given as an expression reads "(expression)" instead of hiding the subtitle.
		subtitle: '={{ { async_batch: "Async batch", report_run: "Report run", async_session: "Async session", ig_container: "Instagram container", video: "Video upload", catalog_batch: "Catalog batch", custom: String($rawParameter["statusUrl"] ?? "").startsWith("=") ? "Status URL (expression)" : $rawParameter["statusUrl"] }[$rawParameter["jobKind"] ?? "async_batch"] }}',
		description:
			'Follow asynchronous Meta work (async batches, report runs, async sessions, Instagram containers, video uploads, catalog batches, your own status URL) to the end and split it into per-item successes and failures',
		defaults: { name: 'Batch Status Poller' },
		// An AI agent can follow a job it started; the Router is left out: its thresholds belong to one workflow.
		usableAsTool: true,
		inputs: ['main'],
		// One output per outcome, so one failed ad of 200 is its own item on Failed.
		outputs: OUTPUT_NAMES.map(() => 'main' as const),
		outputNames: OUTPUT_NAMES,
		// Redis: n8n's own credential (REDIS_CREDENTIAL_NAME), asked for only when Shared State is Redis
		// eslint-disable-next-line n8n-nodes-base/node-class-description-credentials-name-unsuffixed -- n8n's built-in Redis credential is named redis
		credentials: [{ name: 'metaGraphApi', required: true }, { name: 'redis', required: true, displayOptions: { show: { stateStore: ['redis'] } } }],
		properties: batchStatusPollerProperties,
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		// Its error messages are redacted like its outputs (a field may hold a token).
		return await redactingErrors(async () => await executeBatchStatusPoller(this));
	}
}
