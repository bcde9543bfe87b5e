// Conversions API customer information, normalized and SHA-256 hashed as Meta's "Customer
// Information Parameters" page asks (and as its business SDKs' ServerSideUtils.normalizeAndHash
// do): the personal data leaves n8n only as lowercase hex digests. Pure.
import { createHash } from 'node:crypto';

import { isObject } from '../util';

/** The customer information parameters Meta wants hashed (external_id: hashing recommended, so hashed). */
export const HASHED_USER_DATA = ['em', 'ph', 'fn', 'ln', 'ge', 'db', 'ct', 'st', 'zp', 'country', 'external_id'] as const;
export type HashedField = (typeof HASHED_USER_DATA)[number];

/** Parameters Meta wants as they are (never hashed): client_ip_address, client_user_agent, fbc, fbp, … */
export const CLEAR_USER_DATA = [
	'client_ip_address',
	'client_user_agent',
	'fbc',
	'fbp',
	'subscription_id',
	'fb_login_id',
	'lead_id',
	'anon_id',
	'madid',
	'page_id',
	'page_scoped_user_id',
	'ctwa_clid',
	'ig_account_id',
	'ig_sid',
] as const;

const SHA256_HEX = /^[a-f0-9]{64}$/i;

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/** US states by name, for `st` (Meta: the two-letter ANSI abbreviation). */
const US_STATES: Readonly<Record<string, string>> = {
	alabama: 'al', alaska: 'ak', arizona: 'az', arkansas: 'ar', california: 'ca', colorado: 'co', connecticut: 'ct', delaware: 'de',
	districtofcolumbia: 'dc', florida: 'fl', georgia: 'ga', hawaii: 'hi', idaho: 'id', illinois: 'il', indiana: 'in', iowa: 'ia',
	kansas: 'ks', kentucky: 'ky', louisiana: 'la', maine: 'me', maryland: 'md', massachusetts: 'ma', michigan: 'mi', minnesota: 'mn',
	mississippi: 'ms', missouri: 'mo', montana: 'mt', nebraska: 'ne', nevada: 'nv', newhampshire: 'nh', newjersey: 'nj', newmexico: 'nm',
	newyork: 'ny', northcarolina: 'nc', northdakota: 'nd', ohio: 'oh', oklahoma: 'ok', oregon: 'or', pennsylvania: 'pa', rhodeisland: 'ri',
	southcarolina: 'sc', southdakota: 'sd', tennessee: 'tn', texas: 'tx', utah: 'ut', vermont: 'vt', virginia: 'va', washington: 'wa',
	westvirginia: 'wv', wisconsin: 'wi', wyoming: 'wy',
};

const pad = (n: string) => n.padStart(2, '0');

/** A date of birth as YYYYMMDD, from YYYYMMDD, YYYY-MM-DD (or / .), an ISO date-time, DD.MM.YYYY or MM/DD/YYYY. */
function birthDate(text: string): string | undefined {
	let y: string | undefined;
	let m: string | undefined;
	let d: string | undefined;
	let match: RegExpExecArray | null;
	if ((match = /^(\d{4})(\d{2})(\d{2})$/.exec(text))) [, y, m, d] = match;
	else if ((match = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:t.*)?$/.exec(text))) [, y, m, d] = match;
	else if ((match = /^(\d{1,2})\.(\d{1,2})\.(\d{4})$/.exec(text))) [, d, m, y] = match;
	else if ((match = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(text))) [, m, d, y] = match;
	if (y === undefined || m === undefined || d === undefined) return undefined;
	const date = new Date(Date.UTC(Number(y), Number(m) - 1, Number(d)));
	if (date.getUTCFullYear() !== Number(y) || date.getUTCMonth() !== Number(m) - 1 || date.getUTCDate() !== Number(d)) return undefined;
	return `${y}${pad(m)}${pad(d)}`;
}

/**
 * One value as Meta wants it before hashing, or undefined when nothing usable is left (it is then
 * left out: the hash of "" is a known constant that pollutes matching). The rules are Meta's:
 * every value trimmed and lowercased, then per field.
 */
