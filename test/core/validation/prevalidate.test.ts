// "Validate before sending": every rule, with what it refuses and what it must let through.
import {
	idProblem,
	internalErrors,
	mediaKindOf,
	metaErrorInfoSchema,
	prevalidate,
	prevalidationWarnings,
	PREVALIDATION_CODES,
	RULES,
} from '../../../nodes/shared/core';
import type { PrevalidationRequest } from '../../../nodes/shared/core';

const post = (body: unknown, extra: Partial<PrevalidationRequest> = {}): PrevalidationRequest => ({ method: 'POST', body, ...extra });
const codes = (request: PrevalidationRequest) => prevalidate(request).map((problem) => problem.code);
const fields = (request: PrevalidationRequest) => prevalidate(request).map((problem) => problem.field);

describe('the rule table', () => {
	it('has one code per rule, all distinct, in the UPPER_SNAKE shape of internal codes', () => {
		const ruleCodes = RULES.map(({ rule }) => PREVALIDATION_CODES[rule]);
		expect(new Set(ruleCodes).size).toBe(RULES.length);
		for (const code of ruleCodes) expect(code).toMatch(/^VALIDATION_[A-Z_]+$/);
	});

	it('lets a plain, correct write through', () => {
		expect(prevalidate({ method: 'POST', objectId: '120210000000000001', body: { status: 'PAUSED', name: 'Spring' } })).toEqual([]);
		expect(prevalidate({ method: 'DELETE', objectId: '120210000000000001' })).toEqual([]);
		expect(prevalidate({ method: 'POST' })).toEqual([]);
	});

	it('never throws, whatever the body', () => {
		const cyclic: Record<string, unknown> = { a: 1 };
		cyclic.self = cyclic;
		let deep: unknown = { page_id: '1' };
		for (let i = 0; i < 1000; i++) deep = { next: deep };
		for (const body of [null, 7, 'text', [], [1, [2]], cyclic, deep, { template: null, type: 'template' }]) {
			expect(() => prevalidate(post(body))).not.toThrow();
		}
	});
});

