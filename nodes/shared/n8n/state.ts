// Which state store a node uses: this n8n process's memory (default) or Redis, chosen by the
// node's Shared State parameter with n8n's own Redis credential. Redis is wrapped so that pacing,
// breakers and router windows fall back to memory when it cannot be reached (and the item says
// so); in n8n queue mode without Redis the item says that its state is per worker.
import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { z } from 'zod';

import { processStore, withFallback, type StateStore, type StoreKind } from '../core';
import { redisStoreFor } from '../state/redisStore';

/**
 * n8n's built-in Redis credential (host, port, database, user, password, ssl): no package copy of
 * it. The node files name it in a literal (the n8n lint rules read credentials only as literals).
 */
export const REDIS_CREDENTIAL_NAME = 'redis';

export const sharedStateProperties: INodeProperties[] = [
	{
		displayName: 'Shared State',
		name: 'stateStore',
		type: 'options',
		noDataExpression: true,
		default: 'memory',
		options: [
			{
				// eslint-disable-next-line n8n-nodes-base/node-param-display-name-miscased -- n8n is spelled lowercase
				name: 'This n8n Process',
				value: 'memory',
				description: 'Kept in the memory of the n8n process that runs the workflow: enough for one n8n instance',
			},
			{
				name: 'Redis (Queue Mode)',
				value: 'redis',
				description: 'Kept in Redis, shared by every n8n worker: needed when n8n runs in queue mode',
			},
		],
		description: 'Where pacing, circuit breakers, thresholds, the write journal and reported health findings are kept between executions',
	},
	{
		displayName:
			'In queue mode each worker keeps its own state in memory: pacing, circuit breakers, thresholds, the write journal and reported health findings are then per worker. Choose Redis to share them.',
		name: 'memoryNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { stateStore: ['memory'] } },
	},
];

const redisCredentialSchema = z.object({
	host: z.string().trim().min(1, 'Host is empty').default('localhost'),
	port: z.coerce.number().int().min(1).max(65535).default(6379),
	database: z.coerce.number().int().min(0).default(0),
	user: z.string().optional(),
	password: z.string().optional(),
	ssl: z.boolean().optional(),
});

export interface SharedState {
	store: StateStore;
	kind: StoreKind;
	/** Secrets to redact besides the Meta credential's (the Redis password). */
	secrets: string[];
	/** The warning every item gets when n8n runs in queue mode on process memory. */
	perWorker?: string;
}

/** n8n runs executions on workers (queue mode): process memory is then per worker. */
export function inQueueMode(env: NodeJS.ProcessEnv = process.env): boolean {
	return env.EXECUTIONS_MODE === 'queue';
}

export const PER_WORKER_WARNING =
	'n8n runs in queue mode and Shared State is This n8n Process: pacing, circuit breakers, thresholds and the write journal are per worker. Choose Redis (Queue Mode) to share them.';

/** The node's state store, once per execution of the node. */
export async function sharedState(ctx: IExecuteFunctions): Promise<SharedState> {
	return await sharedStateOf(ctx, ctx.getNodeParameter('stateStore', 0, 'memory') as StoreKind);
}

/** sharedState for a context without items (a trigger's webhook), given the Shared State parameter's value. */
export async function sharedStateOf(ctx: Pick<IExecuteFunctions, 'getNode' | 'getCredentials'>, kind: StoreKind): Promise<SharedState> {
	if (kind !== 'redis') return { store: processStore, kind: 'memory', secrets: [], perWorker: inQueueMode() ? PER_WORKER_WARNING : undefined };
	const parsed = redisCredentialSchema.safeParse(await ctx.getCredentials(REDIS_CREDENTIAL_NAME));
	if (!parsed.success) {
		throw new NodeOperationError(ctx.getNode(), `Redis credential: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'value'}: ${i.message}`).join('; ')}`, {
			description: 'Open the Redis credential selected under Shared State and fix the field named above.',
		});
	}
	const { host, port, database, user, password, ssl } = parsed.data;
	const store = redisStoreFor({ host, port, database, user: user || undefined, password: password || undefined, tls: ssl === true });
	return { store, kind: 'redis', secrets: password ? [password] : [] };
}

/**
 * The store one item (or one router run) uses: Redis falls back to memory on its own, and every
 * warning lands in `warnings` (shown on the item). Memory in queue mode warns up front.
 */
export function storeForItem(state: SharedState, warnings: string[]): StateStore {
	if (state.perWorker && !warnings.includes(state.perWorker)) warnings.push(state.perWorker);
	if (state.kind !== 'redis') return state.store;
	return withFallback(state.store, processStore, (message) => {
		if (!warnings.includes(message)) warnings.push(message);
	});
}
