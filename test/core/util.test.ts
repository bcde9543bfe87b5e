// The helpers every part of the package shares (one definition each).
import { compact, forEachLimited, getPath, isObject } from '../../nodes/shared/core/util';

describe('getPath: the one dot-path reader', () => {
	const value = { a: { b: [{ c: 1 }, { c: 2 }] }, 'x.y': 'whole key', x: { y: 'nested' } };
	test.each([
		['a.b[1].c', 2],
		['a.b.0.c', 1],
		['x.y', 'whole key'],
		['x', { y: 'nested' }],
		['a.missing', undefined],
		['', undefined],
		['constructor', undefined],
		['a.__proto__', undefined],
		['a.b.length', 2],
	])('%s', (path, expected) => {
		expect(getPath(value, path)).toEqual(expected);
	});
	test('anything that is not an object has no paths', () => {
		for (const v of [null, undefined, 3, 'text']) expect(getPath(v, 'a')).toBeUndefined();
	});
});

test('isObject and compact', () => {
	expect([{}, [], null, 'x', new Date()].map(isObject)).toEqual([true, false, false, false, true]);
	expect(compact({ a: 1, b: undefined, c: null })).toEqual({ a: 1, c: null });
});

test('forEachLimited runs every index once, at most `limit` at a time, starting in order', async () => {
	let running = 0;
	let peak = 0;
	const started: number[] = [];
	await forEachLimited(10, 3, async (i) => {
		started.push(i);
		running++;
		peak = Math.max(peak, running);
		await new Promise((resolve) => setTimeout(resolve, 5));
		running--;
	});
	expect(started).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
	expect(peak).toBe(3);
	await forEachLimited(0, 3, async () => {
		throw new Error('never called');
	});
});
