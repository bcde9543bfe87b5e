// Meta webhook bodies as Meta posts them (shapes from Meta's webhook references: WhatsApp Cloud API
// statuses and messages, template status updates, Page leadgen and Messenger messaging), for the
// core, node, end-to-end and queue-mode tests of the Meta Webhook Trigger.
import { createHmac } from 'node:crypto';

export const WABA_ID = '102290129340398';
export const PHONE_NUMBER_ID = '106540352242922';
export const RECIPIENT = '16505551234';
export const MESSAGE_ID = 'wamid.HBgLMTY1MDU1NTEyMzQVAgARGBI5QTNDQTVCM0Q0Q0Q2RTY3RTcA';

type Obj = Record<string, unknown>;

/** A WhatsApp status update of message `id`; `failed` carries the error Meta gives. */
export function whatsAppStatus(status: 'sent' | 'delivered' | 'read' | 'failed', id = MESSAGE_ID, code = 131026): Obj {
	const common = { id, status, timestamp: '1750263773', recipient_id: RECIPIENT };
	if (status === 'failed') {
		return {
			...common,
			errors: [
				{
					code,
					title: 'Message undeliverable',
					message: 'Message undeliverable',
					error_data: { details: 'Message Undeliverable.' },
					href: 'https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/',
				},
			],
		};
	}
	return {
		...common,
		conversation: { id: 'CONVERSATION_ID', origin: { type: 'utility' } },
		pricing: { billable: true, pricing_model: 'PMP', category: 'utility' },
	};
}

/** A `messages` change value of the WhatsApp business account, with its metadata. */
export function whatsAppValue(parts: { statuses?: Obj[]; messages?: Obj[]; contacts?: Obj[]; errors?: Obj[] }): Obj {
	return { messaging_product: 'whatsapp', metadata: { display_phone_number: '15550783881', phone_number_id: PHONE_NUMBER_ID }, ...parts };
}

/** A whole WhatsApp webhook body with one `messages` change per value. */
export function whatsAppBody(...values: Obj[]): Obj {
	return { object: 'whatsapp_business_account', entry: [{ id: WABA_ID, changes: values.map((value) => ({ value, field: 'messages' })) }] };
}

export const statusBody = (...statuses: Obj[]) => whatsAppBody(whatsAppValue({ statuses }));

export const incomingMessage = {
	from: RECIPIENT,
	id: 'wamid.HBgLMTY1MDU1NTEyMzQVAgASGCA2QTE5RTU4MjlBRTJENUQ3MzMA',
	timestamp: '1749416383',
	type: 'text',
	text: { body: 'Does it come in another color?' },
};
export const incomingContact = { profile: { name: 'Sheena Nelson' }, wa_id: RECIPIENT };

export const templateStatusBody = {
	object: 'whatsapp_business_account',
	entry: [
		{
			id: WABA_ID,
			time: 1750263773,
			changes: [
				{
					value: { event: 'REJECTED', message_template_id: 1689556908129832, message_template_name: 'order_confirmation', message_template_language: 'en_US', reason: 'INVALID_FORMAT' },
					field: 'message_template_status_update',
				},
			],
		},
	],
};

export const leadgenBody = {
	object: 'page',
	entry: [
		{
			id: '153125381133',
			time: 1438292065,
			changes: [{ field: 'leadgen', value: { leadgen_id: 444444444444, page_id: 153125381133, form_id: 555555555555, ad_id: 666666666666, created_time: 1440120384 } }],
		},
	],
};

export const messengerBody = {
	object: 'page',
	entry: [
		{
			id: '153125381133',
			time: 1458692752478,
			messaging: [
				{ sender: { id: '1254459154682919' }, recipient: { id: '153125381133' }, timestamp: 1458692752478, message: { mid: 'mid.1457764197618:41d102a3e1ae206a38', text: 'hello, world!' } },
			],
		},
	],
};

/** The raw bytes Meta would post: JSON with non-ASCII text written as \u escapes, as Meta sends it. */
export function metaBytes(body: unknown): Buffer {
	return Buffer.from(JSON.stringify(body).replace(/[\u007f-\uffff]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`));
}

/** X-Hub-Signature-256 of `bytes` with `appSecret`, computed here rather than by the code under test. */
export function signBytes(bytes: Buffer | string, appSecret: string): string {
	return `sha256=${createHmac('sha256', appSecret).update(bytes).digest('hex')}`;
}
