// What the Meta Webhook Trigger does with a request. GET: Meta's verification request, answered
// only for the node's Verify Token. POST: the signature checked on the raw bytes before anything
// else, then the body parsed, answered 200 at once (Meta redelivers what is not answered quickly),
// split into one event each, filtered, de-duplicated, and one item per new event. A refused request
// starts nothing. The App Secret and Verify Token reach no item and no log line.
import { NodeOperationError } from 'n8n-workflow';
import type { IDataObject, INodeExecutionData, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import {
	answerHandshake,
	checkSignature,
	createRedactor,
	HANDSHAKE_REFUSALS,
	selectEvents,
	SIGNATURE_HEADER,
	SIGNATURE_REFUSALS,
	webhookEvents,
	type Redactor,
	type WebhookEvent,
} from '../shared/core';
import { compact } from '../shared/core/util';
import { getMetaCredential, parseParameters, redactOutputs } from '../shared/n8n';
import { deduplicate, type Deduplication } from './deduplicate';
import { LABELS, settingsSchema, type TriggerSettings } from './params';

type SettingsContext = Pick<IWebhookFunctions, 'getNode' | 'getNodeParameter'>;
type CredentialContext = Pick<IWebhookFunctions, 'getNode' | 'getCredentials'>;

const UNSIGNED_WARNING =
	'Signature not checked: the credential has no App Secret and Allow Unsigned Posts is on, so anyone who learns the URL can start this workflow.';

/** The node's parameters, validated; a NodeOperationError names the parameter to fix. */
export function readSettings(ctx: SettingsContext): TriggerSettings {
	return parseParameters(
		ctx.getNode(),
		settingsSchema,
		{
			verifyToken: ctx.getNodeParameter('verifyToken', ''),
			objects: ctx.getNodeParameter('objects', []),
			fields: ctx.getNodeParameter('fields', ''),
			allowUnsigned: ctx.getNodeParameter('allowUnsigned', false),
			stateStore: ctx.getNodeParameter('stateStore', 'memory'),
			options: ctx.getNodeParameter('triggerOptions', {}),
		},
		{ labels: LABELS },
	);
}

/**
 * The credential's App Secret (undefined only when unsigned posts are allowed) and the secrets no
 * output may carry; a NodeOperationError says what to fix.
 */
export async function readAppSecret(ctx: CredentialContext, settings: TriggerSettings): Promise<{ appSecret?: string; secrets: string[] }> {
	const credential = await getMetaCredential(ctx);
	if (!credential.appSecret && !settings.allowUnsigned) {
		throw new NodeOperationError(ctx.getNode(), 'The Meta Graph API credential has no App Secret: the trigger cannot check that a post comes from Meta', {
			description: 'Paste the App Secret (Meta App Dashboard → App settings → Basic) into the credential, or turn on Allow Unsigned Posts (unsafe).',
		});
	}
	return { appSecret: credential.appSecret, secrets: [...credential.secrets, settings.verifyToken] };
}

/** Text of a NodeOperationError (message and description) for a log line. */
const problem = (error: unknown) =>
	error instanceof NodeOperationError && error.description ? `${error.message}. ${error.description}` : (error as Error).message;

export async function receiveMetaWebhook(ctx: IWebhookFunctions): Promise<IWebhookResponseData> {
	const node = ctx.getNode();
	const res = ctx.getResponseObject();
	let redactor: Redactor = createRedactor();
	const log = (level: 'info' | 'warn', message: string) =>
		ctx.logger[level](redactor.text(`Meta Webhook Trigger "${node.name}": ${message}`), { workflowId: ctx.getWorkflow().id, nodeName: node.name });
	const answer = (status: number, body: string): IWebhookResponseData => {
		res.status(status).type('text/plain').send(body);
		return { noWebhookResponse: true };
	};

	let settings: TriggerSettings;
	let secrets: { appSecret?: string; secrets: string[] } = { secrets: [] };
	try {
		settings = readSettings(ctx);
		redactor = createRedactor([settings.verifyToken]);
		if (ctx.getWebhookName() === 'setup') return verify(ctx, settings, answer, log);
		secrets = await readAppSecret(ctx, settings);
		redactor = createRedactor(secrets.secrets);
	} catch (error) {
		log('warn', `request refused, the node is not configured right: ${problem(error)}`);
		return answer(500, 'The Meta Webhook Trigger is not configured right: see the n8n log.');
	}

	// The body: as many bytes as the sender says first, then as many as arrived.
	const maxBytes = settings.options.maxBodyKb * 1024;
	const req = ctx.getRequestObject();
	if (Number(req.headers['content-length']) > maxBytes) {
		log('warn', `post refused (413): ${req.headers['content-length']} bytes is more than Max Body Size (${settings.options.maxBodyKb} KB)`);
		return answer(413, 'Payload too large');
	}
	let rawBody: unknown;
	try {
		if (!Buffer.isBuffer(req.rawBody)) await req.readRawBody();
		rawBody = req.rawBody;
	} catch (error) {
		const tooLarge = (error as { type?: string }).type === 'entity.too.large';
		log('warn', `post refused (${tooLarge ? 413 : 400}): its body could not be read (${(error as Error).message})`);
		return tooLarge ? answer(413, 'Payload too large') : answer(400, 'Unreadable body');
	}
	if (!Buffer.isBuffer(rawBody)) {
		log('warn', 'post refused (400): n8n gave no raw body to check the signature on');
		return answer(400, 'Unreadable body');
	}
	if (rawBody.length > maxBytes) {
		log('warn', `post refused (413): more than Max Body Size (${settings.options.maxBodyKb} KB)`);
		return answer(413, 'Payload too large');
	}

	// Before anything else: the bytes as received, signed with the App Secret.
	if (secrets.appSecret !== undefined) {
		const check = checkSignature(rawBody, req.headers[SIGNATURE_HEADER], secrets.appSecret);
		if (!check.valid) {
			log('warn', `post refused (401), nothing started: ${SIGNATURE_REFUSALS[check.refusal]}`);
			return answer(401, 'Invalid signature');
		}
	}
	let body: unknown;
	try {
		body = JSON.parse(rawBody.toString('utf8'));
	} catch (error) {
		log('warn', `post refused (400), nothing started: its body (${rawBody.length} bytes) is not JSON: ${(error as Error).message}`);
		return answer(400, 'The body is not JSON');
	}
	// Meta only needs to know it arrived: what follows does not delay the answer.
	answer(200, 'EVENT_RECEIVED');

	const events = webhookEvents(body);
	if (events.length === 0) {
		log('info', 'a post without entry[] events (not a Meta webhook body?): nothing started');
		return { noWebhookResponse: true };
	}
	const { objects, fields, options } = settings;
	const selected = selectEvents(events, { objects, fields, onlyFailedStatuses: options.onlyFailedStatuses });
	const receivedAt = Date.now();
	const dedup = await newEvents(ctx, settings, selected, receivedAt, log);
	const fresh = selected.filter((_, index) => dedup.fresh[index]);
	if (fresh.length === 0) return { noWebhookResponse: true };

	const warnings = [...(secrets.appSecret === undefined ? [UNSIGNED_WARNING] : []), ...dedup.warnings];
	const webhook = {
		receivedAt: new Date(receivedAt).toISOString(),
		signature: secrets.appSecret === undefined ? 'not_checked' : 'verified',
		deduplication: dedup.store,
		...(warnings.length > 0 ? { warnings } : {}),
	};
	const items = fresh.map((event) => eventItem(event, webhook));
	const [redacted] = redactOutputs([items], createRedactor([...secrets.secrets, ...dedup.secrets]));
	return { noWebhookResponse: true, workflowData: [redacted] };
}

/** GET: Meta's verification request. */
function verify(
	ctx: IWebhookFunctions,
	settings: TriggerSettings,
	answer: (status: number, body: string) => IWebhookResponseData,
	log: (level: 'info' | 'warn', message: string) => void,
): IWebhookResponseData {
	const handshake = answerHandshake(ctx.getQueryData() as Record<string, unknown>, settings.verifyToken);
	if (!handshake.accepted) {
		log('warn', `verification request refused (403): ${HANDSHAKE_REFUSALS[handshake.refusal]}`);
		return answer(403, 'Forbidden');
	}
	log('info', 'verification request answered: Meta accepts this Callback URL');
	return answer(200, handshake.challenge);
}

/**
 * Which events are new. The Test URL and a window of 0 keep none back. A store that fails in a way
 * the fallback does not cover lets every event through, with a warning: never an event lost.
 */
async function newEvents(
	ctx: IWebhookFunctions,
	settings: TriggerSettings,
	events: readonly WebhookEvent[],
	now: number,
	log: (level: 'info' | 'warn', message: string) => void,
): Promise<Pick<Deduplication, 'fresh' | 'warnings' | 'secrets'> & { store: string }> {
	const windowMs = settings.options.dedupWindowHours * 3_600_000;
	const everything = { fresh: events.map(() => true), warnings: [], secrets: [] };
	if (events.length === 0 || windowMs === 0 || ctx.getMode() === 'manual') return { ...everything, store: 'off' };
	try {
		return await deduplicate(ctx, settings.stateStore, events.map((event) => event.key), now, windowMs);
	} catch (error) {
		const warning = `de-duplication failed, every event started: ${problem(error)}`;
		log('warn', warning);
		return { ...everything, store: settings.stateStore, warnings: [warning] };
	}
}

/** One event as the workflow's item: what happened, where, when, and how it was received. */
function eventItem(event: WebhookEvent, webhook: IDataObject): INodeExecutionData {
	const json = compact({
		object: event.object,
		field: event.field,
		...event.ids,
		timestamp: event.timestamp,
		contact: event.contact,
		value: event.value,
		metaError: event.metaError,
		metaWebhook: { ...webhook, eventKey: event.key },
	});
	// A trigger's items start the run: there is no input item to pair them with.
	return { json: json as IDataObject };
}
