// Property-based fuzzing of classifyMetaError: 100,000 random and mutated inputs in total.
// Whatever arrives, it must not throw, must return a schema-valid MetaErrorInfo, and must not leak a token.
// A failure prints fast-check's seed and path; FUZZ_SEED=<seed> replays the whole file.
import fc from 'fast-check';
import { classifyMetaError, metaErrorInfoSchema } from '../../nodes/shared/core';
import type { ClassifyContext } from '../../nodes/shared/core';
import { corpus } from '../../bench/corpus';

const CANARY = 'EAAcanary0000SECRET0000TOKEN';

if (process.env.FUZZ_SEED) fc.configureGlobal({ seed: Number(process.env.FUZZ_SEED) });
// About 25 s of CPU in all; a busy CI machine may stretch one property past jest's default.
jest.setTimeout(180_000);

type Json = unknown;

/** Checks one call and returns the serialized result, for the leak checks. */
function classifyChecked(input: unknown, context?: ClassifyContext): string {
	const info = classifyMetaError(input, context);
	const parsed = metaErrorInfoSchema.safeParse(info);
	if (!parsed.success) {
		throw new Error(`schema rejected ${JSON.stringify(info)}: ${parsed.error.message}`);
	}
	return JSON.stringify(info);
}

// ---------- values that replace a field ("retyped") ----------

const oversizedString = fc
	.tuple(fc.string({ minLength: 1, maxLength: 8 }), fc.integer({ min: 1_000, max: 50_000 }))
	.map(([s, n]) => s.repeat(Math.ceil(n / s.length)));

const retyped: fc.Arbitrary<Json> = fc.oneof(
	{ weight: 3, arbitrary: fc.constantFrom<Json>(null, undefined, true, false, 0, -1, NaN, Infinity, -0, '', '[]', '{}', 'null') },
	{ weight: 3, arbitrary: fc.string() },
	{ weight: 2, arbitrary: fc.integer() },
	{ weight: 2, arbitrary: fc.double() },
	{ weight: 2, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
	{ weight: 1, arbitrary: fc.anything({ maxDepth: 1 }) },
	{ weight: 1, arbitrary: oversizedString },
	{ weight: 1, arbitrary: fc.array(fc.integer(), { minLength: 1_000, maxLength: 2_000 }) },
);

// ---------- mutation of a realistic body: fields removed, retyped, mutated recursively, added ----------

function mutated(value: Json, depth = 0): fc.Arbitrary<Json> {
	const same = fc.constant(value);
	if (Array.isArray(value)) {
		return fc.oneof(
			{ weight: 4, arbitrary: fc.tuple(...value.map((v) => mutated(v, depth + 1))) as fc.Arbitrary<Json> },
			{ weight: 1, arbitrary: retyped },
			{ weight: 1, arbitrary: fc.constant([]) },
		);
	}
	if (value !== null && typeof value === 'object') {
		const entries = Object.entries(value).map(([key, v]) =>
			fc.oneof(
				{ weight: 6, arbitrary: mutated(v, depth + 1).map((m) => [key, m] as const) },
				{ weight: 1, arbitrary: retyped.map((m) => [key, m] as const) },
				{ weight: 1, arbitrary: fc.constant(undefined) }, // removed
			),
		);
		const extra = fc.option(fc.dictionary(fc.string({ maxLength: 12 }), retyped, { minKeys: 1, maxKeys: 2 }), { nil: {}, freq: 3 });
		return fc.oneof(
			{
				weight: 8,
				arbitrary: fc.tuple(fc.tuple(...entries), extra).map(([kept, added]) => {
					const out: Record<string, Json> = { ...added };
					for (const entry of kept) if (entry) out[entry[0]] = entry[1];
					return out;
				}),
			},
			{ weight: 1, arbitrary: retyped },
		);
	}
	if (typeof value === 'string') {
		return fc.oneof(
			{ weight: 12, arbitrary: same },
			{ weight: 2, arbitrary: fc.string() },
			{ weight: 2, arbitrary: fc.nat(value.length).map((n) => value.slice(0, n)) },
			// Rare per field, so that about one body in five carries an oversized text.
			{ weight: 1, arbitrary: oversizedString.map((s) => value + s) },
			{ weight: 2, arbitrary: retyped },
		);
	}
	if (typeof value === 'number') {
		return fc.oneof(
			{ weight: 5, arbitrary: same },
			{ weight: 1, arbitrary: fc.constant(String(value)) }, // codes arrive as strings too
			{ weight: 1, arbitrary: fc.integer() },
			{ weight: 1, arbitrary: fc.double() },
			{ weight: 1, arbitrary: retyped },
		);
	}
	return fc.oneof({ weight: 3, arbitrary: same }, { weight: 1, arbitrary: retyped });
}

/** Wraps a value the way real pipelines nest errors, sometimes many levels deep. */
function nested(inner: fc.Arbitrary<Json>): fc.Arbitrary<Json> {
	const wrappers: Array<(v: Json) => Json> = [
		(v) => ({ error: v }),
		(v) => ({ result: v }),
		(v) => ({ cause: v }),
		(v) => ({ json: v }),
		(v) => ({ error: { cause: { error: v } } }),
		(v) => [v],
		(v) => ({ data: [v, v] }),
		(v) => ({ error_data: JSON.stringify(v) ?? null }),
	];
	return fc
		.tuple(inner, fc.array(fc.nat(wrappers.length - 1), { maxLength: 4 }), fc.oneof({ weight: 9, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 300 }) }))
		.map(([v, picks, deep]) => {
			let out = picks.reduce((acc, i) => wrappers[i](acc), v);
			for (let i = 0; i < deep; i++) out = { error: out };
			return out;
		});
}

