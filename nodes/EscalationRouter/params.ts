// The Escalation Router's parameters, validated with zod and turned into the policy engine's
// config. No n8n imports: the node reads raw values, this module says what they mean or what is wrong.
import { z } from 'zod';

import {
	DEFAULT_POLICY_CONFIG,
	ERROR_CATEGORIES,
	META_ERROR_FIELD,
	ROUTES,
	MAX_BASELINE_WINDOW,
	type AnomalyRule,
	type ErrorMatch,
	type PolicyConfig,
	type PolicyRule,
	type Threshold,
} from '../shared/core';

const MINUTE = 60_000;

const splitList = (value: string | number) =>
	String(value)
		.split(',')
		.map((part) => part.trim())
		.filter((part) => part !== '');

const list = z.union([z.string(), z.number()]).default('').transform(splitList);

const integers = list
	.refine((values) => values.every((value) => /^\d+$/.test(value)), {
		message: 'Subcodes must be whole numbers separated by commas, e.g. 463, 1487390',
	})
	.transform((values) => values.map(Number));

const route = z.enum(ROUTES, { message: `must be one of ${ROUTES.join(', ')}` });
const categories = z.array(z.enum(ERROR_CATEGORIES, { message: `must be one of ${ERROR_CATEGORIES.join(', ')}` })).default([]);

/** An expression's result: true/false (or their text); empty means no condition. */
const condition = z.unknown().transform((value, ctx): boolean | undefined => {
	if (value === undefined || value === null || value === '') return undefined;
	if (value === true || value === 'true') return true;
	if (value === false || value === 'false') return false;
	ctx.addIssue({
		code: 'custom',
		message: `Condition must be true or false, e.g. {{ $json.spend > 100 }}; it gave ${JSON.stringify(value)?.slice(0, 80)}`,
	});
	return z.NEVER;
});

const ruleSchema = z.object({
	name: z.string().trim().default(''),
	categories,
	codes: list,
	subcodes: integers,
	adcpCodes: list,
	objectTypes: list,
	condition,
	route: route.default('escalate'),
});

const thresholdSchema = z.object({
	name: z.string().trim().default(''),
	categories,
	codes: list,
	count: z.number().int('must be a whole number').min(1, 'must be at least 1').max(10_000, 'must be at most 10000').default(3),
	windowMinutes: z.number().positive('must be more than 0').default(60),
	route: route.default('escalate'),
});

const fieldPath = z.string().trim();

/** Anomaly rules: a number of the item against its object's trailing average (core/policy/anomaly.ts). */
const anomalySchema = z
	.object({
		name: z.string().trim().default(''),
		field: fieldPath.min(1, 'Field is empty: name the field that holds the number, e.g. spend, cpa or purchase_roas.0.value'),
		condition: z
			.enum(['above', 'below'], { message: 'Condition must be above (rises above N× baseline) or below (falls below N× baseline)' })
			.default('above'),
		factor: z.number({ message: 'Factor must be a number, e.g. 3' }).positive('Factor must be more than 0, e.g. 3 or 0.5').default(3),
		windowSamples: z
			.number({ message: 'Baseline Window (Samples) must be a number' })
			.int('Baseline Window (Samples) must be a whole number')
			.min(1, 'Baseline Window (Samples) must be at least 1')
			.max(MAX_BASELINE_WINDOW, `Baseline Window (Samples) must be at most ${MAX_BASELINE_WINDOW}`)
			.default(7),
		minSamples: z
			.number({ message: 'Minimum Samples must be a number' })
			.int('Minimum Samples must be a whole number')
			.min(1, 'Minimum Samples must be at least 1')
			.default(3),
		objectIdField: fieldPath.default(''),
		sampleKeyField: fieldPath.default(''),
		route: route.default('alert'),
	})
	.refine((rule) => rule.minSamples <= rule.windowSamples, {
		message: 'Minimum Samples must not be more than Baseline Window (Samples): the baseline never holds more readings than its window',
		path: ['minSamples'],
	})
	.refine((rule) => (rule.condition === 'above' ? rule.factor >= 1 : rule.factor <= 1), {
		message: 'Factor must be 1 or more to rise above the baseline (e.g. 3), and 1 or less to fall below it (e.g. 0.5): otherwise normal readings fire',
		path: ['factor'],
	});
export type AnomalyParams = z.infer<typeof anomalySchema>;

