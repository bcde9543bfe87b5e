// Get Object: read one object (GET /{ID}).
import { z } from 'zod';

import { defineOperation } from '../pipeline';
import { fields, fieldsProperty, objectId, objectIdProperty } from '../fields';

export const getObject = defineOperation({
	value: 'getObject',
	option: { name: 'Get Object', description: 'Read one object (GET /{ID})', action: 'Get an object' },
	properties: [objectIdProperty('ID of the object (me, a page, an ad, a campaign, …)'), fieldsProperty],
	schema: z.object({ objectId, fields }),
	subtitle: '"Get " + id',
	writes: false,
	request: (params, query) => ({ method: 'GET', path: params.objectId, query: params.fields ? { fields: params.fields, ...query } : query }),
});
