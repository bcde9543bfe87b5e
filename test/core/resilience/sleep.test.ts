// The one cancellable wait: full length when not cancelled, cut short (timer cleared) when it is.
import { cancellableSleep } from '../../../nodes/shared/core';

const timers = () => process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length;

describe('cancellableSleep', () => {
	test('waits the full time without a signal or when not cancelled', async () => {
		for (const signal of [undefined, new AbortController().signal]) {
			const started = Date.now();
			await cancellableSleep(30, signal);
			expect(Date.now() - started).toBeGreaterThanOrEqual(25);
		}
	});

	test('ends early, without throwing, when the execution is cancelled, and leaves no timer behind', async () => {
		const before = timers();
		const controller = new AbortController();
		const started = Date.now();
		setTimeout(() => controller.abort(), 10);
		await expect(cancellableSleep(60_000, controller.signal)).resolves.toBeUndefined();
		expect(Date.now() - started).toBeLessThan(4_000);
		expect(timers()).toBeLessThanOrEqual(before);
	});

	test('returns at once when already cancelled or for no time', async () => {
		const controller = new AbortController();
		controller.abort();
		const started = Date.now();
		await cancellableSleep(60_000, controller.signal);
		await cancellableSleep(0);
		await cancellableSleep(-5);
		expect(Date.now() - started).toBeLessThan(50);
	});
});
