/* eslint-disable n8n-nodes-base/node-filename-against-convention -- the file name is the package's fixed contract; the type name carries the `meta` prefix */
import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';

import { escalationRouterProperties, OUTPUT_NAMES } from './description';
import { executeEscalationRouter } from './execute';

export class EscalationRouter implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Escalation Router',
		name: 'metaEscalationRouter',
		icon: 'file:escalationRouter.svg',
		group: ['transform'],
		version: 1,
		description:
			'Route classified Meta errors to Retry, Pause, Alert, Escalate, Dead Letter or Ignore by your policy, with thresholds over time windows and alert cooldowns (kept between production runs, not manual test runs)',
		defaults: { name: 'Escalation Router' },
		inputs: ['main'],
		// One output per route: a router, not a regular one-output node.
		outputs: OUTPUT_NAMES.map(() => 'main' as const),
		outputNames: OUTPUT_NAMES,
		properties: escalationRouterProperties,
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await executeEscalationRouter(this);
	}
}
