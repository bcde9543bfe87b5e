import { create } from '../../../../nodes/MetaRequest/operations/create.operation';
import { issuesOf, requestOf } from './parse';

describe('Create', () => {
	it('posts the JSON Body to the edge, as a create', () => {
		expect(requestOf(create, { objectId: 'act_1', edge: 'campaigns', jsonBody: '{"name":"C"}' })).toEqual({
			method: 'POST',
			path: 'act_1/campaigns',
			query: {},
			body: { name: 'C' },
			writeKind: 'create',
		});
	});

	it('names the parameter and the fix, never the value', () => {
		expect(issuesOf(create, { objectId: 'act_1', edge: 'ads', jsonBody: '{"name": ' })).toMatch(/^JSON Body: is not valid JSON; write an object/);
	});

	it('is checked by Validate Before Sending with the raw Object ID and the body as far as it is JSON', () => {
		expect(create.check!({ objectId: 'act_1', jsonBody: { name: 'x' } })).toEqual({ method: 'POST', objectId: 'act_1', body: { name: 'x' } });
		expect(create.check!({ objectId: 'act_1', jsonBody: '{not json' })?.body).toBeUndefined();
	});
});