describe('raw IDs', () => {
	it.each([
		['470703006115773'],
		['120210000000000001'],
		['act_123456789'],
		['me'],
		['104882489141131_560324079478390'],
		[470703006115773],
	])('accepts %p as an ID', (value) => {
		expect(idProblem(value)).toBeUndefined();
		expect(prevalidate({ method: 'POST', objectId: value })).toEqual([]);
	});

	it.each([
		[' 470703006115773 ', /has spaces around the ID, which would be sent with it; send "470703006115773"/],
		[{ id: '470703006115773', name: 'My Page' }, /is an object \(keys: id, name\), not a raw ID string; send only its id .*"470703006115773"/],
		[{ name: 'Profile', username: 'someone' }, /is an object \(keys: name, username\)/],
		['[object Object]', /"\[object Object\]": an object was turned into text/],
		['{"id":"470703006115773","name":"My Page"}', /object written as JSON text.*"470703006115773"/],
		['My Page', /is not a Graph ID/],
		['https://www.facebook.com/mypage', /is not a Graph ID/],
		['act_abc', /is not a Graph ID/],
		['', /is empty/],
		[['1', '2'], /is a list/],
		[null, /is null/],
	])('refuses %p as Object ID', (value, message) => {
		const [problem, ...more] = prevalidate({ method: 'POST', objectId: value });
		expect(more).toEqual([]);
		expect(problem).toMatchObject({ rule: 'raw_id', code: 'VALIDATION_RAW_ID', field: 'Object ID' });
		expect(problem.message).toMatch(/^Object ID /);
		expect(problem.message).toMatch(message);
	});

	it('leaves a numeric Object ID to the parameter check (which stops the node on one that lost digits), but refuses such numbers in the body', () => {
		expect(prevalidate({ method: 'POST', objectId: 2 ** 60 })).toEqual([]);
		expect(idProblem(2 ** 60)).toMatch(/above 2\^53/);
		expect(idProblem(-5)).toMatch(/not an exact ID/);
		expect(prevalidate(post({ adset_id: 2 ** 60 }))).toMatchObject([{ code: 'VALIDATION_RAW_ID', field: 'adset_id', message: expect.stringMatching(/above 2\^53/) }]);
	});

	it('checks id fields anywhere in the body: page_id, instagram ids, object_story_spec.page_id, adset_id, campaign_id, creative.creative_id', () => {
		const body = {
			adset_id: { id: '120210000000000010' },
			campaign_id: 'Spring campaign',
			creative: { creative_id: '[object Object]' },
			object_story_spec: { page_id: { id: '470703006115773', name: 'My Page' }, instagram_user_id: '{"id":"17841400000000000"}' },
			instagram_actor_id: '17841400000000001',
		};
		expect(fields(post(body))).toEqual(['adset_id', 'campaign_id', 'creative.creative_id', 'object_story_spec.page_id', 'object_story_spec.instagram_user_id']);
		expect(new Set(codes(post(body)))).toEqual(new Set(['VALIDATION_RAW_ID']));
		expect(prevalidate(post(body))[3].message).toMatch(/^JSON Body field object_story_spec\.page_id is an object .*send only its id/);
	});

	it('accepts valid ids in the body, as text or as exact numbers, and ignores fields that are not ids', () => {
		const body = {
			adset_id: '120210000000000010',
			campaign_id: 120210000000,
			creative: { creative_id: '120210000000000011' },
			object_story_spec: { page_id: '470703006115773', instagram_user_id: '17841400000000000', link_data: { link: 'https://example.com' } },
			object_story_id: '470703006115773_560324079478390',
			account_id: 'act_123',
			name: 'not an id',
			external_id: 'crm-42',
		};
		expect(prevalidate(post(body))).toEqual([]);
	});

	it('refuses a Custom API Call path built from an object or from nothing, and accepts ordinary paths', () => {
		for (const path of ['[object Object]/feed', 'v24.0/undefined/ads', 'https://graph.facebook.com/v24.0/null/messages', '%7B%22id%22%3A1%7D/feed']) {
			expect(codes({ method: 'POST', path })).toEqual(['VALIDATION_RAW_ID']);
			expect(prevalidate({ method: 'POST', path })[0].field).toBe('Path');
		}
		for (const path of ['act_123/ads', '/v24.0/470703006115773/feed', 'me/feed', 'https://graph.facebook.com/v24.0/123/messages?x=1', '104882489141131_5603240794/comments', '']) {
			expect(prevalidate({ method: 'POST', path })).toEqual([]);
		}
	});
});

