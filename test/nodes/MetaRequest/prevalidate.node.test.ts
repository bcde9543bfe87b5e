// Meta Request's "Validate Before Sending" (on by default for writes): an item that fails a rule
// goes to Failed without a request, the others go through. Through n8n's real engine, against the
// fake Meta server, whose request log shows what was sent.
import type { IDataObject, INodeParameters } from 'n8n-workflow';
import { FAKE_META_TOKEN, useFakeMeta } from '../../../testing/fake-meta';
import { runNode, runWorkflow } from '../../helpers/engine';
import type { RunNodeOptions } from '../../helpers/engine';

const TYPE = 'n8n-nodes-meta-resilience.metaRequest';
const FAST = { baseDelayMs: 5, maxDelayMs: 20 };
const PHONE = '106540352242922';

const fake = useFakeMeta();
const produced: unknown[] = [];

afterAll(() => {
	expect(JSON.stringify(produced)).not.toContain(FAKE_META_TOKEN);
});

async function run(parameters: INodeParameters, items: IDataObject[], options: RunNodeOptions = {}) {
	const result = await runNode(TYPE, { options: FAST, ...parameters }, items, {
		credentials: { metaGraphApi: { accessToken: FAKE_META_TOKEN, baseUrl: fake.url, apiVersion: 'v24.0' } },
		...options,
	});
	produced.push(result.nodeOutputs, result.error);
	return result;
}

const sendMessage: INodeParameters = { operation: 'custom', method: 'POST', path: `${PHONE}/messages`, jsonBody: '={{ $json.message }}' };

