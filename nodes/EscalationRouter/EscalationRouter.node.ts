/* eslint-disable n8n-nodes-base/node-filename-against-convention -- the file name is the package's fixed contract; the type name carries the `meta` prefix */
import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';

import { escalationRouterProperties, OUTPUT_NAMES } from './description';
import { executeEscalationRouter } from './execute';
import { redactingErrors } from '../shared/n8n';

export class EscalationRouter implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Escalation Router',
		name: 'metaEscalationRouter',
		icon: 'file:escalationRouter.svg',
		group: ['transform'],
		version: 1,
		description:
			'Route classified Meta errors to Retry, Pause, Alert, Escalate, Dead Letter or Ignore by your policy, with thresholds over time windows and alert cooldowns, counted across executions (in this n8n process, or in Redis for queue mode)',
		defaults: { name: 'Escalation Router' },
		inputs: ['main'],
		// One output per route: a router, not a regular one-output node.
		outputs: OUTPUT_NAMES.map(() => 'main' as const),
		outputNames: OUTPUT_NAMES,
		// Redis: n8n's own credential (REDIS_CREDENTIAL_NAME), asked for only when Shared State is Redis
		// eslint-disable-next-line n8n-nodes-base/node-class-description-credentials-name-unsuffixed -- n8n's built-in Redis credential is named redis
		credentials: [{ name: 'redis', required: true, displayOptions: { show: { stateStore: ['redis'] } } }],
		properties: escalationRouterProperties,
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		// Its error messages are redacted like its outputs (a field may hold a token).
		return await redactingErrors(async () => await executeEscalationRouter(this));
	}
}
