// Removes access tokens and the credential's secrets from text and from whole values, so that no
// output, message or log of this package carries them.

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
const MAX_DEPTH = 64;

function usableSecrets(secrets: readonly unknown[] | undefined): string[] {
	if (!Array.isArray(secrets)) return [];
	const out: string[] = [];
	for (const s of secrets) {
		if (typeof s !== 'string' || s.length < MIN_SECRET_LENGTH) continue;
		out.push(s);
		const encoded = encodeURIComponent(s);
		if (encoded !== s) out.push(encoded);
	}
	return out;
}

function redactWith(text: string, secrets: readonly string[]): string {
	let out = text;
	for (const secret of secrets) {
		if (out.includes(secret)) out = out.split(secret).join(REDACTED);
	}
	if (!SUSPECT.test(out)) return out;
	return out
		.replace(META_TOKEN, REDACTED)
		.replace(SECRET_PARAM, `$1${REDACTED}`)
		.replace(BEARER, `$1${REDACTED}`);
}

/** Text with Meta tokens, token/secret parameters, bearer values and the given secrets replaced. */
export function redactText(text: string, secrets?: readonly string[]): string {
	if (typeof text !== 'string') return text;
	return redactWith(text, usableSecrets(secrets));
}

export interface Redactor {
	text(text: string): string;
	/** False when `text` holds nothing to redact (one cheap test). */
	mayChange(text: string): boolean;
}

/** redactText bound to one set of secrets, for redacting many fields in a row. */
export function makeRedactor(secrets?: readonly string[]): Redactor {
	const list = usableSecrets(secrets);
	return {
		text: (text) => redactWith(text, list),
		mayChange: (text) => SUSPECT.test(text) || (list.length > 0 && list.some((secret) => text.includes(secret))),
	};
}

/**
 * A copy of `value` with every string redacted (values under secret-named keys entirely).
 * Errors become plain objects (name, message, own fields, cause); cycles become "[Circular]";
 * nesting past 64 levels becomes "[Truncated]". Never throws.
 */
export function redactDeep<T>(value: T, secrets?: readonly string[]): T {
	const list = usableSecrets(secrets);
	const inProgress = new WeakSet<object>();
	// Shared sub-objects are redacted once: a DAG of shared references cannot blow up the walk.
	const done = new WeakMap<object, unknown>();

	const walk = (v: unknown, depth: number): unknown => {
		if (typeof v === 'string') return redactWith(v, list);
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
			if (!isError && proto !== Object.prototype && proto !== null) return v;
			const entries: Array<[string, unknown]> = [];
			if (isError) {
				entries.push(['name', v.name], ['message', typeof v.message === 'string' ? redactWith(v.message, list) : v.message]);
				if (v.cause !== undefined) entries.push(['cause', walk(v.cause, depth + 1)]);
			}
			for (const key of Object.keys(v)) {
				if (isError && key === 'cause') continue;
				const field = (v as Record<string, unknown>)[key];
				const hidden = typeof field === 'string' && field !== '' && SECRET_KEY.test(key);
				entries.push([key, hidden ? REDACTED : walk(field, depth + 1)]);
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
