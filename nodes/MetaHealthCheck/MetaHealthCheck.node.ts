/* eslint-disable n8n-nodes-base/node-filename-against-convention -- the file name is the package's fixed contract; the type name carries the `meta` prefix */
import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';

import { META_CREDENTIAL_TEST, testMetaCredential } from '../shared/n8n/credentialTest';
import { redactingErrors } from '../shared/n8n';
import { metaHealthCheckProperties, OUTPUT_NAMES } from './description';
import { executeMetaHealthCheck } from './execute';

export class MetaHealthCheck implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Meta Health Check',
		name: 'metaHealthCheck',
		icon: 'file:metaHealthCheck.svg',
		group: ['input'],
		version: 1,
		subtitle: '={{ ($parameter.checks ?? []).length + " checks, " + ($parameter.report === "everyRun" ? "every run" : "new and resolved") }}',
		description:
			'Find what will fail before it does: an expiring token, an API version Meta ends, disabled or unpaid ad accounts, disapproved ads, WhatsApp numbers losing quality, silent pixels. Reads only.',
		defaults: { name: 'Meta Health Check' },
		usableAsTool: true,
		inputs: ['main'],
		// Findings (one item each, with metaError) and Healthy (the run's summary, and what was resolved).
		outputs: OUTPUT_NAMES.map(() => 'main' as const),
		outputNames: OUTPUT_NAMES,
		// eslint-disable-next-line n8n-nodes-base/node-class-description-credentials-name-unsuffixed -- n8n's built-in Redis credential is named redis
		credentials: [{ name: 'metaGraphApi', required: true, testedBy: META_CREDENTIAL_TEST }, { name: 'redis', required: true, displayOptions: { show: { stateStore: ['redis'] } } }],
		properties: metaHealthCheckProperties,
	};

	methods = { credentialTest: { [META_CREDENTIAL_TEST]: testMetaCredential } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		// Its error messages are redacted like its outputs.
		return await redactingErrors(async () => await executeMetaHealthCheck(this));
	}
}
