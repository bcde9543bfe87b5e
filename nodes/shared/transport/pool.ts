// Keep-alive connection pools, one per origin and connect timeout, shared by every item and
// execution in the process: a workflow of 500 items reuses a handful of TLS connections.
import { Pool } from 'undici';

/**
 * How long an idle connection is kept for reuse when the server gives no `Keep-Alive` hint: below
 * the 5 s that Node and many proxies use, so a connection about to be closed is rarely reused.
 */
const KEEP_ALIVE_MS = 4_000;
/** Connections per origin: enough for the node's concurrency, few enough to be polite. */
const CONNECTIONS_PER_ORIGIN = 16;

const pools = new Map<string, Pool>();

export function poolFor(origin: string, connectTimeoutMs: number): Pool {
	const key = `${origin}|${connectTimeoutMs}`;
	let pool = pools.get(key);
	if (!pool || pool.closed || pool.destroyed) {
		pool = new Pool(origin, {
			connections: CONNECTIONS_PER_ORIGIN,
			connect: { timeout: connectTimeoutMs },
			keepAliveTimeout: KEEP_ALIVE_MS,
		});
		pools.set(key, pool);
	}
	return pool;
}

/** Closes every pool (tests, shutdown). Pools are created again on the next request. */
export async function closeMetaPools(): Promise<void> {
	const open = [...pools.values()];
	pools.clear();
	await Promise.all(open.map(async (pool) => await pool.destroy()));
}