/** Where an anomaly rule finds the object a reading is about when Object ID Field is empty: the first that holds a value. */
export const DEFAULT_OBJECT_ID_FIELDS = ['id', 'ad_id', 'adset_id', 'campaign_id', 'account_id'];

/** Fields the router writes on every item: the error written back under one of these names would replace the decision. */
const ROUTER_FIELDS = ['route', 'reason', 'routing'];

export const settingsSchema = z.object({
	errorField: fieldPath
		.min(1, `is empty: name the field that holds the error, e.g. ${META_ERROR_FIELD}`)
		.refine((name) => !ROUTER_FIELDS.includes(name), {
			message: `must not be ${ROUTER_FIELDS.join(', ')}: the router writes its decision there; keep ${META_ERROR_FIELD}`,
		}),
	attemptsField: fieldPath.default(''),
	retryCap: z.number().int('must be a whole number').min(1, 'must be at least 1').default(DEFAULT_POLICY_CONFIG.retryCap),
	neverAutomate: list,
	thresholds: z.array(thresholdSchema).default([]),
	anomalies: z.array(anomalySchema).default([]),
	options: z
		.object({
			alertOnPause: z.boolean().default(DEFAULT_POLICY_CONFIG.alertOnPause),
			cooldownMinutes: z.number().min(0, 'must be 0 or more').default(DEFAULT_POLICY_CONFIG.cooldownMs / MINUTE),
			objectIdField: fieldPath.default('id'),
			objectTypeField: fieldPath.default('objectType'),
			objectlessCategories: categories.default([...DEFAULT_POLICY_CONFIG.objectlessCategories]),
		})
		.default({
			alertOnPause: DEFAULT_POLICY_CONFIG.alertOnPause,
			cooldownMinutes: DEFAULT_POLICY_CONFIG.cooldownMs / MINUTE,
			objectIdField: 'id',
			objectTypeField: 'objectType',
			objectlessCategories: [...DEFAULT_POLICY_CONFIG.objectlessCategories],
		}),
});
export type Settings = z.infer<typeof settingsSchema>;

export const rulesSchema = z.object({ rules: z.array(ruleSchema).default([]) });
export type RuleParams = z.infer<typeof ruleSchema>;

/** Parameter names as the user sees them. */
export const LABELS: Record<string, string> = {
	errorField: 'Error Field',
	attemptsField: 'Attempts Field',
	retryCap: 'Retry Cap',
	neverAutomate: 'Never Automate Keywords',
	thresholds: 'Thresholds',
	anomalies: 'Anomalies',
	options: 'Options',
	rules: 'Rules',
};

const nonEmpty = <T>(values: T[]) => (values.length > 0 ? values : undefined);

function match(params: Partial<RuleParams>): ErrorMatch {
	return {
		categories: nonEmpty(params.categories ?? []),
		codes: nonEmpty(params.codes ?? []),
		subcodes: nonEmpty(params.subcodes ?? []),
		adcpCodes: nonEmpty(params.adcpCodes ?? []),
		objectTypes: nonEmpty(params.objectTypes ?? []),
		condition: params.condition,
	};
}

/** The engine's config: node-wide settings plus this item's rules (their conditions are per item). */
export function policyConfig(settings: Settings, rules: RuleParams[]): PolicyConfig {
	return {
		rules: rules.map((rule): PolicyRule => ({ name: rule.name || undefined, match: match(rule), route: rule.route })),
		thresholds: settings.thresholds.map(
			(t): Threshold => ({
				name: t.name || undefined,
				match: { categories: nonEmpty(t.categories), codes: nonEmpty(t.codes) },
				count: t.count,
				windowMs: t.windowMinutes * MINUTE,
				route: t.route,
			}),
		),
		anomalies: settings.anomalies.map(
			(a): AnomalyRule => ({
				name: a.name || undefined,
				field: a.field,
				condition: a.condition,
				factor: a.factor,
				windowSamples: a.windowSamples,
				minSamples: a.minSamples,
				sampleKeyField: a.sampleKeyField || undefined,
				route: a.route,
			}),
		),
		retryCap: settings.retryCap,
		cooldownMs: settings.options.cooldownMinutes * MINUTE,
		alertOnPause: settings.options.alertOnPause,
		neverAutomate: settings.neverAutomate,
		objectlessCategories: settings.options.objectlessCategories,
	};
}
