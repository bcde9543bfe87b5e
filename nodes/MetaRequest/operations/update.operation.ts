// Update: change fields of an object (POST /{ID}); safe to repeat, so retried like a read.
import { z } from 'zod';

import { defineOperation } from '../pipeline';
import { jsonBodyProperty, jsonObject, objectId, objectIdProperty, writeToObject } from '../fields';

export const update = defineOperation({
	value: 'update',
	option: { name: 'Update', description: 'Change fields of an object (POST /{ID})', action: 'Update an object' },
	properties: [objectIdProperty('ID of the object (me, a page, an ad, a campaign, …)'), jsonBodyProperty()],
	schema: z.object({ objectId, jsonBody: jsonObject }),
	subtitle: '"Update " + id',
	writes: true,
	answersById: true,
	check: writeToObject('POST', true),
	request: (params, query) => ({ method: 'POST', path: params.objectId, query, body: params.jsonBody, writeKind: 'idempotent' }),
});
