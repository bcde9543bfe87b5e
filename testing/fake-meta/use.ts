/**
 * `useFakeMeta()`: one fake Meta server for a jest file or describe() block, instead of the same
 * beforeAll / afterEach / afterAll in every file.
 *
 * ```ts
 * const fake = useFakeMeta({ token: CANARY });
 *
 * test('pauses the ad', async () => {
 *   const [ad] = fake.seedObjects([{ status: 'ACTIVE' }]);
 *   // ... point the node or client at fake.url with fake.token
 *   expect(fake.getObject(ad)?.status).toBe('PAUSED');
 * });
 * ```
 *
 * - beforeAll: starts the server with `options` (a free port on 127.0.0.1).
 * - afterEach: `reset()` (objects, jobs, logs, faults, budget back to the start), unless
 *   `{ reset: false }`: then the tests of the block share one state, e.g. several tests asserting
 *   on one run made in the block's own beforeAll.
 * - afterAll: closes the Meta Request connection pools (`closeMetaPools()`), then the server.
 *
 * The returned object reads like the server itself once beforeAll has run (`fake.url`,
 * `fake.requests`, `fake.addFault(...)`), and can be passed wherever a `FakeMeta` is taken.
 * Jest runs hooks in the order they are declared: call `useFakeMeta()` before the hooks that use
 * the server (its beforeAll then runs first); an afterAll declared after it runs once the server
 * is closed, which suits checks on what the tests collected (e.g. no token in any output). The
 * logs of a closed server can still be read.
 *
 * Jest's globals are read when `useFakeMeta()` is called, not when this file loads, so the demo
 * and the benchmarks can import `testing/fake-meta` without jest.
 */
import { lifecycle, liveView } from '../lifecycle';
import { startFakeMeta, type FakeMeta, type FakeMetaOptions } from './server';

export interface UseFakeMetaOptions {
	/** `reset()` the server after each test (default true). */
	reset?: boolean;
}

export function useFakeMeta(options: FakeMetaOptions = {}, { reset = true }: UseFakeMetaOptions = {}): FakeMeta {
	const { beforeAll, afterEach, afterAll } = lifecycle('useFakeMeta()');
	const server = liveView<FakeMeta>('The fake Meta server of useFakeMeta()');
	beforeAll(async () => {
		server.set(await startFakeMeta(options));
	});
	if (reset) afterEach(() => server.current()?.reset());
	afterAll(async () => {
		// Loaded here, not at the top: a fake server started outside jest (demo, bench) needs no client.
		const { closeMetaPools } = await import('../../nodes/shared/transport');
		await closeMetaPools();
		await server.current()?.close();
	});
	return server.view;
}
