// Classify Error's parameters: what is refused, and with which message.
import { LABELS, parametersSchema } from '../../../nodes/ClassifyError/params';
import { formatZodIssues } from '../../../nodes/shared/n8n';
import { runNode } from '../../helpers/engine';

const TYPE = 'n8n-nodes-meta-resilience.metaClassifyError';
const base = { mode: 'annotate', categories: [], failureSource: 'auto', outputField: 'metaError', summaryField: '' };
const problems = (raw: Record<string, unknown>) => {
	const result = parametersSchema.safeParse({ ...base, ...raw });
	if (result.success) throw new Error('expected invalid parameters');
	return formatZodIssues(result.error, LABELS);
};

/** A WhatsApp Trigger item with one failed status: the node writes that status to whatsappStatus. */
const whatsappItem = {
	metadata: { phone_number_id: '106540352242922' },
	statuses: [{ id: 'wamid.B', status: 'failed', recipient_id: '16505551235', errors: [{ code: 131026, title: 'Message undeliverable' }] }],
};
const annotate = { mode: 'annotate', failureSource: 'auto', outputField: 'metaError' };

describe('Classify Error parameters', () => {
	test('an Output Field or Summary Field named whatsappStatus is refused: the node writes the WhatsApp status there', () => {
		expect(problems({ outputField: 'whatsappStatus' })).toBe(
			'Output Field: must not be whatsappStatus: the node writes the failed WhatsApp status there on WhatsApp items; keep metaError',
		);
		expect(problems({ summaryField: ' whatsappStatus ' })).toBe(
			'Summary Field: must not be whatsappStatus: the node writes the failed WhatsApp status there on WhatsApp items; keep metaErrorSummary',
		);
		// Other names are still taken as they were.
		expect(parametersSchema.parse({ ...base, outputField: 'waError', summaryField: 'waSummary' })).toMatchObject({
			outputField: 'waError',
			summaryField: 'waSummary',
		});
	});

	test('the node writes whatsappStatus beside the error, so it refuses to write the error or the summary there', async () => {
		const run = await runNode(TYPE, { ...annotate, options: { summaryField: 'summary' } }, [whatsappItem]);
		expect(run.nodeOutputs[0][0].json).toMatchObject({
			whatsappStatus: { id: 'wamid.B', phone_number_id: '106540352242922' },
			metaError: { code: 131026 },
			summary: expect.any(String),
		});
		for (const [override, message] of [
			[{ outputField: 'whatsappStatus' }, /^Invalid parameter — Output Field: must not be whatsappStatus/],
			[{ options: { summaryField: 'whatsappStatus' } }, /^Invalid parameter — Summary Field: must not be whatsappStatus/],
		] as const) {
			const refused = await runNode(TYPE, { ...annotate, ...override }, [whatsappItem]);
			expect(refused.error?.message).toMatch(message);
		}
	});
});
