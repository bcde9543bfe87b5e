// Create: make an object on an edge (POST /{parent}/{edge}). A create is never sent twice once it
// may have been applied: the write journal answers a re-run of one that succeeded.
import { z } from 'zod';

import { defineOperation } from '../pipeline';
import { edge, edgeProperty, jsonBodyProperty, jsonObject, objectId, objectIdProperty, writeToObject } from '../fields';

export const create = defineOperation({
	value: 'create',
	option: { name: 'Create', description: 'Create an object on an edge (POST /{parent}/{edge})', action: 'Create an object' },
	properties: [objectIdProperty('ID of the parent object, e.g. act_123 to create an ad in that ad account'), edgeProperty, jsonBodyProperty()],
	schema: z.object({ objectId, edge, jsonBody: jsonObject }),
	subtitle: '"Create " + shown("edge") + " in " + id',
	writes: true,
	check: writeToObject('POST', true),
	request: (params, query) => ({ method: 'POST', path: `${params.objectId}/${params.edge}`, query, body: params.jsonBody, writeKind: 'create' }),
});
