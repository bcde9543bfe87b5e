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

/** A WhatsApp webhook with one failed status: the node writes it to whatsappStatus on the output item. */
const webhook = {
	object: 'whatsapp_business_account',
	entry: [
		{
			id: '102290129340398',
			changes: [
				{
					field: 'messages',
					value: {
						messaging_product: 'whatsapp',
						metadata: { display_phone_number: '15550783881', phone_number_id: '106540352242922' },
						statuses: [
							{
								id: 'wamid.B',
								status: 'failed',
								timestamp: '1750263774',
								recipient_id: '16505551235',
								errors: [{ code: 131026, title: 'Message undeliverable', message: 'Message undeliverable' }],
							},
						],
					},
				},
			],
		},
	],
};

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

	test.each([
		[{ outputField: 'whatsappStatus' }, /^Invalid parameter — Output Field: must not be whatsappStatus/],
		[{ options: { summaryField: 'whatsappStatus' } }, /^Invalid parameter — Summary Field: must not be whatsappStatus/],
	])('the node refuses %j instead of overwriting a WhatsApp item\'s status or error', async (override, message) => {
		const run = await runNode(TYPE, { mode: 'annotate', failureSource: 'auto', outputField: 'metaError', ...override }, [webhook]);
		expect(run.error?.message).toMatch(message);
	});
});
