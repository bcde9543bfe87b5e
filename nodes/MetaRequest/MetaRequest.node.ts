import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { META_CREDENTIAL_TEST, testMetaCredential } from '../shared/n8n/credentialTest';
import { metaRequestProperties, OUTPUT_NAMES } from './description';
import { SUBTITLE } from './operations';
import { routeMetaRequest } from './router';
import { redactingErrors } from '../shared/n8n';

export class MetaRequest implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Meta Request',
		name: 'metaRequest',
		icon: 'file:meta.svg',
		group: ['transform'],
		version: 1,
		subtitle: SUBTITLE,
		description:
			'Call the Meta Graph API with retries, throttling, a circuit breaker and idempotent writes; every item ends on Success or Failed',
		defaults: { name: 'Meta Request' },
		usableAsTool: true,
		inputs: ['main'],
		// Two named outputs (Success, Failed) are the node's contract: every item ends on one of them.
		outputs: OUTPUT_NAMES.map(() => 'main' as const),
		outputNames: OUTPUT_NAMES,
		// The credential's Test button runs testMetaCredential (it follows no redirect with the token)
		// Redis: n8n's own credential (REDIS_CREDENTIAL_NAME), asked for only when Shared State is Redis
		// eslint-disable-next-line n8n-nodes-base/node-class-description-credentials-name-unsuffixed -- n8n's built-in Redis credential is named redis
		credentials: [{ name: 'metaGraphApi', required: true, testedBy: META_CREDENTIAL_TEST }, { name: 'redis', required: true, displayOptions: { show: { stateStore: ['redis'] } } }],
		properties: metaRequestProperties,
	};

	methods = { credentialTest: { [META_CREDENTIAL_TEST]: testMetaCredential } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		// Its error messages are redacted like its outputs (a field may hold a token).
		return await redactingErrors(async () => await routeMetaRequest(this));
	}
}
