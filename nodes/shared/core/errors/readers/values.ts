// Small conversions the readers share: integers, HTTP statuses, IDs, JSON text.
import type { ErrorCategory } from '../../types';

const INT_TEXT = /^\s*-?\d{1,15}\s*$/;

export function toInt(v: unknown): number | undefined {
	if (typeof v === 'number') return Number.isSafeInteger(v) ? v : undefined;
	return typeof v === 'string' && INT_TEXT.test(v) ? Number(v) : undefined;
}

export function toHttpStatus(v: unknown): number | undefined {
	const n = toInt(v);
	return n !== undefined && n >= 100 && n <= 599 ? n : undefined;
}

export function toId(v: unknown): string | undefined {
	if (typeof v === 'string' && v !== '') return v;
	return typeof v === 'number' && Number.isFinite(v) ? String(v) : undefined;
}

export function tryJson(text: string): { value: unknown } | undefined {
	try {
		return { value: JSON.parse(text) };
	} catch {
		return undefined;
	}
}

/** First non-blank character, without copying a possibly huge string. */
export function firstChar(text: string): string {
	for (let i = 0; i < text.length && i < 1024; i++) {
		const c = text[i];
		if (c !== ' ' && c !== '\n' && c !== '\r' && c !== '\t') return c;
	}
	return '';
}

/** Compact JSON of a small value; nothing when it cannot be serialized. */
export function compactJson(v: unknown): string | undefined {
	try {
		const text = JSON.stringify(v);
		return typeof text === 'string' ? text : undefined;
	} catch {
		return undefined;
	}
}

const STATUS_CATEGORY: Readonly<Record<number, ErrorCategory>> = {
	401: 'auth',
	403: 'permission',
	404: 'not_found',
	408: 'server',
	429: 'rate_limit',
};

/** Category an HTTP status alone implies, when the body names no known code. */
export function statusCategory(status: number | undefined): ErrorCategory | undefined {
	if (status === undefined) return undefined;
	if (status >= 500) return 'server';
	return STATUS_CATEGORY[status];
}