// Built once: rebuilding the mutation arbitraries per sample would dominate the run time.
const seedBody = fc.oneof(...corpus.map((entry) => mutated(entry.body)));

const httpStatus = fc.option(
	fc.oneof(fc.constantFrom(200, 400, 401, 403, 404, 429, 500, 502, 503, 504), fc.integer({ min: -1, max: 1_000 })),
	{ nil: undefined },
);

const usage = (pct: fc.Arbitrary<number>) =>
	fc.record({ call_count: pct, total_cputime: pct, total_time: pct, estimated_time_to_regain_access: fc.nat(60) });

/** Header bags: valid usage headers, broken ones, arrays, Retry-After as seconds or date, junk. */
const headers: fc.Arbitrary<ClassifyContext['headers']> = fc.option(
	fc.record(
		{
			'x-app-usage': fc.oneof(usage(fc.nat(150)).map((u) => JSON.stringify(u)), fc.string()),
			'x-ad-account-usage': fc.oneof(
				fc.record({ acc_id_util_pct: fc.double({ min: 0, max: 200, noNaN: true }), reset_time_duration: fc.nat(600) }).map((u) => JSON.stringify(u)),
				fc.string(),
			),
			'x-business-use-case-usage': fc.oneof(
				fc
					.dictionary(fc.stringMatching(/^[0-9]{1,16}$/), fc.array(usage(fc.nat(150)).map((u) => ({ type: 'ads_management', ...u })), { maxLength: 3 }))
					.map((u) => JSON.stringify(u)),
				fc.string(),
				fc.jsonValue().map((v) => JSON.stringify(v)),
			),
			'retry-after': fc.oneof(fc.nat(3_600).map(String), fc.date({ noInvalidDate: true }).map((d) => d.toUTCString()), fc.string()),
			'set-cookie': fc.array(fc.string(), { maxLength: 3 }),
		},
		{ requiredKeys: [] },
	),
	{ nil: undefined, freq: 1 },
);

const context: fc.Arbitrary<ClassifyContext | undefined> = fc.option(
	fc.record({ httpStatus, headers }, { requiredKeys: [] }),
	{ nil: undefined },
);

/** A body as a wire string: exact JSON, pretty JSON, padded, or cut anywhere (truncated reads). */
function asWire(body: fc.Arbitrary<Json>): fc.Arbitrary<string> {
	return fc.tuple(body, fc.nat(3), fc.double({ min: 0, max: 1, noNaN: true })).map(([b, form, cut]) => {
		const text = JSON.stringify(b) ?? String(b);
		switch (form) {
			case 0:
				return text;
			case 1:
				// Pretty-printing deep nesting grows with depth², so only for bodies of ordinary size.
				return text.length < 20_000 ? (JSON.stringify(b, null, 2) ?? text) : text;
			case 2:
				return `  ${text}\n`;
			default:
				return text.slice(0, Math.floor(cut * text.length));
		}
	});
}

// ---------- hostile values: cycles, throwing getters and toJSON, BigInt, symbols, proxies ----------

