// Classify Error's run: find the failure(s) each item carries, classify them, and put each
// annotated item on its output (Annotate: the only one; Route by Category: its category's, or Other).
import { NodeOperationError } from 'n8n-workflow';
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { CATEGORY_LABELS, classifyMetaError, createRedactor } from '../shared/core';
import type { MetaErrorInfo } from '../shared/core';
import { annotateItem, getPath, parseParameters, redactOutputs, REPLAY_VERBATIM, summarizeMetaError } from '../shared/n8n';
import { configuredOutputs } from './description';
import { locateAuto, locateValue, type LocatedFailure } from './locate';
import { LABELS, parametersSchema } from './params';

export async function executeClassifyError(ctx: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = ctx.getInputData();
	const node = ctx.getNode();
	const mode = ctx.getNodeParameter('mode', 0);
	const options = ctx.getNodeParameter('options', 0, {}) as IDataObject;
	const params = parseParameters(
		node,
		parametersSchema,
		{
			mode,
			categories: mode === 'route' ? ctx.getNodeParameter('categories', 0, []) : [],
			failureSource: ctx.getNodeParameter('failureSource', 0),
			outputField: ctx.getNodeParameter('outputField', 0),
			summaryField: options.summaryField ?? '',
		},
		{ labels: LABELS },
	);
	// The outputs n8n shows: the picked categories in order, then Other (Annotate: only that one).
	const picked = params.categories;
	const outputs = configuredOutputs({ mode: params.mode, categories: picked }, CATEGORY_LABELS).map(
		(): INodeExecutionData[] => [],
	);
	const other = outputs.length - 1;

	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		const item = items[itemIndex];
		for (const located of locate(ctx, item, itemIndex, params.failureSource)) {
			const info = classify(located);
			const fields: IDataObject = { [params.outputField]: info as unknown as IDataObject };
			if (located.whatsappStatus) fields.whatsappStatus = located.whatsappStatus as IDataObject;
			if (params.summaryField) fields[params.summaryField] = summarizeMetaError(info);
			const output = annotateItem(item, itemIndex, fields);
			const index = picked.indexOf(info.category);
			outputs[index === -1 ? other : index].push(output);
		}
	}
	// Tokens can sit anywhere in an incoming failure (URLs, copied request options).
	return redactOutputs(outputs, createRedactor(), { verbatim: REPLAY_VERBATIM });
}

function locate(
	ctx: IExecuteFunctions,
	item: INodeExecutionData,
	itemIndex: number,
	source: 'auto' | 'field',
): LocatedFailure[] {
	if (source === 'auto') return locateAuto(item.json, item.error);
	// A fixed text is a path into the item; an expression gives the failure itself.
	const raw = ctx.getNodeParameter('failureField', itemIndex, '', { rawExpressions: true });
	if (typeof raw === 'string' && !raw.startsWith('=')) {
		const path = raw.trim();
		if (path === '') {
			throw new NodeOperationError(ctx.getNode(), 'Invalid parameter — Failure Field: must not be empty', {
				description: 'Enter a dot path such as body.error, or an expression that returns the failure.',
				itemIndex,
			});
		}
		return locateValue(getPath(item.json, path), item.json, `Nothing found at "${path}" in this item.`);
	}
	const value = ctx.getNodeParameter('failureField', itemIndex, '');
	return locateValue(value, item.json, 'The Failure Field expression returned nothing for this item.');
}

function classify(located: LocatedFailure): MetaErrorInfo {
	const info = classifyMetaError(located.failure, located.context);
	return located.nothingFound ? { ...info, meaning: located.nothingFound } : info;
}
