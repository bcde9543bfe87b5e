// The registry is the one list of Meta Request's operations: the Operation options, the fields
// each shows, its zod schema and the subtitle must agree with it; and every saved workflow
// (examples/, and the workflows the e2e suite, the queue harness and the benchmarks build) keeps
// loading: its operation exists and every parameter it saved is still shown and read as saved.
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';
import { NodeHelpers, Workflow } from 'n8n-workflow';
import type { INodeParameters, INodeProperties, INodePropertyOptions, INodeTypes } from 'n8n-workflow';

import { MetaRequest } from '../../../../nodes/MetaRequest/MetaRequest.node';
import { DEFAULT_OPERATION, itemParamsSchema, OPERATIONS, operationNamed } from '../../../../nodes/MetaRequest/operations';

const ROOT = path.resolve(__dirname, '../../../..');
const node = new MetaRequest();
const { properties } = node.description;
const operationOptions = (properties.find((p) => p.name === 'operation')!.options as INodePropertyOptions[]).map((o) => o.value);
const COMMON = ['operation', 'queryParameters', 'stateStore', 'memoryNotice', 'options'];

/** The parameters n8n shows (and so keeps) for saved values, defaults filled in. */
const resolved = (parameters: INodeParameters) =>
	NodeHelpers.getNodeParameters(properties, parameters, true, false, { typeVersion: 1 }, node.description) ?? {};

describe('the registry, the description and the subtitle agree', () => {
	it('the Operation list is the registry, in its order, each value once', () => {
		expect(operationOptions).toEqual(OPERATIONS.map((operation) => operation.value));
		expect(new Set(operationOptions).size).toBe(OPERATIONS.length);
		expect(operationNamed(DEFAULT_OPERATION)).toBeDefined();
	});

	it("every field belongs to one operation, and an operation's schema reads exactly the fields it shows", () => {
		for (const property of properties.filter((p) => !COMMON.includes(p.name))) {
			expect(property.displayOptions?.show?.operation).toHaveLength(1);
		}
		for (const operation of OPERATIONS) {
			const shown = Object.keys(resolved({ operation: operation.value, method: 'POST' })).filter((name) => !COMMON.includes(name) && name !== 'headers');
			expect({ [operation.value]: shown.sort() }).toEqual({ [operation.value]: Object.keys(operation.schema.shape).sort() });
			// Without an operation literal of its own: the registry adds it.
			expect(operation.schema.shape).not.toHaveProperty('operation');
		}
	});

	it('the zod union parses each operation by its value', () => {
		expect(itemParamsSchema.safeParse({ operation: 'getObject', objectId: '1' }).success).toBe(true);
		expect(itemParamsSchema.safeParse({ operation: 'replay' }).success).toBe(true);
		expect(itemParamsSchema.safeParse({ operation: 'nope' }).success).toBe(false);
	});

	it('the subtitle has a text for every operation', () => {
		const nodeTypes = { getByName: () => node, getByNameAndVersion: () => node, getKnownTypes: () => ({}) } as unknown as INodeTypes;
		for (const operation of OPERATIONS) {
			const parameters = { operation: operation.value, objectId: '1', edge: 'ads', method: 'POST', path: 'me' };
			const data = { id: '1', name: 'Node', type: 'metaRequest', typeVersion: 1, position: [0, 0] as [number, number], parameters };
			const workflow = new Workflow({ nodes: [data], connections: {}, active: false, nodeTypes });
			const subtitle = workflow.expression.getSimpleParameterValue(data, node.description.subtitle as string, 'internal', {}, undefined, '');
			expect(typeof subtitle === 'string' && subtitle.length > 0 && !subtitle.includes('undefined')).toBe(true);
		}
	});

	it('the options some operations use are shown for them', () => {
		const options = properties.find((p) => p.name === 'options')!.options as INodeProperties[];
		const shownFor = (name: string) => options.find((o) => o.name === name)!.displayOptions!.show!['/operation'];
		expect(shownFor('validateBeforeSending')).toEqual(OPERATIONS.filter((o) => o.writes).map((o) => o.value));
		expect(shownFor('sendEditedRecords')).toEqual(['replay']);
	});
});

interface SavedNode {
	where: string;
	parameters: INodeParameters;
}

