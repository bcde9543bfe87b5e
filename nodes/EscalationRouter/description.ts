import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import { META_ERROR_FIELD, ROUTE_TABLE } from '../shared/core';
import { categoryOptions } from '../shared/n8n';
import { sharedStateProperties } from '../shared/n8n/state';

/** One output per route, in the engine's order. */
export const OUTPUT_NAMES: string[] = ROUTE_TABLE.map((row) => row.output);

/** The routes a rule or threshold can send to, alphabetically as n8n lists options. */
const routeOptions: INodePropertyOptions[] = ROUTE_TABLE.map(({ route, output, description }) => ({
	name: output,
	value: route,
	description,
})).sort((a, b) => a.name.localeCompare(b.name));

const categoriesField: INodeProperties = {
	displayName: 'Categories',
	name: 'categories',
	type: 'multiOptions',
	options: categoryOptions,
	default: [],
	description: 'Error categories that match. None selected: any category.',
};

const codesField: INodeProperties = {
	displayName: 'Codes',
	name: 'codes',
	type: 'string',
	default: '',
	placeholder: 'e.g. 190, 368, RATE_LIMIT_EXCEEDED',
	description: 'Error codes that match, separated by commas (Graph, AdCP or transport codes). Empty: any code.',
};

export const escalationRouterProperties: INodeProperties[] = [
	{
		displayName:
			'Thresholds, anomaly baselines and cooldowns are remembered in the workflow\'s static data, which n8n saves only for production executions (active workflow: Schedule, Webhook or other trigger). Manual test runs start from zero and forget their counts.',
		name: 'staticDataNotice',
		type: 'notice',
		default: '',
	},
	{
		displayName: 'Error Field',
		name: 'errorField',
		type: 'string',
		default: META_ERROR_FIELD,
		description: 'Field holding the classified error (as written by Meta Request or Classify Error). Items without it are classified here.',
	},
	{
		displayName: 'Attempts Field',
		name: 'attemptsField',
		type: 'string',
		default: '',
		placeholder: 'e.g. retry.count',
		description: 'Field holding how many attempts the item has made. Empty: metaRequest.attempts (written by Meta Request), else attempts.',
	},
	{
		displayName: 'Retry Cap',
		name: 'retryCap',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 5,
		description:
			'An item that would be retried after this many attempts goes to Dead Letter instead, as does one Meta Request already retried up to its own Max Attempts',
	},
	{
		displayName: 'Never Automate Keywords',
		name: 'neverAutomate',
		type: 'string',
		default: 'budget, bid_amount, bid_cap, spend_cap',
		description:
			'An item whose field names, object type or error field contain one of these words (comma-separated, any case) always goes to Escalate, before any rule. Empty: no guard.',
	},
	{
		displayName: 'Rules',
		name: 'rules',
		type: 'fixedCollection',
		placeholder: 'Add Rule',
		typeOptions: { multipleValues: true, sortable: true },
		default: {},
		description: 'Checked in order; the first rule whose conditions all hold decides. Items no rule matches follow the default policy.',
		options: [
			// In the order a rule reads: its name, what it matches (category, codes, subcodes, object,
			// condition), then where it sends the item. n8n shows a fixedCollection's fields as declared.
			{
				displayName: 'Rule',
				name: 'rule',
				// eslint-disable-next-line n8n-nodes-base/node-param-fixed-collection-type-unsorted-items -- the order reads as a sentence
				values: [
					{
						displayName: 'Name',
						name: 'name',
						type: 'string',
						default: '',
						placeholder: 'e.g. Template errors to the content team',
						description: 'Shown in the reason of every item this rule routes',
					},
					categoriesField,
					codesField,
					{
						displayName: 'Subcodes',
						name: 'subcodes',
						type: 'string',
						default: '',
						placeholder: 'e.g. 463, 1487390',
						description: 'Graph error subcodes that match, separated by commas. Empty: any subcode.',
					},
					{
						displayName: 'AdCP Codes',
						name: 'adcpCodes',
						type: 'string',
						default: '',
						placeholder: 'e.g. CREATIVE_REJECTED',
						description: 'AdCP error codes that match, separated by commas; only AdCP task failures match. Empty: any.',
					},
					{
						displayName: 'Object Types',
						name: 'objectTypes',
						type: 'string',
						default: '',
						placeholder: 'e.g. ad, campaign',
						description: 'Values of the Object Type Field (see Options) that match, separated by commas. Empty: any.',
					},
					{
						displayName: 'Condition',
						name: 'condition',
						type: 'string',
						default: '',
						placeholder: 'e.g. {{ $json.spend > 100 }}',
						description: 'An expression that must be true for this item. Empty: no condition.',
					},
					{
						displayName: 'Route To',
						name: 'route',
						type: 'options',
						options: routeOptions,
						default: 'escalate',
					},
				],
			},
		],
	},
	{
		displayName: 'Thresholds',
		name: 'thresholds',
		type: 'fixedCollection',
		placeholder: 'Add Threshold',
		typeOptions: { multipleValues: true, sortable: true },
		default: {},
		description:
			'When Count matching items arrive within the window, the item that reaches the count goes to Route To (once per window); the others take their usual route',
		options: [
			{
				displayName: 'Threshold',
				name: 'threshold',
				values: [
					{
						displayName: 'Name',
						name: 'name',
						type: 'string',
						default: '',
						placeholder: 'e.g. Disapproval trend',
						description: 'Shown in the reason of the item that fires it',
					},
					categoriesField,
					codesField,
					{
						displayName: 'Count',
						name: 'count',
						type: 'number',
						typeOptions: { minValue: 1, maxValue: 10000 },
						default: 3,
						description: 'Matching items within the window that fire the threshold',
					},
					{
						displayName: 'Window (Minutes)',
						name: 'windowMinutes',
						type: 'number',
						typeOptions: { minValue: 0.01 },
						default: 60,
					},
					{
						displayName: 'Route To',
						name: 'route',
						type: 'options',
						options: routeOptions,
						default: 'escalate',
					},
				],
			},
		],
	},
	{
		displayName: 'Anomalies',
		name: 'anomalies',
		type: 'fixedCollection',
		placeholder: 'Add Anomaly',
		typeOptions: { multipleValues: true, sortable: true },
		default: {},
		description:
			'For items that carry a number instead of an error (spend, ROAS, CPA from an insights read): compared with the trailing average of the same object\'s earlier readings, then added to it. The first anomaly that fires decides the route; items with no anomaly go to Ignore.',
		options: [
			{
				displayName: 'Anomaly',
				name: 'anomaly',
				// eslint-disable-next-line n8n-nodes-base/node-param-fixed-collection-type-unsorted-items -- the order reads as a sentence
				values: [
					{
						displayName: 'Name',
						name: 'name',
						type: 'string',
						default: '',
						placeholder: 'e.g. Spend spike',
						description: 'Shown in the reason of every item this anomaly checks',
					},
					{
						displayName: 'Field',
						name: 'field',
						type: 'string',
						default: 'spend',
						placeholder: 'e.g. spend, cpa, purchase_roas.0.value',
						description: 'Field holding the number (dotted paths work; text numbers such as "12.34", as Meta returns them, are read)',
					},
					{
						displayName: 'Condition',
						name: 'condition',
						type: 'options',
						options: [
							{ name: 'Rises Above Factor × Baseline', value: 'above', description: 'A spike, e.g. spend above 3× its usual' },
							{ name: 'Falls Below Factor × Baseline', value: 'below', description: 'A drop, e.g. ROAS below 0.5× its usual' },
						],
						default: 'above',
					},
					{
						displayName: 'Factor',
						name: 'factor',
						type: 'number',
						typeOptions: { minValue: 0, numberPrecision: 2 },
						default: 3,
						description: 'N in "N× baseline": 1 or more for Rises Above, 1 or less for Falls Below',
					},
					{
						displayName: 'Baseline Window (Samples)',
						name: 'windowSamples',
						type: 'number',
						typeOptions: { minValue: 1, maxValue: 100 },
						default: 7,
						description: 'The baseline is the average of at most this many latest earlier readings of the object',
					},
					{
						displayName: 'Minimum Samples',
						name: 'minSamples',
						type: 'number',
						typeOptions: { minValue: 1 },
						default: 3,
						description: 'Earlier readings the baseline needs before this anomaly can fire',
					},
					{
						displayName: 'Object ID Field',
						name: 'objectIdField',
						type: 'string',
						default: '',
						placeholder: 'e.g. adset_id',
						description: 'Field naming the object each baseline is kept for. Empty: the item\'s own ID field, else the first it has of ad_id, adset_id, campaign_id, account_id.',
					},
					{
						displayName: 'Sample Key Field',
						name: 'sampleKeyField',
						type: 'string',
						default: '',
						placeholder: 'e.g. date_start',
						description:
							'Field naming each reading, e.g. date_start of a daily row: a reading whose key is not after the newest one counted is not counted again, so re-read days count once. Empty: every reading counts.',
					},
					{
						displayName: 'Route To',
						name: 'route',
						type: 'options',
						options: routeOptions,
						default: 'alert',
					},
				],
			},
		],
	},
	...sharedStateProperties,
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Alert On Pause',
				name: 'alertOnPause',
				type: 'boolean',
				default: true,
				description:
					'Whether items sent to Pause carry routing.alert = true (false for a repeat within the cooldown), so the Pause branch can also notify someone',
			},
			{
				displayName: 'Cooldown (Minutes)',
				name: 'cooldownMinutes',
				type: 'number',
				typeOptions: { minValue: 0 },
				default: 60,
				description:
					'The same alert or escalation (category, code, object) goes out at most once per cooldown; repeats go to Ignore. 0: no de-duplication.',
			},
			{
				displayName: 'Object ID Field',
				name: 'objectIdField',
				type: 'string',
				default: 'id',
				description: 'Field naming the object an error is about, part of the cooldown key',
			},
			{
				displayName: 'Object Type Field',
				name: 'objectTypeField',
				type: 'string',
				default: 'objectType',
				description: 'Field holding the object type (ad, adset, campaign, message…), for rules and the never-automate guard',
			},
			{
				displayName: 'Token-Wide Categories',
				name: 'objectlessCategories',
				type: 'multiOptions',
				options: categoryOptions,
				default: ['auth', 'network', 'rate_limit', 'server'],
				description:
					'Categories about the token or app rather than one object: their cooldown ignores the object, so a storm of them escalates once',
			},
		],
	},
];
