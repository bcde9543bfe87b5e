// Classify Error's parameters, validated with zod.
// No n8n imports: the node reads raw values, this module says what they mean or what is wrong.
import { z } from 'zod';
import { ERROR_CATEGORIES } from '../shared/core';

/** Output items whose keys are only these are moved to the error output by n8n. */
const ERROR_ITEM_KEYS = ['error', 'message', 'details'];

/** Fields Classify Error writes on its output items besides the classified error and the summary. */
const NODE_FIELDS = ['whatsappStatus'];
const notNodeField = (name: string) => !NODE_FIELDS.includes(name);
const nodeFieldMessage = (keep: string) =>
	`must not be ${NODE_FIELDS.join(' or ')}: the node writes the failed WhatsApp status there on WhatsApp items; keep ${keep}`;

/** Parameter names as the user sees them in the node, for messages. */
export const LABELS: Record<string, string> = {
	mode: 'Mode',
	categories: 'Categories',
	failureSource: 'Failure Source',
	outputField: 'Output Field',
	summaryField: 'Summary Field',
};

const fieldName = z.string().trim().min(1, 'must not be empty');

export const parametersSchema = z
	.object({
		mode: z.enum(['annotate', 'route'], { error: 'must be Annotate or Route by Category' }),
		categories: z.array(z.enum(ERROR_CATEGORIES, { error: 'contains an unknown category' })),
		failureSource: z.enum(['auto', 'field'], { error: 'must be Auto-Detect or Field' }),
		outputField: fieldName
			.refine((name) => !ERROR_ITEM_KEYS.includes(name), {
				error: 'must not be error, message or details (n8n would treat the item as an error item); keep metaError',
			})
			.refine(notNodeField, { error: nodeFieldMessage('metaError') }),
		summaryField: z.string().trim().refine(notNodeField, { error: nodeFieldMessage('metaErrorSummary') }),
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
export type Parameters = z.infer<typeof parametersSchema>;
