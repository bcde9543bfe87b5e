// What the editor shows of Meta Request: one custom operation, a subtitle for IDs given as
// expressions, labels with their units as written.
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { Workflow } from 'n8n-workflow';
import type { INodeParameters, INodeProperties, INodePropertyOptions, INodeType, INodeTypes } from 'n8n-workflow';

import { MetaGraphApi } from '../../../credentials/MetaGraphApi.credentials';
import { BatchStatusPoller } from '../../../nodes/BatchStatusPoller/BatchStatusPoller.node';
import { ClassifyError } from '../../../nodes/ClassifyError/ClassifyError.node';
import { EscalationRouter } from '../../../nodes/EscalationRouter/EscalationRouter.node';
import { MetaRequest } from '../../../nodes/MetaRequest/MetaRequest.node';

const node = new MetaRequest();
const { description } = node;
const operation = description.properties.find((p) => p.name === 'operation') as INodeProperties;
const operations = operation.options as INodePropertyOptions[];

test('one custom operation: n8n adds no "Custom API Call" of its own beside it', () => {
	// n8n (load-nodes-and-credentials, injectCustomApiCallOptions) appends { name: 'Custom API Call',
	// value: '__CUSTOM_API_CALL__' } to `operation` when a credential of the node has `authenticate`
	// and the last option is not named so. This credential has it (the HTTP Request node can use it).
	expect(new MetaGraphApi().authenticate).toBeDefined();
	expect(operations[operations.length - 1]).toMatchObject({ name: 'Custom API Call', value: 'custom' });
	expect(operations.filter((o) => /custom/i.test(o.name))).toHaveLength(1);
	const others = operations.slice(0, -1).map((o) => o.name);
	expect(others).toEqual([...others].sort((a, b) => a.localeCompare(b)));
});

/** A node's subtitle as the editor computes it (n8n's getNodeSubtitle), without input data. */
function subtitleOf(type: INodeType, parameters: INodeParameters): unknown {
	const nodeTypes = { getByName: () => type, getByNameAndVersion: () => type, getKnownTypes: () => ({}) } as unknown as INodeTypes;
	const data = { id: '1', name: 'Node', type: type.description.name, typeVersion: 1, position: [0, 0] as [number, number], parameters };
	const workflow = new Workflow({ nodes: [data], connections: {}, active: false, nodeTypes });
	return workflow.expression.getSimpleParameterValue(data, type.description.subtitle as string, 'internal', {}, undefined, '[filled at execution time]');
}

describe('subtitle, as the editor computes it (no input data)', () => {
	const subtitle = (parameters: INodeParameters) => subtitleOf(node, parameters);

	test.each([
		[{ operation: 'pause', objectId: '120210000000000001' }, 'Pause 120210000000000001'],
		[{ operation: 'update', objectId: '={{ $json.adId }}' }, 'Update (expression)'],
		[{ operation: 'delete', objectId: '={{ $("Ads").item.json.id }}' }, 'Delete (expression)'],
		[{ operation: 'getObject', objectId: 'me' }, 'Get me'],
		[{ operation: 'listEdge', objectId: 'act_1', edge: 'ads' }, 'List ads of act_1'],
		[{ operation: 'create', objectId: '={{ $json.account }}', edge: 'campaigns' }, 'Create campaigns in (expression)'],
		[{ operation: 'custom', method: 'POST', path: '={{ $json.path }}' }, 'POST (expression)'],
		[{ operation: 'custom', method: 'GET', path: 'act_1/ads' }, 'GET act_1/ads'],
		[{ operation: 'replay' }, 'Replay failed items'],
	])('%j → %s', (parameters, expected) => {
		expect(subtitle(parameters as INodeParameters)).toBe(expected);
	});
});

test('the Batch Status Poller subtitle survives a Status URL given as an expression', () => {
	const poller = new BatchStatusPoller();
	expect(subtitleOf(poller, { jobKind: 'custom', statusUrl: '={{ $json.statusUrl }}' })).toBe('Status URL (expression)');
	expect(subtitleOf(poller, { jobKind: 'custom', statusUrl: '/v1/batch-status/{id}' })).toBe('/v1/batch-status/{id}');
	expect(subtitleOf(poller, { jobKind: 'report_run' })).toBe('Report run');
});

test('Include Input Fields is offered for the writes by ID and Send as Graph Batch only', () => {
	const options = description.properties.find((p) => p.name === 'options')?.options as INodeProperties[];
	const include = options.find((o) => o.name === 'includeInputFields');
	expect(include).toMatchObject({ type: 'boolean', default: true });
	expect([...(include?.displayOptions?.show?.['/operation'] ?? [])].sort()).toEqual(['batch', 'delete', 'pause', 'replay', 'update']);
});

test('labels write units as units: (ms), never (Ms); seconds fields force no decimals', () => {
	const nodes: INodeType[] = [node, new BatchStatusPoller(), new ClassifyError(), new EscalationRouter()];
	const all = (properties: INodeProperties[]): INodeProperties[] =>
		properties.flatMap((p) => [p, ...all(((p.options ?? []) as Array<INodeProperties & { values?: INodeProperties[] }>).flatMap((o) => ('displayName' in o ? [o, ...(o.values ?? [])] : [])))]);
	const fields = nodes.flatMap((n) => all(n.description.properties));
	expect(fields.filter((f) => /\(Ms\)/.test(f.displayName))).toEqual([]);
	expect(fields.filter((f) => /\(ms\)$/.test(f.displayName)).map((f) => f.name).sort()).toEqual(
		['baseDelayMs', 'breakerCoolDownMs', 'maxDelayMs', 'throttleMaxDelayMs', 'timeBudgetMs', 'timeoutMs'],
	);
	// numberPrecision 3 showed 60 seconds as "60.000"
	expect(fields.filter((f) => /\(Seconds\)/.test(f.displayName) && f.typeOptions?.numberPrecision !== undefined)).toEqual([]);
});

test('the credential shows the icon file of the nodes', () => {
	const icon = String(new MetaGraphApi().icon).replace('file:', '');
	expect(path.join('credentials', icon)).toBe(path.join('nodes', 'MetaRequest', String(description.icon).replace('file:', '')));
	expect(existsSync(path.resolve(__dirname, '../../../credentials', icon))).toBe(true);
});
