// The Escalation Router's run: read the policy once, then decide every item in order through the
// pure engine. Its thresholds and cooldowns live in the state store: in process memory (default),
// shared by every execution of the process, loaded from the static-data snapshot after a restart
// and saved back to it within its bound; or in Redis, shared by every worker, one atomic
// operation per window step.
import { NodeOperationError } from 'n8n-workflow';
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { z } from 'zod';

import {
	classifyMetaError,
	createRedactor,
	decideInPlace,
	decideWith,
	loadPolicyState,
	processStore,
	savePolicyState,
	ERROR_CATEGORIES,
	META_REQUEST_FIELD,
	ROUTES,
	isStopReason,
	parseReading,
	anomalyName,
	type Decision,
	type MeasurementInput,
	type ErrorOutputFields,
	type MetaErrorInfo,
	type MetaRequestStats,
	type PolicyInput,
	type StopReason,
	type WindowStore,
} from '../shared/core';
import { annotateItem, getPath, parseParameters, redactOutputs, REPLAY_VERBATIM, sharedState, storeForItem } from '../shared/n8n';
import { DEFAULT_OBJECT_ID_FIELDS, LABELS, policyConfig, rulesSchema, settingsSchema, type AnomalyParams } from './params';
import { isObject } from '../shared/core/util';

/** Key of the router's state in the node's workflow static data. */
const STATE_KEY = 'policyState';
/** Key paths looked at by the never-automate guard, at most this many and this deep. */
const MAX_SUBJECTS = 500;
const MAX_DEPTH = 5;

/** Every key path of the item (`body.daily_budget`, `ads.0.bid_amount`), for the guard. */
function keyPaths(json: Record<string, unknown>, skip: string): string[] {
	const paths: string[] = [];
	const walk = (value: unknown, prefix: string, depth: number) => {
		if (depth > MAX_DEPTH || paths.length >= MAX_SUBJECTS) return;
		const entries = Array.isArray(value) ? value.slice(0, 20).map((v, i) => [String(i), v] as const) : isObject(value) ? Object.entries(value) : [];
		for (const [key, child] of entries) {
			if (depth === 0 && key === skip) continue;
			const path = prefix ? `${prefix}.${key}` : key;
			if (paths.length >= MAX_SUBJECTS) return;
			paths.push(path);
			walk(child, path, depth + 1);
		}
	};
	walk(json, '', 0);
	return paths;
}

/** A classified error as far as routing goes: any object with a known category (extra fields welcome). */
const classifiedSchema = z.looseObject({ category: z.enum(ERROR_CATEGORIES) });

/** The item's error: as given when it is already classified, else classified here (the field's value, or the whole item). */
function readError(json: Record<string, unknown>, field: string): { error: MetaErrorInfo; classifiedHere: boolean } {
	const given = json[field];
	if (given !== undefined) {
		if (classifiedSchema.safeParse(given).success) return { error: given as MetaErrorInfo, classifiedHere: false };
		return { error: classifyMetaError(given), classifiedHere: true };
	}
	// n8n's error output (e.g. Meta Request with "Continue (using error output)") keeps it under `error`.
	const { error: fromErrorOutput } = json as Partial<ErrorOutputFields>;
	if (classifiedSchema.safeParse(fromErrorOutput).success) return { error: fromErrorOutput as MetaErrorInfo, classifiedHere: false };
	return { error: classifyMetaError(json), classifiedHere: true };
}

/** Where Meta Request writes one of its `metaRequest` fields. */
const metaRequestPath = (field: keyof MetaRequestStats) => `${META_REQUEST_FIELD}.${field}`;

function text(value: unknown): string | undefined {
	return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
}

/**
 * The readings of an item for the anomaly rules, one per rule (undefined where the item lacks the
 * field), when the item carries no error; undefined for an error item (it is routed as one);
 * `none` for an item with neither an error nor any of the fields. A value that is not a number,
 * or a reading without an object id or sample key, is bad input (`fail` throws).
 */
