// Writes that happen once: a write that creates something claims its idempotency key in the
// journal before it is sent. A key that already succeeded is answered from the journal
// (`replayed`), a key held elsewhere or left unconfirmed is not sent again (`ambiguous_write`).
// Updates, pauses and deletes are not journaled: repeating them is harmless, and a re-run after
// someone changed the object back must set it again.
import { internalErrors } from '../errors/internal';
import { StateUnavailableError, type JournalStore } from '../state/store';
import { stopped, type Layer, type Outcome } from './attempt';

export interface JournalPolicy {
	/** How long a succeeded write is remembered (and answered from the journal), in ms. */
	ttlMs: number;
	/** What to do when the journal cannot be reached: refuse the write (default) or send it unjournaled. */
	whenUnavailable: 'fail' | 'send';
}

export const DEFAULT_JOURNAL_POLICY: JournalPolicy = { ttlMs: 24 * 60 * 60_000, whenUnavailable: 'fail' };

/** How often, and how long at most, a call looks again at a key another execution is sending. */
const PENDING_POLL_MS = 250;
const PENDING_WAIT_MS = 10_000;
/** A claim outlives the call's whole time budget by this much before it counts as abandoned. */
const LEASE_MARGIN_MS = 60_000;

export function journalLayer(journal: JournalStore, policy: JournalPolicy, budgetMs: number): Layer {
	const leaseMs = budgetMs + LEASE_MARGIN_MS;
	return (next) => async (call) => {
		const key = call.idempotencyKey;
		if (!call.creates || !key) return await next(call);
		const waitUntil = Math.min(call.deadline, call.now() + PENDING_WAIT_MS);
		let entry;
		try {
			const owner = await requestOf(journal, key, call.now(), leaseMs);
			if (owner && call.requestDigest && owner.digest !== call.requestDigest) return stopped('refused', internalErrors.idempotencyKeyReused(key, owner.at));
			entry = await journal.claim(key, call.now(), leaseMs);
			while (entry.state === 'pending' && call.now() + PENDING_POLL_MS <= waitUntil && !call.signal?.aborted) {
				await call.pause(PENDING_POLL_MS);
				entry = await journal.claim(key, call.now(), leaseMs);
			}
		} catch (error) {
			if (!(error instanceof StateUnavailableError)) throw error;
			if (policy.whenUnavailable === 'fail') return stopped('state_unavailable', internalErrors.journalUnavailable(error.message));
			call.warn(`write journal unreachable (${error.message}): sent without it`);
			return await next(call);
		}
		if (entry.state === 'done') {
			const { status, body } = entry.outcome;
			return { ok: true, status, headers: {}, body, replayedFrom: entry.at };
		}
		if (entry.state !== 'claimed') return stopped('ambiguous_write', internalErrors.writeNotConfirmed(entry.at, entry.state === 'pending'));

		const outcome = await next(call);
		await settle(journal, key, outcome, call.mayHaveApplied === true, call.now(), policy.ttlMs, call.requestDigest).catch((error: unknown) => {
			// The answer stands; the key stays claimed and turns ambiguous when its lease ends.
			call.warn(`write journal unreachable after sending (${error instanceof Error ? error.message : String(error)}): this write is not recorded as done`);
		});
		return outcome;
	};
}

/**
 * Records what became of a claimed write: done, maybe applied, or nothing applied (key freed).
 * A write that was (or may have been) applied also records what it was (`<key>#request`), so the
 * key cannot later stand for a different request; one that applied nothing leaves the key free
 * for a corrected request (a dead letter fixed and replayed).
 */
async function settle(journal: JournalStore, key: string, outcome: Outcome, mayHaveApplied: boolean, now: number, ttlMs: number, digest?: string): Promise<void> {
	const applied = outcome.ok || outcome.mayBeApplied || mayHaveApplied;
	if (applied && digest) await journal.complete(ownerKey(key), { status: 0, body: digest }, now, ttlMs);
	if (outcome.ok) await journal.complete(key, { status: outcome.status, body: outcome.body }, now, ttlMs);
	else if (applied) await journal.abandon(key, now, ttlMs);
	else await journal.release(key);
}

const ownerKey = (key: string) => `${key}#request`;

/** The request a key was used for, when the journal holds it (a claim that finds none is given back at once). */
async function requestOf(journal: JournalStore, key: string, now: number, leaseMs: number): Promise<{ digest: string; at: number } | undefined> {
	const held = await journal.claim(ownerKey(key), now, leaseMs);
	if (held.state === 'claimed') await journal.release(ownerKey(key));
	if (held.state !== 'done' || typeof held.outcome.body !== 'string') return undefined;
	return { digest: held.outcome.body, at: held.at };
}
