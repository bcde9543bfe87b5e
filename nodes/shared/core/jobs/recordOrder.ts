// Result lists in a stable order, each record once: by a key such as `index`, then by id (Graph
// ids compared as the big numbers they are), whatever order the pages came in.
import { getPath } from '../util';
import { num, str } from './jobValues';

/** Numeric ids in numeric order, other text in text order. */
function compareKeys(a: unknown, b: unknown): number {
	const na = num(a);
	const nb = num(b);
	if (na !== undefined && nb !== undefined) {
		// Graph ids exceed 2^53: compare digit strings by length first.
		const sa = String(a);
		const sb = String(b);
		if (/^\d+$/.test(sa) && /^\d+$/.test(sb)) return sa.length - sb.length || (sa < sb ? -1 : sa > sb ? 1 : 0);
		return na - nb;
	}
	if (a === undefined || b === undefined) return a === undefined ? (b === undefined ? 0 : 1) : -1;
	const ta = String(a);
	const tb = String(b);
	return ta < tb ? -1 : ta > tb ? 1 : 0;
}

/**
 * A result list in a stable order: by `primaryKey` when given, then by `id` as the tiebreak,
 * each id once (a record seen on two pages is kept once). Records without an id are kept, last.
 */
export function orderRecords<T>(records: readonly T[], primaryKey = ''): T[] {
	const seen = new Set<string>();
	const unique = records.filter((record) => {
		const id = str(getPath(record, 'id'));
		if (id === undefined) return true;
		if (seen.has(id)) return false;
		seen.add(id);
		return true;
	});
	return unique
		.map((record, position) => ({ record, position }))
		.sort(
			(x, y) =>
				(primaryKey ? compareKeys(getPath(x.record, primaryKey), getPath(y.record, primaryKey)) : 0) ||
				compareKeys(getPath(x.record, 'id'), getPath(y.record, 'id')) ||
				x.position - y.position,
		)
		.map(({ record }) => record);
}
