// Shared assertions for MetaErrorInfo results: the strict output schema, and no null/undefined.
import { metaErrorInfoSchema, type ErrorAction, type ErrorCategory, type MetaErrorInfo } from '../../../nodes/shared/core';

/** The contract's default action per category, written out here rather than read from the catalog. */
export const CONTRACT_ACTIONS: Record<ErrorCategory, ErrorAction> = {
	auth: 'escalate',
	permission: 'escalate',
	validation: 'dead_letter',
	not_found: 'dead_letter',
	rate_limit: 'retry',
	server: 'retry',
	policy: 'pause',
	template: 'dead_letter',
	delivery: 'dead_letter',
	business: 'escalate',
	network: 'retry',
	unknown: 'escalate',
};

/** The contract's retryable categories (plus any body with is_transient). */
export const CONTRACT_RETRYABLE = new Set<ErrorCategory>(['rate_limit', 'server', 'network']);

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
