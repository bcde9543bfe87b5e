// Meta Health Check's parameters, validated with zod. No n8n imports: the node reads raw values,
// this module says what they mean or what is wrong.
import { z } from 'zod';

import { DEFAULT_HEALTH_SETTINGS, HEALTH_CHECK_NAMES, type HealthSettings } from '../shared/core';

export const REPORT_MODES = ['newAndResolved', 'everyRun'] as const;
export type ReportMode = (typeof REPORT_MODES)[number];

/** Parameter names as the editor shows them, for messages. */
export const LABELS: Record<string, string> = {
	checks: 'Checks',
	report: 'Report',
	adAccountIds: 'Ad Account IDs',
	whatsappBusinessAccountIds: 'WhatsApp Business Account IDs',
	pixelIds: 'Pixel IDs',
	tokenExpiryDays: 'Token Expiry Warning (Days)',
	requiredScopes: 'Required Permissions',
	apiVersionNoticeDays: 'API Version Notice (Days)',
	apis: 'APIs Used',
	spendCapPercent: 'Spending Limit Warning (%)',
	pixelSilentHours: 'Pixel Silent After (Hours)',
	maxPages: 'Max Pages',
};

/** Text separated by commas, spaces or new lines (a pasted column), or a list from an expression. */
const words = z
	.union([z.string(), z.number(), z.array(z.union([z.string(), z.number()]))], { error: 'must be IDs separated by commas, or a list of IDs' })
	.transform((value) => (Array.isArray(value) ? value.map(String) : String(value).split(/[\s,;]+/)).map((word) => word.trim()).filter((word) => word !== ''));

/** IDs of one kind: each checked, given back as Meta names the object. */
const ids = (pattern: RegExp, example: string, normalize: (id: string) => string = (id) => id) =>
	words.default([]).transform((list, ctx) => {
		const wrong = list.filter((id) => !pattern.test(id));
		if (wrong.length > 0) {
			ctx.addIssue({ code: 'custom', message: `${wrong.length === 1 ? 'this is not an ID' : 'these are not IDs'}: ${wrong.slice(0, 3).map((id) => JSON.stringify(id.slice(0, 40))).join(', ')}; give IDs such as ${example}` });
			return z.NEVER;
		}
		return [...new Set(list.map(normalize))];
	});

/** The objects one input item names. */
export const targetsSchema = z.object({
	// An ad account is act_<digits>; its bare number is accepted and named the same way.
	adAccountIds: ids(/^(act_)?\d+$/, 'act_1234567890 or 1234567890', (id) => (id.startsWith('act_') ? id : `act_${id}`)),
	whatsappBusinessAccountIds: ids(/^\d+$/, '102290129340398'),
	pixelIds: ids(/^\d+$/, '1234567890123456'),
});
export type Targets = z.infer<typeof targetsSchema>;

/** What the run checks and how it reports: read once, from the first item. */
export const settingsSchema = z.object({
	checks: z
		.array(z.enum(HEALTH_CHECK_NAMES, { error: `must be among ${HEALTH_CHECK_NAMES.join(', ')}` }))
		.min(1, 'choose at least one check'),
	report: z.enum(REPORT_MODES).default('newAndResolved'),
	options: z
		.object({
			tokenExpiryDays: z.number().min(0).max(365).default(DEFAULT_HEALTH_SETTINGS.tokenExpiryDays),
			requiredScopes: words.default([]),
			apiVersionNoticeDays: z.number().min(0).max(730).default(DEFAULT_HEALTH_SETTINGS.apiVersionNoticeDays),
			apis: z.array(z.enum(['graph', 'marketing'])).min(1, 'choose at least one API').default(DEFAULT_HEALTH_SETTINGS.apis),
			spendCapPercent: z.number().min(1).max(100).default(DEFAULT_HEALTH_SETTINGS.spendCapPercent),
			pixelSilentHours: z.number().min(1).max(24 * 90).default(DEFAULT_HEALTH_SETTINGS.pixelSilentHours),
			maxPages: z.number().int().min(1).max(1000).default(10),
		})
		.default({} as never),
});
export type RunSettings = z.infer<typeof settingsSchema>;

export function healthSettings(options: RunSettings['options']): HealthSettings {
	const { tokenExpiryDays, requiredScopes, apiVersionNoticeDays, apis, spendCapPercent, pixelSilentHours } = options;
	return { tokenExpiryDays, requiredScopes, apiVersionNoticeDays, apis, spendCapPercent, pixelSilentHours };
}
