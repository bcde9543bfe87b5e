/**
 * Tiny stand-ins for the n8n-nodes-base nodes that the example workflows use, registered under
 * their real type names, plus the test-only `test.items` source node. They implement only what
 * the examples need:
 * - manualTrigger: one empty item (a real trigger node, so manual runs go through n8n's trigger path).
 * - scheduleTrigger: a trigger that never fires here (an example's schedule; its Run Now manual
 *   trigger comes first in the file, so the engine starts there, as `n8n execute` does).
 * - noOp: pass-through. stickyNote: never runs.
 * - set (v3.x): mode "raw" (`jsonOutput`) and mode "manual" (`assignments`, `includeOtherFields`,
 *   names with dots create nested fields); no other options (no "include", no type validation
 *   beyond parsing JSON text for type object/array).
 * - splitOut: one `fieldToSplitOut` (dot path), `include` none/all other fields,
 *   option `destinationFieldName`.
 */
import {
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeProperties,
	type INodeType,
	type INodeTypeDescription,
	type ITriggerFunctions,
	type ITriggerResponse,
} from 'n8n-workflow';

function standIn(
	name: string,
	extra: Partial<INodeTypeDescription> & Pick<INodeTypeDescription, 'properties'>,
): INodeTypeDescription {
	return {
		name,
		displayName: name,
		group: ['transform'],
		version: 1,
		description: `Test stand-in for ${name}`,
		defaults: { name },
		inputs: ['main'],
		outputs: ['main'],
		...extra,
	};
}

/** An options parameter; `choices` are [name, value] pairs. */
function optionsParameter(displayName: string, name: string, choices: Array<[string, string]>, defaultValue: string): INodeProperties {
	return { displayName, name, type: 'options', options: choices.map(([label, value]) => ({ name: label, value })), default: defaultValue };
}

/** Reads a dot path ("a.b.c") from an object. */
function getPath(data: IDataObject, path: string): unknown {
	return path.split('.').reduce<unknown>((value, key) => (value as IDataObject | undefined)?.[key], data);
}

/** Writes a dot path, creating the objects on the way. */
function setPath(data: IDataObject, path: string, value: unknown): void {
	const keys = path.split('.');
	const last = keys.pop() as string;
	let target = data;
	for (const key of keys) {
		if (typeof target[key] !== 'object' || target[key] === null) target[key] = {};
		target = target[key] as IDataObject;
	}
	target[last] = value as IDataObject[string];
}

const manualTrigger: INodeType = {
	description: standIn('manualTrigger', { group: ['trigger'], inputs: [], properties: [] }),
	async trigger(this: ITriggerFunctions): Promise<ITriggerResponse> {
		return {
			manualTriggerFunction: async () => this.emit([this.helpers.returnJsonArray([{}])]),
		};
	},
};

const scheduleTrigger: INodeType = {
	description: standIn('scheduleTrigger', { group: ['trigger', 'schedule'], inputs: [], properties: [] }),
	async trigger(this: ITriggerFunctions): Promise<ITriggerResponse> {
		return {};
	},
};

const noOp: INodeType = {
	description: standIn('noOp', { properties: [] }),
	async execute(this: IExecuteFunctions) {
		return [this.getInputData()];
	},
};

const stickyNote: INodeType = {
	description: standIn('stickyNote', {
		inputs: [],
		outputs: [],
		properties: [
			{ displayName: 'Content', name: 'content', type: 'string', default: '' },
			{ displayName: 'Height', name: 'height', type: 'number', default: 160 },
			{ displayName: 'Width', name: 'width', type: 'number', default: 240 },
		],
	}),
	async execute() {
		return [];
	},
};