export function normalizeCustomerValue(field: HashedField, value: string): string | undefined {
	const text = value.trim().toLowerCase();
	if (text === '') return undefined;
	let out: string | undefined;
	switch (field) {
		case 'em':
			out = text;
			break;
		case 'ph':
			// digits only, country code kept, leading zeros (and the +) dropped
			out = text.replace(/\D/g, '').replace(/^0+/, '');
			break;
		case 'fn':
		case 'ln':
			// no punctuation; letters of any alphabet kept (UTF-8)
			out = text.replace(/[\p{P}\p{S}]/gu, '').replace(/\s+/g, ' ').trim();
			break;
		case 'ge':
			out = text.startsWith('f') ? 'f' : text.startsWith('m') ? 'm' : undefined;
			break;
		case 'db':
			out = birthDate(text);
			break;
		case 'ct':
			out = text.replace(/[^\p{L}]/gu, '');
			break;
		case 'st': {
			const letters = text.replace(/[^\p{L}]/gu, '');
			out = US_STATES[letters] ?? letters;
			break;
		}
		case 'zp': {
			const compact = text.replace(/[\s-]/g, '');
			// US ZIP+4: the first five digits
			out = /^\d{9}$/.test(compact) || /^\d{5}$/.test(compact) ? compact.slice(0, 5) : compact;
			break;
		}
		case 'country': {
			const letters = text.replace(/[^a-z]/g, '');
			out = letters.length === 2 ? letters : undefined;
			break;
		}
		case 'external_id':
			out = text;
			break;
	}
	return out === '' ? undefined : out;
}

/** One value as sent: a SHA-256 digest already is passed (lowercased); anything else normalized and hashed. */
export function hashCustomerValue(field: HashedField, value: unknown): string | undefined {
	if (typeof value !== 'string' && !(typeof value === 'number' && Number.isFinite(value))) return undefined;
	const text = String(value).trim();
	if (SHA256_HEX.test(text)) return text.toLowerCase();
	const normal = normalizeCustomerValue(field, text);
	return normal === undefined ? undefined : sha256(normal);
}

/** A value that is plainly not a digest of its field (hashing off): an `@` in an email, a `+`, spaces or brackets in a phone. */
function plainlyUnhashed(field: HashedField, value: unknown): boolean {
	if (typeof value !== 'string' || SHA256_HEX.test(value.trim())) return false;
	if (field === 'em') return value.includes('@');
	if (field === 'ph') return /[+\s()]/.test(value);
	return false;
}

/**
 * The `fbc` an fbclid stands for, as Meta's "fbp and fbc parameters" page builds it:
 * `fb.1.<creation time in ms>.<fbclid>`; the event's time stands for when the click was seen.
 */
export function fbcOf(fbclid: string, eventTimeSeconds: number): string {
	return `fb.1.${Math.round(eventTimeSeconds * 1000)}.${fbclid}`;
}

/** The fbclid of a landing URL (`?fbclid=…`), if any. */
function fbclidOfUrl(url: unknown): string | undefined {
	if (typeof url !== 'string' || !url.includes('fbclid=')) return undefined;
	try {
		return new URL(url).searchParams.get('fbclid') ?? undefined;
	} catch {
		return /[?&]fbclid=([^&#]+)/.exec(url)?.[1];
	}
}

export interface PreparedUserData {
	userData: Record<string, unknown>;
	/** What was made here: `fbc` from an fbclid; fields left out as unusable (an empty value, a gender that is neither f nor m). */
	derived: string[];
	dropped: string[];
	/** Hashing off: fields whose values are plainly not hashed (refused before sending). */
	unhashed: string[];
}

/**
 * `user_data` as it is sent: with `hash`, every customer information parameter normalized and
 * hashed (each element of a list on its own; empty values left out), the others untouched; an
 * `fbclid` (given in user_data, or in the landing URL) becomes `fbc` when none is given.
 */
export function prepareUserData(
	userData: unknown,
	options: { hash: boolean; eventTime?: unknown; eventSourceUrl?: unknown },
): PreparedUserData {
	const out: Record<string, unknown> = isObject(userData) ? { ...userData } : {};
	const derived: string[] = [];
	const dropped: string[] = [];
	const unhashed: string[] = [];
	const fbclid = typeof out.fbclid === 'string' && out.fbclid.trim() !== '' ? out.fbclid.trim() : fbclidOfUrl(options.eventSourceUrl);
	delete out.fbclid;
	if ((out.fbc === undefined || out.fbc === '') && fbclid && typeof options.eventTime === 'number') {
		out.fbc = fbcOf(fbclid, options.eventTime);
		derived.push('fbc');
	}
	for (const field of HASHED_USER_DATA) {
		if (!(field in out)) continue;
		const value = out[field];
		const values = Array.isArray(value) ? value : [value];
		if (!options.hash) {
			if (values.some((v) => plainlyUnhashed(field, v))) unhashed.push(field);
			continue;
		}
		const hashed = values.map((v) => hashCustomerValue(field, v)).filter((v): v is string => v !== undefined);
		if (hashed.length === 0) {
			delete out[field];
			dropped.push(field);
		} else out[field] = Array.isArray(value) ? hashed : hashed[0];
	}
	return { userData: out, derived, dropped, unhashed };
}
