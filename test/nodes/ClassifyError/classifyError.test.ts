import type { IDataObject, INodeExecutionData, INodeParameters, INodeType } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import type { MetaErrorInfo } from '../../../nodes/shared/core';
import { registerNodeType, runNode, runWorkflow } from '../../helpers/engine';

const TYPE = 'n8n-nodes-meta-resilience.metaClassifyError';
const CANARY = 'EAAcanary0000SECRET0000TOKEN';

const annotate: INodeParameters = { mode: 'annotate', failureSource: 'auto', outputField: 'metaError' };
const metaError = (item: INodeExecutionData) => item.json.metaError as unknown as MetaErrorInfo;

/** Every output item is paired to an input item that exists. */
function expectPaired(outputs: INodeExecutionData[][], inputCount: number) {
	for (const item of outputs.flat()) {
		expect(item.pairedItem).toEqual({ item: expect.any(Number) });
		expect((item.pairedItem as { item: number }).item).toBeLessThan(inputCount);
	}
}

async function classifyOne(json: IDataObject, parameters: INodeParameters = annotate) {
	const run = await runNode(TYPE, parameters, [json]);
	expect(run.error).toBeUndefined();
	expect(run.nodeOutputs).toHaveLength(1);
	expect(run.nodeOutputs[0]).toHaveLength(1);
	expectPaired(run.nodeOutputs, 1);
	return run.nodeOutputs[0][0];
}

const whatsappWebhook = (statuses: IDataObject[]) => ({
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
						statuses,
					},
				},
			],
		},
	],
});
const delivered = { id: 'wamid.A', status: 'delivered', timestamp: '1750263773', recipient_id: '16505551234' };
const failedStatus = (id: string, code: number, title: string) => ({
	id,
	status: 'failed',
	timestamp: '1750263774',
	recipient_id: '16505551235',
	errors: [{ code, title, message: title, error_data: { details: `${title}.` } }],
});