describe('media type from the file extension', () => {
	it.each([
		['https://cdn.example.com/a/clip.mp4', 'video'],
		['https://cdn.example.com/a/clip.MOV', 'video'],
		['https://cdn.example.com/a/clip.mp4?sig=abc.png&x=1', 'video'],
		['https://cdn.example.com/photo.jpg#frag.mp4', 'image'],
		['https://cdn.example.com/photo.JPEG', 'image'],
		['https://cdn.example.com/photo.png', 'image'],
		['https://cdn.example.com/photo', undefined],
		['https://cdn.example.com/file.pdf', undefined],
		['https://cdn.example.com.mp4/render?id=1', undefined],
		[42, undefined],
	])('reads %p as %p', (link, kind) => {
		expect(mediaKindOf(link)).toBe(kind);
	});

	it('refuses a WhatsApp image message whose image.link is a video, naming the field and the fix', () => {
		const [problem, ...more] = prevalidate(post({ messaging_product: 'whatsapp', to: '15551234567', type: 'image', image: { link: 'https://cdn.example.com/clip.mp4?token=1' } }));
		expect(more).toEqual([]);
		expect(problem).toMatchObject({ rule: 'media_type', code: 'VALIDATION_MEDIA_TYPE', field: 'image.link' });
		expect(problem.message).toBe(
			'JSON Body field image.link is a video (.mp4) but the type is "image"; send type "video" with the link under video.link, or link an image file (.jpg or .png).',
		);
	});

	it('refuses a WhatsApp video message whose video.link is an image, and a template header image that is a video', () => {
		expect(fields(post({ type: 'video', video: { link: 'https://x.example/poster.png' } }))).toEqual(['video.link']);
		const template = {
			type: 'template',
			template: {
				name: 'launch',
				language: { code: 'en_US' },
				components: [{ type: 'header', parameters: [{ type: 'image', image: { link: 'https://x.example/teaser.mov' } }] }],
			},
		};
		expect(prevalidate(post(template))).toMatchObject([{ code: 'VALIDATION_MEDIA_TYPE', field: 'template.components[0].parameters[0].image.link' }]);
	});

	it('refuses image fields holding a video and video fields holding an image, at any depth', () => {
		const body = {
			image_url: 'https://x.example/a.mp4',
			object_story_spec: { link_data: { picture: 'https://x.example/b.mov' }, video_data: { video_id: '123', image_url: 'https://x.example/thumb.jpg' } },
			video_url: 'https://x.example/c.jpeg',
		};
		expect(prevalidate(post(body)).map(({ code, field }) => `${code} ${field}`)).toEqual([
			'VALIDATION_MEDIA_TYPE image_url',
			'VALIDATION_MEDIA_TYPE object_story_spec.link_data.picture',
			'VALIDATION_MEDIA_TYPE video_url',
		]);
		expect(prevalidate(post({ image_url: 'https://x.example/a.mp4' }))[0].message).toMatch(/takes an image, but its link is a video \(\.mp4\); send the video in video_url instead/);
	});

	it('lets matching and unknown extensions through', () => {
		for (const body of [
			{ type: 'image', image: { link: 'https://x.example/a.jpg' } },
			{ type: 'video', video: { link: 'https://x.example/a.mp4' } },
			{ type: 'image', image: { link: 'https://x.example/render?format=mp4' } },
			{ type: 'image', image: { id: '1234567890' } },
			{ type: 'document', document: { link: 'https://x.example/a.mp4' } },
			{ image_url: 'https://x.example/a.png', video_url: 'https://x.example/b.mov', picture: 'https://x.example/p' },
		]) {
			expect(prevalidate(post(body))).toEqual([]);
		}
	});
});

describe('carousel ads', () => {
	const card = (n: number, extra: Record<string, unknown> = {}) => ({ link: `https://shop.example/${n}`, name: `Card ${n}`, picture: `https://x.example/${n}.jpg`, ...extra });
	const carousel = (cards: unknown) => post({ name: 'Carousel', object_story_spec: { page_id: '470703006115773', link_data: { link: 'https://shop.example', child_attachments: cards } } });

	it('accepts 2 to 10 complete cards, with picture, image_hash or video_id', () => {
		expect(prevalidate(carousel([card(1), card(2)]))).toEqual([]);
		expect(prevalidate(carousel([card(1, { picture: undefined, image_hash: 'abc123' }), card(2, { picture: undefined, video_id: '9876543210' })]))).toEqual([]);
		expect(prevalidate(carousel(Array.from({ length: 10 }, (_, i) => card(i))))).toEqual([]);
	});

	it('refuses fewer than 2 or more than 10 cards', () => {
		expect(prevalidate(carousel([card(1)]))).toMatchObject([{ code: 'VALIDATION_CAROUSEL', field: 'object_story_spec.link_data.child_attachments', message: expect.stringContaining('has 1 card; a carousel ad takes 2 to 10 cards') }]);
		expect(codes(carousel(Array.from({ length: 11 }, (_, i) => card(i))))).toEqual(['VALIDATION_CAROUSEL']);
		expect(codes(carousel({ 0: card(1) }))).toEqual(['VALIDATION_CAROUSEL']);
	});

	it('refuses a card without its title (name), link or media, naming each', () => {
		const problems = prevalidate(carousel([card(1, { name: '' }), card(2, { link: undefined, picture: undefined }), 'card 3']));
		expect(problems.map(({ code, field }) => `${code} ${field}`)).toEqual([
			'VALIDATION_CAROUSEL object_story_spec.link_data.child_attachments[0]',
			'VALIDATION_CAROUSEL object_story_spec.link_data.child_attachments[1]',
			'VALIDATION_CAROUSEL object_story_spec.link_data.child_attachments[2]',
		]);
		expect(problems[0].message).toMatch(/lacks name \(the card title, the "carousel title"\)/);
		expect(problems[1].message).toMatch(/lacks link \(the URL the card opens\), one of picture, image_hash or video_id/);
	});

	it('leaves single-image link ads alone', () => {
		expect(prevalidate(post({ object_story_spec: { page_id: '1', link_data: { link: 'https://shop.example', picture: 'https://x.example/a.png' } } }))).toEqual([]);
	});
});

