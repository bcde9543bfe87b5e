// Delete: delete an object (DELETE /{ID}); safe to repeat.
import { z } from 'zod';

import { defineOperation } from '../pipeline';
import { objectId, objectIdProperty, writeToObject } from '../fields';

export const deleteObject = defineOperation({
	value: 'delete',
	option: { name: 'Delete', description: 'Delete an object (DELETE /{ID})', action: 'Delete an object' },
	properties: [objectIdProperty('ID of the object (me, a page, an ad, a campaign, …)')],
	schema: z.object({ objectId }),
	subtitle: '"Delete " + id',
	writes: true,
	answersById: true,
	check: writeToObject('DELETE', false),
	request: (params, query) => ({ method: 'DELETE', path: params.objectId, query, writeKind: 'idempotent' }),
});
