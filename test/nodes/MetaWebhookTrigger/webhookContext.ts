// The Meta Webhook Trigger called as n8n calls it: n8n-core's own WebhookContext (parameters with
// their defaults, credentials, mode, webhook name) on a real Workflow, with a request that carries
// real headers and the raw bytes (read on demand, as n8n's readRawBody does) and a response that
// records what the node answered. HookContext likewise for activation.
// The engine harness first: it keeps n8n-core's instance settings out of the user's home folder.
import '../../helpers/engine';
import { HookContext, WebhookContext } from 'n8n-core';
import {
	Workflow,
	type ICredentialDataDecryptedObject,
	type IDataObject,
	type INode,
	type INodeExecutionData,
	type INodeParameters,
	type INodeTypes,
	type IWebhookData,
	type IWebhookResponseData,
	type IWorkflowExecuteAdditionalData,
	type WorkflowExecuteMode,
} from 'n8n-workflow';

import { MetaGraphApi } from '../../../credentials/MetaGraphApi.credentials';
import { MetaWebhookTrigger } from '../../../nodes/MetaWebhookTrigger/MetaWebhookTrigger.node';
import { TestCredentialsHelper } from '../../helpers/credentialsHelper';
import { metaBytes, signBytes } from '../../../testing/metaWebhooks';

export const TYPE = 'n8n-nodes-meta-resilience.metaWebhookTrigger';
/** Canaries: none of them may reach an item or a log line. */
export const APP_SECRET = 'canaryAppSecret0042xyz';
export const VERIFY_TOKEN = 'canary-verify-token-0042';
export const ACCESS_TOKEN = 'EAAcanary0000SECRET0000TOKEN';

const trigger = new MetaWebhookTrigger();
const nodeTypes: INodeTypes = {
	getByName: () => trigger,
	getByNameAndVersion: () => trigger,
	getKnownTypes: () => ({}),
};

export const metaCredential = (extra: ICredentialDataDecryptedObject = {}): ICredentialDataDecryptedObject => ({
	accessToken: ACCESS_TOKEN,
	appSecret: APP_SECRET,
	...extra,
});

export interface Recorded {
	status?: number;
	type?: string;
	body?: string;
	/** Order of events the test may compare: 'answered' when the node sent its answer. */
	timeline: string[];
}

export interface TriggerCall {
	response: Recorded;
	result: IWebhookResponseData;
	/** The items the workflow starts with; [] when it starts nothing. */
	items: INodeExecutionData[];
	logs: Array<{ level: string; message: string; meta?: unknown }>;
	/** Whether the node read the body (n8n's readRawBody). */
	bodyRead: boolean;
}

export interface CallOptions {
	method?: 'GET' | 'POST';
	parameters?: INodeParameters;
	credentials?: Record<string, ICredentialDataDecryptedObject>;
	query?: IDataObject;
	headers?: Record<string, string | string[]>;
	/** The bytes posted. */
	body?: Buffer | string;
	/** n8n has already read the body into rawBody (what happens when it parses before the node). */
	rawBodyReadByN8n?: boolean;
	/** What n8n's readRawBody throws (raw-body's errors: `type: 'entity.too.large'` past N8N_PAYLOAD_SIZE_MAX, `request.aborted`). */
	rawBodyError?: Error & { type?: string };
	/** 'webhook' for the production URL (default), 'manual' for the Test URL. */
	mode?: WorkflowExecuteMode;
	workflowId?: string;
	nodeId?: string;
}

export const DEFAULT_PARAMETERS: INodeParameters = { verifyToken: VERIFY_TOKEN };

function triggerNode(parameters: INodeParameters, nodeId: string): INode {
	return {
		id: nodeId,
		name: 'Meta Webhook Trigger',
		type: TYPE,
		typeVersion: 1,
		position: [0, 0],
		webhookId: '5f0c3c4e-1d7a-4b44-9a0e-6b5d3f7b2a10',
		parameters,
		credentials: {
			metaGraphApi: { id: 'cred-meta', name: 'Meta Graph API' },
			redis: { id: 'cred-redis', name: 'Redis' },
		},
	};
}