describe('WhatsApp template sends', () => {
	const send = (template: unknown) => post({ messaging_product: 'whatsapp', to: '15551234567', type: 'template', template });

	it('accepts a complete template with well-formed parameters, and one without components', () => {
		expect(prevalidate(send({ name: 'hello_world', language: { code: 'en_US' } }))).toEqual([]);
		expect(
			prevalidate(
				send({
					name: 'order_update',
					language: { code: 'de' },
					components: [
						{ type: 'header', parameters: [{ type: 'image', image: { link: 'https://x.example/a.png' } }] },
						{ type: 'body', parameters: [{ type: 'text', text: 'Ada' }, { type: 'currency', currency: { fallback_value: '€5', code: 'EUR', amount_1000: 5000 } }] },
						{ type: 'button', sub_type: 'url', index: '0', parameters: [{ type: 'text', text: 'abc' }] },
					],
				}),
			),
		).toEqual([]);
	});

	it('refuses a template send without template, name or language code', () => {
		expect(prevalidate(post({ type: 'template' }))).toMatchObject([{ code: 'VALIDATION_TEMPLATE', field: 'template' }]);
		expect(fields(send({ language: 'en_US' }))).toEqual(['template.name', 'template.language.code']);
		expect(prevalidate(send({ name: 'x', language: 'en_US' }))[0].message).toMatch(/language is text; it must be an object\); send language: \{ "code": "en_US" \}/);
	});

	it('refuses parameters without a type or without the value field their type names', () => {
		const problems = prevalidate(
			send({
				name: 'x',
				language: { code: 'en' },
				components: [
					{ type: 'body', parameters: [{ text: 'Ada' }, { type: 'text', value: 'Ada' }, { type: 'string', text: 'Ada' }] },
					{ type: 'header', parameters: [{ type: 'image', link: 'https://x.example/a.png' }] },
					{ parameters: [] },
				],
			}),
		);
		// A type the node does not know ("string") is no refusal: a warning on the item (Meta may know it).
		expect(problems.map(({ field }) => field)).toEqual([
			'template.components[0].parameters[0].type',
			'template.components[0].parameters[1].text',
			'template.components[1].parameters[0].image',
			'template.components[2].type',
		]);
		expect(new Set(problems.map(({ code }) => code))).toEqual(new Set(['VALIDATION_TEMPLATE']));
		expect(problems[1].message).toBe('JSON Body field template.components[0].parameters[1] has type "text" but no text; send { "type": "text", "text": "…" }.');
		expect(problems[2].message).toMatch(/send \{ "type": "image", "image": \{ "link": "https:\/\/…" \} \}/);
	});

	it('leaves other messages alone', () => {
		expect(prevalidate(post({ messaging_product: 'whatsapp', type: 'text', text: { body: 'hi' } }))).toEqual([]);
	});
});

