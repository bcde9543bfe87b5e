// Realistic failure bodies, one or more per input shape of classifyMetaError (docs/error-core.md).
// Shared by the classification bench (as JSON strings) and the fuzz test (as seeds to mutate).

export interface CorpusEntry {
	name: string;
	/** The body as Meta (or n8n) delivers it; a string when the wire body is not JSON. */
	body: unknown;
	httpStatus?: number;
}

const trace = 'AbCdEfGhIjK_LmNoPq';

function graph(code: number, message: string, extra: Record<string, unknown> = {}) {
	return { error: { message, type: 'OAuthException', code, fbtrace_id: trace, ...extra } };
}

export const corpus: CorpusEntry[] = [
	{
		name: 'graph auth 190/463',
		httpStatus: 401,
		body: graph(190, 'Error validating access token: Session has expired on Tuesday, 04-Nov-25 10:00:00 PST.', {
			error_subcode: 463,
		}),
	},
	{
		name: 'graph permission 200',
		httpStatus: 403,
		body: graph(200, '(#200) The user hasn\'t authorized the application to perform this action', {
			type: 'OAuthException',
		}),
	},
	{
		name: 'graph validation 100 + user msg',
		httpStatus: 400,
		body: graph(100, 'Invalid parameter', {
			type: 'OAuthException',
			error_subcode: 1487390,
			is_transient: false,
			error_user_title: 'Adcreative Create Failed',
			error_user_msg: 'The Adcreative Create Failed for the following reason: the link field is required.',
			error_data: { blame_field_specs: [['link']] },
		}),
	},
	{
		name: 'graph not found 100/33',
		httpStatus: 400,
		body: graph(100, 'Unsupported get request. Object with ID \'120201234567890\' does not exist, cannot be loaded due to missing permissions, or does not support this operation.', {
			type: 'GraphMethodException',
			error_subcode: 33,
		}),
	},
	{
		name: 'graph rate limit 17 (HTTP 400)',
		httpStatus: 400,
		body: graph(17, 'User request limit reached', { error_subcode: 2446079, is_transient: true }),
	},
	{
		name: 'marketing rate limit 80004',
		httpStatus: 400,
		body: graph(80004, 'There have been too many calls to this ad-account. Wait a bit and try again.', {
			error_subcode: 2446079,
			is_transient: true,
			error_user_title: 'Ad Account Has Too Many API Calls',
			error_user_msg: 'There have been too many calls from this ad-account. Please wait a bit and try again.',
		}),
	},
	{
		name: 'graph server 2 transient',
		httpStatus: 500,
		body: graph(2, 'An unexpected error has occurred. Please retry your request later.', { is_transient: true }),
	},
	{
		name: 'graph policy 368',
		httpStatus: 400,
		body: graph(368, 'The action attempted has been deemed abusive or is otherwise disallowed', {
			error_data: '{"blame_field_specs":[["body"]]}',
		}),
	},
	{
		name: 'whatsapp template 132001',
		httpStatus: 400,
		body: graph(132001, '(#132001) Template name does not exist in the translation', {
			error_data: { messaging_product: 'whatsapp', details: 'template name (order_update) does not exist in en_US' },
		}),
	},
	{
		name: 'whatsapp rate limit 130429',
		httpStatus: 429,
		body: graph(130429, '(#130429) Rate limit hit', {
			error_data: { messaging_product: 'whatsapp', details: 'Cloud API message throughput has been reached.' },
		}),
	},
	{
		name: 'async job failure',
		body: {
			result: {
				error: {
					message: 'Invalid parameter',
					code: 100,
					error_subcode: 1487301,
					error_user_title: 'Invalid Targeting Spec',
					error_user_msg: 'The targeting spec contains an unsupported interest.',
					fbtrace_id: trace,
				},
			},
			error_code: 100,
			status: 'FAILED',
			exception: 'Invalid parameter',
			id: '6012345678901',
		},
	},
	{
		name: 'adcp rate limit',
		body: {
			status: 'failed',
			error_code: 'RATE_LIMIT_EXCEEDED',
			message: 'Request rate exceeded for this principal',
			retry_after: 30,
			details: { limit: 100, window: '60s' },
		},
	},
	{
		name: 'adcp validation',
		body: {
			status: 'failed',
			error_code: 'INVALID_FIELD_VALUE',
			message: 'budget.amount must be positive',
			field: 'packages[0].budget.amount',
			suggestions: ['Use a value greater than 0', 'Check the currency'],
		},
	},
	{
		name: 'internal failure',
		body: { success: false, message: 'Batch 42 failed to sync', requestId: 'req_8f3a2c', code: 'SYNC_FAILED' },
	},
	{
		name: 'transport ECONNRESET',
		body: { name: 'Error', message: 'read ECONNRESET', code: 'ECONNRESET', errno: -104, syscall: 'read' },
	},
	{
		name: 'whatsapp failed status',
		body: {
			id: 'wamid.HBgLMTY1MDU1NTEyMzQVAgARGBI5QTNDQTVCM0Q0Q0Q2RTY3RTcA',
			status: 'failed',
			timestamp: '1730700000',
			recipient_id: '16505551234',
			errors: [
				{
					code: 131026,
					title: 'Message undeliverable',
					message: 'Message undeliverable',
					error_data: { details: 'Message could not be delivered to the recipient.' },
				},
			],
		},
	},
	{
		name: 'n8n error item (HTTP Request node)',
		body: {
			error: {
				message: 'Bad request - please check your parameters',
				description: '(#100) Invalid parameter',
				httpCode: '400',
				name: 'NodeApiError',
				timestamp: 1730700000000,
				context: {},
				cause: {
					status: 400,
					error: graph(100, '(#100) Invalid parameter', { error_subcode: 1487124 }),
				},
			},
		},
	},
	{
		name: 'n8n error trigger execution.error',
		body: {
			execution: {
				id: '231',
				url: 'https://n8n.example.com/execution/231',
				error: {
					message: 'Error validating access token: The session has been invalidated because the user changed their password.',
					stack: 'NodeApiError: Error validating access token\n    at ExecuteContext.execute (/usr/lib/node_modules/n8n/dist/nodes/Facebook.node.js:1:1)',
				},
				lastNodeExecuted: 'Facebook Graph API',
				mode: 'trigger',
			},
			workflow: { id: '12', name: 'Sync ads' },
		},
	},
	{
		name: 'HTML 502 page',
		httpStatus: 502,
		body: '<!DOCTYPE html><html lang="en"><head><title>Error</title></head><body><h1>502 Bad Gateway</h1><p>The server returned an invalid or incomplete response.</p></body></html>',
	},
];