const hostile: fc.Arbitrary<Json> = fc.oneof(
	seedBody.map((b) => {
		if (b === null || typeof b !== 'object') return b;
		const cyclic = b as Record<string, unknown>;
		cyclic.self = cyclic;
		cyclic.error = { ...(typeof cyclic.error === 'object' ? cyclic.error : {}), cause: cyclic };
		return cyclic;
	}),
	fc.constant({ get error(): never { throw new Error('getter'); } }),
	fc.constant({ error: { code: 4, toJSON(): never { throw new Error('toJSON'); } } }),
	fc.constant({ error: { code: 10n, message: 'bigint', error_data: { n: 1n } } }),
	fc.constant({ error: { code: Symbol('x'), message: Symbol('m') } }),
	fc.constant(Object.assign(Object.create(null), { error: Object.assign(Object.create(null), { code: 190 }) })),
	fc.constant(new Proxy({}, { get() { throw new Error('proxy'); }, ownKeys() { throw new Error('proxy'); } })),
	fc.constant(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET', cause: { get code(): never { throw new Error('x'); } } })),
	fc.constant(() => 'a function'),
	fc.constant(new Date(NaN)),
	fc.constant(new Map([['error', { code: 4 }]])),
	fc.constant(new Uint8Array(1024)),
	fc.constant(Promise.resolve({ error: { code: 4 } })),
);

// ---------- token placement ----------

const separators = ['', ' ', '=', '"', "'", ':', '/', '?', '&', ',', '\n', '(', ')', 'access_token=', 'Bearer '];

/** Puts `token` into a random string field (or key) of the value, or beside it. */
function withToken(value: Json, token: string, pick: number, sepA: number, sepB: number, asKey: boolean): Json {
	const text = (s: string) => {
		const at = pick % (s.length + 1);
		return `${s.slice(0, at)}${separators[sepA % separators.length] || ' '}${token}${separators[sepB % separators.length] || ' '}${s.slice(at)}`;
	};
	let index = 0;
	let placed = false;
	const walk = (v: Json, depth: number): Json => {
		if (typeof v === 'string') return !placed && index++ === pick % 7 ? ((placed = true), text(v)) : v;
		if (depth > 40 || v === null || typeof v !== 'object') return v;
		if (Array.isArray(v)) return v.map((x) => walk(x, depth + 1));
		const out: Record<string, Json> = {};
		for (const [k, x] of Object.entries(v)) {
			if (asKey && !placed && index++ === pick % 7) {
				placed = true;
				out[`${k} ${token}`] = x;
			}
			out[k] = walk(x, depth + 1);
		}
		return out;
	};
	const result = walk(value, 0);
	if (placed) return result;
	return { error: { message: text('Invalid OAuth access token'), code: 190, error_data: result } };
}

const placement = fc.tuple(fc.nat(), fc.nat(), fc.nat(), fc.boolean());

function assertNoLeak(out: string, token: string): void {
	if (out.includes(token)) throw new Error(`token leaked: ${out}`);
}

describe('classifyMetaError fuzzing (100,000 inputs)', () => {
	it('mutated realistic bodies, nested and oversized (30,000)', () => {
		fc.assert(
			fc.property(nested(seedBody), context, (body, ctx) => {
				classifyChecked(body, ctx);
			}),
			{ numRuns: 30_000 },
		);
	});

	it('mutated bodies as JSON strings, whole or truncated (20,000)', () => {
		fc.assert(
			fc.property(asWire(nested(seedBody)), context, (wire, ctx) => {
				classifyChecked(wire, ctx);
			}),
			{ numRuns: 20_000 },
		);
	});

	it('random anything: values, JSON, strings (25,000)', () => {
		const random = fc.oneof(
			fc.anything({ maxDepth: 4, withNullPrototype: true, withBoxedValues: true, withMap: true, withSet: true, withTypedArray: true, withSparseArray: true, withDate: true }),
			fc.jsonValue({ maxDepth: 5 }),
			fc.jsonValue({ maxDepth: 5 }).map((v) => JSON.stringify(v)),
			fc.string({ unit: 'binary', maxLength: 400 }),
			fc.string().map((s) => `(#${s}) ${s}`),
			fc.integer({ min: 0, max: 2_000_000 }).map((code) => `(#${code}) request limit reached`),
			fc.integer({ min: 0, max: 2_000_000 }).map((code) => ({ error: { code, error_subcode: code % 1000, message: 'x' } })),
		);
		fc.assert(
			fc.property(random, context, (input, ctx) => {
				classifyChecked(input, ctx);
			}),
			{ numRuns: 25_000 },
		);
	});

	it('hostile values: cycles, throwing getters, BigInt, symbols, proxies (5,000)', () => {
		fc.assert(
			fc.property(hostile, context, (input, ctx) => {
				classifyChecked(input, ctx);
			}),
			{ numRuns: 5_000 },
		);
	});

	it('never leaks the canary or the app secret when they are given as secrets (12,000)', () => {
		const appSecret = fc.stringMatching(/^[0-9a-f]{32}$/);
		fc.assert(
			fc.property(nested(seedBody), placement, fc.boolean(), appSecret, context, fc.boolean(), (body, [pick, a, b, asKey], secretIsApp, secret, ctx, wire) => {
				const token = secretIsApp ? secret : CANARY;
				const input = withToken(body, token, pick, a, b, asKey);
				const headers = { ...ctx?.headers, 'www-authenticate': `OAuth "Facebook Platform" "invalid_token" "${token}"` };
				const out = classifyChecked(wire ? JSON.stringify(input) ?? input : input, {
					...ctx,
					headers,
					secrets: [CANARY, secret],
				});
				assertNoLeak(out, token);
			}),
			{ numRuns: 12_000 },
		);
	});

	it('never leaks an EAA… access token even without secrets (8,000)', () => {
		const eaaToken = fc.stringMatching(/^EAA[A-Za-z0-9]{40,220}$/);
		fc.assert(
			fc.property(nested(seedBody), eaaToken, placement, context, fc.boolean(), (body, token, [pick, a, b, asKey], ctx, wire) => {
				const input = withToken(body, token, pick, a, b, asKey);
				const out = classifyChecked(wire ? JSON.stringify(input) ?? input : input, ctx);
				assertNoLeak(out, token);
				assertNoLeak(out, CANARY);
			}),
			{ numRuns: 8_000 },
		);
	});
});
