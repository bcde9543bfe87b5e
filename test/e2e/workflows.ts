/** Small builders for the workflows the e2e tests import (n8n-nodes-base nodes need no task runner). */

import type { NodeSpec } from '../../testing/workflow';
export { workflow, type Link, type NodeSpec } from '../../testing/workflow';

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
