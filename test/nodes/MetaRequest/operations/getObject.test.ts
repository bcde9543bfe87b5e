import { getObject } from '../../../../nodes/MetaRequest/operations/getObject.operation';
import { issuesOf, requestOf } from './parse';

describe('Get Object', () => {
	it('reads one object, with the fields asked for first', () => {
		expect(requestOf(getObject, { objectId: '123', fields: 'id,name' })).toEqual({ method: 'GET', path: '123', query: { fields: 'id,name' } });
		expect(requestOf(getObject, { objectId: 'me' }, { locale: 'de_DE' })).toEqual({ method: 'GET', path: 'me', query: { locale: 'de_DE' } });
	});

	it('takes a whole number as an ID, and refuses one that has already lost digits', () => {
		expect(getObject.schema.parse({ objectId: Number.MAX_SAFE_INTEGER })).toMatchObject({ objectId: '9007199254740991' });
		const url = issuesOf(getObject, { objectId: 'https://evil.example/?access_token=EAAcanary0000SECRET0000TOKEN' });
		expect(url).toMatch(/^Object ID: must be a single ID/);
		expect(url).not.toContain('EAAcanary');
	});

	it('is a read: Validate Before Sending checks nothing', () => {
		expect(getObject.writes).toBe(false);
		expect(getObject.check).toBeUndefined();
	});
});
