import { update } from '../../../../nodes/MetaRequest/operations/update.operation';
import { issuesOf, requestOf } from './parse';

describe('Update', () => {
	it('posts the JSON Body to the object, safe to repeat', () => {
		expect(requestOf(update, { objectId: '123', jsonBody: { daily_budget: 500 } })).toEqual({ method: 'POST', path: '123', query: {}, body: { daily_budget: 500 }, writeKind: 'idempotent' });
		expect(update.answersById).toBe(true);
	});

	it('refuses a JSON Body that is not an object', () => {
		expect(issuesOf(update, { objectId: '1', jsonBody: '[1,2]' })).toMatch(/^JSON Body: /);
	});

	it('is checked with the parsed body', () => {
		expect(update.check!({ objectId: '1', jsonBody: '{"adset_id":"2"}' })).toEqual({ method: 'POST', objectId: '1', body: { adset_id: '2' } });
	});
});
