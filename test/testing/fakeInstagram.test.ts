// The fake server's Instagram publishing (testing/fake-meta): a container from POST /{ig-user-id}/media
// followed to FINISHED or ERROR, media_publish of a FINISHED one (once), Meta's 9007 / 2207027 for any other.
import { request } from 'undici';

import { useFakeMeta } from '../../testing/fake-meta';

const fake = useFakeMeta();
const IG_USER = '17841400000000001';
const BROKEN = 'https://shop.example/img/too-large.jpg';

async function call(method: 'GET' | 'POST', path: string, json?: Record<string, unknown>) {
	const res = await request(`${fake.url}/v24.0/${path}`, {
		method,
		headers: { authorization: `Bearer ${fake.token}`, ...(json ? { 'content-type': 'application/json' } : {}) },
		body: json ? JSON.stringify(json) : undefined,
	});
	return { status: res.statusCode, json: (await res.body.json()) as any };
}

const status = async (id: string) => (await call('GET', `${id}?fields=id,status_code,status`)).json;

beforeEach(() => {
	fake.seedObjects([{ id: IG_USER, username: 'example.shop' }]);
	fake.setJobDefaults({ completeAfterPolls: 2, containerErrors: { [BROKEN]: 2207004 } });
});

test('a container follows jobDefaults; published once, then PUBLISHED, the media on the user’s media edge', async () => {
	const created = await call('POST', `${IG_USER}/media`, { image_url: 'https://shop.example/img/mug.jpg', caption: 'New mugs' });
	expect(created.status).toBe(200);
	const container = created.json.id as string;

	// Not FINISHED yet: Meta's "Media ID is not available", nothing published.
	const early = await call('POST', `${IG_USER}/media_publish`, { creation_id: container });
	expect([early.status, early.json.error.code, early.json.error.error_subcode, early.json.error.message]).toEqual([400, 9007, 2207027, 'Media ID is not available']);

	expect((await status(container)).status_code).toBe('IN_PROGRESS');
	expect((await status(container)).status_code).toBe('FINISHED');
	const published = await call('POST', `${IG_USER}/media_publish`, { creation_id: container });
	expect(published.status).toBe(200);
	expect(fake.getObject(published.json.id)).toMatchObject({ caption: 'New mugs', media_type: 'IMAGE', media_url: 'https://shop.example/img/mug.jpg' });
	expect((await call('GET', `${IG_USER}/media`)).json.data.map((m: { id: string }) => m.id)).toEqual([published.json.id]);
	expect((await status(container)).status_code).toBe('PUBLISHED');

	// A second publish of the same container is refused; another user cannot publish it either.
	expect((await call('POST', `${IG_USER}/media_publish`, { creation_id: container })).json.error.code).toBe(9007);
	expect(fake.writes.map((w) => [w.path, w.objectId])).toEqual([
		[`/${IG_USER}/media`, container],
		[`/${IG_USER}/media_publish`, published.json.id],
	]);
	expect(fake.duplicateWrites()).toEqual([]);
});

test('a media URL in containerErrors ends in ERROR with its subcode and cannot be published; bad requests', async () => {
	const container = (await call('POST', `${IG_USER}/media`, { image_url: BROKEN })).json.id as string;
	await status(container);
	expect(await status(container)).toEqual({ id: container, status_code: 'ERROR', status: 'Error: Media upload has failed with error code 2207004' });
	expect((await call('POST', `${IG_USER}/media_publish`, { creation_id: container })).json.error).toMatchObject({ code: 9007, error_subcode: 2207027 });
	expect((await call('POST', `${IG_USER}/media_publish`, { creation_id: '6000000009999' })).json.error.code).toBe(9007);

	expect((await call('POST', `${IG_USER}/media`, { caption: 'no media' })).json.error.code).toBe(100);
	expect((await call('POST', `${IG_USER}/media_publish`, {})).json.error.code).toBe(100);
	expect((await call('POST', '17841400000000999/media', { image_url: 'https://shop.example/a.jpg' })).json.error).toMatchObject({ code: 100, error_subcode: 33 });
	expect(fake.writes.map((w) => w.path)).toEqual([`/${IG_USER}/media`]);
});