describe('Classify Error — Annotate, auto-detected inputs', () => {
	it('an n8n HTTP Request error-output item: keeps the input fields, adds metaError, drops nothing', async () => {
		const out = await classifyOne({
			adId: '120210000000000101',
			error: {
				name: 'NodeApiError',
				message: 'Bad request - please check your parameters',
				description: '{"error":{"message":"(#17) User request limit reached","type":"OAuthException","code":17,"fbtrace_id":"AbC1"}}',
				httpCode: '400',
			},
		});
		expect(out.json.adId).toBe('120210000000000101');
		expect(out.json.error).toBeDefined();
		expect(metaError(out)).toMatchObject({ category: 'rate_limit', code: 17, retryable: true, action: 'retry' });
	});

	it('an HTTP Request "full response" item: status and headers are read with the body', async () => {
		const out = await classifyOne({
			statusCode: 400,
			headers: { 'x-app-usage': '{"call_count":97,"total_cputime":12,"total_time":40}' },
			body: {
				error: {
					message: 'Error validating access token: Session has expired on Friday, 21-Nov-25 09:00:00 PST.',
					type: 'OAuthException',
					code: 190,
					error_subcode: 463,
					fbtrace_id: 'AbCdEfGh123',
				},
			},
		});
		expect(metaError(out)).toMatchObject({
			category: 'auth',
			code: 190,
			subcode: 463,
			httpStatus: 400,
			fbtraceId: 'AbCdEfGh123',
			retryable: false,
		});
		expect(metaError(out).usage?.maxPercent).toBe(97);
	});

	it('a Facebook Graph API node error (NodeApiError serialized, "(#100) …" description)', async () => {
		const out = await classifyOne({
			error: {
				name: 'NodeApiError',
				message: 'Bad request - please check your parameters',
				description: '(#100) Invalid parameter',
				httpCode: '400',
			},
		});
		expect(metaError(out)).toMatchObject({ category: 'validation', code: 100, action: 'dead_letter', source: 'n8n' });
	});

	it('a Facebook Graph API node "continue on fail" item (Meta fields spread beside statusCode and headers)', async () => {
		const out = await classifyOne({
			statusCode: 403,
			message: '(#10) Application does not have permission for this action',
			type: 'OAuthException',
			code: 10,
			fbtrace_id: 'Tr4ce',
			headers: { 'content-type': 'application/json' },
		});
		expect(metaError(out)).toMatchObject({ category: 'permission', code: 10, httpStatus: 403 });
	});

	it('an Error Trigger payload: execution.error', async () => {
		const out = await classifyOne({
			execution: {
				id: '231',
				error: {
					name: 'NodeApiError',
					message: 'Bad request - please check your parameters',
					description: '(#613) Calls to this api have exceeded the rate limit.',
					httpCode: '400',
					node: { name: 'Facebook Graph API', type: 'n8n-nodes-base.facebookGraphApi' },
				},
				lastNodeExecuted: 'Facebook Graph API',
				mode: 'trigger',
			},
			workflow: { id: '1', name: 'Sync Meta ads nightly' },
		});
		expect(metaError(out)).toMatchObject({ category: 'rate_limit', code: 613, retryable: true });
		expect(out.json.workflow).toEqual({ id: '1', name: 'Sync Meta ads nightly' });
	});

	it('a raw Meta body', async () => {
		const out = await classifyOne({
			error: { message: 'Invalid parameter', type: 'OAuthException', code: 368, error_user_title: 'Ad rejected', fbtrace_id: 'XyZ987' },
		});
		expect(metaError(out)).toMatchObject({ category: 'policy', code: 368, action: 'pause', userTitle: 'Ad rejected', fbtraceId: 'XyZ987' });
	});

	it('an AdCP task failure', async () => {
		const out = await classifyOne({ status: 'failed', error_code: 'RATE_LIMIT_EXCEEDED', message: 'Too many requests', retry_after: 30 });
		expect(metaError(out)).toMatchObject({ category: 'rate_limit', code: 'RATE_LIMIT_EXCEEDED', source: 'adcp', retryAfterMs: 30_000 });
	});

	it('an async job failure', async () => {
		const out = await classifyOne({
			result: { error: { message: 'Service temporarily unavailable', code: 2, is_transient: true } },
			error_code: 2,
			status: 'FAILED',
			exception: 'Service temporarily unavailable',
			id: '987654321000',
		});
		expect(metaError(out)).toMatchObject({ category: 'server', source: 'async_job', asyncSessionId: '987654321000', retryable: true });
	});

	it("a WhatsApp webhook with 3 statuses, 2 failed: one item per failed status, all paired to the webhook item", async () => {
		const run = await runNode(TYPE, annotate, [
			{ other: 'first item' },
			whatsappWebhook([
				delivered,
				failedStatus('wamid.B', 131026, 'Message undeliverable'),
				failedStatus('wamid.C', 130429, 'Rate limit hit'),
			]),
		]);
		const [items] = run.nodeOutputs;
		expect(items).toHaveLength(3);
		expectPaired(run.nodeOutputs, 2);
		expect(items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 1 }]);
		expect(items.slice(1).map((item) => [item.json.whatsappStatus, metaError(item).category, metaError(item).code])).toEqual([
			[expect.objectContaining({ id: 'wamid.B', recipient_id: '16505551235', phone_number_id: '106540352242922' }), 'delivery', 131026],
			[expect.objectContaining({ id: 'wamid.C', phone_number_id: '106540352242922' }), 'rate_limit', 130429],
		]);
	});

	it('a WhatsApp webhook without failed statuses goes through once, as unknown, saying so', async () => {
		const out = await classifyOne(whatsappWebhook([delivered, { ...delivered, id: 'wamid.R', status: 'read' }]));
		expect(metaError(out)).toMatchObject({ category: 'unknown' });
		expect(metaError(out).meaning).toBe('No failed WhatsApp status in this webhook (statuses: delivered, read).');
		expect(out.json.whatsappStatus).toBeUndefined();
	});

	it('an item without any failure goes through as unknown with a meaning, never dropped', async () => {
		const out = await classifyOne({ note: 'all good', count: 3 });
		expect(out.json).toMatchObject({ note: 'all good', count: 3 });
		expect(metaError(out)).toMatchObject({ category: 'unknown', action: 'escalate', retryable: false });
		expect(metaError(out).meaning).toEqual(expect.any(String));
	});

	it('reads item.error (the execution-data property) and does not copy it to the output', async () => {
		const withItemError: INodeType = {
			description: {
				displayName: 'Item With Error',
				name: 'itemWithError',
				group: ['transform'],
				version: 1,
				description: 'Emits an item carrying item.error',
				defaults: { name: 'Item With Error' },
				inputs: ['main'],
				outputs: ['main'],
				properties: [],
			},
			async execute() {
				const error = new NodeApiError(this.getNode(), { message: '(#80004) There have been too many calls to this ad-account.' }, {
					message: 'Too many calls',
					description: '(#80004) There have been too many calls to this ad-account.',
					httpCode: '400',
				});
				// n8n replaces the json of such an item with { error: message }.
				return [[{ json: { adId: '42' }, error, pairedItem: { item: 0 } }]];
			},
		};
		registerNodeType('test.itemWithError', withItemError);
		const run = await runWorkflow({
			nodes: [
				{ name: 'Run', type: 'n8n-nodes-base.manualTrigger' },
				{ name: 'Source', type: 'test.itemWithError' },
				{ name: 'Classify', type: TYPE, parameters: annotate },
			],
			connections: {
				Run: { main: [[{ node: 'Source', type: 'main', index: 0 }]] },
				Source: { main: [[{ node: 'Classify', type: 'main', index: 0 }]] },
			},
		});
		const [out] = run.output('Classify');
		expect(run.output('Source')[0].json).toEqual({ error: 'Too many calls' });
		expect(out.error).toBeUndefined();
		expect(Object.keys(out.json).sort()).toEqual(['error', 'metaError']);
		// The code is only in item.error's description, not in the json.
		expect(metaError(out)).toMatchObject({ category: 'rate_limit', code: 80004 });
	});

	it('an {error: "..."}-only item stays on the main output (metaError keeps n8n from treating it as an error item)', async () => {
		const run = await runNode(TYPE, annotate, [{ error: 'Request failed with status code 502' }], {
			onError: 'continueErrorOutput',
		});
		expect(run.nodeOutputs).toHaveLength(2);
		expect(run.nodeOutputs[1]).toEqual([]);
		const [out] = run.nodeOutputs[0];
		expect(Object.keys(out.json).sort()).toEqual(['error', 'metaError']);
		expect(out.error).toBeUndefined();
	});
});

