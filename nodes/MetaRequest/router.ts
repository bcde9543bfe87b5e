// The one place Meta Request dispatches: the Operation parameter (the same for every item, it
// takes no expression) names the operation, which runs through the run frame (pipeline.ts).
import { NodeOperationError } from 'n8n-workflow';
import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { DEFAULT_OPERATION, OPERATIONS, operationNamed } from './operations';
import { runOperation } from './pipeline';

export async function routeMetaRequest(ctx: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const value = ctx.getNodeParameter('operation', 0, DEFAULT_OPERATION);
	const operation = operationNamed(value);
	if (!operation) {
		throw new NodeOperationError(ctx.getNode(), `Unknown operation "${String(value)}"`, {
			description: `Choose one of: ${OPERATIONS.map(({ option }) => option.name).join(', ')}.`,
		});
	}
	return await runOperation(ctx, operation);
}
