// The detection order of the readers (docs/ARCHITECTURE.md, "The inputs classifyMetaError reads": first match wins).
// Each case is an object that two neighbouring steps would both read: the earlier one must.
import { DETECTION_ORDER, readInput } from '../../../nodes/shared/core/errors/readers';

const failedStatus = { id: 'wamid.1', status: 'failed', errors: [{ code: 131026, title: 'Message undeliverable' }] };
const webhook = {
	object: 'whatsapp_business_account',
	entry: [{ changes: [{ value: { statuses: [failedStatus] } }] }],
};

describe('detection order', () => {
	it('lists the readers in the order they are tried, the catch-all n8n wrapper last', () => {
		// [shape, input kind in docs/ARCHITECTURE.md]
		expect(DETECTION_ORDER.map((step) => [step.shape, step.input])).toEqual([
			['graph', 1],
			['async-job', 2],
			['whatsapp', 7],
			['adcp', 3],
			['internal', 4],
			['graph', 1],
			['whatsapp', 7],
			['graph', 1],
			['transport', 5],
			['n8n', 6],
		]);
	});

	it('every step but the last reads nothing of an empty object; the last reads any object', () => {
		const walk = { read: () => undefined };
		for (const step of DETECTION_ORDER.slice(0, -1)) expect(step.read({}, walk, 0)).toBeUndefined();
		expect(DETECTION_ORDER[DETECTION_ORDER.length - 1].read({}, walk, 0)).toEqual({ source: 'unknown', textRead: true });
	});

	const pairs: Array<[string, Record<string, unknown>, Record<string, unknown>]> = [
		[
			'a Graph body before an async job',
			{ error: { code: 4, message: 'Application request limit reached' }, status: 'FAILED', result: {} },
			{ source: 'graph', code: 4 },
		],
		[
			'an async job before a WhatsApp status',
			{ ...failedStatus, error_code: 2 },
			{ source: 'async_job', code: 2 },
		],
		[
			'a WhatsApp status before an AdCP task',
			{ ...failedStatus, error_code: 'RATE_LIMIT_EXCEEDED' },
			{ source: 'graph', code: 131026 },
		],
		[
			'an AdCP task before an internal failure',
			{ status: 'failed', success: false, error_code: 'RATE_LIMIT_EXCEEDED' },
			{ source: 'adcp', code: 'RATE_LIMIT_EXCEEDED' },
		],
		[
			'an internal failure before the inner Graph object',
			{ success: false, code: 4, message: 'Application request limit reached' },
			{ source: 'internal', code: 4 },
		],
		[
			'the inner Graph object before a WhatsApp webhook',
			{ ...webhook, code: 4, message: 'Application request limit reached' },
			{ source: 'graph', code: 4 },
		],
		[
			'a WhatsApp webhook before a disapproval',
			{ ...webhook, effective_status: 'DISAPPROVED' },
			{ source: 'graph', code: 131026 },
		],
		[
			'a disapproval before a transport error',
			{ effective_status: 'DISAPPROVED', code: 'ECONNRESET' },
			{ source: 'graph', category: 'policy' },
		],
		[
			'a transport error before an n8n wrapper',
			{ name: 'NodeApiError', code: 'ECONNRESET', httpCode: '500', message: 'read ECONNRESET' },
			{ source: 'transport', code: 'ECONNRESET', category: 'network' },
		],
	];
	const cases = pairs.map(([, input]) => input);

	it('has one case per pair of neighbouring steps', () => {
		expect(pairs).toHaveLength(DETECTION_ORDER.length - 1);
	});

	it.each(pairs)('%s', (_name, input, expected) => {
		// Both neighbours read it alone (the cases run in table order: case i is steps i and i + 1) …
		const i = cases.indexOf(input);
		const walk = { read: () => undefined };
		expect(DETECTION_ORDER[i].read(input, walk, 0)).toBeDefined();
		expect(DETECTION_ORDER[i + 1].read(input, walk, 0)).toBeDefined();
		// … and the earlier one wins.
		expect(readInput(input, undefined)).toMatchObject(expected);
		expect(readInput(JSON.stringify(input), undefined)).toMatchObject(expected);
	});
});