describe('Classify Error — Field source', () => {
	const item = {
		requestId: 'r-1',
		response: { body: { error: { message: '(#4) Application request limit reached', type: 'OAuthException', code: 4 } } },
	};

	it('a dot path', async () => {
		const out = await classifyOne(item, { ...annotate, failureSource: 'field', failureField: 'response.body.error' });
		expect(metaError(out)).toMatchObject({ category: 'rate_limit', code: 4 });
	});

	it('an expression that returns the failure itself', async () => {
		const out = await classifyOne(item, { ...annotate, failureSource: 'field', failureField: '={{ $json.response.body }}' });
		expect(metaError(out)).toMatchObject({ category: 'rate_limit', code: 4 });
	});

	it('a path that is not in the item: unknown, saying which path', async () => {
		const out = await classifyOne(item, { ...annotate, failureSource: 'field', failureField: 'body.error' });
		expect(metaError(out)).toMatchObject({ category: 'unknown', meaning: 'Nothing found at "body.error" in this item.' });
		expect(out.json.requestId).toBe('r-1');
	});
});

describe('Classify Error — options, redaction, parameters', () => {
	it('writes a one-line summary when Summary Field is set', async () => {
		const out = await classifyOne(
			{ error: { message: '(#17) User request limit reached', type: 'OAuthException', code: 17 } },
			{ ...annotate, outputField: 'failure', options: { summaryField: 'alert' } },
		);
		expect(out.json.failure).toMatchObject({ category: 'rate_limit' });
		expect(out.json.metaError).toBeUndefined();
		expect(out.json.alert).toMatch(/^rate_limit 17 \(retryable\): \(#17\) User request limit reached — \S/);
	});

	it('redacts tokens from the whole output item (messages, URLs, other fields)', async () => {
		const url = `https://graph.facebook.com/v24.0/me/adaccounts?access_token=${CANARY}&limit=5`;
		const run = await runNode(TYPE, { ...annotate, options: { summaryField: 'summary' } }, [
			{ request: { url }, error: { message: `Invalid OAuth access token - Cannot parse access token ${CANARY}`, type: 'OAuthException', code: 190 } },
			{ error: { name: 'NodeApiError', message: 'Bad request - please check your parameters', description: `(#100) bad call to ${url}`, httpCode: '400' } },
			{ statusCode: 502, headers: { authorization: `Bearer ${CANARY}` }, body: `<html>502 ${url}</html>` },
		]);
		const text = JSON.stringify(run.nodeOutputs);
		expect(run.nodeOutputs[0]).toHaveLength(3);
		expect(text).not.toContain(CANARY);
		expect(text).toContain('[REDACTED]');
		expect(metaError(run.nodeOutputs[0][0]).category).toBe('auth');
	});

	it.each([
		[{ outputField: '  ' }, /Invalid parameter — Output Field: must not be empty/],
		[{ outputField: 'error' }, /Output Field: must not be error, message or details/],
		[{ mode: 'route', categories: [] }, /Categories: pick at least one category/],
		[{ mode: 'route', categories: ['rate_limit', 'oops'] }, /Categories → 1: contains an unknown category/],
		[{ options: { summaryField: 'metaError' } }, /Summary Field: must differ from Output Field/],
		[{ failureSource: 'field', failureField: '' }, /Failure Field: must not be empty/],
	])('refuses invalid parameters %j with a clear message', async (override, message) => {
		const run = await runNode(TYPE, { ...annotate, ...override }, [{ error: { code: 17 } }]);
		expect(run.error?.message).toMatch(message);
		expect(run.error?.message).not.toMatch(/ZodError|at .*\.ts/);
	});
});

describe('Classify Error — Route by Category', () => {
	it('one output per picked category in the order picked, then Other', async () => {
		const run = await runNode(TYPE, { ...annotate, mode: 'route', categories: ['auth', 'rate_limit'] }, [
			{ error: { message: 'rate', code: 17 } },
			{ error: { message: 'token', code: 190 } },
			{ note: 'nothing failed' },
			{ error: { message: 'policy', code: 368 } },
		]);
		expect(run.nodeOutputs).toHaveLength(3);
		const categories = run.nodeOutputs.map((items) => items.map((item) => metaError(item).category));
		expect(categories).toEqual([['auth'], ['rate_limit'], ['unknown', 'policy']]);
		expect(run.nodeOutputs.map((items) => items.map((item) => item.pairedItem))).toEqual([
			[{ item: 1 }],
			[{ item: 0 }],
			[{ item: 2 }, { item: 3 }],
		]);
	});

	it('examples/classify-error-route.json: every sample failure ends on the NoOp of its category', async () => {
		const run = await runWorkflow('examples/classify-error-route.json');
		expect(run.error).toBeUndefined();
		const codes = (node: string) => run.output(node).map((item) => metaError(item).code ?? metaError(item).category);
		expect(codes('Retry later')).toEqual([17, 'RATE_LIMIT_EXCEEDED', 130429]);
		expect(codes('Fix the token')).toEqual([190]);
		expect(codes('Pause the ad')).toEqual([368]);
		expect(run.output('Other failures').map((item) => metaError(item).category)).toEqual(['server', 'delivery', 'unknown']);
		const classified = run.outputs('Classify Error');
		expect(classified.flat()).toHaveLength(8);
		expectPaired(classified, 7);
		for (const item of classified.flat()) expect(item.json.metaErrorSummary).toEqual(expect.any(String));
	});
});

describe('examples/error-trigger-classify.json', () => {
	it('classifies the sample Error Trigger payload into metaError and a summary for Notify team', async () => {
		// The Error Trigger only fires when another workflow fails; the run starts at the Manual
		// Trigger, as `n8n execute` does. The Error Trigger type only has to exist.
		registerNodeType('n8n-nodes-base.errorTrigger', {
			description: {
				displayName: 'Error Trigger',
				name: 'errorTrigger',
				group: ['trigger'],
				version: 1,
				description: 'Stand-in: never started in these runs',
				defaults: { name: 'Error Trigger' },
				inputs: [],
				outputs: ['main'],
				properties: [],
			},
		});
		const run = await runWorkflow('examples/error-trigger-classify.json');
		expect(run.error).toBeUndefined();
		const notified = run.output('Notify team');
		expect(notified).toHaveLength(1);
		expect(metaError(notified[0])).toMatchObject({ category: 'rate_limit', code: 613, action: 'retry' });
		expect(notified[0].json.metaErrorSummary).toMatch(/^rate_limit 613 \(retryable\)/);
		expect(notified[0].json.workflow).toEqual({ id: '1', name: 'Sync Meta ads nightly' });
	});
});
