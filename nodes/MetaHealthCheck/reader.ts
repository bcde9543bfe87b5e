// How Meta Health Check reads Meta: the checks' narrow reader over MetaClient, so every read gets
// the client's pacing, retries, breaker and redaction. Also used by bench/health.ts.
import type { HealthReader } from '../shared/core';
import type { MetaClient } from '../shared/transport';

export function healthReaderOf(client: Pick<MetaClient, 'request' | 'paginate'>, opts: { maxPages: number; signal?: AbortSignal }): HealthReader {
	const { maxPages, signal } = opts;
	return {
		get: async (path, query) => {
			const result = await client.request({ method: 'GET', path, query, signal });
			return result.ok ? { ok: true, body: result.body } : { ok: false, error: result.error };
		},
		list: async (path, query) => {
			const result = await client.paginate({ method: 'GET', path, query, signal }, { maxPages });
			return result.ok ? { ok: true, records: result.records, more: result.more } : { ok: false, error: result.error };
		},
	};
}
