// Meta Request given input that used to stop it for no good reason, or vanish without a word:
// numeric IDs from expressions, null and repeated query parameters, an Error Field that clashes.
// Through n8n's real engine, against the fake Meta server.
import type { IDataObject, INodeParameters } from 'n8n-workflow';
import { FAKE_META_TOKEN, useFakeMeta } from '../../../testing/fake-meta';
import { runNode } from '../../helpers/engine';
import type { RunNodeOptions } from '../../helpers/engine';

const TYPE = 'n8n-nodes-meta-resilience.metaRequest';
const FAST = { baseDelayMs: 5, maxDelayMs: 20 };

const fake = useFakeMeta();

async function run(parameters: INodeParameters, items: IDataObject[], options: RunNodeOptions = {}) {
	return await runNode(TYPE, { options: FAST, ...parameters }, items, {
		credentials: { metaGraphApi: { accessToken: FAKE_META_TOKEN, baseUrl: fake.url, apiVersion: 'v24.0' } },
		...options,
	});
}

describe('Meta Request with bad or surprising input', () => {
	it('takes a numeric {{ $json.adId }} as the ID', async () => {
		const [ad] = fake.seedObjects([{ name: 'Ad', status: 'ACTIVE' }]);
		const { error, nodeOutputs } = await run({ operation: 'pause', objectId: '={{ $json.adId }}' }, [{ adId: Number(ad) }]);
		expect(error).toBeUndefined();
		expect(nodeOutputs[0].map((item) => item.json.success)).toEqual([true]);
		expect(fake.getObject(ad)?.status).toBe('PAUSED');
	});

	it('stops before sending anything on a numeric ID above 2^53, naming the item and the fix', async () => {
		const [ad] = fake.seedObjects([{ name: 'Ad', status: 'ACTIVE' }]);
		const { error, nodeOutputs } = await run({ operation: 'pause', objectId: '={{ $json.adId }}' }, [
			{ adId: ad },
			{ adId: 120210000000000001 },
		]);
		expect(error?.message).toBe(
			'Item 1: invalid parameter — Object ID: is a number larger than 2^53, so its last digits are already lost; keep the ID as text where it comes from (Meta sends IDs as strings; String() in an expression is too late)',
		);
		expect(nodeOutputs).toEqual([]);
		expect(fake.requests).toHaveLength(0);
	});

	it('refuses a query value that resolved to null instead of leaving it out', async () => {
		const { error } = await run(
			{ operation: 'getObject', objectId: 'me', queryParameters: { parameter: [{ name: 'date_preset', value: '={{ $json.preset }}' }] } },
			[{ preset: 'last_7d' }, { preset: null }],
		);
		expect(error?.message).toBe('Item 1: invalid query parameter — Query Parameters → date_preset: resolved to null; remove the parameter or give it a value');
		expect(fake.requests).toHaveLength(0);
	});

	it('with "Continue (regular output)" the item with a null query value fails alone, on Failed', async () => {
		const { error, nodeOutputs } = await run(
			{ operation: 'getObject', objectId: 'me', queryParameters: { parameter: [{ name: 'date_preset', value: '={{ $json.preset }}' }] } },
			[{ preset: 'last_7d' }, { preset: null }],
			{ onError: 'continueRegularOutput' },
		);
		expect(error).toBeUndefined();
		const [success, failed] = nodeOutputs;
		expect(success.map((item) => item.pairedItem)).toEqual([{ item: 0 }]);
		expect(failed).toHaveLength(1);
		expect(failed[0].pairedItem).toEqual({ item: 1 });
		expect(failed[0].json).toMatchObject({ preset: null, metaError: { category: 'validation', code: 'INVALID_PARAMETER', message: expect.stringContaining('date_preset: resolved to null') } });
		expect(fake.requests.map((request) => request.query.date_preset)).toEqual(['last_7d']);
	});

	it('leaves out a query value that gives undefined, and sends an empty one empty (as the description says)', async () => {
		const { error, nodeOutputs } = await run(
			{
				operation: 'getObject',
				objectId: 'me',
				queryParameters: { parameter: [{ name: 'after', value: '={{ $json.cursor }}' }, { name: 'locale', value: '' }] },
			},
			[{}],
		);
		expect(error).toBeUndefined();
		expect(nodeOutputs[0][0].json.metaRequest).toMatchObject({ url: `${fake.url}/v24.0/me?locale=` });
	});

	it('refuses a query parameter given twice instead of sending only the last', async () => {
		const { error } = await run(
			{
				operation: 'getObject',
				objectId: 'me',
				queryParameters: { parameter: [{ name: 'fields', value: 'id' }, { name: 'fields', value: 'name' }] },
			},
			[{}],
		);
		expect(error?.message).toMatch(/^Item 0: invalid query parameter — Query Parameters → fields: is given more than once; give each parameter once/);
		expect(fake.requests).toHaveLength(0);
	});

	it('refuses metaRequest as Error Field: it would overwrite the classification', async () => {
		const { error } = await run({ operation: 'getObject', objectId: 'me', options: { ...FAST, errorField: 'metaRequest' } }, [{}]);
		expect(error?.message).toMatch(/^Item 0: invalid option — Error Field: must not be metaRequest/);
		expect(fake.requests).toHaveLength(0);
	});
});
