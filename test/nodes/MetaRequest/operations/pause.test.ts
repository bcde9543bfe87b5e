import { pause } from '../../../../nodes/MetaRequest/operations/pause.operation';
import { issuesOf, requestOf } from './parse';

describe('Pause', () => {
	it('sets status PAUSED, safe to repeat', () => {
		expect(requestOf(pause, { objectId: '123' })).toEqual({ method: 'POST', path: '123', query: {}, body: { status: 'PAUSED' }, writeKind: 'idempotent' });
	});

	it('takes a whole number as an ID, and refuses one that has already lost digits', () => {
		expect(pause.schema.parse({ objectId: 120210000000001 })).toMatchObject({ objectId: '120210000000001' });
		// 120210000000000001 as a JavaScript number is already 120210000000000000.
		const lost = issuesOf(pause, { objectId: 120210000000000001 });
		expect(lost).toMatch(/^Object ID: is a number larger than 2\^53, so its last digits are already lost; keep the ID as text/);
		expect(lost).not.toMatch(/12021/);
		expect(issuesOf(pause, { objectId: 2 ** 53 })).toMatch(/larger than 2\^53/);
		expect(issuesOf(pause, { objectId: 12.5 })).toMatch(/^Object ID: is a number that is not an ID \(negative or not whole\); give the ID as text/);
		expect(issuesOf(pause, { objectId: -3 })).toMatch(/^Object ID: is a number that is not an ID/);
		expect(issuesOf(pause, { objectId: Number.NaN })).toBe('Object ID: must be an ID as text, e.g. 120210000000000');
		expect(issuesOf(pause, { objectId: true })).toBe('Object ID: must be an ID as text, e.g. 120210000000000');
		expect(issuesOf(pause, { objectId: '' })).toBe('Object ID: is empty; give an ID such as 120210000000000, act_123 or me');
	});

	it('is checked with the raw Object ID (an object is refused by the check, not by the node)', () => {
		expect(pause.check!({ objectId: { id: '1' } })).toEqual({ method: 'POST', objectId: { id: '1' }, body: undefined });
	});
});
