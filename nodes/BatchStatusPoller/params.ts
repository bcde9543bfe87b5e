// The Batch Status Poller's parameters, validated with zod and turned into follow settings.
// No n8n imports: the node reads raw values, this module says what they mean or what is wrong.
import { z } from 'zod';

import { DEFAULT_POLL_SCHEDULE, DEFAULT_STATUS_MAPPING, JOB_KINDS, type FollowSettings, type StatusMapping } from '../shared/core';

const SECOND = 1000;

const list = (fallback: readonly string[]) =>
	z
		.string()
		.default(fallback.join(', '))
		.transform((value) =>
			value
				.split(',')
				.map((part) => part.trim())
				.filter((part) => part !== ''),
		);

const field = (fallback: string) => z.string().trim().min(1, 'is empty: name a field of the status answer').default(fallback);
const seconds = (fallback: number) => z.number().min(0, 'must be 0 or more').default(fallback / SECOND);
/** Shortest wait between two polls: 0 polled a job in a tight loop (over 500 polls a second). */
export const MIN_POLL_INTERVAL_SECONDS = 1;
const interval = (fallback: number) =>
	z
		.number()
		.min(
			MIN_POLL_INTERVAL_SECONDS,
			`must be at least ${MIN_POLL_INTERVAL_SECONDS} s: shorter waits poll the job in a tight loop and spend your rate limit`,
		)
		.default(fallback / SECOND);

/** Fields the poller writes on its output items: an error written under one of these names would replace it, or be replaced. */
const POLLER_FIELDS = ['batchJob', 'id', 'index', 'input', 'warnings'];

const m = DEFAULT_STATUS_MAPPING;
const mappingSchema = z
	.object({
		status: field(m.status),
		progress: field(m.progress),
		total: field(m.total),
		succeeded: field(m.succeeded),
		errorMessage: field(m.errorMessage),
		errors: field(m.errors),
		itemIndex: field(m.itemIndex),
		itemId: field(m.itemId),
		doneValues: list(m.doneValues),
		failedValues: list(m.failedValues),
	})
	.default({ ...m, doneValues: [...m.doneValues], failedValues: [...m.failedValues] });

export const settingsSchema = z
	.object({
		jobKind: z.enum(JOB_KINDS, { message: `must be one of ${JOB_KINDS.join(', ')}` }),
		jobIdField: z.string().trim().min(1, 'is empty: name the field that holds the job ID, e.g. id'),
		statusUrl: z.string().trim().default(''),
		mapping: mappingSchema,
		initialInterval: interval(DEFAULT_POLL_SCHEDULE.initialMs),
		backoffFactor: z.number().min(1, 'must be 1 or more').default(DEFAULT_POLL_SCHEDULE.factor),
		maxInterval: interval(DEFAULT_POLL_SCHEDULE.maxIntervalMs),
		timeout: seconds(DEFAULT_POLL_SCHEDULE.timeoutMs),
		options: z
			.object({
				concurrency: z.number().int().min(1).max(20).default(5),
				errorField: z
					.string()
					.trim()
					.min(1, 'is empty: name the field for the error, e.g. metaError')
					.refine((name) => !POLLER_FIELDS.includes(name), {
						message: `must not be ${POLLER_FIELDS.join(', ')}: the node writes those fields itself; keep metaError`,
					})
					.default('metaError'),
				maxPages: z.number().int().min(1).default(1000),
				outputSucceeded: z.boolean().default(false),
				pollRetries: z.number().int().min(1).max(20).default(3),
				retryBaseDelay: z.number().min(0).default(1),
				sortBy: z.string().trim().default(''),
			})
			.default({ concurrency: 5, errorField: 'metaError', maxPages: 1000, outputSucceeded: false, pollRetries: 3, retryBaseDelay: 1, sortBy: '' }),
	})
	.refine((s) => s.jobKind !== 'custom' || s.statusUrl !== '', {
		path: ['statusUrl'],
		message: 'is empty: give the path of your status API, e.g. /v1/batch-status/{id}',
	});
export type Settings = z.infer<typeof settingsSchema>;

export function followSettings(settings: Settings): FollowSettings {
	return {
		kind: settings.jobKind,
		schedule: {
			initialMs: settings.initialInterval * SECOND,
			factor: settings.backoffFactor,
			maxIntervalMs: settings.maxInterval * SECOND,
			timeoutMs: settings.timeout * SECOND,
		},
		statusUrl: settings.statusUrl,
		mapping: settings.mapping as StatusMapping,
		withSucceeded: settings.options.outputSucceeded,
		sortBy: settings.options.sortBy,
		maxPages: settings.options.maxPages,
	};
}

