// A real redis-server for a test file (or describe block), and n8n's Redis credential pointing at it.
import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import { closeRedisStores } from '../../nodes/shared/state/redisStore';
import { lifecycle, liveView } from '../../testing/lifecycle';
import { startRedis, type RedisServer } from '../../testing/redisServer';

/**
 * Starts a redis-server in beforeAll; in afterAll closes the package's Redis connections, then
 * stops it. Reads like the server once beforeAll has run (`redis.port`, `redis.kill()`).
 */
export function useRedis(): RedisServer {
	const { beforeAll, afterAll } = lifecycle('useRedis()');
	const server = liveView<RedisServer>('The redis-server of useRedis()');
	beforeAll(async () => {
		server.set(await startRedis());
	});
	afterAll(async () => {
		await closeRedisStores();
		await server.current()?.stop();
	});
	return server.view;
}

/** n8n's Redis credential for `redis` (database 0, no password, no TLS), with `extra` fields. */
export function redisCredential(redis: Pick<RedisServer, 'port'>, extra: ICredentialDataDecryptedObject = {}): ICredentialDataDecryptedObject {
	return { host: '127.0.0.1', port: redis.port, database: 0, password: '', ssl: false, ...extra };
}
