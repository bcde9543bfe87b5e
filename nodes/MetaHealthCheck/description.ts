import type { INodeProperties } from 'n8n-workflow';

import { sharedStateProperties } from '../shared/n8n/state';

/** The outputs, in the order execute returns them. */
export const OUTPUT_NAMES: string[] = ['Findings', 'Healthy'];

const idsFor = (checks: string[], displayName: string, name: string, placeholder: string, description: string): INodeProperties => ({
	displayName,
	name,
	type: 'string',
	default: '',
	placeholder,
	description,
	displayOptions: { show: { checks } },
});

export const metaHealthCheckProperties: INodeProperties[] = [
	{
		displayName:
			'Reads only: finds what will fail before it does. Each finding is one item on Findings with metaError, ready for Escalation Router; Healthy gets one summary item per run.',
		name: 'readsOnlyNotice',
		type: 'notice',
		default: '',
	},
	{
		displayName: 'Checks',
		name: 'checks',
		type: 'multiOptions',
		default: ['token', 'apiVersion'],
		required: true,
		options: [
			{ name: 'Access Token', value: 'token', description: 'Valid, not expiring within the warning days, with the permissions you list (debug_token)' },
			{ name: 'Ad Account Status', value: 'adAccount', description: 'Disabled, unpaid, in review or closed; spending limit almost reached' },
			{ name: 'Ads Disapproved or With Issues', value: 'ads', description: "Each ad Meta's review disapproved or that has issues, with Meta's reason" },
			{ name: 'API Version', value: 'apiVersion', description: "The credential's API version against Meta's published end dates" },
			{ name: 'Pixel Activity', value: 'pixel', description: 'No event for too long, or unavailable' },
			{ name: 'WhatsApp Phone Numbers', value: 'whatsappNumbers', description: 'Quality rating yellow or red, number flagged or restricted, display name declined' },
		],
		description: 'What to check. The token and API version need no IDs; the others check the IDs below.',
	},
	idsFor(
		['adAccount', 'ads'],
		'Ad Account IDs',
		'adAccountIds',
		'e.g. act_1234567890, act_2345678901',
		'Ad accounts to check, separated by commas (act_ may be left out), or an expression such as {{ $json.adAccountId }} to take one from each input item',
	),
	idsFor(
		['whatsappNumbers'],
		'WhatsApp Business Account IDs',
		'whatsappBusinessAccountIds',
		'e.g. 102290129340398',
		'WhatsApp Business Accounts whose phone numbers to check, separated by commas, or an expression taking one from each input item',
	),
	idsFor(['pixel'], 'Pixel IDs', 'pixelIds', 'e.g. 1234567890123456', 'Pixels (datasets) to check, separated by commas, or an expression taking one from each input item'),
	{
		displayName: 'Report',
		name: 'report',
		type: 'options',
		default: 'newAndResolved',
		options: [
			{
				name: 'New and Resolved Only',
				value: 'newAndResolved',
				description: 'A finding comes out once, on the run that first finds it; when it is gone, it comes out once on Healthy with resolved: true',
			},
			{ name: 'Every Run', value: 'everyRun', description: 'Every finding on every run' },
		],
		description: 'What a scheduled run reports. What was reported is kept in the Shared State store (manual runs in the editor do not save it between executions unless Shared State is Redis).',
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
				displayName: 'API Version Notice (Days)',
				name: 'apiVersionNoticeDays',
				type: 'number',
				typeOptions: { minValue: 0, maxValue: 730 },
				default: 60,
				description: "API_VERSION_SUNSET when the credential's API version ends within this many days",
			},
			{
				displayName: 'APIs Used',
				name: 'apis',
				type: 'multiOptions',
				default: ['graph', 'marketing'],
				options: [
					{ name: 'Graph API (Pages, Instagram, WhatsApp, Conversions)', value: 'graph' },
					{ name: 'Marketing API (Ads)', value: 'marketing' },
				],
				description: "Whose end dates count for the API version: the Marketing API ends a version years before the Graph API does",
			},
			{
				displayName: 'Max Pages',
				name: 'maxPages',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: 1000 },
				default: 10,
				description: 'Pages read at most per list (disapproved ads of an account, phone numbers of a WhatsApp Business Account)',
			},
			{
				displayName: 'Pixel Silent After (Hours)',
				name: 'pixelSilentHours',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: 24,
				description: 'PIXEL_SILENT when a pixel has received no event for this long',
			},
			{
				displayName: 'Required Permissions',
				name: 'requiredScopes',
				type: 'string',
				default: '',
				placeholder: 'e.g. ads_management, whatsapp_business_messaging',
				description: "Permissions the workflows need, separated by commas: TOKEN_SCOPE_MISSING for each the token lacks",
			},
			{
				displayName: 'Spending Limit Warning (%)',
				name: 'spendCapPercent',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: 100 },
				default: 90,
				description: "SPEND_CAP_NEAR when an ad account has spent this share of its account spending limit",
			},
			{
				displayName: 'Token Expiry Warning (Days)',
				name: 'tokenExpiryDays',
				type: 'number',
				typeOptions: { minValue: 0, maxValue: 365 },
				default: 7,
				description: "TOKEN_EXPIRING when the credential's token (or its data access) ends within this many days",
			},
		],
	},
];
