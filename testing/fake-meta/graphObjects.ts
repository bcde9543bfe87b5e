// Graph objects and their edges, plus cursor pagination that never skips or repeats.

import { compareIds } from './fakeUtil';

export type GraphObject = Record<string, unknown> & { id: string };

/** A sorted sequence read by index (an edge's id list, or a job's virtual list of results). */
export interface SortedView {
	length: number;
	at(index: number): string;
}

export interface Page {
	keys: string[];
	hasBefore: boolean;
	hasAfter: boolean;
}

const FIRST_ID = 120210000000001;

export class Store {
	private objects = new Map<string, GraphObject>();
	/** `${parent}/${edge}` → ids sorted by compareIds. */
	private edges = new Map<string, string[]>();
	/** id → edge keys that list it, so a delete removes it everywhere. */
	private memberOf = new Map<string, string[]>();
	private nextId = FIRST_ID;

	newId(): string {
		return String(this.nextId++);
	}

	/** Reserves `count` consecutive ids; returns the first (ids are `first + i`). */
	reserveIds(count: number): number {
		const first = this.nextId;
		this.nextId += count;
		return first;
	}

	get(id: string): GraphObject | undefined {
		return this.objects.get(id);
	}

	has(id: string): boolean {
		return this.objects.has(id);
	}

	put(object: GraphObject): void {
		this.objects.set(object.id, object);
	}

	update(id: string, fields: Record<string, unknown>): boolean {
		const object = this.objects.get(id);
		if (!object) return false;
		Object.assign(object, fields, { id });
		return true;
	}

	delete(id: string): boolean {
		if (!this.objects.delete(id)) return false;
		for (const key of this.memberOf.get(id) ?? []) {
			const ids = this.edges.get(key);
			if (!ids) continue;
			const at = lowerBound(arrayView(ids), id);
			if (ids[at] === id) ids.splice(at, 1);
		}
		this.memberOf.delete(id);
		return true;
	}

	link(parent: string, edge: string, id: string): void {
		const key = `${parent}/${edge}`;
		let ids = this.edges.get(key);
		if (!ids) this.edges.set(key, (ids = []));
		// New ids are the largest, so this is a push; seeded ids may land anywhere.
		if (ids.length === 0 || compareIds(ids[ids.length - 1], id) < 0) ids.push(id);
		else {
			const at = lowerBound(arrayView(ids), id);
			if (ids[at] === id) return;
			ids.splice(at, 0, id);
		}
		const memberships = this.memberOf.get(id);
		if (memberships) memberships.push(key);
		else this.memberOf.set(id, [key]);
	}

	edge(parent: string, edge: string): SortedView {
		return arrayView(this.edges.get(`${parent}/${edge}`) ?? []);
	}

	clear(): void {
		this.objects.clear();
		this.edges.clear();
		this.memberOf.clear();
		this.nextId = FIRST_ID;
	}
}

export function arrayView(ids: readonly string[]): SortedView {
	return { length: ids.length, at: (i) => ids[i] };
}

/** First index whose key is >= key. */
function lowerBound(view: SortedView, key: string): number {
	let lo = 0;
	let hi = view.length;
	while (lo < hi) {
		const mid = (lo + hi) >>> 1;
		if (compareIds(view.at(mid), key) < 0) lo = mid + 1;
		else hi = mid;
	}
	return lo;
}

/**
 * One page. The cursor is the last (or first) key read, not an offset, so objects added or
 * removed between two page reads never make a later page skip or repeat an object.
 */
export function pageOf(
	view: SortedView,
	options: { after?: string; before?: string; limit: number },
): Page {
	let start: number;
	let end: number;
	if (options.after !== undefined) {
		start = lowerBound(view, options.after);
		if (start < view.length && view.at(start) === options.after) start++;
		end = Math.min(view.length, start + options.limit);
	} else if (options.before !== undefined) {
		end = lowerBound(view, options.before);
		start = Math.max(0, end - options.limit);
	} else {
		start = 0;
		end = Math.min(view.length, options.limit);
	}
	const keys: string[] = [];
	for (let i = start; i < end; i++) keys.push(view.at(i));
	return { keys, hasBefore: start > 0, hasAfter: end < view.length };
}

/** Meta's cursors are opaque base64; ours encode the key. */
export function encodeCursor(key: string): string {
	return Buffer.from(key, 'utf8').toString('base64');
}

export function decodeCursor(cursor: string): string {
	return Buffer.from(cursor, 'base64').toString('utf8');
}

/** Top-level names of a Graph `fields` parameter: `id,name,insights{spend}.limit(2)` → id, name, insights. */
export function parseFields(fields: unknown): string[] | undefined {
	if (typeof fields !== 'string' || fields.trim() === '') return undefined;
	const names: string[] = [];
	let depth = 0;
	let current = '';
	for (const ch of fields) {
		if (ch === '{' || ch === '(') depth++;
		else if (ch === '}' || ch === ')') depth--;
		else if (ch === ',' && depth === 0) {
			names.push(current);
			current = '';
			continue;
		}
		if (depth === 0 && ch !== '}' && ch !== ')') current += ch;
	}
	names.push(current);
	return names.map((name) => name.split('.')[0].trim()).filter(Boolean);
}

/** Like Meta: `id` always, then the requested fields that exist; everything when none are asked. */
export function pickFields<T extends Record<string, unknown>>(
	object: T,
	fields: string[] | undefined,
): Record<string, unknown> {
	if (!fields) return { ...object };
	const picked: Record<string, unknown> = {};
	if ('id' in object) picked.id = object.id;
	for (const name of fields) if (name in object) picked[name] = object[name];
	return picked;
}
