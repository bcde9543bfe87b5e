import type { INodeParameters, INodeProperties, INodeTypeDescription } from 'n8n-workflow';
import { CATEGORY_LABELS } from '../shared/core';
import { categoryOptions } from '../shared/n8n';

/**
 * The node's outputs for its parameters; the run sizes its outputs with it too. Evaluated by n8n
 * as an expression (like the Switch node): it must not use anything from this module's scope, so
 * the labels are passed in.
 */
export const configuredOutputs = (parameters: INodeParameters, labels: Record<string, string>) => {
	if (parameters.mode !== 'route') return [{ type: 'main' }];
	const picked = Array.isArray(parameters.categories) ? parameters.categories : [];
	return picked
		.map((category) => ({ type: 'main', displayName: labels[String(category)] || String(category) }))
		.concat([{ type: 'main', displayName: 'Other' }]);
};

export const classifyErrorOutputs: INodeTypeDescription['outputs'] = `={{(${configuredOutputs})($parameter, ${JSON.stringify(CATEGORY_LABELS)})}}`;

export const classifyErrorProperties: INodeProperties[] = [
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
		options: categoryOptions,
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
];
