// List Edge: read the objects of an edge (GET /{ID}/{edge}), following Meta's paging up to Max
// Pages, or until Limit records when Return All is off.
import { z } from 'zod';

import { defineOperation } from '../pipeline';
import { edge, edgeProperty, fields, fieldsProperty, objectId, objectIdProperty } from '../fields';

/** Meta's largest page size for most edges: a smaller Limit asks for just that many. */
const MAX_PAGE_SIZE = 100;

export const listEdge = defineOperation({
	value: 'listEdge',
	option: { name: 'List Edge', description: 'Read the objects of an edge, e.g. the ads of an ad account', action: 'List an edge' },
	properties: [
		objectIdProperty('ID of the object whose edge to read, e.g. act_123 for an ad account'),
		edgeProperty,
		fieldsProperty,
		{
			displayName: 'Return All',
			name: 'returnAll',
			type: 'boolean',
			default: false,
			description: 'Whether to return all results or only up to a given limit',
		},
		{
			displayName: 'Limit',
			name: 'limit',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: 50,
			description: 'Max number of results to return',
			displayOptions: { show: { returnAll: [false] } },
		},
	],
	schema: z.object({
		objectId,
		edge,
		fields,
		returnAll: z.boolean().default(false),
		limit: z.number().int().min(1, 'must be at least 1').default(50),
	}),
	subtitle: '"List " + shown("edge") + " of " + id',
	writes: false,
	request: (params, query) => {
		const pageSize = params.returnAll ? {} : { limit: Math.min(params.limit, MAX_PAGE_SIZE) };
		return { method: 'GET', path: `${params.objectId}/${params.edge}`, query: { ...pageSize, ...(params.fields ? { fields: params.fields, ...query } : query) } };
	},
	pages: (params) => ({ maxRecords: params.returnAll ? undefined : params.limit, list: params.returnAll ? {} : { limit: params.limit } }),
});
