/* eslint-disable n8n-nodes-base/node-filename-against-convention -- the file name is fixed by DESIGN.md; the type name carries the `meta` prefix */
import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeParameters,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { z } from 'zod';

import { classifyMetaError, createRedactor, ERROR_CATEGORIES } from '../shared/core';
import type { ErrorCategory, MetaErrorInfo } from '../shared/core';
import { annotateItem, getPath, parseParameters, redactOutputs, summarizeMetaError } from '../shared/n8n';
import { locateAuto, locateValue, type LocatedFailure } from './locate';

const CATEGORY_LABELS: Record<ErrorCategory, string> = {
	auth: 'Auth',
	permission: 'Permission',
	validation: 'Validation',
	not_found: 'Not Found',
	rate_limit: 'Rate Limit',
	server: 'Server',
	policy: 'Policy',
	template: 'Template',
	delivery: 'Delivery',
	business: 'Business',
	network: 'Network',
	unknown: 'Unknown',
};

// Evaluated by n8n as an expression (like the Switch node): it must not use anything from this
// module's scope, so the labels are passed in.
const configuredOutputs = (parameters: INodeParameters, labels: Record<string, string>) => {
	if (parameters.mode !== 'route') return [{ type: 'main' }];
	const picked = Array.isArray(parameters.categories) ? parameters.categories : [];
	return picked
		.map((category) => ({ type: 'main', displayName: labels[String(category)] || String(category) }))
		.concat([{ type: 'main', displayName: 'Other' }]);
};

// Output items whose keys are only these are moved to the error output by n8n.
const ERROR_ITEM_KEYS = ['error', 'message', 'details'];

const LABELS = {
	mode: 'Mode',
	categories: 'Categories',
	failureSource: 'Failure Source',
	outputField: 'Output Field',
	summaryField: 'Summary Field',
};

const fieldName = z.string().trim().min(1, 'must not be empty');

const parametersSchema = z
	.object({
		mode: z.enum(['annotate', 'route'], { error: 'must be Annotate or Route by Category' }),
		categories: z.array(z.enum(ERROR_CATEGORIES, { error: 'contains an unknown category' })),
		failureSource: z.enum(['auto', 'field'], { error: 'must be Auto-Detect or Field' }),
		outputField: fieldName.refine((name) => !ERROR_ITEM_KEYS.includes(name), {
			error: 'must not be error, message or details (n8n would treat the item as an error item); keep metaError',
		}),
		summaryField: z.string().trim(),
	})
	.superRefine((value, ctx) => {
		if (value.mode === 'route' && value.categories.length === 0) {
			ctx.addIssue({
				code: 'custom',
				path: ['categories'],
				message: 'pick at least one category to get an output for it (the rest go to Other)',
			});
		}
		if (value.summaryField !== '' && value.summaryField === value.outputField) {
			ctx.addIssue({
				code: 'custom',
				path: ['summaryField'],
				message: 'must differ from Output Field, or be left empty',
			});
		}
	});

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
		outputs: `={{(${configuredOutputs})($parameter, ${JSON.stringify(CATEGORY_LABELS)})}}`,
		properties: [
			{
				displayName: 'Mode',
				name: 'mode',
				type: 'options',
				noDataExpression: true,
				options: [
					{
						name: 'Annotate',
						value: 'annotate',
						description: 'One output: every item with its classified error added',
					},
					{
						name: 'Route by Category',
						value: 'route',
						description: 'One output per category you pick, plus Other',
					},
				],
				default: 'annotate',
			},
			{
				displayName: 'Categories',
				name: 'categories',
				type: 'multiOptions',
				noDataExpression: true,
				displayOptions: { show: { mode: ['route'] } },
				options: ERROR_CATEGORIES.map((category) => ({
					name: CATEGORY_LABELS[category],
					value: category,
				})).sort((a, b) => a.name.localeCompare(b.name)),
				default: ['rate_limit', 'server', 'auth'],
				description:
					'One output per category, in the order picked; items of any other category go to the last output, Other',
			},
			{
				displayName: 'Failure Source',
				name: 'failureSource',
				type: 'options',
				noDataExpression: true,
				options: [
					{
						name: 'Auto-Detect',
						value: 'auto',
						description:
							'Find the failure in the item: error output items, HTTP Request responses, Error Trigger data, Meta bodies, WhatsApp webhooks',
					},
					{
						name: 'Field',
						value: 'field',
						description: 'Read the failure from a field or an expression you give',
					},
				],
				default: 'auto',
			},
			{
				displayName: 'Failure Field',
				name: 'failureField',
				type: 'string',
				displayOptions: { show: { failureSource: ['field'] } },
				default: '',
				placeholder: 'e.g. body.error',
				description:
					'Dot path of the failure in the item (e.g. body.error), or an expression that returns the failure itself (drag the field in)',
			},
			{
				displayName: 'Output Field',
				name: 'outputField',
				type: 'string',
				default: 'metaError',
				description: 'Field that receives the classified error; the item keeps its other fields',
			},
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add Option',
				default: {},
				options: [
					{
						displayName: 'Summary Field',
						name: 'summaryField',
						type: 'string',
						default: 'metaErrorSummary',
						description:
							'Also write a one-line summary for alerts to this field, e.g. "rate_limit 17 (retryable): User request limit reached — …"',
					},
				],
			},
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const node = this.getNode();
		const mode = this.getNodeParameter('mode', 0);
		const options = this.getNodeParameter('options', 0, {}) as IDataObject;
		const params = parseParameters(
			node,
			parametersSchema,
			{
				mode,
				categories: mode === 'route' ? this.getNodeParameter('categories', 0, []) : [],
				failureSource: this.getNodeParameter('failureSource', 0),
				outputField: this.getNodeParameter('outputField', 0),
				summaryField: options.summaryField ?? '',
			},
			{ labels: LABELS },
		);
		// Annotate reads no categories: everything lands on the single (last) output.
		const picked: ErrorCategory[] = params.categories;
		const outputs: INodeExecutionData[][] = Array.from({ length: picked.length + 1 }, () => []);

		for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
			const item = items[itemIndex];
			for (const located of locate(this, item, itemIndex, params.failureSource)) {
				const info = classify(located);
				const fields: IDataObject = { [params.outputField]: info as unknown as IDataObject };
				if (located.whatsappStatus) fields.whatsappStatus = located.whatsappStatus as IDataObject;
				if (params.summaryField) fields[params.summaryField] = summarizeMetaError(info);
				const output = annotateItem(item, itemIndex, fields);
				const index = picked.indexOf(info.category);
				outputs[index === -1 ? picked.length : index].push(output);
			}
		}
		// Tokens can sit anywhere in an incoming failure (URLs, copied request options).
		return redactOutputs(outputs, createRedactor());
	}
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
