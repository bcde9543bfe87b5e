// What the server saw and did: a bounded request log, the applied writes, duplicate detection
// and counters. Everything is updated incrementally: no scan of the logs per request.

import { BoundedLog } from './fakeUtil';

export interface RequestRecord {
	seq: number;
	method: string;
	/** As requested, version prefix included, without the query string. */
	path: string;
	/** Query parameters; `access_token` and `appsecret_proof` values are redacted. */
	query: Record<string, string>;
	/** Lower-case names, without `authorization`. */
	headers: Record<string, string>;
	/** Parsed body (JSON or form), with token values redacted; undefined when empty. */
	body: unknown;
	idempotencyKey?: string;
	/** HTTP status sent; undefined when the connection was reset or the client left first. */
	status?: number;
	throttled: boolean;
	/** Label of the injected fault, e.g. `reset:after`, `graphError:131016`. */
	faultApplied?: string;
	/** Epoch ms when the request arrived. */
	time: number;
	/** A sub-request of a Graph batch: the call's `seq` and its position in `batch`. */
	batch?: { seq: number; index: number };
}

export interface WriteRecord {
	seq: number;
	/** It made a new object (create, message, job); updates and deletes do not. */
	creates: boolean;
	method: string;
	/** Path without version prefix, e.g. `/act_1/ads`. */
	path: string;
	params: Record<string, unknown>;
	idempotencyKey?: string;
	/** sha1 of method, path and parameters (any key order). */
	fingerprint: string;
	/** The object created, updated or deleted (or the job created). */
	objectId?: string;
	time: number;
}

/**
 * Creating writes applied more than once (an update or a delete applied twice harms nothing and
 * is not counted): grouped by idempotency key when the writes carried one,
 * otherwise by fingerprint (without a key, two identical writes in one run cannot be told
 * apart from a retried one, so they count as a duplicate).
 */
export interface DuplicateWrite {
	idempotencyKey?: string;
	fingerprint: string;
	count: number;
	/** Up to the first 5 writes of the group. */
	writes: WriteRecord[];
}

export interface FakeMetaStats {
	total: number;
	throttled: number;
	faulted: number;
	writes: number;
	/** Responses per HTTP status; `reset` counts connections closed without a full answer. */
	byStatus: Record<string, number>;
	byFault: Record<string, number>;
}

const SAMPLES_PER_GROUP = 5;
const REDACTED = '[redacted]';
export const SECRET_PARAMS = ['access_token', 'appsecret_proof'];

export function redactParams<T>(params: T): T {
	if (!params || typeof params !== 'object' || Array.isArray(params)) return params;
	let copy: Record<string, unknown> | undefined;
	for (const name of SECRET_PARAMS) {
		if (name in params) {
			copy ??= { ...(params as Record<string, unknown>) };
			copy[name] = REDACTED;
		}
	}
	return (copy ?? params) as T;
}

export class Recorder {
	private requestLog: BoundedLog<RequestRecord>;
	private writeLog: BoundedLog<WriteRecord>;
	private groups = new Map<string, { count: number; writes: WriteRecord[] }>();
	private requestSeq = 0;
	private writeSeq = 0;
	private counters = emptyStats();
	/** Requests of this run still waiting for their answer; a reset() forgets older ones. */
	private pending = new WeakSet<RequestRecord>();

	constructor(logLimit: number) {
		this.requestLog = new BoundedLog(logLimit);
		this.writeLog = new BoundedLog(logLimit);
	}

	request(record: Omit<RequestRecord, 'seq'>): RequestRecord {
		const entry = { seq: ++this.requestSeq, ...record };
		this.requestLog.push(entry);
		this.pending.add(entry);
		this.counters.total++;
		return entry;
	}

	/** Call once the answer is sent (status) or the connection is gone (no status). */
	finish(entry: RequestRecord): void {
		if (!this.pending.delete(entry)) return;
		const key = entry.status === undefined ? 'reset' : String(entry.status);
		this.counters.byStatus[key] = (this.counters.byStatus[key] ?? 0) + 1;
		if (entry.throttled) this.counters.throttled++;
		if (entry.faultApplied) {
			this.counters.faulted++;
			this.counters.byFault[entry.faultApplied] = (this.counters.byFault[entry.faultApplied] ?? 0) + 1;
		}
	}

	write(record: Omit<WriteRecord, 'seq'>): void {
		const entry = { seq: ++this.writeSeq, ...record };
		this.writeLog.push(entry);
		this.counters.writes++;
		if (!entry.creates) return;
		const groupKey = entry.idempotencyKey !== undefined ? `key:${entry.idempotencyKey}` : `fp:${entry.fingerprint}`;
		const group = this.groups.get(groupKey);
		if (!group) this.groups.set(groupKey, { count: 1, writes: [entry] });
		else {
			group.count++;
			if (group.writes.length < SAMPLES_PER_GROUP) group.writes.push(entry);
		}
	}

	requests(): RequestRecord[] {
		return this.requestLog.toArray();
	}

	writes(): WriteRecord[] {
		return this.writeLog.toArray();
	}

	duplicates(): DuplicateWrite[] {
		const duplicates: DuplicateWrite[] = [];
		for (const group of this.groups.values()) {
			if (group.count < 2) continue;
			const first = group.writes[0];
			const duplicate: DuplicateWrite = { fingerprint: first.fingerprint, count: group.count, writes: group.writes.slice() };
			if (first.idempotencyKey !== undefined) duplicate.idempotencyKey = first.idempotencyKey;
			duplicates.push(duplicate);
		}
		return duplicates;
	}

	stats(): FakeMetaStats {
		return { ...this.counters, byStatus: { ...this.counters.byStatus }, byFault: { ...this.counters.byFault } };
	}

	clear(): void {
		this.requestLog.clear();
		this.writeLog.clear();
		this.groups.clear();
		this.counters = emptyStats();
		this.pending = new WeakSet();
		this.requestSeq = 0;
		this.writeSeq = 0;
	}
}

function emptyStats(): FakeMetaStats {
	return { total: 0, throttled: 0, faulted: 0, writes: 0, byStatus: {}, byFault: {} };
}
