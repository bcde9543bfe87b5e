// The Batch Status Poller's parameters: what is refused, and with which message.
import { catalogIdSchema, jobIdSchema, LABELS, sentRequestsSchema, settingsSchema } from '../../../nodes/BatchStatusPoller/params';
import { formatZodIssues } from '../../../nodes/shared/n8n';

const base = { jobKind: 'async_batch', jobIdField: 'id' };
const problems = (raw: Record<string, unknown>) => {
	const result = settingsSchema.safeParse({ ...base, ...raw });
	if (result.success) throw new Error('expected invalid settings');
	return formatZodIssues(result.error, LABELS);
};

describe('Batch Status Poller parameters', () => {
	test('an interval below 1 s is refused: 0 polled a job in a tight loop', () => {
		const tight = 'must be at least 1 s: shorter waits poll the job in a tight loop and spend your rate limit';
		expect(problems({ initialInterval: 0 })).toBe(`Initial Interval (Seconds): ${tight}`);
		expect(problems({ initialInterval: 0.5 })).toBe(`Initial Interval (Seconds): ${tight}`);
		expect(problems({ maxInterval: 0 })).toBe(`Max Interval (Seconds): ${tight}`);
		expect(problems({ initialInterval: 0, maxInterval: 0.2 }).split('\n')).toHaveLength(2);
		expect(settingsSchema.parse({ ...base, initialInterval: 1, maxInterval: 1 })).toMatchObject({ initialInterval: 1, maxInterval: 1 });
		// Timeout 0 still means "poll once, then hand the job on to Still Running".
		expect(settingsSchema.parse({ ...base, timeout: 0 }).timeout).toBe(0);
	});

	test('an Error Field named like a field the poller writes is refused', () => {
		for (const name of ['batchJob', 'id', 'index', 'input', 'warnings']) {
			expect(problems({ options: { errorField: name } })).toBe(
				'Options → Error Field: must not be batchJob, id, index, input, warnings: the node writes those fields itself; keep metaError',
			);
		}
		expect(settingsSchema.parse({ ...base, options: { errorField: 'pollError' } }).options.errorField).toBe('pollError');
	});

	test('a numeric job ID is taken while exact, refused once it has lost digits', () => {
		const schema = jobIdSchema('async_batch', 'id');
		expect(schema.parse(6120000000001)).toBe('6120000000001');
		expect(schema.parse(' 23842000000000001 ')).toBe('23842000000000001');
		// 23842000000000001 as a JavaScript number is already 23842000000000000.
		const lost = schema.safeParse(23842000000000001);
		expect(lost.success).toBe(false);
		expect(lost.error?.issues[0].message).toBe(
			'holds a job ID in "id" that is a number larger than 2^53, so its last digits are already lost; keep the ID as text where it comes from (Meta sends IDs as strings)',
		);
		expect(jobIdSchema('custom', 'batch.id').safeParse(1.5).error?.issues[0].message).toBe(
			'holds a job ID in "batch.id" that is a number but not an ID (negative or not whole); give the ID as text',
		);
	});

	test('every job kind is accepted, and an unknown one is named with the list', () => {
		for (const jobKind of ['async_batch', 'report_run', 'async_session', 'ig_container', 'video', 'catalog_batch', 'custom']) {
			expect(settingsSchema.safeParse({ ...base, jobKind, statusUrl: '/v1/x/{id}' }).success).toBe(true);
		}
		expect(problems({ jobKind: 'reels' })).toBe(
			'Job Kind: must be one of async_batch, report_run, async_session, ig_container, video, catalog_batch, custom',
		);
	});

	test('a catalog batch handle: text, or the handles list of one; several handles are refused with a way out', () => {
		const schema = jobIdSchema('catalog_batch', 'handles');
		expect(schema.parse('AczQ3S-h9bJW_RjO=')).toBe('AczQ3S-h9bJW_RjO=');
		expect(schema.parse(['AcBatch1'])).toBe('AcBatch1');
		expect(schema.safeParse(['a', 'b']).error?.issues[0].message).toBe(
			'holds 2 handles in "handles": follow one handle per item (split the list into items first, e.g. with Split Out)',
		);
		expect(schema.safeParse([]).error?.issues[0].message).toBe('has an empty list of handles in "handles": items_batch returned no batch to follow');
		expect(schema.safeParse(undefined).error?.issues[0].message).toBe(
			'has no batch handle in "handles": set Handle Field to the field that holds the handles that items_batch returned',
		);
		expect(schema.safeParse('two words').success).toBe(false);
	});

	test('Catalog ID must be digits; Sent Requests is a list of requests, the whole body, or JSON of either', () => {
		expect(catalogIdSchema.parse(' 1234567890 ')).toBe('1234567890');
		expect(catalogIdSchema.parse(42)).toBe('42');
		expect(catalogIdSchema.safeParse('').error?.issues[0].message).toBe(
			'is empty: give the ID of the catalog the batch was sent to (POST /{catalog_id}/items_batch)',
		);
		expect(catalogIdSchema.safeParse('act_1').error?.issues[0].message).toBe('must be a catalog ID (digits only), e.g. 1234567890');

		const requests = [{ method: 'UPDATE', data: { id: 'sku-1' } }];
		expect(sentRequestsSchema.parse('')).toBeUndefined();
		expect(sentRequestsSchema.parse(undefined)).toBeUndefined();
		expect(sentRequestsSchema.parse(requests)).toEqual(requests);
		expect(sentRequestsSchema.parse(JSON.stringify(requests))).toEqual(requests);
		expect(sentRequestsSchema.parse({ item_type: 'PRODUCT_ITEM', requests })).toEqual(requests);
		expect(sentRequestsSchema.safeParse('[').error?.issues[0].message).toBe(
			'is not JSON: give the requests list sent to items_batch, e.g. {{ $json.requests }}',
		);
		expect(sentRequestsSchema.safeParse([1, 2]).error?.issues[0].message).toContain('must be the requests list sent to items_batch');
	});
});