function readMeasurement(
	json: Record<string, unknown>,
	errorField: string,
	anomalies: readonly AnomalyParams[],
	fail: (message: string, description: string) => never,
): MeasurementInput | 'none' | undefined {
	if (anomalies.length === 0 || json[errorField] !== undefined || json.error !== undefined) return undefined;
	const parsed = anomalies.map((rule) => {
		const raw = getPath(json, rule.field);
		return { rule, raw, reading: parseReading(raw) };
	});
	if (parsed.every(({ reading }) => reading.kind === 'missing')) {
		// A raw failure body (AdCP, WhatsApp status, transport error) is an error item, not a missing reading.
		return classifyMetaError(json).source === 'unknown' ? 'none' : undefined;
	}
	const readings = parsed.map(({ rule, raw, reading }) => {
		if (reading.kind === 'missing') return undefined;
		const name = anomalyName({ ...rule, name: rule.name || undefined, sampleKeyField: undefined });
		if (reading.kind === 'invalid') {
			fail(
				`Anomaly "${name}": the field "${rule.field}" holds ${JSON.stringify(raw)?.slice(0, 80)}, which ${reading.problem}`,
				'Point Field at a number of the item (text numbers as Meta returns them, such as "12.34", are read), or keep such items away from the router.',
			);
		}
		const idFields = rule.objectIdField ? [rule.objectIdField] : DEFAULT_OBJECT_ID_FIELDS;
		const objectId = idFields.map((field) => text(getPath(json, field))).find((id) => id !== undefined && id.trim() !== '');
		if (objectId === undefined) {
			fail(
				`Anomaly "${name}": no object id on this item (looked at ${idFields.join(', ')})`,
				'Set Object ID Field of the anomaly to the field naming the object the number is about, e.g. adset_id.',
			);
		}
		let sampleKey: string | undefined;
		if (rule.sampleKeyField) {
			sampleKey = text(getPath(json, rule.sampleKeyField));
			if (sampleKey === undefined || sampleKey.trim() === '') {
				fail(
					`Anomaly "${name}": Sample Key Field "${rule.sampleKeyField}" is empty on this item`,
					'Point Sample Key Field at what names each reading (e.g. date_start of a daily insights row), or leave it empty.',
				);
			}
		}
		return { value: reading.value, objectId, ...(sampleKey !== undefined ? { sampleKey } : {}) };
	});
	return { readings };
}

