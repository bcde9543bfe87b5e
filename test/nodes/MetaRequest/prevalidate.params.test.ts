// Which items Validate Before Sending checks, and the Headers parameter of Custom API Call.
import { buildRequest, headersSchema, itemParamsSchema, optionsSchema, prevalidationRequest } from '../../../nodes/MetaRequest/params';

describe('prevalidationRequest', () => {
	it('checks writes, with the raw Object ID and the parsed body; not reads', () => {
		expect(prevalidationRequest({ operation: 'pause', objectId: { id: '1' } })).toEqual({ method: 'POST', objectId: { id: '1' }, body: undefined });
		expect(prevalidationRequest({ operation: 'delete', objectId: '1' })).toEqual({ method: 'DELETE', objectId: '1', body: undefined });
		expect(prevalidationRequest({ operation: 'update', objectId: '1', jsonBody: '{"adset_id":"2"}' })).toEqual({ method: 'POST', objectId: '1', body: { adset_id: '2' } });
		expect(prevalidationRequest({ operation: 'create', objectId: 'act_1', jsonBody: { name: 'x' } })?.body).toEqual({ name: 'x' });
		expect(prevalidationRequest({ operation: 'create', objectId: 'act_1', jsonBody: '{not json' })?.body).toBeUndefined();
		expect(prevalidationRequest({ operation: 'getObject', objectId: 'x' })).toBeUndefined();
		expect(prevalidationRequest({ operation: 'listEdge', objectId: 'x' })).toBeUndefined();
		expect(prevalidationRequest({ operation: 'custom', method: 'GET', path: '[object Object]' })).toBeUndefined();
	});

	it('checks a Custom API Call write with its path, body and headers', () => {
		expect(
			prevalidationRequest({ operation: 'custom', method: 'DELETE', path: '1', headers: [{ name: 'x-api-key', value: 'k' }] }),
		).toEqual({ method: 'DELETE', path: '1', body: undefined, headers: { 'x-api-key': 'k' } });
	});

	it('is on by default', () => {
		expect(optionsSchema.parse({}).validateBeforeSending).toBe(true);
		expect(optionsSchema.parse({ validateBeforeSending: false }).validateBeforeSending).toBe(false);
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

	it('are sent with a Custom API Call only when given', () => {
		const params = itemParamsSchema.parse({ operation: 'custom', method: 'POST', path: 'me/feed', jsonBody: '{}' });
		expect(buildRequest(params, {}, { 'X-A': '1' }).headers).toEqual({ 'X-A': '1' });
		expect('headers' in buildRequest(params, {})).toBe(false);
	});
});
