// What the editor shows of the Meta Webhook Trigger: where to paste what in Meta's App Dashboard,
// the Verify Token, the filters, de-duplication and its state store.
import type { INodeProperties, IWebhookDescription } from 'n8n-workflow';

import { sharedStateProperties } from '../shared/n8n/state';
import { DEFAULT_DEDUP_HOURS, DEFAULT_MAX_BODY_KB } from './params';

/** Both on one URL, as Meta needs: GET for the verification request, POST for the events. */
export const WEBHOOK_PATH = 'webhook';

export const webhooks: IWebhookDescription[] = [
	{ name: 'setup', httpMethod: 'GET', responseMode: 'onReceived', path: WEBHOOK_PATH, ndvHideUrl: true },
	{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', path: WEBHOOK_PATH, ndvHideMethod: true },
];

const [stateStoreProperty] = sharedStateProperties;

export const metaWebhookTriggerProperties: INodeProperties[] = [
	{
		displayName:
			"In your Meta app (App Dashboard → WhatsApp → Configuration, or Webhooks for Page, Instagram, ad account…) paste this node's Production URL (Webhook URLs, above) as the Callback URL, and the Verify Token below, then subscribe the fields you want there: this trigger never changes your app's subscriptions. The Test URL works while you listen for a test event.",
		name: 'setupNotice',
		type: 'notice',
		default: '',
	},
	{
		displayName: 'Verify Token',
		name: 'verifyToken',
		type: 'string',
		typeOptions: { password: true },
		required: true,
		default: '',
		description:
			'Any long random text (8 characters or more). Type the same in the Verify Token field of the Meta App Dashboard: Meta sends it back when it checks the Callback URL.',
	},
	{
		displayName: 'Objects',
		name: 'objects',
		type: 'multiOptions',
		default: [],
		options: [
			{ name: 'Ad Account', value: 'ad_account' },
			{ name: 'Application', value: 'application' },
			{ name: 'Instagram', value: 'instagram' },
			{ name: 'Page (Incl. Leadgen)', value: 'page' },
			{ name: 'Permissions', value: 'permissions' },
			{ name: 'User', value: 'user' },
			{ name: 'WhatsApp Business Account', value: 'whatsapp_business_account' },
		],
		description: 'Start the workflow only for events about these objects. None selected: any object.',
	},
	{
		displayName: 'Fields',
		name: 'fields',
		type: 'string',
		default: '',
		placeholder: 'e.g. statuses, message_template_status_update',
		description:
			'Start the workflow only for these fields, separated by commas. WhatsApp status updates are "statuses", incoming messages "messages". Empty: any field.',
	},
	{
		displayName: 'Allow Unsigned Posts',
		name: 'allowUnsigned',
		type: 'boolean',
		default: false,
		description:
			"Whether to accept posts without checking their signature when the credential has no App Secret. Never needed with an App Secret: then every post's signature is checked.",
	},
	{
		displayName:
			'Unsafe: without an App Secret in the credential nothing proves that a post comes from Meta, and anyone who learns the URL can start this workflow. Paste the App Secret (App Dashboard → App settings → Basic) into the credential instead.',
		name: 'unsignedNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { allowUnsigned: [true] } },
	},
	{
		...stateStoreProperty,
		description: 'Where the events already seen are kept, for de-duplication. In queue mode webhooks land on the main or webhook processes: choose Redis to share them.',
	},
	{
		// n8n parses a webhook's body before the node runs (answering 422 itself when it is not JSON),
		// except for a version-1 node whose options.binaryData is set: the Webhook node's raw-body
		// switch. Set here, so the signature is checked first, on the bytes as received, and a body
		// that is not JSON gets this node's 400. Should n8n parse anyway, rawBody is still there.
		displayName: 'Raw Body',
		name: 'options',
		type: 'hidden',
		default: { binaryData: true },
	},
	{
		displayName: 'Options',
		name: 'triggerOptions',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'De-Duplication Window (Hours)',
				name: 'dedupWindowHours',
				type: 'number',
				typeOptions: { minValue: 0, maxValue: 168 },
				default: DEFAULT_DEDUP_HOURS,
				description:
					'An event seen again within this time (a redelivery by Meta: same message and status, same change) starts nothing. 0: off. Not on the Test URL.',
			},
			{
				displayName: 'Max Body Size (KB)',
				name: 'maxBodyKb',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: 16384 },
				default: DEFAULT_MAX_BODY_KB,
				description: 'A larger post is refused with 413 before it is read',
			},
			{
				displayName: 'Only Failed Statuses',
				name: 'onlyFailedStatuses',
				type: 'boolean',
				default: false,
				description:
					'Whether to drop WhatsApp status updates other than failed (sent, delivered, read). Other events are not affected: set Fields to statuses for failures only.',
			},
		],
	},
];
