// Meta Webhook Trigger's parameters, validated with zod.
// No n8n imports: the node reads raw values, this module says what they mean or what is wrong.
import { z } from 'zod';

/** The objects Meta's Webhooks product (and WhatsApp's configuration) posts about, as Meta names them. */
export const WEBHOOK_OBJECTS = ['ad_account', 'application', 'instagram', 'page', 'permissions', 'user', 'whatsapp_business_account'] as const;

/** Parameter names as the user sees them in the node, for messages. */
export const LABELS: Record<string, string> = {
	verifyToken: 'Verify Token',
	objects: 'Objects',
	fields: 'Fields',
	allowUnsigned: 'Allow Unsigned Posts',
	stateStore: 'Shared State',
	options: 'Options',
	onlyFailedStatuses: 'Only Failed Statuses',
	dedupWindowHours: 'De-Duplication Window (Hours)',
	maxBodyKb: 'Max Body Size (KB)',
};

export const DEFAULT_DEDUP_HOURS = 24;
/** WhatsApp redelivers for up to 7 days. */
const MAX_DEDUP_HOURS = 7 * 24;
export const DEFAULT_MAX_BODY_KB = 1024;
/** n8n's own bound on a request body (N8N_PAYLOAD_SIZE_MAX, 16 MB by default). */
const MAX_BODY_KB = 16 * 1024;
/** The redactor ignores shorter secrets, and a short token is easy to guess. */
const MIN_VERIFY_TOKEN = 8;

const FIELD_NAME = /^[a-z0-9_.]+$/i;

export const settingsSchema = z.object({
	verifyToken: z
		.string({ error: 'must be text' })
		.min(MIN_VERIFY_TOKEN, `must be at least ${MIN_VERIFY_TOKEN} characters: type a long random text, and the same in the Meta App Dashboard`)
		.max(512, 'must be at most 512 characters')
		.refine((token) => token.trim() === token, { error: 'must not start or end with a space (Meta would not send them back)' }),
	objects: z.array(z.enum(WEBHOOK_OBJECTS, { error: 'contains an unknown object' }), { error: 'must be a list of objects' }),
	fields: z
		.string({ error: 'must be text' })
		.transform((list) => list.split(',').map((field) => field.trim()).filter((field) => field !== ''))
		.refine((fields) => fields.every((field) => FIELD_NAME.test(field)), {
			error: 'must be field names separated by commas, such as statuses, messages, leadgen',
		}),
	allowUnsigned: z.boolean({ error: 'must be on or off' }),
	stateStore: z.enum(['memory', 'redis'], { error: 'must be This n8n Process or Redis (Queue Mode)' }),
	// The Options collection (the node names it triggerOptions: n8n reads `options` as the raw-body switch).
	options: z.object({
		onlyFailedStatuses: z.boolean().default(false),
		dedupWindowHours: z
			.number({ error: 'must be a number of hours' })
			.min(0, 'must be 0 (off) or more')
			.max(MAX_DEDUP_HOURS, `must be at most ${MAX_DEDUP_HOURS} (7 days, as long as WhatsApp redelivers)`)
			.default(DEFAULT_DEDUP_HOURS),
		maxBodyKb: z
			.number({ error: 'must be a number of kilobytes' })
			.int('must be a whole number')
			.min(1, 'must be at least 1')
			.max(MAX_BODY_KB, `must be at most ${MAX_BODY_KB} (n8n's own limit)`)
			.default(DEFAULT_MAX_BODY_KB),
	}),
});
export type TriggerSettings = z.infer<typeof settingsSchema>;
