// The package's one redactor: removes access tokens and the credential's secrets from text and from
// whole values, so that no output, message or log of this package carries them. Built once per
// set of secrets; every node applies it last, after every other change to what it outputs.
import { createHmac } from 'node:crypto';

export const REDACTED = '[REDACTED]';

/** Meta user/page/system tokens all start with EAA. */
const META_TOKEN = /EAA[A-Za-z0-9]+/g;
/** `key=value`, `"key":"value"`, `\"key\":\"value\"`, `key%3Dvalue` for the secret-bearing keys. */
const SECRET_PARAM =
	/((?:access_token|appsecret_proof|client_secret|fb_exchange_token|input_token)\\?["']?\s*(?:=|:|%3D)\s*\\?["']?)[^&\s"'\\,;}#<>]+/gi;
const BEARER = /(\bBearer\s+)[A-Za-z0-9._~+/=-]{8,}/gi;
/**
 * Cheap pre-check, so that ordinary text pays one test: every pattern above needs one of these.
 * (Key names are matched here in lower, upper or title case only.)
 */
const SUSPECT = /EAA|_(?:token|TOKEN|Token|proof|PROOF|Proof|secret|SECRET|Secret)|[Bb]earer|BEARER/;
/** Object keys whose string values are secrets whatever they look like. */
const SECRET_KEY =
	/^(access_?token|appsecret_?proof|app_?secret|client_?secret|authorization|password|fb_exchange_token|input_token)$/i;

/** Secrets shorter than this are ignored: replacing them would shred ordinary text. */
const MIN_SECRET_LENGTH = 6;
/** Base64 fragments shorter than this are not searched for (too likely to occur by chance). */
const MIN_BASE64_LENGTH = 8;
const MAX_DEPTH = 64;

export interface Redactor {
	/** `text` with every secret (in any encoding) and every generic token pattern replaced. */
	text(text: string): string;
	/** A copy of `value` with every string and key redacted (see `redactDeep`). Never throws. */
	deep<T>(value: T): T;
	/** False when `text` holds nothing to redact (one cheap test per pattern). */
	mayChange(text: string): boolean;
	/** Longest text one secret can occupy (escaped forms are longer): cut text at least this far past a limit. */
	readonly longest: number;
	/**
	 * The same secrets, without the generic patterns (Meta token shapes, `*_token=`, `Bearer`,
	 * secret-named keys): for what is kept to be sent again (a replay record's body), where a
	 * pattern would rewrite data that merely looks like a token (base64 image bytes).
	 */
	readonly secretsOnly: Redactor;
}

/** HMAC-SHA256 of the token keyed with the app secret, hex: Meta's `appsecret_proof`. */
export function appSecretProof(accessToken: string, appSecret: string): string {
	return createHmac('sha256', appSecret).update(accessToken).digest('hex');
}

/** What a credential makes secret: the token, the app secret, the proof derived from both. */
export function credentialSecrets(credential: { accessToken: string; appSecret?: string }): string[] {
	const { accessToken, appSecret } = credential;
	return appSecret ? [accessToken, appSecret, appSecretProof(accessToken, appSecret)] : [accessToken];
}

/**
 * The secrets to look for: each given one and, for an app token `app-id|app-secret`, its secret
 * half (it is the app secret, whatever the credential's App Secret field says).
 */
function expandSecrets(secrets: readonly unknown[] | undefined): string[] {
	const out = new Set<string>();
	if (!Array.isArray(secrets)) return [];
	for (const s of secrets) {
		if (typeof s !== 'string' || s.length < MIN_SECRET_LENGTH) continue;
		out.add(s);
		const bar = s.indexOf('|');
		if (bar >= 0 && s.length - bar - 1 >= MIN_SECRET_LENGTH) out.add(s.slice(bar + 1));
	}
	return [...out];
}

const hex2 = (code: number) => code.toString(16).padStart(2, '0');
const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');

/**
 * One character as it may be written: itself, URL-encoded (`%7C`), JSON-escaped (`\u007c`, `\/`).
 * The pattern is case-insensitive, so the lowercased form (a host name) matches too.
 */
function charPattern(char: string): string {
	const code = char.charCodeAt(0);
	if (code > 0x7f) return `(?:${escapeRegExp(char)}|${escapeRegExp(encodeURIComponent(char))})`;
	const forms = [escapeRegExp(char), `%${hex2(code)}`, `\\\\u00${hex2(code)}`];
	if (char === '/') forms.push('\\\\/');
	return `(?:${forms.join('|')})`;
}

/**
 * The parts of `secret`'s base64 (and base64url) that do not depend on what stands around it, for
 * each of the three alignments it can have inside a longer encoded text (`Bearer <token>`, `:<token>`).
 */
function base64Fragments(secret: string): string[] {
	const bytes = Buffer.from(secret, 'utf8');
	const out: string[] = [];
	for (let offset = 0; offset < 3; offset++) {
		const encoded = Buffer.concat([Buffer.alloc(offset), bytes]).toString('base64');
		const first = Math.ceil((offset * 8) / 6);
		const last = Math.floor(((offset + bytes.length) * 8) / 6);
		const fragment = encoded.slice(first, last);
		if (fragment.length < MIN_BASE64_LENGTH) continue;
		out.push(fragment, fragment.replace(/\+/g, '-').replace(/\//g, '_'));
	}
	return out;
}

interface Compiled {
	/** Global: for replacing. */
	all: RegExp | undefined;
	/** Non-global: for testing without lastIndex state. */
	any: RegExp | undefined;
	longest: number;
}

function compile(secrets: readonly string[]): Compiled {
	if (secrets.length === 0) return { all: undefined, any: undefined, longest: 0 };
	const alternatives = new Set<string>();
	let longest = 0;
	for (const secret of secrets) {
		alternatives.add([...secret].map(charPattern).join(''));
		for (const fragment of base64Fragments(secret)) alternatives.add(escapeRegExp(fragment));
		// `\u00XX` is the longest way to write one character
		longest = Math.max(longest, secret.length * 6);
	}
	// Longest first, so that a secret containing another is replaced whole.
	const source = [...alternatives].sort((a, b) => b.length - a.length).join('|');
	return { all: new RegExp(source, 'gi'), any: new RegExp(source, 'i'), longest };
}

function build(secrets: readonly string[]): Redactor {
	const { all, any, longest } = compile(secrets);
	const secretText = (input: string): string => (any?.test(input) ? input.replace(all as RegExp, REDACTED) : input);
	const text = (input: string): string => {
		const out = secretText(input);
		if (!SUSPECT.test(out)) return out;
		return out.replace(META_TOKEN, REDACTED).replace(SECRET_PARAM, `$1${REDACTED}`).replace(BEARER, `$1${REDACTED}`);
	};
	const mayChange = (input: string): boolean => SUSPECT.test(input) || (any !== undefined && any.test(input));
	const secretsOnly: Redactor = {
		text: secretText,
		mayChange: (input) => any !== undefined && any.test(input),
		longest,
		deep: (value) => deepWith(value, secretsOnly, false),
		get secretsOnly() {
			return secretsOnly;
		},
	};
	const redactor: Redactor = { text, mayChange, longest, deep: (value) => deepWith(value, redactor), secretsOnly };
	return redactor;
}

/** Redactors by their secrets: a credential's is compiled once, not per classification. */
const cache = new Map<string, Redactor>();
const CACHE_SIZE = 32;

/** Without secrets (most classifications): skips expandSecrets' copies and the keyed lookup. */
const NO_SECRETS = build([]);

/**
 * The last secrets asked for (a copy, so that a caller changing its array in place is noticed)
 * and their redactor: a node asks with the same credential for every item, and expanding and
 * joining the secrets for the keyed lookup was most of the cost of a call.
 */
let lastSecrets: unknown[] = [];
let lastRedactor = NO_SECRETS;

function sameItems(a: readonly unknown[], b: readonly unknown[]): boolean {
	if (a.length !== b.length) return false;
	for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
	return true;
}

/** The redactor for these secrets (the credential's token, app secret and proof). */
export function createRedactor(secrets?: readonly unknown[]): Redactor {
	if (!Array.isArray(secrets) || secrets.length === 0) return NO_SECRETS;
	if (sameItems(secrets, lastSecrets)) return lastRedactor;
	const list = expandSecrets(secrets);
	const key = list.join('\u0000');
	let redactor = cache.get(key);
	if (!redactor) {
		redactor = build(list);
		if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value as string);
		cache.set(key, redactor);
	}
	lastSecrets = secrets.slice();
	lastRedactor = redactor;
	return redactor;
}

/** Text with Meta tokens, token/secret parameters, bearer values and the given secrets replaced. */
export function redactText(text: string, secrets?: readonly string[]): string {
	if (typeof text !== 'string') return text;
	return createRedactor(secrets).text(text);
}

/**
 * A copy of `value` with every string redacted (values under secret-named keys entirely, keys
 * too). Errors become plain objects (name, message, own fields, cause); cycles become
 * "[Circular]"; nesting past 64 levels becomes "[Truncated]". Never throws.
 */
export function redactDeep<T>(value: T, secrets?: readonly string[]): T {
	return createRedactor(secrets).deep(value);
}

/** `hideSecretKeys`: a string under a secret-named key (`password`, `access_token`) is replaced whole. */
function deepWith<T>(value: T, redactor: Redactor, hideSecretKeys = true): T {
	const inProgress = new WeakSet<object>();
	// Shared sub-objects are redacted once: a DAG of shared references cannot blow up the walk.
	const done = new WeakMap<object, unknown>();
	const text = (s: string) => (redactor.mayChange(s) ? redactor.text(s) : s);

	const walk = (v: unknown, depth: number): unknown => {
		if (typeof v === 'string') return text(v);
		if (v === null || typeof v !== 'object') return v;
		if (depth >= MAX_DEPTH) return '[Truncated]';
		if (inProgress.has(v)) return '[Circular]';
		if (done.has(v)) return done.get(v);
		inProgress.add(v);
		let out: unknown = v;
		try {
			if (Array.isArray(v)) return (out = v.map((x) => walk(x, depth + 1)));
			const isError = v instanceof Error;
			const proto = Object.getPrototypeOf(v);
			// Buffers, dates and class instances are not ours to rewrite.
			if (!isError && proto !== Object.prototype && proto !== null) return v;
			const entries: Array<[string, unknown]> = [];
			if (isError) {
				entries.push(['name', v.name], ['message', typeof v.message === 'string' ? text(v.message) : v.message]);
				if (v.cause !== undefined) entries.push(['cause', walk(v.cause, depth + 1)]);
			}
			for (const key of Object.keys(v)) {
				if (isError && key === 'cause') continue;
				const field = (v as Record<string, unknown>)[key];
				const hidden = hideSecretKeys && typeof field === 'string' && field !== '' && SECRET_KEY.test(key);
				entries.push([text(key), hidden ? REDACTED : walk(field, depth + 1)]);
			}
			// fromEntries defines own properties, so a "__proto__" key stays a plain key.
			return (out = Object.fromEntries(entries));
		} finally {
			inProgress.delete(v);
			done.set(v, out);
		}
	};

	try {
		return walk(value, 0) as T;
	} catch {
		return REDACTED as T;
	}
}
