/**
 * Runs real workflow JSON through n8n's own execution engine, in-process: n8n-core's
 * `WorkflowExecute` on an n8n-workflow `Workflow`. Node types are this package's nodes
 * (TypeScript sources, listed in package.json `n8n.nodes`), the stand-ins of `./standins`, and
 * any extra types a test registers with `registerNodeType`.
 */
import { existsSync, mkdirSync, readFileSync } from 'fs';
import os from 'os';
import path from 'path';
import { ExecutionLifecycleHooks, ExternalSecretsProxy, WorkflowExecute } from 'n8n-core';
import {
	NodeHelpers,
	Workflow,
	type ExecutionBaseError,
	type ICredentialDataDecryptedObject,
	type ICredentialType,
	type IConnections,
	type IDataObject,
	type INode,
	type INodeExecutionData,
	type INodeParameters,
	type INodeType,
	type INodeTypes,
	type IRun,
	type IRunData,
	type IVersionedNodeType,
	type IWorkflowExecuteAdditionalData,
	type IWorkflowSettings,
	type WorkflowExecuteMode,
} from 'n8n-workflow';
import { TestCredentialsHelper } from './credentialsHelper';
import { standInNodeTypes } from './standins';

const ROOT = path.resolve(__dirname, '../..');

// n8n-core keeps its instance settings (an encryption key file) under N8N_USER_FOLDER, by
// default the user's home: keep the tests away from it.
process.env.N8N_USER_FOLDER = path.join(os.tmpdir(), 'n8n-nodes-meta-resilience-engine');
process.env.N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS ??= 'false';
mkdirSync(process.env.N8N_USER_FOLDER, { recursive: true });

export interface EngineRun {
	/** Items on each output of the node's LAST run: outputs[outputIndex] = items. */
	outputs(nodeName: string): INodeExecutionData[][];
	/** Shortcut: outputs(nodeName)[index] ?? [] */
	output(nodeName: string, index?: number): INodeExecutionData[];
	runData: IRunData;
	/** Workflow static data after the run (to pass into the next run). */
	staticData: IDataObject;
	/** The execution error, if the run failed (node error without continue). */
	error?: ExecutionBaseError | Error;
}

export interface EngineWorkflow {
	nodes: INode[] | Array<Partial<INode>>;
	connections: IConnections;
	staticData?: IDataObject;
	settings?: IWorkflowSettings;
}

export interface RunWorkflowOptions {
	/** Decrypted credential data by credential type, e.g. `{ metaGraphApi: { accessToken } }`. */
	credentials?: Record<string, ICredentialDataDecryptedObject>;
	/** Default 'manual'. Static data is kept only for other modes ('trigger'), as in n8n. */
	mode?: WorkflowExecuteMode;
	/** Overrides workflow.staticData. */
	staticData?: IDataObject;
	/** Default 20 s. */
	timeoutMs?: number;
	/**
	 * The workflow's id. Default: a new one per run, so each run is like a freshly started n8n as far
	 * as the process-memory store goes (router state, write journal keys); give the same id to runs
	 * that should share one n8n process's state.
	 */
	workflowId?: string;
}

let workflowCounter = 0;

type AnyNodeType = INodeType | IVersionedNodeType;

const PACKAGE = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
	name: string;
	n8n: { nodes: string[]; credentials: string[] };
};

