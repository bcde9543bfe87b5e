import { listEdge } from '../../../../nodes/MetaRequest/operations/listEdge.operation';
import { issuesOf, requestOf } from './parse';

describe('List Edge', () => {
	it('asks for pages of at most Limit (Meta gives at most 100), or Meta\'s own size with Return All', () => {
		expect(requestOf(listEdge, { objectId: 'act_1', edge: 'ads', returnAll: false, limit: 30 })).toEqual({ method: 'GET', path: 'act_1/ads', query: { limit: 30 } });
		expect(requestOf(listEdge, { objectId: 'act_1', edge: 'ads', returnAll: false, limit: 500 }).query).toEqual({ limit: 100 });
		expect(requestOf(listEdge, { objectId: 'act_1', edge: 'ads', returnAll: true }, { limit: '100' })).toEqual({ method: 'GET', path: 'act_1/ads', query: { limit: '100' } });
		expect(requestOf(listEdge, { objectId: 'act_1', edge: 'ads', fields: 'id' }).query).toEqual({ limit: 50, fields: 'id' });
	});

	it('reads every page up to Limit records, and its replay record says so', () => {
		expect(listEdge.pages!(listEdge.schema.parse({ objectId: 'a', edge: 'ads', limit: 30 }))).toEqual({ maxRecords: 30, list: { limit: 30 } });
		expect(listEdge.pages!(listEdge.schema.parse({ objectId: 'a', edge: 'ads', returnAll: true }))).toEqual({ maxRecords: undefined, list: {} });
	});

	it('refuses a path as the edge, and a limit under 1', () => {
		expect(issuesOf(listEdge, { objectId: 'act_1', edge: 'ads/../../x' })).toMatch(/^Edge: must be an edge name/);
		expect(issuesOf(listEdge, { objectId: 'act_1', edge: 'ads', limit: 0 })).toBe('Limit: must be at least 1');
	});
});