describe('Meta Request: Validate Before Sending', () => {
	it('refuses an object given as the Object ID of a pause, sends the others, and does not stop the workflow', async () => {
		const [ad1, ad2] = fake.seedObjects([{ name: 'Ad 1', status: 'ACTIVE' }, { name: 'Ad 2', status: 'ACTIVE' }]);
		const { error, nodeOutputs } = await run({ operation: 'pause', objectId: '={{ $json.ad }}' }, [
			{ ad: ad1 },
			{ ad: { id: ad2, name: 'Ad 2' } },
			{ ad: 'Ad 3 (spring)' },
		]);
		expect(error).toBeUndefined();
		const [success, failed] = nodeOutputs;
		expect(success.map((item) => item.pairedItem)).toEqual([{ item: 0 }]);
		expect(failed.map((item) => item.pairedItem)).toEqual([{ item: 1 }, { item: 2 }]);
		expect(failed[0].json).toEqual({
			ad: { id: ad2, name: 'Ad 2' },
			metaError: expect.objectContaining({
				category: 'validation',
				source: 'internal',
				retryable: false,
				action: 'dead_letter',
				code: 'VALIDATION_RAW_ID',
				field: 'Object ID',
				message: `Object ID is an object (keys: id, name), not a raw ID string; send only its id (e.g. {{ $json.page.id }}), "${ad2}". Nothing was sent.`,
			}),
			metaRequest: { method: 'POST', attempts: 0, waitedMs: 0, stopReason: 'refused' },
		});
		expect(failed[1].json.metaError).toMatchObject({ code: 'VALIDATION_RAW_ID', message: expect.stringContaining('is not a Graph ID') });
		expect(fake.requests.map((request) => `${request.method} ${request.path}`)).toEqual([`POST /v24.0/${ad1}`]);
		expect(fake.getObject(ad2)?.status).toBe('ACTIVE');
	});

	it('refuses an ad whose body holds a page object and a video as picture; a correct one is created', async () => {
		const good = { name: 'Good', object_story_spec: { page_id: '470703006115773', link_data: { link: 'https://shop.example', picture: 'https://cdn.example/a.jpg?v=2' } } };
		const badId = { name: 'Bad id', object_story_spec: { page_id: { id: '470703006115773', name: 'My Page' }, link_data: { link: 'https://shop.example' } } };
		const badMedia = { name: 'Bad media', object_story_spec: { page_id: '470703006115773', link_data: { link: 'https://shop.example', picture: 'https://cdn.example/clip.mp4' } } };
		const { nodeOutputs } = await run({ operation: 'create', objectId: 'act_1', edge: 'adcreatives', jsonBody: '={{ $json.creative }}' }, [
			{ creative: good },
			{ creative: badId },
			{ creative: badMedia },
		]);
		const [success, failed] = nodeOutputs;
		expect(success).toHaveLength(1);
		expect(failed.map((item) => [item.pairedItem, (item.json.metaError as IDataObject).code, (item.json.metaError as IDataObject).field])).toEqual([
			[{ item: 1 }, 'VALIDATION_RAW_ID', 'object_story_spec.page_id'],
			[{ item: 2 }, 'VALIDATION_MEDIA_TYPE', 'object_story_spec.link_data.picture'],
		]);
		expect(fake.requests).toHaveLength(1);
		expect(fake.requests[0].body).toMatchObject({ name: 'Good' });
	});

	it('refuses a carousel with one card and a card without its title', async () => {
		const card = (n: number, name = `Card ${n}`) => ({ link: `https://shop.example/${n}`, name, image_hash: `hash${n}` });
		const creative = (cards: unknown[]) => ({ object_story_spec: { page_id: '470703006115773', link_data: { link: 'https://shop.example', child_attachments: cards } } });
		const { nodeOutputs } = await run({ operation: 'create', objectId: 'act_1', edge: 'adcreatives', jsonBody: '={{ $json.creative }}' }, [
			{ creative: creative([card(1)]) },
			{ creative: creative([card(1), card(2, '')]) },
			{ creative: creative([card(1), card(2)]) },
		]);
		const [success, failed] = nodeOutputs;
		expect(success.map((item) => item.pairedItem)).toEqual([{ item: 2 }]);
		expect(failed.map((item) => (item.json.metaError as IDataObject).code)).toEqual(['VALIDATION_CAROUSEL', 'VALIDATION_CAROUSEL']);
		expect((failed[1].json.metaError as IDataObject).message).toMatch(/child_attachments\[1\] lacks name \(the card title/);
		expect(fake.requests).toHaveLength(1);
	});

	it('refuses a WhatsApp image message linking a video and a template without language; sends the correct message', async () => {
		const base = { messaging_product: 'whatsapp', to: '15551234567' };
		const { nodeOutputs } = await run(sendMessage, [
			{ message: { ...base, type: 'image', image: { link: 'https://cdn.example/clip.mp4' } } },
			{ message: { ...base, type: 'template', template: { name: 'order_update', components: [{ type: 'body', parameters: [{ type: 'text' }] }] } } },
			{ message: { ...base, type: 'image', image: { link: 'https://cdn.example/photo.png' } } },
		]);
		const [success, failed] = nodeOutputs;
		expect(success.map((item) => item.pairedItem)).toEqual([{ item: 2 }]);
		expect(failed.map((item) => (item.json.metaError as IDataObject).code)).toEqual(['VALIDATION_MEDIA_TYPE', 'VALIDATION_TEMPLATE']);
		// Two problems in the template: the first is the message, all are in details.
		expect((failed[1].json.metaError as IDataObject).details).toMatch(/template\.language\.code[\s\S]*parameters\[0\]\.text/);
		expect(fake.requests.filter((request) => request.method === 'POST').map((request) => (request.body as IDataObject).type)).toEqual(['image']);
		expect(fake.requests.find((request) => request.method === 'POST')?.body).toMatchObject({ image: { link: 'https://cdn.example/photo.png' } });
	});

	it('refuses an x-api-key header and an Authorization header of its own; other headers are sent', async () => {
		const headers = (name: string, value: string) => ({ header: [{ name, value }] });
		const call = { operation: 'custom', method: 'POST', path: `${PHONE}/messages`, jsonBody: '{"messaging_product":"whatsapp","to":"15551234567","type":"text","text":{"body":"hi"}}' };
		const apiKey = await run({ ...call, headers: headers('x-api-key', 'k-123') }, [{}]);
		const bearer = await run({ ...call, headers: headers('Authorization', 'Bearer EAAsomethingelse') }, [{}]);
		const noBearer = await run({ ...call, headers: headers('Authorization', 'k-123') }, [{}]);
		for (const { nodeOutputs } of [apiKey, bearer, noBearer]) {
			expect(nodeOutputs[1][0].json.metaError).toMatchObject({ code: 'VALIDATION_AUTH_HEADER', message: expect.stringContaining('the Meta Graph API credential does the authentication') });
		}
		expect(fake.requests).toHaveLength(0);
		const other = await run({ ...call, headers: headers('X-Request-Source', 'crm') }, [{}]);
		expect(other.nodeOutputs[0]).toHaveLength(1);
		expect(fake.requests[0].headers['x-request-source']).toBe('crm');
	});

	it('refuses headers the node sets itself, as a parameter error', async () => {
		const { error } = await run({ operation: 'custom', method: 'GET', path: 'me', headers: { header: [{ name: 'Idempotency-Key', value: 'x' }] } }, [{}]);
		expect(error?.message).toBe('Item 0: invalid header — Headers → Idempotency-Key: is set by the node on every write; use the option Idempotency Key');
		expect(fake.requests).toHaveLength(0);
	});

	it('with the option off, sends what it would have refused (Meta answers); an Authorization header is still never sent (one header rule for every send)', async () => {
		const { nodeOutputs } = await run(
			{
				operation: 'custom',
				method: 'POST',
				path: 'act_1/adcreatives',
				jsonBody: '{"name":"Unchecked","image_url":"https://cdn.example/clip.mp4"}',
				options: { ...FAST, validateBeforeSending: false },
			},
			[{}],
		);
		expect(nodeOutputs[0]).toHaveLength(1);
		expect(fake.requests).toHaveLength(1);
		const withAuth = await run(
			{
				operation: 'custom',
				method: 'POST',
				path: 'act_1/adcreatives',
				jsonBody: '{"name":"Unchecked 2"}',
				headers: { header: [{ name: 'Authorization', value: 'Bearer not-the-token' }] },
				options: { ...FAST, validateBeforeSending: false },
			},
			[{}],
		);
		expect(withAuth.nodeOutputs[1][0].json.metaError).toMatchObject({ code: 'INVALID_HEADER', category: 'validation' });
		expect(fake.requests).toHaveLength(1);
	});

	it('does not check reads', async () => {
		const { nodeOutputs } = await run({ operation: 'getObject', objectId: 'nope' }, [{}]);
		expect(nodeOutputs[1][0].json.metaError).toMatchObject({ source: 'graph', category: 'not_found' });
		expect(fake.requests).toHaveLength(1);
	});

	it('with "Continue (using error output)", a refused item goes to the error output with its code', async () => {
		const [ad] = fake.seedObjects([{ name: 'Ad', status: 'ACTIVE' }]);
		const { nodeOutputs } = await run({ operation: 'update', objectId: '={{ $json.ad }}', jsonBody: '{"status":"PAUSED"}' }, [{ ad: '[object Object]' }, { ad }], {
			onError: 'continueErrorOutput',
		});
		const [success, failed, errors] = nodeOutputs;
		expect(success).toHaveLength(1);
		expect(failed).toEqual([]);
		expect(errors[0].json).toMatchObject({ ad: '[object Object]', error: { code: 'VALIDATION_RAW_ID', source: 'internal' } });
		expect(fake.requests).toHaveLength(1);
	});

	it('runs the example workflow: one creative created, the page object and the video-as-picture not sent', async () => {
		const result = await runWorkflow('examples/meta-request-prevalidate.json', {
			credentials: { metaGraphApi: { accessToken: FAKE_META_TOKEN, baseUrl: fake.url, apiVersion: 'v24.0' } },
		});
		produced.push(result.runData);
		expect(result.error).toBeUndefined();
		const created = result.output('Created');
		expect(created.map((item) => item.pairedItem)).toEqual([{ item: 0 }]);
		expect(fake.getObject(created[0].json.id as string)).toMatchObject({ name: 'Spring sale' });
		const failed = result.output('Not sent or failed (see metaError)');
		expect(failed.map((item) => [item.json.label, (item.json.metaError as IDataObject).code])).toEqual([
			['page given as an object', 'VALIDATION_RAW_ID'],
			['video as the picture', 'VALIDATION_MEDIA_TYPE'],
		]);
		expect(fake.requests.map((request) => (request.body as IDataObject).name)).toEqual(['Spring sale']);
	});
});

test('a template from Meta\'s reference (limited-time offer) is sent; a parameter type the node does not know is sent with a warning on the item', async () => {
	const offer = {
		messaging_product: 'whatsapp',
		to: '4915100000042',
		type: 'template',
		template: {
			name: 'spring_offer',
			language: { code: 'en_US' },
			components: [
				{ type: 'limited_time_offer', parameters: [{ type: 'limited_time_offer', limited_time_offer: { expiration_time_ms: 1767225600000 } }] },
				{ type: 'body', parameters: [{ type: 'text', text: 'Ada' }, { type: 'sparkle', sparkle: { level: 3 } }] },
			],
		},
	};
	const { nodeOutputs } = await run(sendMessage, [{ message: JSON.stringify(offer) }]);
	const [success, failed] = nodeOutputs;
	expect(failed).toEqual([]);
	expect(success).toHaveLength(1);
	expect((success[0].json.metaRequest as IDataObject).warnings).toEqual([expect.stringContaining('"sparkle" is not a parameter type this node knows')]);
	expect(fake.requests.filter((request) => request.method === 'POST')).toHaveLength(1);
});
