// Shared assertions for MetaErrorInfo results: the strict output schema, and no null/undefined.
import { metaErrorInfoSchema, type MetaErrorInfo } from '../../nodes/shared/core';

/** Paths of every null or undefined value inside a value. */
export function emptyPaths(value: unknown, path = '$'): string[] {
	if (value === null || value === undefined) return [path];
	if (typeof value !== 'object') return [];
	return Object.keys(value).flatMap((key) => emptyPaths((value as Record<string, unknown>)[key], `${path}.${key}`));
}

/** Asserts the output contract and returns the info for further checks. */
export function expectValidInfo(info: MetaErrorInfo): MetaErrorInfo {
	const parsed = metaErrorInfoSchema.safeParse(info);
	if (!parsed.success) throw new Error(`invalid MetaErrorInfo: ${parsed.error.message}\n${JSON.stringify(info)}`);
	expect(emptyPaths(info)).toEqual([]);
	return info;
}
