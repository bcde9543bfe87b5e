// Which events a trigger has not seen within its window: each event's key is claimed in the state
// store's windows (WindowStore.claim: "unless it was claimed less than windowMs ago"), in the
// trigger's own namespace. Process memory by default; Redis for every main and webhook process of
// a queue-mode n8n, falling back to memory (and saying so on the items) when Redis cannot be reached.
import type { IWebhookFunctions } from 'n8n-workflow';

import { processStore, pruneCooldowns, type StoreKind } from '../shared/core';
import { forEachLimited } from '../shared/core/util';
import { inQueueMode, sharedStateOf, storeForItem } from '../shared/n8n/state';

/** Claims in flight at once (Redis round trips). */
const CLAIM_CONCURRENCY = 16;
/** Keys a trigger keeps in process memory; the oldest go first. Redis keeps every key for its window. */
export const MAX_MEMORY_KEYS = 20_000;
/** Memory is pruned after this many claims (pruning is linear in the keys kept). */
const PRUNE_EVERY = 1_000;

export const QUEUE_MEMORY_WARNING =
	'n8n runs in queue mode and Shared State is This n8n Process: each main or webhook process de-duplicates on its own. Choose Redis (Queue Mode) to share them.';

export interface Deduplication {
	/** For each key given, whether it was not seen within the window. */
	fresh: boolean[];
	store: StoreKind;
	/** Redis unreachable, memory in queue mode: shown on every item. */
	warnings: string[];
	/** Secrets of the store's credential (the Redis password), to redact. */
	secrets: string[];
}

/** One trigger's events: this workflow's node, whichever process receives the post. */
export function dedupNamespace(ctx: Pick<IWebhookFunctions, 'getWorkflow' | 'getNode'>): string {
	const node = ctx.getNode();
	return `webhook-trigger:${ctx.getWorkflow().id ?? ''}:${node.id ?? node.name}`;
}

const claimsSincePrune = new Map<string, number>();

/** Keeps a namespace's memory within MAX_MEMORY_KEYS live keys, in place (claims in flight keep their object). */
function pruneMemory(namespace: string, claimed: number, now: number, windowMs: number): void {
	const since = (claimsSincePrune.get(namespace) ?? 0) + claimed;
	claimsSincePrune.set(namespace, since < PRUNE_EVERY ? since : 0);
	const cooldowns = since < PRUNE_EVERY ? undefined : processStore.routerState(namespace)?.cooldowns;
	if (!cooldowns) return;
	const kept = pruneCooldowns(cooldowns, now, windowMs, MAX_MEMORY_KEYS);
	for (const key of Object.keys(cooldowns)) if (!Object.prototype.hasOwnProperty.call(kept, key)) delete cooldowns[key];
}

/** Claims every key at `now` for `windowMs`, in the store the node's Shared State names. */
export async function deduplicate(
	ctx: Pick<IWebhookFunctions, 'getWorkflow' | 'getNode' | 'getCredentials'>,
	kind: StoreKind,
	keys: readonly string[],
	now: number,
	windowMs: number,
): Promise<Deduplication> {
	const shared = await sharedStateOf(ctx, kind);
	const warnings: string[] = [];
	const perProcess = kind === 'memory' && inQueueMode() ? QUEUE_MEMORY_WARNING : undefined;
	const windows = storeForItem({ ...shared, perWorker: perProcess }, warnings).windows(dedupNamespace(ctx));
	const fresh = keys.map(() => false);
	await forEachLimited(keys.length, CLAIM_CONCURRENCY, async (index) => {
		fresh[index] = (await windows.claim(keys[index], now, windowMs)).claimed;
	});
	// Memory holds the keys (as the store, or as Redis's fallback): keep it bounded.
	if (kind === 'memory' || warnings.length > 0) pruneMemory(dedupNamespace(ctx), keys.length, now, windowMs);
	return { fresh, store: kind, warnings, secrets: shared.secrets };
}