/** The TypeScript source of each `dist/...js` entry of package.json that exists yet. */
function packageSources(entries: string[]): string[] {
	return entries
		.map((entry) => path.join(ROOT, entry.replace(/^dist\//, '').replace(/\.js$/, '.ts')))
		.filter((file) => existsSync(file));
}

/** Instances of every exported class of a module that has a `description` (node or credential types). */
function exportedInstances<T extends { description?: unknown; name?: unknown }>(file: string, key: 'description' | 'name'): T[] {
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const moduleExports = require(file) as Record<string, unknown>;
	return Object.values(moduleExports)
		.filter((value): value is new () => T => typeof value === 'function' && /^class\b/.test(Function.prototype.toString.call(value)))
		.map((Class) => new Class())
		.filter((instance) => instance[key] !== undefined);
}

const extraNodeTypes: Record<string, AnyNodeType> = {};

/** Registers a node type for the following runs (test-only types, e.g. `test.failing`). */
export function registerNodeType(type: string, nodeType: AnyNodeType): void {
	extraNodeTypes[type] = nodeType;
}

let packageNodes: { types: Record<string, AnyNodeType>; failures: string[] } | undefined;

/** Loads this package's nodes once; a source that fails to load is reported, not fatal to the others. */
function loadPackageNodes() {
	if (packageNodes) return packageNodes;
	packageNodes = { types: {}, failures: [] };
	for (const file of packageSources(PACKAGE.n8n.nodes)) {
		try {
			for (const nodeType of exportedInstances<AnyNodeType>(file, 'description')) {
				packageNodes.types[`${PACKAGE.name}.${nodeType.description.name}`] = nodeType;
			}
		} catch (error) {
			packageNodes.failures.push(`${path.relative(ROOT, file)}: ${(error as Error).message}`);
		}
	}
	return packageNodes;
}

const extraCredentialTypes: Record<string, ICredentialType> = {};

/** Registers a credential type for the following runs (test-only types). */
export function registerCredentialType(credentialType: ICredentialType): void {
	extraCredentialTypes[credentialType.name] = credentialType;
}

let packageCredentialTypes: Record<string, ICredentialType> | undefined;

function loadCredentialTypes(): Record<string, ICredentialType> {
	packageCredentialTypes ??= Object.fromEntries(
		packageSources(PACKAGE.n8n.credentials)
			.flatMap((file) => exportedInstances<ICredentialType>(file, 'name'))
			.map((type) => [type.name, type]),
	);
	return { ...packageCredentialTypes, ...extraCredentialTypes };
}

class TestNodeTypes implements INodeTypes {
	getByName(type: string): AnyNodeType {
		const { types, failures } = loadPackageNodes();
		const nodeType = extraNodeTypes[type] ?? standInNodeTypes[type] ?? types[type];
		if (nodeType) return nodeType;
		const known = Object.keys({ ...extraNodeTypes, ...standInNodeTypes, ...types }).join(', ');
		const failed = failures.length ? `; package nodes that failed to load: ${failures.join('; ')}` : '';
		throw new Error(`Unknown node type "${type}" in the engine harness (known: ${known})${failed}`);
	}

	getByNameAndVersion(type: string, version?: number): INodeType {
		return NodeHelpers.getVersionedNodeType(this.getByName(type), version);
	}

	getKnownTypes() {
		return {};
	}
}

const nodeTypes = new TestNodeTypes();

function latestVersion(nodeType: AnyNodeType): number {
	if ('nodeVersions' in nodeType) return nodeType.currentVersion;
	const { version } = nodeType.description;
	return Array.isArray(version) ? Math.max(...version) : version;
}

/** Fills what workflow JSON may leave out (id, position, version, parameters). */
function completeNode(node: Partial<INode>, index: number): INode {
	if (!node.name || !node.type) throw new Error(`Workflow node #${index} needs a name and a type`);
	return {
		id: `node-${index}`,
		position: [index * 200, 0],
		parameters: {},
		...node,
		typeVersion: node.typeVersion ?? latestVersion(nodeTypes.getByName(node.type)),
	} as INode;
}

let executionCounter = 0;

function additionalDataFor(
	hooks: ExecutionLifecycleHooks,
	credentials: Record<string, ICredentialDataDecryptedObject>,
	timeoutMs: number,
): IWorkflowExecuteAdditionalData {
	const unsupported = (what: string) => async () => {
		throw new Error(`${what} is not available in the engine harness`);
	};
	return {
		hooks,
		executionId: hooks.executionId,
		externalSecretsProxy: new ExternalSecretsProxy(),
		credentialsHelper: new TestCredentialsHelper(credentials, loadCredentialTypes()),
		executeWorkflow: unsupported('Executing a sub-workflow'),
		startRunnerTask: unsupported('The task runner (Code node)'),
		getRunExecutionData: async () => undefined,
		logAiEvent: () => {},
		currentNodeExecutionIndex: 0,
		executionTimeoutTimestamp: Date.now() + timeoutMs,
		variables: {},
		restApiUrl: 'http://localhost:5678/rest',
		instanceBaseUrl: 'http://localhost:5678/',
		formWaitingBaseUrl: 'http://localhost:5678/form-waiting',
		webhookBaseUrl: 'http://localhost:5678/webhook',
		webhookWaitingBaseUrl: 'http://localhost:5678/webhook-waiting',
		webhookTestBaseUrl: 'http://localhost:5678/webhook-test',
	} as IWorkflowExecuteAdditionalData;
}

/**
 * Stops the 60 s cleanup interval of n8n-core's SSH client manager (created with any node
 * execution context), which would keep jest alive.
 *
 * The one deep import of n8n-core left here, on purpose: the manager lives in n8n-core's DI
 * container under its class, and n8n-core's index exports neither that class nor any function
 * that stops it (`getSSHTunnelFunctions`, which creates it, is internal too), so the class can
 * only be had from its own module. n8n-core is pinned in devDependencies; if the path moves,
 * every engine test fails loudly here. Everything else comes from the packages' public exports
 * (`n8n-core`, `n8n-workflow`, and `@n8n/di`, n8n-core's container).
 */
function stopBackgroundTimers(): void {
	/* eslint-disable @typescript-eslint/no-require-imports */
	const { Container } = require('@n8n/di') as typeof import('@n8n/di');
	const { SSHClientsManager } =
		require('n8n-core/dist/execution-engine/ssh-clients-manager') as typeof import('n8n-core/dist/execution-engine/ssh-clients-manager');
	/* eslint-enable @typescript-eslint/no-require-imports */
	Container.get(SSHClientsManager).onShutdown();
}

function loadWorkflowFile(file: string): EngineWorkflow {
	const full = path.isAbsolute(file) ? file : path.join(ROOT, file);
	return JSON.parse(readFileSync(full, 'utf8')) as EngineWorkflow;
}

/** Runs a workflow (object, or path of a workflow JSON file relative to the package root). */
export async function runWorkflow(
	workflowOrFile: EngineWorkflow | string,
	options: RunWorkflowOptions = {},
): Promise<EngineRun> {
	const definition = typeof workflowOrFile === 'string' ? loadWorkflowFile(workflowOrFile) : workflowOrFile;
	const mode = options.mode ?? 'manual';
	const timeoutMs = options.timeoutMs ?? 20_000;
	const nodes = (definition.nodes as Array<Partial<INode>>).map(completeNode);
	const initialStaticData = structuredClone(options.staticData ?? definition.staticData ?? {});
	const workflow = new Workflow({
		id: options.workflowId ?? `engineTestWorkflow${++workflowCounter}`,
		name: 'Engine test workflow',
		nodes,
		connections: definition.connections,
		active: false,
		nodeTypes,
		staticData: structuredClone(initialStaticData),
		settings: { executionOrder: 'v1', ...definition.settings },
	});

	const executionId = `engine-${++executionCounter}`;
	const hooks = new ExecutionLifecycleHooks(mode, executionId, {
		id: workflow.id,
		name: 'Engine test workflow',
		active: false,
		isArchived: false,
		createdAt: new Date(),
		updatedAt: new Date(),
		nodes,
		connections: definition.connections,
		settings: workflow.settings,
		activeVersionId: null,
	});
	// As n8n's own hooks do: static data is saved (as JSON) only when it changed and only for
	// non-manual executions.
	let staticData = initialStaticData;
	hooks.addHandler('workflowExecuteAfter', (_run, newStaticData) => {
		if (mode === 'manual' || !newStaticData) return;
		const { __dataChanged, ...data } = newStaticData;
		staticData = JSON.parse(JSON.stringify(data)) as IDataObject;
	});

	const additionalData = additionalDataFor(hooks, options.credentials ?? {}, timeoutMs);
	const engine = new WorkflowExecute(additionalData, mode);
	let run: IRun;
	let timer: NodeJS.Timeout | undefined;
	try {
		const execution = engine.run(workflow);
		const timeout = new Promise<never>((_resolve, reject) => {
			timer = setTimeout(() => {
				execution.cancel();
				reject(new Error(`Workflow run timed out after ${timeoutMs} ms`));
			}, timeoutMs);
		});
		run = await Promise.race([execution, timeout]);
	} catch (error) {
		throw withIssues(error as Error, engine, workflow);
	} finally {
		clearTimeout(timer);
		stopBackgroundTimers();
	}

	const { runData, error } = run.data.resultData;
	const outputs = (nodeName: string): INodeExecutionData[][] => {
		if (!workflow.nodes[nodeName]) {
			throw new Error(`No node named "${nodeName}" in the workflow (nodes: ${Object.keys(workflow.nodes).join(', ')})`);
		}
		const main = runData[nodeName]?.at(-1)?.data?.main ?? [];
		return main.map((items) => items ?? []);
	};
	return {
		outputs,
		output: (nodeName, index = 0) => outputs(nodeName)[index] ?? [],
		runData,
		staticData,
		// A plain copy of the node's error made by the engine: message, description, node... but not its class.
		error,
	};
}

/** The engine refuses a workflow with issues with a generic message: add the issues themselves. */
function withIssues(error: Error, engine: WorkflowExecute, workflow: Workflow): Error {
	if (error.name !== 'WorkflowHasIssuesError') return error;
	const issues = engine.checkReadyForExecution(workflow);
	error.message += ` Issues: ${JSON.stringify(issues)}`;
	return error;
}

export interface RunNodeOptions {
	credentials?: Record<string, ICredentialDataDecryptedObject>;
	typeVersion?: number;
	onError?: 'stopWorkflow' | 'continueRegularOutput' | 'continueErrorOutput';
	staticData?: IDataObject;
	mode?: WorkflowExecuteMode;
	timeoutMs?: number;
	/** See RunWorkflowOptions.workflowId. */
	workflowId?: string;
}

export const NODE_UNDER_TEST = 'Node';

/** Manual Trigger -> Items (the given items) -> the node under test; `nodeOutputs` = its outputs. */
export async function runNode(
	nodeType: string,
	parameters: INodeParameters,
	items: IDataObject[] | INodeExecutionData[],
	options: RunNodeOptions = {},
): Promise<EngineRun & { nodeOutputs: INodeExecutionData[][] }> {
	const asItems = (items as Array<IDataObject | INodeExecutionData>).map((item) =>
		isExecutionData(item) ? item : { json: item },
	);
	const credentials = Object.fromEntries(
		Object.keys(options.credentials ?? {}).map((type) => [type, { id: `test-${type}`, name: `Test ${type}` }]),
	);
	const run = await runWorkflow(
		{
			nodes: [
				{ name: 'Trigger', type: 'n8n-nodes-base.manualTrigger' },
				{ name: 'Items', type: 'test.items', parameters: { items: JSON.stringify(asItems) } },
				{
					name: NODE_UNDER_TEST,
					type: nodeType,
					typeVersion: options.typeVersion,
					parameters,
					credentials,
					onError: options.onError,
				},
			],
			connections: {
				Trigger: { main: [[{ node: 'Items', type: 'main', index: 0 }]] },
				Items: { main: [[{ node: NODE_UNDER_TEST, type: 'main', index: 0 }]] },
			},
		},
		options,
	);
	return { ...run, nodeOutputs: run.outputs(NODE_UNDER_TEST) };
}

function isExecutionData(item: IDataObject | INodeExecutionData): item is INodeExecutionData {
	const keys = Object.keys(item);
	return typeof item.json === 'object' && item.json !== null && keys.every((key) => ['json', 'binary', 'pairedItem'].includes(key));
}