function setup(options: CallOptions, timeline: string[]) {
	const node = triggerNode({ ...DEFAULT_PARAMETERS, ...options.parameters }, options.nodeId ?? 'trigger-node-1');
	const workflow = new Workflow({
		id: options.workflowId ?? 'wf-webhook-trigger',
		name: 'Webhook trigger test',
		nodes: [node],
		connections: {},
		active: true,
		nodeTypes,
		staticData: {},
		settings: {},
	});
	const credentials = options.credentials ?? { metaGraphApi: metaCredential() };
	const helper = new TestCredentialsHelper(credentials, { metaGraphApi: new MetaGraphApi() });
	const getDecrypted = helper.getDecrypted.bind(helper);
	helper.getDecrypted = async (...args: Parameters<typeof getDecrypted>) => {
		timeline.push(`credential ${args[2]}`);
		return await getDecrypted(...args);
	};
	const additionalData = {
		credentialsHelper: helper,
		variables: {},
		restApiUrl: 'http://localhost:5678/rest',
		instanceBaseUrl: 'http://localhost:5678/',
		webhookBaseUrl: 'http://localhost:5678/webhook',
		webhookTestBaseUrl: 'http://localhost:5678/webhook-test',
		webhookWaitingBaseUrl: 'http://localhost:5678/webhook-waiting',
		formWaitingBaseUrl: 'http://localhost:5678/form-waiting',
	} as unknown as IWorkflowExecuteAdditionalData;
	return { node: workflow.getNode(node.name)!, workflow, additionalData };
}

function recordLogs(context: object, logs: TriggerCall['logs']): void {
	const record = (level: string) => (message: string, meta?: unknown) => logs.push({ level, message, meta });
	Object.defineProperty(context, 'logger', { value: { error: record('error'), warn: record('warn'), info: record('info'), debug: record('debug') } });
}

/** One request to the trigger's webhook, as n8n makes it. */
export async function callTrigger(options: CallOptions = {}): Promise<TriggerCall> {
	const method = options.method ?? 'POST';
	const timeline: string[] = [];
	const { node, workflow, additionalData } = setup(options, timeline);
	const bytes = options.body === undefined ? Buffer.alloc(0) : Buffer.from(options.body);
	let bodyRead = false;
	const request = {
		method,
		url: '/webhook/5f0c3c4e-1d7a-4b44-9a0e-6b5d3f7b2a10/webhook',
		headers: Object.fromEntries(Object.entries({ 'content-type': 'application/json', 'content-length': String(bytes.length), ...options.headers }).map(([k, v]) => [k.toLowerCase(), v])),
		query: options.query ?? {},
		rawBody: options.rawBodyReadByN8n ? bytes : undefined,
		readRawBody: async () => {
			bodyRead = true;
			if (options.rawBodyError) throw options.rawBodyError;
			request.rawBody = bytes;
		},
	};
	const recorded: Recorded = { timeline };
	const response = {
		headersSent: false,
		status(code: number) {
			recorded.status = code;
			return response;
		},
		type(type: string) {
			recorded.type = type;
			return response;
		},
		send(body: string) {
			if (response.headersSent) throw new Error('the node answered twice');
			response.headersSent = true;
			recorded.body = body;
			timeline.push('answered');
			return response;
		},
	};
	additionalData.httpRequest = request as unknown as IWorkflowExecuteAdditionalData['httpRequest'];
	additionalData.httpResponse = response as unknown as IWorkflowExecuteAdditionalData['httpResponse'];
	const description = trigger.description.webhooks!.find((webhook) => webhook.httpMethod === method)!;
	const webhookData = {
		httpMethod: method,
		node: node.name,
		path: `${node.webhookId}/${description.path}`,
		webhookDescription: description,
		workflowId: workflow.id,
		workflowExecuteAdditionalData: additionalData,
	} as IWebhookData;
	const context = new WebhookContext(workflow, node, additionalData, options.mode ?? 'webhook', webhookData, [], null);
	const logs: TriggerCall['logs'] = [];
	recordLogs(context, logs);
	const result = await trigger.webhook.call(context);
	return { response: recorded, result, items: result.workflowData?.[0] ?? [], logs, bodyRead };
}

/** A signed post of `body` as Meta sends it (escaped unicode bytes, signed with the App Secret). */
export async function postSigned(body: unknown, options: CallOptions = {}, appSecret = APP_SECRET): Promise<TriggerCall> {
	const bytes = metaBytes(body);
	return await callTrigger({ ...options, body: bytes, headers: { 'x-hub-signature-256': signBytes(bytes, appSecret), ...options.headers } });
}

/** Activation: the checks n8n runs through webhookMethods when the workflow is activated. */
export async function activate(options: Pick<CallOptions, 'parameters' | 'credentials'> = {}): Promise<boolean> {
	const { node, workflow, additionalData } = setup(options, []);
	const context = new HookContext(workflow, node, additionalData, 'trigger', 'activate');
	return await trigger.webhookMethods.default.checkExists.call(context);
}
