// Small helpers every part of the package uses, each defined once here.

/** A plain object (not null, not an array). */
export function isObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A copy without the fields that are undefined, so results compare and serialise cleanly. */
export function compact<T extends object>(value: T): T {
	return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/**
 * Reads a dot path (`body.error`, `entry[0].changes`, `a.0.b`) from a value; undefined if absent.
 * A key that itself contains dots (`"a.b"`) is tried whole first. Own properties only, so
 * `constructor` or `__proto__` never reach the prototype.
 */
export function getPath(value: unknown, path: string): unknown {
	const own = (object: unknown, key: string) =>
		object !== null && typeof object === 'object' && Object.prototype.hasOwnProperty.call(object, key);
	if (path !== '' && own(value, path)) return (value as Record<string, unknown>)[path];
	const keys = path
		.replace(/\[(\d+)\]/g, '.$1')
		.split('.')
		.filter((key) => key !== '');
	if (keys.length === 0) return undefined;
	let current: unknown = value;
	for (const key of keys) {
		if (!own(current, key)) return undefined;
		current = (current as Record<string, unknown>)[key];
	}
	return current;
}

/** Runs `task(0 … count-1)` with at most `limit` in flight; tasks start in index order. */
export async function forEachLimited(count: number, limit: number, task: (index: number) => Promise<void>): Promise<void> {
	let next = 0;
	const worker = async () => {
		while (next < count) await task(next++);
	};
	await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, count)) }, worker));
}

/**
 * Whether a path holds a `..` segment in any spelling a server might decode (`..`, `%2e%2e`,
 * `%2F..%2F`, twice encoded, backslashes): a path that could climb out of where it points.
 */
export function hasDotDotSegment(path: string): boolean {
	let decoded = path.split(/[?#]/)[0];
	for (let i = 0; i < 3; i++) {
		let next: string;
		try {
			next = decodeURIComponent(decoded);
		} catch {
			break;
		}
		if (next === decoded) break;
		decoded = next;
	}
	return decoded.split(/[/\\]/).some((segment) => segment === '..');
}

