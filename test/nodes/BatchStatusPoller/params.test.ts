// The Batch Status Poller's parameters: what is refused, and with which message.
import { jobIdSchema, LABELS, settingsSchema } from '../../../nodes/BatchStatusPoller/params';
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
		for (const name of ['batchJob', 'id', 'index', 'input']) {
			expect(problems({ options: { errorField: name } })).toBe(
				'Options → Error Field: must not be batchJob, id, index, input: the node writes those fields itself; keep metaError',
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
});
