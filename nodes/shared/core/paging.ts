// How a Graph list pages, as Meta's "Paginated Results" guide describes it: cursor-based pages
// carry `paging.cursors` (a record on two pages is the same record: keep it once); time-based pages
// move a `since` / `until` window through `paging.next` (Page and Instagram insights with a
// `period`: the same row id, e.g. `<object>/insights/impressions/day`, comes back on every page with
// the next window's values, and `next` never runs out). Pure: MetaClient does the reading.
import { isObject } from './util';

export type PagingKind = 'cursor' | 'time' | 'other';

/** A time in a `since` / `until` parameter: Unix seconds, or a date Meta accepts (`2026-11-01`). Epoch ms. */
export function parseGraphTime(value: unknown): number | undefined {
	if (typeof value === 'number' && Number.isFinite(value)) return value * 1000;
	if (typeof value !== 'string' || value.trim() === '') return undefined;
	if (/^\d+$/.test(value.trim())) return Number(value) * 1000;
	const ms = Date.parse(value);
	return Number.isFinite(ms) ? ms : undefined;
}

/** The `since` and `until` of a `paging.next` (or any Graph URL), epoch ms. */
export function windowOf(url: string): { since?: number; until?: number } {
	let query: URLSearchParams;
	try {
		query = new URL(url, 'http://paging.invalid').searchParams;
	} catch {
		return {};
	}
	return { since: parseGraphTime(query.get('since') ?? undefined), until: parseGraphTime(query.get('until') ?? undefined) };
}

/** Which way a page's `paging` moves: by cursors, by a time window, or otherwise (offsets, none). */
export function pagingKind(paging: unknown): PagingKind {
	if (!isObject(paging)) return 'other';
	if (isObject(paging.cursors)) return 'cursor';
	const next = typeof paging.next === 'string' ? paging.next : typeof paging.previous === 'string' ? paging.previous : undefined;
	return next !== undefined && windowOf(next).since !== undefined ? 'time' : 'other';
}

/**
 * Whether a time-based list's next page is still inside what was asked: its window starts before
 * the `until` of the first request, or before now when none was given (Meta's `next` goes on into
 * the future).
 */
export function nextWindowWanted(nextUrl: string, askedUntil: unknown, now: number): boolean {
	const { since } = windowOf(nextUrl);
	if (since === undefined) return true;
	const end = parseGraphTime(askedUntil) ?? now;
	return since < end;
}
