import type { INode, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { z } from 'zod';

import type { MetaErrorInfo } from '../../nodes/shared/core';
import { annotateItem, formatZodIssues, getPath, parseParameters, summarizeMetaError } from '../../nodes/shared/n8n';

describe('getPath', () => {
	const value = { body: { entry: [{ changes: [{ value: 7 }] }] }, 'a.b': 1 };
	it('follows dots and [n] indexes', () => {
		expect(getPath(value, 'body.entry[0].changes[0].value')).toBe(7);
		expect(getPath(value, 'body.entry.0.changes.0.value')).toBe(7);
	});
	it('is undefined for missing paths, scalars on the way and inherited keys', () => {
		expect(getPath(value, 'body.nope.x')).toBeUndefined();
		expect(getPath(value, 'body.entry[0].changes[0].value.deeper')).toBeUndefined();
		expect(getPath(value, 'constructor')).toBeUndefined();
		expect(getPath(value, '__proto__')).toBeUndefined();
	});
});

describe('annotateItem', () => {
	it('keeps fields and binary, adds fields, pairs to the input, never copies item.error', () => {
		const source = {
			json: { a: 1, metaError: 'old' },
			binary: { file: { data: 'AA==', mimeType: 'text/plain' } },
			error: new NodeOperationError({ name: 'X' } as INode, 'boom'),
			pairedItem: { item: 9 },
		} as INodeExecutionData;
		const out = annotateItem(source, 3, { metaError: 'new' });
		expect(out).toEqual({ json: { a: 1, metaError: 'new' }, binary: source.binary, pairedItem: { item: 3 } });
		expect(source.json.metaError).toBe('old');
	});
});

describe('parameters', () => {
	const schema = z.object({ outputField: z.string().min(1, 'must not be empty'), list: z.array(z.enum(['a'])) });
	it('names the parameter as the editor shows it, with nested positions', () => {
		const parsed = schema.safeParse({ outputField: '', list: ['a', 'b'] });
		expect(parsed.success).toBe(false);
		expect(formatZodIssues(parsed.error!, { outputField: 'Output Field', list: 'List' }).split('\n')).toEqual([
			'Output Field: must not be empty',
			expect.stringMatching(/^List → 1: /),
		]);
	});
	it('throws a NodeOperationError with the first problem in the message and all in the description', () => {
		const node = { name: 'Classify', type: 't', typeVersion: 1, position: [0, 0], parameters: {} } as unknown as INode;
		let error: NodeOperationError | undefined;
		try {
			parseParameters(node, schema, { outputField: '', list: ['b'] }, { labels: { outputField: 'Output Field' } });
		} catch (caught) {
			error = caught as NodeOperationError;
		}
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error?.message).toBe('Invalid parameter — Output Field: must not be empty');
		expect(error?.description).toMatch(/^Fix these parameters:\nOutput Field: must not be empty\nlist → 0: /);
		expect(parseParameters(node, schema, { outputField: 'x', list: ['a'] })).toEqual({ outputField: 'x', list: ['a'] });
	});
});

describe('summarizeMetaError', () => {
	const info: MetaErrorInfo = {
		category: 'auth',
		retryable: false,
		action: 'escalate',
		source: 'graph',
		code: 190,
		subcode: 463,
		message: 'Error validating access token:\n Session has expired',
		meaning: 'm',
		remedy: 'Reconnect the credential.',
	};
	it('reads category, code/subcode, retryability, message and remedy', () => {
		expect(summarizeMetaError(info)).toBe(
			'auth 190/463 (not retryable): Error validating access token: Session has expired — Reconnect the credential.',
		);
	});
	it('falls back to meaning and shortens long messages', () => {
		expect(summarizeMetaError({ ...info, code: undefined, subcode: undefined, message: undefined })).toBe(
			'auth (not retryable): m — Reconnect the credential.',
		);
		const long = summarizeMetaError({ ...info, message: 'x'.repeat(1000) });
		expect(long).toMatch(/x{159}… — /);
		expect(long.length).toBeLessThan(260);
	});
});
