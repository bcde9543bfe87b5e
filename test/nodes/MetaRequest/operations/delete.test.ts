import { deleteObject } from '../../../../nodes/MetaRequest/operations/delete.operation';
import { requestOf } from './parse';

describe('Delete', () => {
	it('deletes the object, safe to repeat', () => {
		expect(requestOf(deleteObject, { objectId: '123' })).toEqual({ method: 'DELETE', path: '123', query: {}, writeKind: 'idempotent' });
		expect(deleteObject.schema.parse({ objectId: 0 })).toMatchObject({ objectId: '0' });
		expect(deleteObject.answersById).toBe(true);
	});

	it('is checked without a body', () => {
		expect(deleteObject.check!({ objectId: '1' })).toEqual({ method: 'DELETE', objectId: '1', body: undefined });
	});
});
