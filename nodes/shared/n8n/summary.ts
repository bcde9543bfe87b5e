// A one-line text for alerts (Slack, email, logs) from a classified error.
import type { MetaErrorInfo } from '../core';

const MAX_MESSAGE = 160;

/** e.g. `rate_limit 17 (retryable): User request limit reached — Wait and retry later.` */
export function summarizeMetaError(info: MetaErrorInfo): string {
	const code =
		info.code === undefined ? '' : ` ${info.code}${info.subcode === undefined ? '' : `/${info.subcode}`}`;
	const text = (info.message ?? info.meaning).replace(/\s+/g, ' ').trim();
	const message = text.length > MAX_MESSAGE ? `${text.slice(0, MAX_MESSAGE - 1)}…` : text;
	return `${info.category}${code} (${info.retryable ? 'retryable' : 'not retryable'}): ${message} — ${info.remedy}`;
}
