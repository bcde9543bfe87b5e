// The Batch Status Poller's parameters, validated with zod and turned into follow settings.
// No n8n imports: the node reads raw values, this module says what they mean or what is wrong.
import { z } from 'zod';

import { DEFAULT_POLL_SCHEDULE, DEFAULT_STATUS_MAPPING, JOB_KINDS, type StatusMapping } from '../shared/core';
import type { FollowSettings } from './follow';

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
		initialInterval: seconds(DEFAULT_POLL_SCHEDULE.initialMs),
		backoffFactor: z.number().min(1, 'must be 1 or more').default(DEFAULT_POLL_SCHEDULE.factor),
		maxInterval: seconds(DEFAULT_POLL_SCHEDULE.maxIntervalMs),
		timeout: seconds(DEFAULT_POLL_SCHEDULE.timeoutMs),
		options: z
			.object({
				concurrency: z.number().int().min(1).max(20).default(5),
				errorField: z.string().trim().min(1, 'is empty: name the field for the error, e.g. metaError').default('metaError'),
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
	const missing = `has no job ID in "${fieldName}": set Job ID Field to the field that holds it`;
	return z
		.union([z.string(), z.number()], { message: missing })
		.transform((value) => String(value).trim())
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
