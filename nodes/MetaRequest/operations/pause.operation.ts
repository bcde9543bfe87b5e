// Pause: set an ad, ad set or campaign's status to PAUSED (POST /{ID}); safe to repeat.
import { z } from 'zod';

import { defineOperation } from '../pipeline';
import { objectId, objectIdProperty, writeToObject } from '../fields';

export const pause = defineOperation({
	value: 'pause',
	option: { name: 'Pause', description: 'Pause an ad, ad set or campaign (status=PAUSED)', action: 'Pause an ad, ad set or campaign' },
	properties: [objectIdProperty('ID of the ad, ad set or campaign to pause')],
	schema: z.object({ objectId }),
	subtitle: '"Pause " + id',
	writes: true,
	answersById: true,
	check: writeToObject('POST', false),
	request: (params, query) => ({ method: 'POST', path: params.objectId, query, body: { status: 'PAUSED' }, writeKind: 'idempotent' }),
});