const set: INodeType = {
	description: standIn('set', {
		version: [3, 3.1, 3.2, 3.3, 3.4],
		properties: [
			optionsParameter('Mode', 'mode', [['Manual', 'manual'], ['JSON', 'raw']], 'manual'),
			{ displayName: 'JSON', name: 'jsonOutput', type: 'json', default: '{}' },
			{ displayName: 'Fields', name: 'assignments', type: 'assignmentCollection', default: {} },
			{ displayName: 'Include Other Fields', name: 'includeOtherFields', type: 'boolean', default: false },
			{ displayName: 'Options', name: 'options', type: 'collection', default: {}, options: [] },
		],
	}),
	async execute(this: IExecuteFunctions) {
		return [
			this.getInputData().map((item, i) => {
				if (this.getNodeParameter('mode', i) === 'raw') {
					const raw = this.getNodeParameter('jsonOutput', i);
					const json = (typeof raw === 'string' ? JSON.parse(raw) : raw) as IDataObject;
					return { json, pairedItem: { item: i } };
				}
				const json: IDataObject = this.getNodeParameter('includeOtherFields', i)
					? { ...item.json }
					: {};
				const assignments = this.getNodeParameter('assignments.assignments', i, []) as Array<{
					name: string;
					value: unknown;
					type?: string;
				}>;
				for (const { name, value, type } of assignments) {
					const parse = (type === 'object' || type === 'array') && typeof value === 'string';
					setPath(json, name, parse ? JSON.parse(value) : value);
				}
				return { json, pairedItem: { item: i } };
			}),
		];
	},
};

const splitOut: INodeType = {
	description: standIn('splitOut', {
		properties: [
			{ displayName: 'Field To Split Out', name: 'fieldToSplitOut', type: 'string', default: '' },
			optionsParameter('Include', 'include', [['No Other Fields', 'noOtherFields'], ['All Other Fields', 'allOtherFields']], 'noOtherFields'),
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				default: {},
				options: [
					{ displayName: 'Destination Field Name', name: 'destinationFieldName', type: 'string', default: '' },
				],
			},
		],
	}),
	async execute(this: IExecuteFunctions) {
		const out: INodeExecutionData[] = [];
		this.getInputData().forEach((item, i) => {
			const field = this.getNodeParameter('fieldToSplitOut', i) as string;
			const destination = (this.getNodeParameter('options.destinationFieldName', i, '') as string) || field;
			const keepOthers = this.getNodeParameter('include', i) === 'allOtherFields';
			const value = getPath(item.json, field);
			if (value === undefined) {
				throw new NodeOperationError(this.getNode(), `The field '${field}' wasn't found in the input item`, {
					itemIndex: i,
				});
			}
			const others: IDataObject = keepOthers ? { ...item.json } : {};
			if (keepOthers) delete others[field];
			for (const element of Array.isArray(value) ? value : [value]) {
				const isObject = typeof element === 'object' && element !== null && !Array.isArray(element);
				const json: IDataObject =
					isObject && !keepOthers && destination === field
						? { ...(element as IDataObject) }
						: { ...others, [destination]: element };
				out.push({ json, pairedItem: { item: i } });
			}
		});
		return [out];
	},
};

/** Test-only source: emits the items of its `items` parameter (JSON text or array), each paired to input item 0. */
const items: INodeType = {
	description: standIn('items', {
		properties: [{ displayName: 'Items', name: 'items', type: 'json', default: '[]' }],
	}),
	async execute(this: IExecuteFunctions) {
		const raw = this.getNodeParameter('items', 0);
		const list = (typeof raw === 'string' ? JSON.parse(raw) : raw) as unknown[];
		if (!Array.isArray(list)) {
			throw new NodeOperationError(this.getNode(), 'Parameter "items" must be a JSON array');
		}
		return [
			list.map((entry) => {
				const data = entry as INodeExecutionData;
				const isItem = typeof data === 'object' && data !== null && typeof data.json === 'object';
				return isItem
					? { ...data, pairedItem: { item: 0 } }
					: { json: entry as IDataObject, pairedItem: { item: 0 } };
			}),
		];
	},
};

export const standInNodeTypes: Record<string, INodeType> = {
	'n8n-nodes-base.manualTrigger': manualTrigger,
	'n8n-nodes-base.scheduleTrigger': scheduleTrigger,
	'n8n-nodes-base.noOp': noOp,
	'n8n-nodes-base.stickyNote': stickyNote,
	'n8n-nodes-base.set': set,
	'n8n-nodes-base.splitOut': splitOut,
	'test.items': items,
};
