// The testing library's useFakeMeta(): one server per file or block, reset after each test,
// closed at the end; and the live view it returns.
import { request } from 'undici';
import { FAKE_META_TOKEN, useFakeMeta, type FakeMeta } from '../../testing/fake-meta';
import { liveView } from '../../testing/lifecycle';

const fake = useFakeMeta();
const custom = useFakeMeta({ token: 'EAAcustom0000TOKEN' });
let urlSeen = '';
let seededId = '';

async function getMe(server: FakeMeta) {
	const res = await request(`${server.url}/v24.0/me`, { headers: { authorization: `Bearer ${server.token}` } });
	return { status: res.statusCode, json: (await res.body.json()) as Record<string, unknown> };
}

describe('useFakeMeta()', () => {
	test('starts a server before the tests; the view reads and calls like it', async () => {
		expect(fake.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
		expect(fake.token).toBe(FAKE_META_TOKEN);
		expect((await getMe(fake)).status).toBe(200);
		expect(fake.requests.map((r) => r.path)).toEqual(['/v24.0/me']);
		const [id] = fake.seedObjects([{ name: 'Ad' }]);
		expect(fake.getObject(id)).toMatchObject({ name: 'Ad' });
		urlSeen = fake.url;
		seededId = id;
	});

	test('reset after each test: the previous test left nothing; the same server goes on', () => {
		expect(fake.url).toBe(urlSeen);
		expect(fake.requests).toEqual([]);
		expect(fake.stats()).toMatchObject({ total: 0 });
		expect(fake.getObject(seededId)).toBeUndefined();
	});

	test('takes the server options; each call is its own server', async () => {
		expect(custom.token).toBe('EAAcustom0000TOKEN');
		expect(custom.url).not.toBe(fake.url);
		expect((await getMe(custom)).status).toBe(200);
		expect(fake.requests).toEqual([]);
	});

	describe('{ reset: false }', () => {
		const shared = useFakeMeta({}, { reset: false });
		test('a first test writes', () => {
			shared.seedObjects([{ id: '42', name: 'Kept' }]);
		});
		test('the next test still sees it', () => {
			expect(shared.getObject('42')).toMatchObject({ name: 'Kept' });
		});
	});
});

describe('the live view', () => {
	test('before it exists: a read says so; it is not a thenable and symbols read as undefined', async () => {
		const { view } = liveView<{ url: string }>('The thing');
		expect(() => view.url).toThrow('The thing is not there yet: it starts in beforeAll');
		expect((view as unknown as { then?: unknown }).then).toBeUndefined();
		expect((view as unknown as Record<symbol, unknown>)[Symbol.iterator]).toBeUndefined();
		expect(await Promise.resolve(view)).toBe(view);
	});

	test('methods are bound to the value (private fields work); spread and keys see its own fields', () => {
		class Counter {
			#count = 0;
			label = 'counter';
			add(): number {
				return ++this.#count;
			}
		}
		const live = liveView<Counter>('The counter');
		live.set(new Counter());
		const { add } = live.view;
		expect(add()).toBe(1);
		expect(live.view.add()).toBe(2);
		expect({ ...live.view }).toEqual({ label: 'counter' });
		expect('label' in live.view).toBe(true);
	});
});

// Declared after useFakeMeta(), so it runs once the servers are closed.
afterAll(async () => {
	await expect(getMe(fake)).rejects.toThrow();
	await expect(getMe(custom)).rejects.toThrow();
});