export async function executeEscalationRouter(ctx: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = ctx.getInputData();
	const outputs: INodeExecutionData[][] = ROUTES.map(() => []);
	if (items.length === 0) return outputs;
	const node = ctx.getNode();

	const settings = parseParameters(
		node,
		settingsSchema,
		{
			errorField: ctx.getNodeParameter('errorField', 0),
			attemptsField: ctx.getNodeParameter('attemptsField', 0, ''),
			retryCap: ctx.getNodeParameter('retryCap', 0),
			neverAutomate: ctx.getNodeParameter('neverAutomate', 0, ''),
			thresholds: ctx.getNodeParameter('thresholds.threshold', 0, []),
			anomalies: ctx.getNodeParameter('anomalies.anomaly', 0, []),
			options: ctx.getNodeParameter('options', 0, {}),
		},
		{ labels: LABELS },
	);
	const { errorField, attemptsField } = settings;
	const { objectIdField, objectTypeField } = settings.options;

	const readAttempts = (json: Record<string, unknown>, itemIndex: number): number | undefined => {
		const paths = attemptsField ? [attemptsField] : [metaRequestPath('attempts'), 'attempts'];
		for (const path of paths) {
			const value = getPath(json, path);
			if (value === undefined || value === null || value === '') continue;
			const attempts = Number(value);
			if (Number.isInteger(attempts) && attempts >= 0) return attempts;
			throw new NodeOperationError(node, `The attempts field "${path}" holds ${JSON.stringify(value)}, not a whole number`, {
				itemIndex,
				description: 'Point Attempts Field at a field with the number of attempts made, or leave it empty.',
			});
		}
		return undefined;
	};
	/** Meta Request's verdict, read with its attempts (not when the Attempts Field counts them elsewhere). */
	const readStopReason = (json: Record<string, unknown>): StopReason | undefined => {
		if (attemptsField) return undefined;
		const value = getPath(json, metaRequestPath('stopReason'));
		return isStopReason(value) ? value : undefined;
	};

	const staticData = ctx.getWorkflowStaticData('node');
	const now = Date.now();
	const stateConfig = policyConfig(settings, []);
	const shared = await sharedState(ctx);
	const stateWarnings: string[] = [];
	// One router's windows: this workflow's node, whatever execution or worker runs it.
	const namespace = `${ctx.getWorkflow().id ?? ''}:${node.id ?? node.name}`;
	// Memory: this process's state, else the snapshot (a restart). From here to the save below
	// nothing awaits, so a run on it is atomic among the process's executions.
	const memoryState =
		shared.kind === 'memory' ? loadPolicyState(processStore.routerState(namespace) ?? staticData[STATE_KEY], stateConfig, now) : undefined;
	const store = storeForItem(shared, stateWarnings);
	const windows: WindowStore | undefined = memoryState ? undefined : store.windows(namespace);

	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		const item = items[itemIndex];
		const json = item.json as Record<string, unknown>;
		let error: MetaErrorInfo | undefined;
		let decision: Omit<Decision, 'by'> & { by: Decision['by'] | 'invalid_input' };
		let classifiedHere = false;
		try {
			const { rules } = parseParameters(
				node,
				rulesSchema,
				{ rules: ctx.getNodeParameter('rules.rule', itemIndex, []) },
				{ labels: LABELS, itemIndex },
			);
			const config = policyConfig(settings, rules);
			const measurement = readMeasurement(json, errorField, settings.anomalies, (message, description) => {
				throw new NodeOperationError(node, message, { itemIndex, description });
			});
			if (measurement === 'none') {
				const fields = settings.anomalies.map((rule) => rule.field).join(', ');
				decision = {
					route: 'escalate',
					by: 'invalid_input',
					reason: `could not route this item: it carries no error and none of the anomaly fields (${fields}) → escalate`,
				};
			} else if (measurement) {
				// No error to classify: the anomaly rules decide (core/policy/anomaly.ts).
				decision = memoryState ? decideInPlace(measurement, config, memoryState, now) : await decideWith(measurement, config, windows!, now);
			} else {
				({ error, classifiedHere } = readError(json, errorField));
				const input: PolicyInput = {
					error,
					attempts: readAttempts(json, itemIndex),
					stopReason: readStopReason(json),
					objectType: text(getPath(json, objectTypeField)),
					objectId: text(getPath(json, objectIdField)),
					subjects: settings.neverAutomate.length > 0 ? keyPaths(json, errorField) : [],
				};
				decision = memoryState ? decideInPlace(input, config, memoryState, now) : await decideWith(input, config, windows!, now);
			}
		} catch (caught) {
			if (!ctx.continueOnFail() || !(caught instanceof NodeOperationError)) throw caught;
			// The item is never dropped: a human looks at what could not be decided.
			decision = { route: 'escalate', by: 'invalid_input', reason: `could not route this item: ${caught.message} → escalate` };
		}

		const routing: IDataObject = { by: decision.by, at: new Date(now).toISOString(), stateStore: shared.kind };
		if (stateWarnings.length > 0) routing.stateWarnings = [...stateWarnings];
		if (decision.rule !== undefined) routing.rule = decision.rule;
		if (decision.threshold) routing.threshold = { ...decision.threshold };
		if (decision.counts) routing.counts = decision.counts.map((entry) => ({ ...entry }));
		if (decision.alert !== undefined) routing.alert = decision.alert;
		if (decision.suppressed) routing.suppressed = { ...decision.suppressed };
		if (decision.anomaly) routing.anomaly = { ...decision.anomaly } as IDataObject;
		if (decision.anomalies) routing.anomalies = decision.anomalies.map((finding) => ({ ...finding }) as IDataObject);
		if (classifiedHere) routing.classifiedHere = true;

		const fields: IDataObject = { route: decision.route, reason: decision.reason, routing };
		if (error) fields[errorField] = error as unknown as IDataObject;
		outputs[ROUTES.indexOf(decision.route)].push(annotateItem(item, itemIndex, fields));
	}

	if (memoryState) {
		const saved = savePolicyState(memoryState, stateConfig, now);
		processStore.adoptRouterState(namespace, saved);
		// The snapshot a restarted process starts from (saved by n8n for production runs only).
		staticData[STATE_KEY] = saved as unknown as IDataObject;
	}
	// The items' own texts (error messages, URLs) pass through: no token may ride along.
	// A replay record passes through as Meta Request sealed it (its body is sent again).
	return redactOutputs(outputs, createRedactor(shared.secrets), { verbatim: REPLAY_VERBATIM });
}
