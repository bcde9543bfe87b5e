// zod schemas of every failure shape classifyMetaError reads (docs/ARCHITECTURE.md, "The inputs classifyMetaError reads"), and of its
// output. Input schemas are lenient: a field of the wrong type is dropped (`.catch`), numbers
// may arrive as strings, and unknown keys are ignored, so one odd field never hides the rest.
import { z } from 'zod';
import { ERROR_ACTIONS, ERROR_CATEGORIES, ERROR_SOURCES } from '../types';

const opt = <T extends z.ZodType>(schema: T) => schema.optional().catch(undefined);

/** 190 or "190". */
export const intLikeSchema = z.union([
	z.number().int(),
	z.string().regex(/^\s*-?\d{1,15}\s*$/).transform(Number),
]);
/** Graph codes are numbers (readers turn "190" into 190); AdCP and transport codes are strings. */
export const codeSchema = z.union([z.number().int(), z.string().min(1).max(200)]);
const boolLike = z.union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')]);
const text = z.string();
/** Seconds, as a number or numeric string. */
const secondsSchema = z.union([
	z.number().nonnegative(),
	z.string().regex(/^\s*\d+(\.\d+)?\s*$/).transform(Number),
]);

/**
 * The inner Graph / Marketing / WhatsApp error object. This strict variant matches what Meta
 * sends; the loose one below is the fallback for retyped fields. readers/plain.ts checks the same
 * shape by hand first (keep the two in step).
 */
export const graphErrorSchema = z.object({
	message: text.optional(),
	type: text.optional(),
	code: z.number().int().optional(),
	error_subcode: z.number().int().optional(),
	is_transient: z.boolean().optional(),
	error_user_title: text.optional(),
	error_user_msg: text.optional(),
	error_data: z.unknown().optional(),
	fbtrace_id: text.optional(),
	/** WhatsApp status errors carry a title beside the message. */
	title: text.optional(),
});

export const graphErrorLooseSchema = z.object({
	message: opt(text),
	type: opt(text),
	code: opt(intLikeSchema),
	error_subcode: opt(intLikeSchema),
	is_transient: opt(boolLike),
	error_user_title: opt(text),
	error_user_msg: opt(text),
	error_data: z.unknown().optional(),
	fbtrace_id: opt(text),
	title: opt(text),
});
export type GraphError = z.infer<typeof graphErrorLooseSchema>;

/** `error_data`: an object (or JSON text of one) with WhatsApp `details` or Marketing `blame_field_specs`. */
export const errorDataSchema = z.object({
	details: opt(text),
	blame_field_specs: opt(z.array(z.unknown())),
});
export type ErrorData = z.infer<typeof errorDataSchema>;

/** 1. `{ error: { ... } }` */
export const graphErrorBodySchema = z.object({ error: graphErrorLooseSchema });

/** 2. The async job failure. */
export const asyncJobFailureSchema = z.object({
	result: opt(z.object({ error: z.unknown() })),
	error_code: opt(intLikeSchema),
	status: z.string().regex(/^failed$/i),
	exception: opt(text),
	id: opt(z.union([text, z.number()])),
});

/** 3. An AdCP task failure. */
export const adcpFailureSchema = z.object({
	status: z.literal('failed'),
	error_code: opt(z.string()),
	message: opt(text),
	field: opt(text),
	suggestions: opt(z.union([z.array(z.unknown()), text])),
	retry_after: opt(secondsSchema),
	details: z.unknown().optional(),
});

/** 4. A generic internal failure. */
export const internalFailureSchema = z.object({
	success: z.literal(false),
	message: opt(text),
	requestId: opt(z.union([text, z.number()])),
	code: opt(codeSchema),
	error: z.unknown().optional(),
	retry_after: opt(secondsSchema),
});

/** 5. A transport failure: an Error or its serialized form (Node, undici, TLS codes). */
export const transportErrorSchema = z.object({
	name: opt(text),
	message: opt(text),
	code: opt(z.string()),
	errno: opt(z.union([z.number(), text])),
	syscall: opt(text),
	cause: z.unknown().optional(),
});

/** 6. n8n's error items, Error Trigger `execution.error`, a (serialized) NodeApiError. */
export const n8nErrorSchema = z.object({
	name: opt(text),
	message: opt(text),
	description: opt(text.nullable()),
	httpCode: opt(z.union([text, z.number()]).nullable()),
	cause: z.unknown().optional(),
	errorResponse: z.unknown().optional(),
	context: z.unknown().optional(),
	messages: opt(z.array(z.unknown())),
});

/** 7. A failed WhatsApp message status as webhooks deliver it. */
export const whatsappFailedStatusSchema = z.object({
	id: opt(text),
	status: z.literal('failed'),
	recipient_id: opt(text),
	errors: z.array(z.unknown()),
});

export const metaUsageSchema = z.strictObject({
	maxPercent: z.number(),
	app: z.number().optional(),
	adAccount: z.number().optional(),
	businessUseCase: z.number().optional(),
	byBusiness: z.record(z.string(), z.record(z.string(), z.number())).optional(),
	insights: z.number().optional(),
	page: z.number().optional(),
	regainAccessMs: z.number().nonnegative().optional(),
	decayResetMs: z.number().positive().optional(),
});

/** The output contract of classifyMetaError: only the fields of docs/ARCHITECTURE.md's table, none of them null. */
export const metaErrorInfoSchema = z.strictObject({
	category: z.enum(ERROR_CATEGORIES),
	retryable: z.boolean(),
	action: z.enum(ERROR_ACTIONS),
	source: z.enum(ERROR_SOURCES),
	httpStatus: z.number().int().min(100).max(599).optional(),
	code: z.union([z.number().int(), z.string().min(1)]).optional(),
	subcode: z.number().int().optional(),
	type: z.string().optional(),
	message: z.string().optional(),
	userTitle: z.string().optional(),
	userMessage: z.string().optional(),
	details: z.string().optional(),
	fbtraceId: z.string().optional(),
	requestId: z.string().optional(),
	asyncSessionId: z.string().optional(),
	isTransient: z.boolean().optional(),
	retryAfterMs: z.number().int().nonnegative().optional(),
	usage: metaUsageSchema.optional(),
	field: z.string().optional(),
	suggestions: z.array(z.string()).optional(),
	meaning: z.string().min(1),
	remedy: z.string().min(1),
});
