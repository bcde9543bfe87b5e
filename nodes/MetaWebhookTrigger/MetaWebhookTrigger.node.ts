import type { IHookFunctions, INodeType, INodeTypeDescription, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import { META_CREDENTIAL_TEST, testMetaCredential } from '../shared/n8n/credentialTest';
import { metaWebhookTriggerProperties, webhooks } from './description';
import { readAppSecret, readSettings, receiveMetaWebhook } from './receive';

export class MetaWebhookTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Meta Webhook Trigger',
		name: 'metaWebhookTrigger',
		icon: 'file:metaWebhookTrigger.svg',
		group: ['trigger'],
		version: 1,
		subtitle: '={{$parameter["fields"] || "all fields"}}',
		description:
			'Starts the workflow on Meta webhook events (WhatsApp statuses and messages, leads, Page, Instagram, ad account changes): signature checked, one item per event, redeliveries dropped, failed statuses classified',
		defaults: { name: 'Meta Webhook Trigger' },
		inputs: [],
		outputs: ['main'],
		// The App Secret checks each post's signature; the Test button runs testMetaCredential.
		// Redis: n8n's own credential, asked for only when Shared State is Redis.
		// eslint-disable-next-line n8n-nodes-base/node-class-description-credentials-name-unsuffixed -- n8n's built-in Redis credential is named redis
		credentials: [{ name: 'metaGraphApi', required: true, testedBy: META_CREDENTIAL_TEST }, { name: 'redis', required: true, displayOptions: { show: { stateStore: ['redis'] } } }],
		webhooks,
		triggerPanel: {
			header: 'Starts the workflow when Meta posts an event to this node',
			executionsHelp: {
				inactive:
					"Listen for a test event, paste the Test URL into Meta's App Dashboard as the Callback URL and have Meta send one (the dashboard's Test button, or a WhatsApp message). For every event, activate the workflow and paste the Production URL instead.",
				active: 'Every new event Meta posts to the Production URL starts a run: the signature is checked and redeliveries start nothing. The runs are in the executions list.',
			},
			activationHint: "Once the workflow is built, activate it and paste the Production URL into Meta's App Dashboard as the Callback URL.",
		},
		properties: metaWebhookTriggerProperties,
	};

	methods = { credentialTest: { [META_CREDENTIAL_TEST]: testMetaCredential } };

	// Nothing is registered with Meta (the app's subscriptions stay as the user set them): activation
	// only checks the parameters and the credential, so a wrong one is said there, not on every post.
	webhookMethods = {
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				await readAppSecret(this, readSettings(this));
				return true;
			},
			async create(): Promise<boolean> {
				return true;
			},
			async delete(): Promise<boolean> {
				return true;
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await receiveMetaWebhook(this);
	}
}
