import { custom } from '../../../../nodes/MetaRequest/operations/custom.operation';
import { issuesOf, requestOf } from './parse';

describe('Custom API Call', () => {
	it('sends the method and path as given; a GET sends no body', () => {
		expect(requestOf(custom, { method: 'GET', path: 'me/adaccounts', jsonBody: '{"x":1}' }, { fields: 'id' })).toEqual({
			method: 'GET',
			path: 'me/adaccounts',
			query: { fields: 'id' },
			body: undefined,
			writeKind: undefined,
		});
	});

	it('leaves the write kind to the client unless the user states it', () => {
		const writeKind = (kind?: string) => requestOf(custom, { method: 'POST', path: '123', writeKind: kind }).writeKind;
		expect(writeKind()).toBeUndefined();
		expect(writeKind('create')).toBe('create');
		expect(writeKind('idempotent')).toBe('idempotent');
		expect(issuesOf(custom, { method: 'POST', path: '123', writeKind: 'twice' })).toMatch(/^Write Kind: /);
	});

	it('sends headers only when given', () => {
		expect(requestOf(custom, { method: 'POST', path: 'me/feed', jsonBody: '{}' }, {}, { 'X-A': '1' }).headers).toEqual({ 'X-A': '1' });
		expect('headers' in requestOf(custom, { method: 'POST', path: 'me/feed', jsonBody: '{}' })).toBe(false);
	});

	it('is checked with its path, body and headers when it writes; a GET is not checked', () => {
		expect(custom.check!({ method: 'DELETE', path: '1', headers: [{ name: 'x-api-key', value: 'k' }] })).toEqual({
			method: 'DELETE',
			path: '1',
			body: undefined,
			headers: { 'x-api-key': 'k' },
		});
		expect(custom.check!({ method: 'GET', path: '[object Object]' })).toBeUndefined();
	});
});
