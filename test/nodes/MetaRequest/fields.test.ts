// The parameters several operations share: Query Parameters and Headers.
import { headersSchema, queryParamsSchema } from '../../../nodes/MetaRequest/fields';
import { labelsOf } from '../../../nodes/MetaRequest/pipeline';
import { formatZodIssues } from '../../../nodes/shared/n8n';

const LABELS = labelsOf({ properties: [] });

describe('Query Parameters', () => {
	const query = (entries: unknown) => queryParamsSchema.parse(entries);
	const problems = (entries: unknown) => {
		const result = queryParamsSchema.safeParse(entries);
		if (result.success) throw new Error('expected invalid query parameters');
		return formatZodIssues(result.error, LABELS);
	};

	it('become the query object: objects as they are, an empty value sent empty, undefined left out', () => {
		expect(query(undefined)).toEqual({});
		expect(query([{ name: ' limit ', value: '20' }, { name: 'filtering', value: [{ field: 'x' }] }, { name: 'after', value: '' }, { name: 'before', value: undefined }])).toEqual({
			limit: '20',
			filtering: [{ field: 'x' }],
			after: '',
		});
	});

	it('refuse a value that resolved to null, naming the parameter, not the value', () => {
		expect(problems([{ name: 'limit', value: '5' }, { name: 'date_preset', value: null }])).toBe(
			'Query Parameters → date_preset: resolved to null; remove the parameter or give it a value',
		);
	});

	it('refuse a name given twice instead of sending only the last', () => {
		expect(problems([{ name: 'fields', value: 'id' }, { name: 'fields ', value: 'name' }])).toBe(
			'Query Parameters → fields: is given more than once; give each parameter once (for a list, one value holding a JSON array such as ["a","b"])',
		);
	});

	it('refuse a parameter without a name, or one the credential sets', () => {
		expect(problems([{ name: 'a', value: '1' }, { name: '  ', value: 'x' }])).toBe('Query Parameters: parameter 2 has no name');
		const token = problems([{ name: 'access_token', value: 'EAAcanary0000SECRET0000TOKEN' }]);
		expect(token).toBe('Query Parameters → access_token: is set by the credential; remove this parameter');
		expect(token).not.toContain('EAAcanary');
	});
});

describe('Headers (Custom API Call)', () => {
	const issues = (value: unknown) => {
		const result = headersSchema.safeParse(value);
		return result.success ? undefined : result.error.issues.map((issue) => `${issue.path.join(' → ')}: ${issue.message}`);
	};

	it('turns name/value pairs into headers, values as text, undefined left out', () => {
		expect(headersSchema.parse([{ name: ' X-Source ', value: 'crm' }, { name: 'X-Count', value: 3 }, { name: 'X-Gone', value: undefined }])).toEqual({ 'X-Source': 'crm', 'X-Count': '3' });
		expect(headersSchema.parse(undefined)).toEqual({});
	});

	it('refuses a bad name, a repeat in any case, a header the node sets, null and objects', () => {
		expect(issues([{ name: 'X A', value: '1' }])).toEqual(['headers → X A: is not a header name (letters, digits and - only, no spaces or colons)']);
		expect(issues([{ name: 'X-A', value: '1' }, { name: 'x-a', value: '2' }])).toEqual(['headers → x-a: is given more than once; give each header once']);
		expect(issues([{ name: 'Content-Type', value: 'text/plain' }])).toEqual(['headers → Content-Type: is set by the node (the JSON Body is sent as application/json)']);
		expect(issues([{ name: 'X-A', value: null }])).toEqual(['headers → X-A: resolved to null; remove the header or give it a value']);
		expect(issues([{ name: 'X-A', value: { a: 1 } }])).toEqual(['headers → X-A: is an object or a list; a header value is text']);
		expect(issues([{ name: '', value: '1' }])).toEqual(['headers: header 1 has no name']);
	});
});
