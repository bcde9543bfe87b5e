// The hand-checked fast path of the Graph reader (readers/plain.ts) against zod: classifyMetaError
// gives exactly the same result with it as with zod reading every object, for every corpus body
// and for odd variants of the Graph shape.
import fc from 'fast-check';
import { corpus } from '../../../bench/corpus';
import { classifyMetaError, graphErrorSchema, errorDataSchema, type ClassifyContext } from '../../../nodes/shared/core';
import { plainErrorData, plainGraphError } from '../../../nodes/shared/core/errors/readers/plain';

const PLAIN = '../../../nodes/shared/core/errors/readers/plain';

/** classifyMetaError with the fast path switched off: a fresh copy of the core whose plain checks always decline. */
let slowClassify: typeof classifyMetaError;
jest.isolateModules(() => {
	jest.doMock(PLAIN, () => ({ plainGraphError: () => undefined, plainErrorData: () => undefined }));
	slowClassify = (require('../../../nodes/shared/core/errors/classify') as typeof import('../../../nodes/shared/core/errors/classify')).classifyMetaError;
});
jest.dontMock(PLAIN);

const SECRET = 'sup3r-s3cret-app-value';
const TOKEN = 'EAAB0123456789abcdefTOKEN';
const CONTEXTS: Array<ClassifyContext | undefined> = [
	undefined,
	{ httpStatus: 400 },
	{ httpStatus: 429, headers: { 'retry-after': '7' } },
	{ secrets: [TOKEN, SECRET, `1234567|${SECRET}`] },
];

function expectSame(input: unknown): void {
	for (const context of CONTEXTS) {
		expect(classifyMetaError(input, context)).toStrictEqual(slowClassify(input, context));
	}
}

/** JSON text with every lowercase letter inside its strings written as a \\u00XX escape. */
const escapeLetters = (json: string): string =>
	json.replace(/"(?:[^"\\]|\\.)*"/g, (s) =>
		s.replace(/\\u[0-9a-fA-F]{4}|\\.|[a-z]/g, (m) => (m.length > 1 ? m : `\\u00${m.charCodeAt(0).toString(16)}`)),
	);

const base = {
	message: 'Error validating access token: Session has expired.',
	type: 'OAuthException',
	code: 190,
	error_subcode: 463,
	error_user_title: 'Session expired',
	error_user_msg: 'Log in again.',
	fbtrace_id: 'AbCdEfGhIjK',
	is_transient: false,
};

/** The inner error with one field changed (undefined removes it). */
const variantsOfField: Record<string, unknown[]> = {
	message: [undefined, '', 42, null, ['x'], '(#17) User request limit reached', 'cURL error 28: Operation timed out', `token ${TOKEN} rejected`, `access_token=${SECRET}&x=1`, `Bearer ${SECRET}`, 'Caf\u00e9 "quoted" \\ back\nline', 'x'.repeat(5000)],
	type: [undefined, 7, '', 'GraphMethodException', SECRET],
	code: [undefined, '190', ' 17 ', '-1', 'abc', 1.5, -1, 0, -0, 1e20, 2 ** 53, Number.MAX_SAFE_INTEGER, NaN, Infinity, null, true, 80004, 368, 132001],
	error_subcode: [undefined, '463', 2446079, 1487390, 1.5, 1e300, 'x', null],
	is_transient: [undefined, true, 'true', 'false', 'yes', 1, 0, null],
	error_user_title: [undefined, '', 5, `Title ${TOKEN}`],
	error_user_msg: [undefined, {}, `Msg with ${SECRET}`, 'ok'],
	fbtrace_id: [undefined, 123, '', SECRET, 'A'.repeat(400)],
	title: [undefined, 'Message undeliverable', 'Error validating access token: Session has expired.', 9],
	error_data: [
		undefined,
		'{"blame_field_specs":[["body"]]}',
		'{"details":"from text","blame_field_specs":"x"}',
		'not json',
		'',
		'{broken',
		{ details: 'template name does not exist', messaging_product: 'whatsapp' },
		{ details: 5, blame_field_specs: [['a', 'b']] },
		{ details: `has ${TOKEN}`, blame_field_specs: [[SECRET]] },
		{ blame_field_specs: [['a', 1], 'b', null, 3, { k: 1 }] },
		{ blame_field_specs: Array.from({ length: 25 }, (_, i) => [`f${i}`]) },
		{ blame_field_specs: [] },
		{ blame_field_specs: 'link' },
		[['link']],
		null,
		42,
	],
	extra: [undefined, 1, { nested: { error: { code: 100 } } }, 'x'],
	error: [undefined, { message: 'nested', code: 100 }, '{"code":1}'],
};

