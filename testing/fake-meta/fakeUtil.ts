// What the fake server's parts share: a seedable PRNG, trace ids, Graph id order, appsecret_proof,
// request fingerprints and a bounded log.
import { createHash, createHmac } from 'crypto';

/** mulberry32: tiny, fast, seedable; good enough to pick faults and fake values deterministically. */
export function createPrng(seed: number): () => number {
	let state = seed >>> 0;
	return () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

const TRACE_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-';

/** An fbtrace_id-like string ("A" + 22 base64url chars, as Meta sends today). */
export function traceId(random: () => number): string {
	let id = 'A';
	for (let i = 0; i < 22; i++) id += TRACE_ALPHABET[Math.floor(random() * 64)];
	return id;
}

/** Graph ids are numeric strings: shorter is smaller, then lexical order. Works for any id. */
export function compareIds(a: string, b: string): number {
	return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}

/** The `appsecret_proof` Meta expects: HMAC-SHA256 of the access token keyed by the app secret, hex. */
export function appSecretProof(token: string, appSecret: string): string {
	return createHmac('sha256', appSecret).update(token).digest('hex');
}

function stableStringify(value: unknown): string {
	if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'undefined';
	if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
	const record = value as Record<string, unknown>;
	const keys = Object.keys(record).sort();
	return `{${keys.map((k) => `${JSON.stringify(k)}:${stableStringify(record[k])}`).join(',')}}`;
}

/** Same method + path + parameters (in any key order) give the same fingerprint. */
export function fingerprint(method: string, path: string, params: unknown): string {
	return createHash('sha1').update(`${method} ${path} ${stableStringify(params)}`).digest('hex');
}

/** Keeps the last `limit` entries; trims in batches so a push stays O(1) amortized. */
export class BoundedLog<T> {
	private items: T[] = [];

	constructor(private readonly limit: number) {}

	push(item: T): void {
		this.items.push(item);
		if (this.items.length >= this.limit * 2 + 1024) this.items.splice(0, this.items.length - this.limit);
	}

	toArray(): T[] {
		return this.items.length > this.limit ? this.items.slice(-this.limit) : this.items.slice();
	}

	clear(): void {
		this.items = [];
	}
}