describe('authentication is the credential\'s job', () => {
	it.each([
		[{ 'x-api-key': 'k' }, /Header "x-api-key" is not read by Meta/],
		[{ Authorization: 'EAAB123' }, /lacks the "Bearer " prefix/],
		[{ authorization: 'Bearer EAAB123' }, /would replace the credential's own "Authorization: Bearer" header/],
		[{ 'X-Access-Token': 't' }, /is not read by Meta/],
	])('refuses the header %p', (headers, message) => {
		const [problem, ...more] = prevalidate({ method: 'POST', headers });
		expect(more).toEqual([]);
		expect(problem).toMatchObject({ rule: 'auth_header', code: 'VALIDATION_AUTH_HEADER' });
		expect(problem.message).toMatch(message);
		expect(problem.message).toMatch(/the Meta Graph API credential does the authentication/);
		expect(problem.message).not.toContain('EAAB123');
	});

	it('refuses a token in the body, and lets other headers through', () => {
		expect(prevalidate(post({ access_token: 'EAAB123', message: 'hi' }))).toMatchObject([{ code: 'VALIDATION_AUTH_HEADER', field: 'access_token' }]);
		expect(prevalidate({ method: 'POST', headers: { 'x-custom': '1', 'content-language': 'de' } })).toEqual([]);
	});
});

describe('the internal error', () => {
	it('is a validation error from source internal with the first problem\'s code, field and message, and lists them all', () => {
		const problems = prevalidate({ method: 'POST', objectId: { id: '1', name: 'Page' }, body: { image_url: 'https://x.example/a.mp4' } });
		const error = internalErrors.prevalidation(problems);
		expect(error).toMatchObject({
			category: 'validation',
			source: 'internal',
			retryable: false,
			action: 'dead_letter',
			code: 'VALIDATION_RAW_ID',
			field: 'Object ID',
			message: expect.stringMatching(/^Object ID is an object .* Nothing was sent\.$/),
		});
		expect(error.details?.split('\n')).toHaveLength(2);
		expect(metaErrorInfoSchema.safeParse(error).success).toBe(true);
		expect('details' in internalErrors.prevalidation(problems.slice(0, 1))).toBe(false);
	});
});

describe('what the second attack round found (issue 25, point 7)', () => {
	const template = (parameters: unknown[]) =>
		post({ messaging_product: 'whatsapp', to: '4915100000001', type: 'template', template: { name: 'offer', language: { code: 'en_US' }, components: [{ type: 'limited_time_offer', parameters }] } });

	it("lets Meta's documented template parameter types through: limited_time_offer, product (Cloud API reference, Template messages)", () => {
		expect(prevalidate(template([{ type: 'limited_time_offer', limited_time_offer: { expiration_time_ms: 1767225600000 } }]))).toEqual([]);
		expect(prevalidate(template([{ type: 'product', product: { product_retailer_id: 'sku-1', catalog_id: '194836987003835' } }]))).toEqual([]);
		// A known type without its value is still refused.
		expect(codes(template([{ type: 'product' }]))).toEqual(['VALIDATION_TEMPLATE']);
	});

	it('an unknown parameter type is a warning on the item, not a refusal', () => {
		const request = template([{ type: 'hologram', hologram: {} }]);
		expect(prevalidate(request)).toEqual([]);
		expect(prevalidationWarnings(request)).toEqual([expect.stringContaining('"hologram" is not a parameter type this node knows')]);
	});

	it('an ID with a line break or spaces around it is refused (it would be sent with them)', () => {
		expect(fields(post({ object_story_spec: { page_id: '470703006115773\n' } }))).toEqual(['object_story_spec.page_id']);
		expect(prevalidate(post({ object_story_spec: { page_id: '470703006115773\n' } }))[0].message).toContain('a line break around the ID');
		expect(prevalidate(post({ object_story_spec: { page_id: ' 470703006115773' } }))[0].message).toContain('spaces around the ID');
	});

	it('object_story_spec given as JSON text (as Meta\'s curl examples write it) is checked too', () => {
		const body = { name: 'Creative', object_story_spec: JSON.stringify({ page_id: { id: '470703006115773', name: 'Shop' }, link_data: { link: 'https://shop.example' } }) };
		expect(fields(post(body))).toEqual(['object_story_spec.page_id']);
	});

	it('a page object after a long targeting list is reached; a body too large to check is refused, saying so', () => {
		const interests = Array.from({ length: 6000 }, (_, i) => ({ id: String(6000000000000 + i), name: `Interest ${i}` }));
		const body = { targeting: { flexible_spec: [{ interests }] }, object_story_spec: { page_id: { id: '470703006115773' } } };
		expect(fields(post(body))).toEqual(['object_story_spec.page_id']);
		const huge = { name: 'x'.repeat(2_100_000), object_story_spec: { page_id: '470703006115773' } };
		expect(prevalidate(post(huge)).map((problem) => [problem.field, problem.message])).toEqual([['JSON Body', expect.stringMatching(/^JSON Body is 2\.1 MB, too large to check before sending/)]]);
	});
});
