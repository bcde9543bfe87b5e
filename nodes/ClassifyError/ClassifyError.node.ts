/* eslint-disable n8n-nodes-base/node-filename-against-convention -- the file name is the package's fixed contract; the type name carries the `meta` prefix */
import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { classifyErrorOutputs, classifyErrorProperties } from './description';
import { executeClassifyError } from './execute';
import { redactingErrors } from '../shared/n8n';

export class ClassifyError implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Classify Error',
		name: 'metaClassifyError',
		icon: 'file:classifyError.svg',
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["mode"] === "route" ? "Route by Category" : "Annotate"}}',
		description:
			'Classify any Meta API failure (category, retryable, action, meaning, remedy) and route by category',
		defaults: { name: 'Classify Error' },
		usableAsTool: true,
		inputs: ['main'],
		// Annotate: one output. Route by Category: one per picked category, then Other.
		outputs: classifyErrorOutputs,
		properties: classifyErrorProperties,
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		// Its error messages are redacted like its outputs (a field may hold a token).
		return await redactingErrors(async () => await executeClassifyError(this));
	}
}
