/**
 * What the `use…()` helpers of the testing library share: jest's hooks, read when a helper is
 * called (never when this file loads), and a live view of something a hook starts.
 *
 * No jest imports or jest types here: the demo and the benchmarks load `testing/` compiled by
 * tsconfig.tools.json (`types: ["node"]`), where jest's globals are neither declared nor defined.
 */

type Hook = (fn: () => unknown, timeout?: number) => void;

/** Jest's hooks, as the test file sees them. */
export interface Lifecycle {
	beforeAll: Hook;
	afterAll: Hook;
	beforeEach: Hook;
	afterEach: Hook;
}

/** Jest's hooks of the file being defined; throws outside a jest test file. */
export function lifecycle(helper: string): Lifecycle {
	const { beforeAll, afterAll, beforeEach, afterEach } = globalThis as unknown as Partial<Lifecycle>;
	if (!beforeAll || !afterAll || !beforeEach || !afterEach) {
		throw new Error(`${helper} registers jest hooks: call it in a jest test file, at its top or in a describe() block`);
	}
	return { beforeAll, afterAll, beforeEach, afterEach };
}

export interface LiveView<T extends object> {
	/** Reads and calls like the current value (methods bound to it); throws, naming it, while there is none. */
	readonly view: T;
	/** The current value, if any. */
	current(): T | undefined;
	set(value: T | undefined): void;
}

/**
 * A stand-in for a value that exists only between a beforeAll and the end of the block, so that
 * a test file can write `const fake = useFakeMeta()` and then `fake.url` in its tests, as with a
 * plain variable. `what` names the value in the error for a read before it exists.
 */
export function liveView<T extends object>(what: string): LiveView<T> {
	let current: T | undefined;
	const target = (): T => {
		if (current === undefined) {
			throw new Error(`${what} is not there yet: it starts in beforeAll; use it in tests and hooks, not while describe() blocks are defined`);
		}
		return current;
	};
	const view = new Proxy({} as T, {
		get(_, property) {
			// Never a thenable, and inspectable (jest's matchers and printers probe symbols) before it starts.
			if (current === undefined && (property === 'then' || typeof property === 'symbol')) return undefined;
			const object = target();
			const value: unknown = Reflect.get(object, property, object);
			return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(object) : value;
		},
		set: (_, property, value) => Reflect.set(target(), property, value),
		has: (_, property) => Reflect.has(target(), property),
		ownKeys: () => Reflect.ownKeys(target()),
		getOwnPropertyDescriptor(_, property) {
			const descriptor = Reflect.getOwnPropertyDescriptor(target(), property);
			return descriptor && { ...descriptor, configurable: true };
		},
	});
	return {
		view,
		current: () => current,
		set(value) {
			current = value;
		},
	};
}