/** A job ID as found on an item: text or a number; Graph ids must be one path segment. */
export function jobIdSchema(kind: Settings['jobKind'], fieldName: string) {
	if (kind === 'catalog_batch') return catalogHandleSchema(fieldName);
	const missing = `has no job ID in "${fieldName}": set Job ID Field to the field that holds it`;
	return z
		.union([z.string(), z.number()], { message: missing })
		.transform((value, ctx) => {
			// A number is exact up to 2^53; Meta's job IDs are longer, so a larger one has lost its last digits.
			if (typeof value === 'number' && !(Number.isSafeInteger(value) && value >= 0)) {
				ctx.addIssue({
					code: 'custom',
					message:
						Number.isInteger(value) && value > 0
							? `holds a job ID in "${fieldName}" that is a number larger than 2^53, so its last digits are already lost; keep the ID as text where it comes from (Meta sends IDs as strings)`
							: `holds a job ID in "${fieldName}" that is a number but not an ID (negative or not whole); give the ID as text`,
				});
				return z.NEVER;
			}
			return String(value).trim();
		})
		.pipe(
			kind === 'custom'
				? z.string().min(1, missing)
				: z
						.string()
						.min(1, missing)
						.regex(/^[A-Za-z0-9_.:-]+$/, `holds a job ID that is not a single Graph ID (letters, digits, _ . : -)`),
		);
}

/** Parameter names as the user sees them. */
export const LABELS: Record<string, string> = {
	jobKind: 'Job Kind',
	jobIdField: 'Job ID Field',
	statusUrl: 'Status URL',
	catalogId: 'Catalog ID',
	sentRequests: 'Sent Requests',
	mapping: 'Field Mapping',
	initialInterval: 'Initial Interval (Seconds)',
	backoffFactor: 'Backoff Factor',
	maxInterval: 'Max Interval (Seconds)',
	timeout: 'Timeout (Seconds)',
	options: 'Options',
	concurrency: 'Concurrency',
	errorField: 'Error Field',
	maxPages: 'Max Result Pages',
	pollRetries: 'Poll Retries',
	retryBaseDelay: 'Retry Base Delay (Seconds)',
	sortBy: 'Sort Results By',
};

/**
 * A catalog batch handle as found on an item: text, or the `handles` list that items_batch returns
 * when it holds one handle (each handle is its own batch: several are split into items first).
 */
function catalogHandleSchema(fieldName: string) {
	const missing = `has no batch handle in "${fieldName}": set Handle Field to the field that holds the handles that items_batch returned`;
	return z
		.union([z.string(), z.array(z.unknown())], { message: missing })
		.transform((value, ctx) => {
			if (typeof value === 'string') return value.trim();
			if (value.length === 1 && typeof value[0] === 'string') return value[0].trim();
			ctx.addIssue({
				code: 'custom',
				message:
					value.length === 0
						? `has an empty list of handles in "${fieldName}": items_batch returned no batch to follow`
						: `holds ${value.length} handles in "${fieldName}": follow one handle per item (split the list into items first, e.g. with Split Out)`,
			});
			return z.NEVER;
		})
		.pipe(z.string().min(1, missing).regex(/^[A-Za-z0-9_\-+/=.:]+$/, 'holds a batch handle with spaces or other characters a handle never has'));
}

/** The catalog a batch went to: one Graph ID (digits). */
export const catalogIdSchema = z
	.union([z.string(), z.number()], { message: 'is empty: give the ID of the catalog the batch was sent to (POST /{catalog_id}/items_batch)' })
	.transform((value) => String(value).trim())
	.pipe(
		z
			.string()
			.min(1, 'is empty: give the ID of the catalog the batch was sent to (POST /{catalog_id}/items_batch)')
			.regex(/^\d+$/, 'must be a catalog ID (digits only), e.g. 1234567890'),
	);

/**
 * The requests sent to items_batch, to name the products that succeeded: the list itself, the
 * whole body (`{ requests: [...] }`), or either as JSON text. Empty: not known.
 */
export const sentRequestsSchema = z
	.unknown()
	.transform((value, ctx) => {
		if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) return undefined;
		let parsed = value;
		if (typeof value === 'string') {
			try {
				parsed = JSON.parse(value);
			} catch {
				ctx.addIssue({ code: 'custom', message: 'is not JSON: give the requests list sent to items_batch, e.g. {{ $json.requests }}' });
				return z.NEVER;
			}
		}
		if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) && Array.isArray((parsed as { requests?: unknown }).requests)) {
			parsed = (parsed as { requests: unknown[] }).requests;
		}
		if (!Array.isArray(parsed) || parsed.some((request) => request === null || typeof request !== 'object')) {
			ctx.addIssue({ code: 'custom', message: 'must be the requests list sent to items_batch: a list of objects such as { "method": "UPDATE", "data": { "id": "sku-1", … } }' });
			return z.NEVER;
		}
		return parsed as unknown[];
	});
