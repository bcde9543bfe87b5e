// WhatsApp Cloud throughput per business phone number, as Meta's "Throughput" page gives it: 80
// messages a second by default, 1,000 once Meta has upgraded the number (`throughput.level: HIGH`),
// a fixed 20 for a number also in use with the WhatsApp Business app (`is_on_biz_app: true`).
// Each number is read once (GET /{phone-number-id}?fields=throughput,is_on_biz_app) and kept an
// hour in this process; a 130429 ("rate limit hit") steps the number down to the next lower rate
// until it is read again. A number that cannot be read is paced at the default and read again later.
import { getPath } from '../util';

/** Meta's throughput tiers, messages per second, lowest first. */
export const WHATSAPP_RATES = [20, 80, 1000] as const;
export const WHATSAPP_DEFAULT_RATE = 80;
export const WHATSAPP_THROUGHPUT_FIELDS = 'throughput,is_on_biz_app';

const KNOWN_FOR_MS = 60 * 60_000;
/** A failed read is tried again after this (the default rate holds meanwhile). */
const UNKNOWN_FOR_MS = 5 * 60_000;

/** The rate a phone number's answer to `fields=throughput,is_on_biz_app` gives; undefined when it gives none. */
export function rateOfPhoneNumber(body: unknown): number | undefined {
	if (getPath(body, 'is_on_biz_app') === true) return 20;
	const level = getPath(body, 'throughput.level');
	if (typeof level !== 'string') return undefined;
	return level.toUpperCase() === 'HIGH' ? 1000 : 80;
}

/** Reads a phone number (`GET /{id}?fields=…`): its body, or undefined when the read failed. */
export type PhoneNumberLookup = (phoneNumberId: string) => Promise<unknown>;

interface Known {
	mps: number;
	until: number;
}

/** What this process knows of each number (`<origin> <number>`), and the reads under way. */
const known = new Map<string, Known>();
const reading = new Map<string, Promise<number>>();

/** Messages per second for `number` on `origin`: known, or read once with `lookup`. */
export async function whatsAppRate(origin: string, number: string, lookup: PhoneNumberLookup | undefined, now: number): Promise<number> {
	const key = `${origin} ${number}`;
	const entry = known.get(key);
	if (entry && entry.until > now) return entry.mps;
	if (!lookup) return entry?.mps ?? WHATSAPP_DEFAULT_RATE;
	let pending = reading.get(key);
	if (!pending) {
		// One read per number however many sends wait for it.
		pending = lookup(number)
			.then((body) => rateOfPhoneNumber(body), () => undefined)
			.then((mps) => {
				known.set(key, mps === undefined ? { mps: entry?.mps ?? WHATSAPP_DEFAULT_RATE, until: now + UNKNOWN_FOR_MS } : { mps, until: now + KNOWN_FOR_MS });
				return known.get(key)!.mps;
			})
			.finally(() => reading.delete(key));
		reading.set(key, pending);
	}
	return await pending;
}

/** Meta refused a send on `number` with 130429: the next lower rate until the number is read again. */
export function whatsAppRateRefused(origin: string, number: string, now: number): void {
	const key = `${origin} ${number}`;
	const current = known.get(key)?.mps ?? WHATSAPP_DEFAULT_RATE;
	const lower = [...WHATSAPP_RATES].reverse().find((rate) => rate < current) ?? WHATSAPP_RATES[0];
	known.set(key, { mps: lower, until: now + KNOWN_FOR_MS });
}

/** Tests: forget every number. */
export function forgetWhatsAppRates(): void {
	known.clear();
	reading.clear();
}
