/** Small builders for the workflows the e2e tests import (n8n-nodes-base nodes need no task runner). */

export interface NodeSpec {
	name: string;
	type: string;
	typeVersion?: number;
	parameters?: Record<string, unknown>;
	credentials?: Record<string, { id: string; name: string }>;
}

/** [from, to, output of `from`] */
export type Link = [string, string, number?];

export const DEMO_CREDENTIAL_REF = { metaGraphApi: { id: 'MetaDemoCred0001', name: 'Meta Graph API (demo)' } };

/** The credential the examples reference, pointed at a (fake) Meta server. */
export function demoCredential(server: { url: string; token: string }) {
	return {
		...DEMO_CREDENTIAL_REF.metaGraphApi,
		type: 'metaGraphApi',
		data: { accessToken: server.token, apiVersion: 'v24.0', baseUrl: server.url },
	};
}

export const trigger: NodeSpec = { name: 'Run', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1 };

export const noOp = (name: string): NodeSpec => ({ name, type: 'n8n-nodes-base.noOp', typeVersion: 1 });

/**
 * A Set node holding `values` under `field`, and a Split Out node making one item per value. The
 * values are an expression, indented so that nested objects never close with `}}`, which would
 * end the expression early.
 */
export function itemsOf(field: string, values: unknown[]): [NodeSpec, NodeSpec] {
	return [
		{
			name: 'Values',
			type: 'n8n-nodes-base.set',
			typeVersion: 3.4,
			parameters: {
				mode: 'manual',
				assignments: {
					assignments: [{ id: 'values', name: 'values', value: `={{ ${JSON.stringify(values, null, 1)} }}`, type: 'array' }],
				},
				options: {},
			},
		},
		{
			name: 'One item each',
			type: 'n8n-nodes-base.splitOut',
			typeVersion: 1,
			parameters: { fieldToSplitOut: 'values', options: { destinationFieldName: field } },
		},
	];
}

/** A workflow n8n 1.123 and 2.x import: ids of at most 21 characters, nodes laid out left to right. */
export function workflow(id: string, nodes: NodeSpec[], links: Link[]) {
	if (id.length > 21) throw new Error(`workflow id ${id} is longer than 21 characters`);
	const connections: Record<string, { main: Array<Array<{ node: string; type: 'main'; index: 0 }>> }> = {};
	for (const [from, to, output = 0] of links) {
		const main = (connections[from] ??= { main: [] }).main;
		while (main.length <= output) main.push([]);
		main[output].push({ node: to, type: 'main', index: 0 });
	}
	return {
		id,
		name: `e2e ${id}`,
		active: false,
		settings: { executionOrder: 'v1' },
		nodes: nodes.map((node, i) => ({
			id: `${id}-${i}`,
			typeVersion: 1,
			parameters: {},
			position: [i * 220, 0],
			...node,
		})),
		connections,
		pinData: {},
	};
}