/** Meta Request nodes of the example workflows. */
function exampleNodes(): SavedNode[] {
	const folder = path.join(ROOT, 'examples');
	return readdirSync(folder)
		.filter((file) => file.endsWith('.json'))
		.flatMap((file) => {
			const json = JSON.parse(readFileSync(path.join(folder, file), 'utf8')) as { nodes: Array<{ name: string; type: string; parameters: INodeParameters }> };
			return json.nodes.filter((n) => n.type.endsWith('.metaRequest')).map((n) => ({ where: `examples/${file} "${n.name}"`, parameters: n.parameters }));
		});
}

/** A value as far as the source states it: literals as they are, anything computed as an expression. */
function literal(node: ts.Expression): unknown {
	if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
	if (ts.isNumericLiteral(node)) return Number(node.text);
	if (node.kind === ts.SyntaxKind.TrueKeyword) return true;
	if (node.kind === ts.SyntaxKind.FalseKeyword) return false;
	if (ts.isArrayLiteralExpression(node)) return node.elements.map((element) => literal(element as ts.Expression));
	if (ts.isObjectLiteralExpression(node)) {
		const value: Record<string, unknown> = {};
		for (const property of node.properties) {
			if (ts.isPropertyAssignment(property)) value[property.name.getText().replace(/^['"]|['"]$/g, '')] = literal(property.initializer);
		}
		return value;
	}
	return '={{ "computed" }}';
}

/** Meta Request nodes that the e2e suite, the queue harness, the demo and the benchmarks write as object literals. */
function sourceNodes(): SavedNode[] {
	const files = ['test/e2e', 'testing', 'bench', 'scripts'].flatMap((folder) =>
		readdirSync(path.join(ROOT, folder), { recursive: true, encoding: 'utf8' })
			.filter((file) => file.endsWith('.ts'))
			.map((file) => path.join(folder, file)),
	);
	const found: SavedNode[] = [];
	for (const file of files) {
		const source = ts.createSourceFile(file, readFileSync(path.join(ROOT, file), 'utf8'), ts.ScriptTarget.Latest, true);
		const visit = (node: ts.Node) => {
			if (ts.isObjectLiteralExpression(node)) {
				const type = node.properties.find((p): p is ts.PropertyAssignment => ts.isPropertyAssignment(p) && p.name.getText() === 'type');
				const parameters = node.properties.find((p): p is ts.PropertyAssignment => ts.isPropertyAssignment(p) && p.name.getText() === 'parameters');
				if (type && /metaRequest\b/.test(type.initializer.getText()) && parameters && ts.isObjectLiteralExpression(parameters.initializer)) {
					const line = source.getLineAndCharacterOfPosition(node.getStart()).line + 1;
					found.push({ where: `${file}:${line}`, parameters: literal(parameters.initializer) as INodeParameters });
				}
			}
			ts.forEachChild(node, visit);
		};
		visit(source);
	}
	return found;
}

describe('saved workflows keep loading', () => {
	const examples = exampleNodes();
	const sources = sourceNodes();

	// The other e2e workflows are the examples themselves (examples.e2e imports them).
	it('finds the Meta Request nodes of the examples and of the e2e workflows', () => {
		expect(examples.length).toBeGreaterThanOrEqual(8);
		expect(sources.filter((s) => s.where.startsWith('test/e2e')).length).toBeGreaterThanOrEqual(3);
	});

	it.each([...examples, ...sources].map((saved) => [saved.where, saved] as const))('%s', (_where, saved) => {
		const { parameters } = saved;
		expect(operationNamed(parameters.operation ?? DEFAULT_OPERATION)).toBeDefined();
		const kept = resolved(parameters);
		// Every saved parameter is still shown for its operation, with the value as saved.
		for (const [name, value] of Object.entries(parameters)) {
			if (name === 'options' || name === 'queryParameters' || name === 'headers') continue;
			expect({ [name]: kept[name] }).toEqual({ [name]: value });
		}
		// Every saved option is still an option shown for this operation.
		const options = (parameters.options ?? {}) as INodeParameters;
		const keptOptions = (kept.options ?? {}) as INodeParameters;
		for (const name of Object.keys(options)) expect({ [name]: keptOptions[name] }).toEqual({ [name]: options[name] });
	});
});