function variants(): unknown[] {
	const out: unknown[] = [];
	for (const [field, values] of Object.entries(variantsOfField)) {
		for (const value of values) {
			const e: Record<string, unknown> = { ...base };
			if (value === undefined) delete e[field];
			else e[field] = value;
			out.push({ error: e });
		}
	}
	// Missing fields: down to the bare minimum a Graph error needs, and below it.
	out.push({ error: {} }, { error: { code: 190 } }, { error: { message: 'Invalid parameter' } }, { error: { fbtrace_id: 'x' } });
	out.push({ error: { code: '100', message: 'Invalid', type: 'OAuthException' } }, { error: { is_transient: true } });
	// The error wrapped, nested, as text, alone; in an async job, a WhatsApp status, an n8n item.
	out.push({ error: JSON.stringify(base) }, { error: { error: base } }, base, { error: base, requestId: 'req-1' }, { error: base, requestId: 77 });
	out.push({ status: 'FAILED', result: { error: base }, id: 5 }, { status: 'failed', errors: [{ ...base, title: 'T' }] });
	out.push({ error: { message: 'Bad request', httpCode: '400', cause: { error: { ...base, code: '100' } } } });
	return out;
}

class WithGetter {
	get message(): string {
		return 'from a getter (#100)';
	}
	code = 100;
	fbtrace_id = 'trace';
}

describe('Graph fast path (readers/plain.ts) against zod', () => {
	it('is taken for every Graph body of the corpus', () => {
		const graphErrors = corpus.map((c) => c.body).filter((b): b is { error: Record<string, unknown> } => typeof b === 'object' && b !== null && 'error' in b && 'fbtrace_id' in (b as { error: object }).error);
		expect(graphErrors.length).toBeGreaterThanOrEqual(10);
		for (const body of graphErrors) expect(plainGraphError(body.error)).toBeDefined();
	});

	it('gives the same result for every corpus body, as JSON text and as an object', () => {
		for (const entry of corpus) {
			expectSame(entry.body);
			expectSame(typeof entry.body === 'string' ? entry.body : JSON.stringify(entry.body));
		}
	});

	it('gives the same result for odd variants: extra keys, wrong types, numeric strings, huge codes, nested, missing, secrets, escapes', () => {
		for (const body of variants()) {
			expectSame(body);
			const text = JSON.stringify(body);
			expectSame(text);
			// Escaped letters: the secrets are only whole once parsed.
			expectSame(escapeLetters(text));
			expectSame(`400 - ${text}`);
		}
		expectSame({ error: new WithGetter() });
		expectSame(Object.assign(new Error('boom (#100) Invalid parameter'), { code: 100, type: 'OAuthException' }));
		expectSame({ error: Object.create({ message: 'inherited', code: 190, fbtrace_id: 't' }) as object });
		// A list with holes: zod copies it, a hole becoming undefined.
		expectSame({ error: { ...base, error_data: { blame_field_specs: [, ['a']] } } });
	});

	it('gives the same result for random Graph-like errors', () => {
		const anyValue = fc.oneof(
			fc.constant(undefined),
			fc.string({ maxLength: 40 }),
			fc.integer(),
			fc.double(),
			fc.boolean(),
			fc.constantFrom('190', 'true', 'false', ' 17 ', '1e3', '', TOKEN, `access_token=${SECRET}`, '\\u0041', null),
			fc.jsonValue({ maxDepth: 2 }),
		);
		const field = (typical: fc.Arbitrary<unknown>) => fc.oneof({ weight: 3, arbitrary: typical }, { weight: 1, arbitrary: anyValue });
		const error = fc.record(
			{
				message: field(fc.string({ maxLength: 60 })),
				type: field(fc.constantFrom('OAuthException', 'GraphMethodException')),
				code: field(fc.constantFrom(1, 2, 4, 10, 17, 100, 190, 200, 368, 613, 80004, 130429, 131026, 132001)),
				error_subcode: field(fc.constantFrom(33, 463, 2446079, 1487390, 1504022)),
				is_transient: field(fc.boolean()),
				error_user_title: field(fc.string({ maxLength: 20 })),
				error_user_msg: field(fc.string({ maxLength: 40 })),
				fbtrace_id: field(fc.string({ minLength: 1, maxLength: 12 })),
				title: field(fc.string({ maxLength: 20 })),
				error_data: field(fc.record({ details: field(fc.string()), blame_field_specs: field(fc.array(fc.array(fc.string(), { maxLength: 3 }), { maxLength: 3 })) }, { requiredKeys: [] })),
			},
			{ requiredKeys: [] },
		);
		fc.assert(
			fc.property(error, fc.boolean(), (e, asText) => {
				const body = { error: e };
				expectSame(asText ? JSON.stringify(body) : body);
			}),
			{ numRuns: 1500 },
		);
	});

	it('matches the schemas themselves wherever it answers', () => {
		for (const body of variants()) {
			const e = (body as { error?: unknown }).error;
			if (typeof e !== 'object' || e === null || Array.isArray(e)) continue;
			const plain = plainGraphError(e as Record<string, unknown>);
			const strict = graphErrorSchema.safeParse(e);
			if (plain) expect(plain).toEqual(strict.data);
			if (!strict.success) expect(plain).toBeUndefined();
			const data = (e as Record<string, unknown>).error_data;
			if (typeof data === 'object' && data !== null && !Array.isArray(data)) {
				const plainData = plainErrorData(data as Record<string, unknown>);
				if (plainData) expect(plainData).toEqual(errorDataSchema.parse(data));
			}
		}
	});
});
