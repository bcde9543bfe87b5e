// The Redis backend of the state store, for n8n queue mode: every worker sees the same pacing,
// breakers, router windows, journal and Health Check findings. Each operation is one Lua script
// (atomic on the server; pacing and findings: the pure step in TypeScript, written back by
// compare-and-set), keeps the semantics of memory.ts, uses the caller's `now` (workers and memory
// agree on time), and leaves every key with a TTL. Keys: mr:pacing:<key>, mr:hc:<key>,
// mr:brk:<key>, mr:jnl:<key>, mr:win:<namespace>:{evt|fire|cool|base}:<key>.
import { createHash, randomBytes } from 'crypto';
import { createConnection, type Socket } from 'net';
import { connect as tlsConnect } from 'tls';
import Redis, { AbstractConnector } from 'ioredis';
import { trialLeaseMs, type BreakerOutcome, type BreakerPermit, type BreakerPolicy, type BreakerState } from '../core/resilience/breaker';
import { CLOCK_SKEW_MS } from '../core/policy/windows';
import { BASELINE_TTL_MS, type SampleAnswer } from '../core/policy/anomaly';
import type { ReportedFindings } from '../core/health/findingMemory';
import type { PacingState } from '../core/resilience/pacing';
import {
	StateUnavailableError,
	UNSETTLED_KEEP_MS,
	type BreakerStore,
	type JournalEntry,
	type JournalOutcome,
	type JournalStore,
	type FindingsStore,
	type PacingStore,
	type StateStep,
	type StateStore,
	type SteppedStore,
	type WindowStore,
} from '../core/state/store';

export interface RedisConnection {
	host: string;
	port: number;
	database: number;
	user?: string;
	password?: string;
	tls: boolean;
}

const MINUTE = 60_000;
/** Pacing slots and breakers live at least this long after their last touch. */
export const IDLE_TTL_MS = 15 * MINUTE;
/** A journal outcome's body larger than this (as JSON) is stored as `{ truncated: true }`. */
export const MAX_OUTCOME_BYTES = 64 * 1024;
/** Key parts longer than this are replaced by their sha1, so key size stays bounded. */
const MAX_KEY_PART = 120;

/** Concurrent updates of one stepped key (pacing, findings): a step runs at most this often before giving up. */
const STEP_CAS_ATTEMPTS = 50;
export const breakerTtlMs = (policy: BreakerPolicy) => Math.max(policy.coolDownMs * 4, IDLE_TTL_MS);

const part = (value: string) => (value.length > MAX_KEY_PART ? `sha1:${createHash('sha1').update(value).digest('hex')}` : value);
/** A namespace never holds ':' (escaped), so `mr:win:<ns>:` cannot run into the key after it. */
const namespacePart = (value: string) => part(value.replace(/%/g, '%25').replace(/:/g, '%3A'));

type WindowKind = 'evt' | 'fire' | 'cool' | 'base';

export const redisKeys = {
	pacing: (key: string) => `mr:pacing:${part(key)}`,
	findings: (key: string) => `mr:hc:${part(key)}`,
	breaker: (key: string) => `mr:brk:${part(key)}`,
	journal: (key: string) => `mr:jnl:${part(key)}`,
	window: (namespace: string, kind: WindowKind, key: string) => `mr:win:${namespacePart(namespace)}:${kind}:${part(key)}`,
};

// Shared by every script. Numbers go back and forth as '%.17g' strings: Lua's own tostring (and a
// number handed to redis.call) keeps 14 digits, and a number returned to the client loses its fraction.
const LUA_PRELUDE = `
local function fmt(x) return string.format('%.17g', x) end
local function expire(key, ms) redis.call('PEXPIRE', key, string.format('%.0f', math.max(1, math.ceil(ms)))) end
`;

const SCRIPTS = {
	// ARGV: the state read (JSON, '' for none), the new state, ttlMs. Compare-and-set: writes the new
	// state only if nobody changed it since it was read; else returns what is there now.
	mrStepSet: `
local current = redis.call('GET', KEYS[1]) or ''
if current ~= ARGV[1] then return {0, current} end
redis.call('SET', KEYS[1], ARGV[2])
expire(KEYS[1], tonumber(ARGV[3]))
return {1}`,
	// ARGV: now, coolDownMs, trialLeaseMs, ttlMs. CircuitBreaker.acquire, with the trial held by a lease.
	mrBrkAcquire: `
local b = redis.call('HMGET', KEYS[1], 'current', 'failures', 'openedAt', 'trialUntil')
if not b[1] then return {'allow', '0'} end
local now, cool = tonumber(ARGV[1]), tonumber(ARGV[2])
local openedAt = tonumber(b[3])
local state = b[1]
if state == 'open' and now >= openedAt + cool then state = 'half_open' end
expire(KEYS[1], tonumber(ARGV[4]))
if state == 'closed' then return {'allow', '0'} end
if state == 'half_open' and tonumber(b[4]) <= now then
	redis.call('HSET', KEYS[1], 'current', 'half_open', 'trialUntil', fmt(now + tonumber(ARGV[3])))
	return {'allow', '1'}
end
return {'deny', state, b[2], fmt(openedAt + cool)}`,
	// ARGV: outcome, now, trial (1/0), failureThreshold, ttlMs. CircuitBreaker.record.
	mrBrkRecord: `
local b = redis.call('HMGET', KEYS[1], 'current', 'failures', 'openedAt', 'trialUntil')
if not b[1] then
	-- A closed breaker without failures is what a missing key means already.
	if ARGV[1] == 'success' then return 0 end
	b = {'closed', '0', '0', '0'}
end
local current, failures, openedAt, trialUntil = b[1], tonumber(b[2]), b[3], b[4]
if ARGV[3] == '1' then trialUntil = '0' end
if ARGV[1] == 'success' then
	failures = 0
	current = 'closed'
else
	failures = failures + 1
	if ARGV[3] == '1' or current == 'half_open' or failures >= tonumber(ARGV[4]) then
		current = 'open'
		openedAt = ARGV[2]
	end
end
redis.call('HSET', KEYS[1], 'current', current, 'failures', fmt(failures), 'openedAt', openedAt, 'trialUntil', trialUntil)
expire(KEYS[1], tonumber(ARGV[5]))
return 1`,
	// No ARGV. Gives back the trial; the TTL stays as the last record/acquire set it.
	mrBrkRelease: `
if redis.call('EXISTS', KEYS[1]) == 1 then redis.call('HSET', KEYS[1], 'trialUntil', '0') end
return 1`,
	// ARGV: now, windowMs, keep, member (unique). recordInPlace over a sorted set scored by time.
	mrWinCount: `
local now, win, keep = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
if keep <= 0 then redis.call('DEL', KEYS[1]) return 0 end
redis.call('ZADD', KEYS[1], ARGV[1], ARGV[4])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', fmt(now - win))
local n = redis.call('ZCARD', KEYS[1])
if n > keep then
	redis.call('ZREMRANGEBYRANK', KEYS[1], 0, n - keep - 1)
	n = keep
end
if n == 0 then redis.call('DEL', KEYS[1]) return 0 end
local newest = tonumber(redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')[2])
expire(KEYS[1], math.max(newest, now) - now + win)
return n`,
	// ARGV: now, periodMs, clockSkewMs. fire and claim: the time stored when it is recent (as
	// windows.ts recentTime reads it), else stores now for periodMs and returns {}.
	mrWinMark: `
local now, period, skew = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local at = tonumber(redis.call('GET', KEYS[1]) or '')
if at and at == at and math.abs(at) <= 8.64e15 and at <= now + skew then
	at = math.min(at, now)
	if now - at < period then return {fmt(at)} end
end
if period > 0 then
	redis.call('SET', KEYS[1], ARGV[1], 'PX', string.format('%.0f', math.ceil(period)))
else
	redis.call('DEL', KEYS[1])
end
return {}`,
	// ARGV: value, sampleKey, hasKey (1/0), keep, ttlMs. sampleInPlace (core/policy/anomaly.ts) over a
	// hash: v = the readings (comma-separated, as the client wrote them), k = the newest key counted.
	// Returns {0, k} for a repeat, else {1, the readings before this one}. Keys compare byte by byte
	// (Lua's < follows the server's locale), as JavaScript compares them.
	mrWinSample: `
local function after(a, b)
	for i = 1, math.min(#a, #b) do
		local x, y = string.byte(a, i), string.byte(b, i)
		if x ~= y then return x > y end
	end
	return #a > #b
end
local h = redis.call('HMGET', KEYS[1], 'v', 'k')
if ARGV[3] == '1' and h[2] and not after(ARGV[2], h[2]) then return {0, h[2]} end
local before = h[1] or ''
local values = {}
for x in string.gmatch(before, '[^,]+') do values[#values + 1] = x end
values[#values + 1] = ARGV[1]
local keep = tonumber(ARGV[4])
redis.call('HSET', KEYS[1], 'v', table.concat(values, ',', math.max(1, #values - keep + 1), #values))
if ARGV[3] == '1' then redis.call('HSET', KEYS[1], 'k', ARGV[2]) end
expire(KEYS[1], tonumber(ARGV[5]))
return {1, before}`,
	// ARGV: now, leaseMs, pendingKeepMs. MemoryJournal.claim.
	mrJnlClaim: `
local h = redis.call('HMGET', KEYS[1], 'state', 'at', 'until', 'outcome')
local now, lease = tonumber(ARGV[1]), tonumber(ARGV[2])
if h[1] then
	if tonumber(h[3]) > now then return {h[1], h[2], h[4]} end
	-- A lease that ran out without an answer: its holder died while sending (or hung). It may
	-- have been applied, so the key stays taken, as ambiguous, instead of being claimed again.
	if h[1] == 'pending' then
		redis.call('HSET', KEYS[1], 'state', 'ambiguous', 'until', fmt(now + tonumber(ARGV[3])))
		expire(KEYS[1], tonumber(ARGV[3]))
		return {'ambiguous', h[2]}
	end
end
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'state', 'pending', 'at', ARGV[1], 'until', fmt(now + lease))
expire(KEYS[1], lease + tonumber(ARGV[3]))
return {'claimed'}`,
	// ARGV: state (done/ambiguous), now, ttlMs, outcome JSON (done only). complete and abandon.
	mrJnlSettle: `
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'state', ARGV[1], 'at', ARGV[2], 'until', fmt(tonumber(ARGV[2]) + tonumber(ARGV[3])))
if ARGV[4] then redis.call('HSET', KEYS[1], 'outcome', ARGV[4]) end
expire(KEYS[1], tonumber(ARGV[3]))
return 1`,
};

type ScriptName = keyof typeof SCRIPTS;
type Reply = string | number | null | Reply[];
type Scripted = Redis & Record<ScriptName, (key: string, ...args: string[]) => Promise<Reply>>;

/**
 * ioredis's own TCP/TLS connector, except that the socket is unref'd from the start: an idle pooled
 * connection (or one still trying to connect) never keeps the n8n process, a script or a test alive.
 */
class UnrefConnector extends AbstractConnector {
	private readonly options: { host: string; port: number; tls?: object; disconnectTimeout?: number };

	/** ioredis hands its whole options object (host, port, tls among them). */
	constructor(options: unknown) {
		const target = options as UnrefConnector['options'];
		super(target.disconnectTimeout ?? 2000);
		this.options = target;
	}

	connect(): Promise<Socket> {
		this.connecting = true;
		return new Promise((resolve, reject) => {
			process.nextTick(() => {
				if (!this.connecting) return reject(new Error('Connection is closed.'));
				const { host, port, tls } = this.options;
				const stream = tls ? tlsConnect({ host, port, ...tls }) : createConnection({ host, port });
				stream.unref();
				stream.once('error', (error) => (this.firstError = error));
				this.stream = stream;
				resolve(stream);
			});
		});
	}

	/** At once: ioredis's default (end, then destroy after a timer) would hold the process that long. */
	disconnect(): void {
		this.connecting = false;
		this.stream?.destroy();
	}
}

const str = (value: number) => String(value);

export class RedisStore implements StateStore {
	readonly kind = 'redis' as const;
	private readonly client: Scripted;
	private readonly where: string;
	/** The latest connection error, told with a timeout so the message says why. */
	private lastError: string | undefined;
	/** Window event members: unique across processes (token) and within one ms (sequence). */
	private readonly token = randomBytes(6).toString('hex');
	private sequence = 0;

	constructor(private readonly connection: RedisConnection) {
		this.where = `${connection.host}:${connection.port}`;
		const client = new Redis({
			host: connection.host,
			port: connection.port,
			db: connection.database,
			username: connection.user || undefined,
			password: connection.password || undefined,
			tls: connection.tls ? {} : undefined,
			Connector: UnrefConnector,
			connectTimeout: 2000,
			commandTimeout: 1000,
			maxRetriesPerRequest: 1,
			// Keep trying for as long as the store lives, so a restarted Redis is used again on its own.
			retryStrategy: (attempt) => Math.min(attempt * 100, 2000),
		});
		client.on('error', (error: Error) => {
			if (error.name !== 'MaxRetriesPerRequestError') this.lastError = this.scrub(error.message); // that one is ours, not the connection's
		});
		client.on('ready', () => (this.lastError = undefined));
		// ioredis keeps the reconnect timer in a field it does not expose; unref'd, a process whose
		// Redis is down can still exit. (The timer is set before this event is emitted.)
		client.on('reconnecting', () => (client as unknown as { reconnectTimeout?: NodeJS.Timeout }).reconnectTimeout?.unref?.());
		for (const [name, lua] of Object.entries(SCRIPTS)) client.defineCommand(name, { numberOfKeys: 1, lua: LUA_PRELUDE + lua });
		this.client = client as Scripted;
	}

	/** Closes the connection (and leaves the pool); later operations reject. */
	async close(): Promise<void> {
		for (const [id, store] of stores) if (store === this) stores.delete(id);
		this.client.disconnect();
	}

	private scrub(message: string): string {
		const { password } = this.connection;
		return password ? message.split(password).join('***') : message;
	}

	private async run(what: string, name: ScriptName, key: string, ...args: string[]): Promise<Reply> {
		return await this.command(what, () => this.client[name](key, ...args));
	}

	private async command<T>(what: string, send: () => Promise<T>): Promise<T> {
		try {
			return await send();
		} catch (error) {
			throw this.unavailable(what, error);
		}
	}

	/** Names the server and the operation, and why: the connection's last error when there is one. */
	private unavailable(what: string, error: unknown): StateUnavailableError {
		const name = error instanceof Error ? error.name : '';
		let reason = name === 'MaxRetriesPerRequestError' ? 'not connected' : this.scrub(error instanceof Error ? error.message : String(error));
		if (this.lastError && !reason.includes(this.lastError)) reason += ` (${this.lastError})`;
		return new StateUnavailableError(`Redis ${this.where}: ${what} failed: ${reason}`);
	}

	/**
	 * A JSON state changed by pure steps: the step runs here, on the state it read; the write
	 * succeeds only on that same state, so a concurrent step on another worker makes this one run
	 * again on the newer state.
	 */
	private stepped<S>(what: string, redisKey: (key: string) => string): SteppedStore<S> {
		return {
			update: async <R>(key: string, step: StateStep<S, R>) => {
				const stored = redisKey(key);
				let raw = (await this.command(`${what} read`, () => this.client.get(stored))) ?? '';
				for (let attempt = 1; ; attempt++) {
					const { state, result, ttlMs } = step(raw ? (JSON.parse(raw) as S) : undefined);
					const reply = (await this.run(`${what} write`, 'mrStepSet', stored, raw, JSON.stringify(state), str(ttlMs))) as [number, string?];
					if (reply[0] === 1) return result;
					if (attempt >= STEP_CAS_ATTEMPTS) throw new StateUnavailableError(`Redis ${this.where}: ${what} state changed ${attempt} times while being updated`);
					raw = reply[1] ?? '';
				}
			},
		};
	}

	readonly pacing: PacingStore = this.stepped<PacingState>('pacing', redisKeys.pacing);
	readonly findings: FindingsStore = this.stepped<ReportedFindings>('health findings', redisKeys.findings);

	readonly breakers: BreakerStore = {
		acquire: async (key, now, policy): Promise<BreakerPermit> => {
			const args = [str(now), str(policy.coolDownMs), str(trialLeaseMs(policy)), str(breakerTtlMs(policy))];
			const reply = (await this.run('circuit breaker acquire', 'mrBrkAcquire', redisKeys.breaker(key), ...args)) as string[];
			if (reply[0] === 'allow') return { allowed: true, trial: reply[1] === '1' };
			return { allowed: false, state: reply[1] as BreakerState, failures: Number(reply[2]), halfOpensAt: Number(reply[3]) };
		},
		record: async (key, outcome: BreakerOutcome, now, trial, policy) => {
			const args = [outcome, str(now), trial ? '1' : '0', str(policy.failureThreshold), str(breakerTtlMs(policy))];
			await this.run('circuit breaker record', 'mrBrkRecord', redisKeys.breaker(key), ...args);
		},
		release: async (key, trial) => {
			if (trial) await this.run('circuit breaker release', 'mrBrkRelease', redisKeys.breaker(key));
		},
	};

	readonly journal: JournalStore = {
		claim: async (key, now, leaseMs): Promise<JournalEntry> => {
			const reply = (await this.run('journal claim', 'mrJnlClaim', redisKeys.journal(key), str(now), str(leaseMs), str(UNSETTLED_KEEP_MS))) as string[];
			const [state, at, outcome] = reply;
			if (state === 'claimed') return { state };
			if (state === 'done') return { state, at: Number(at), outcome: JSON.parse(outcome) as JournalOutcome };
			return { state: state as 'pending' | 'ambiguous', at: Number(at) };
		},
		complete: async (key, outcome, now, ttlMs) => {
			await this.run('journal complete', 'mrJnlSettle', redisKeys.journal(key), 'done', str(now), str(ttlMs), storedOutcome(outcome));
		},
		abandon: async (key, now, ttlMs) => {
			await this.run('journal abandon', 'mrJnlSettle', redisKeys.journal(key), 'ambiguous', str(now), str(ttlMs));
		},
		release: async (key) => {
			// One DEL: atomic as it is, no script needed.
			await this.client.del(redisKeys.journal(key)).catch((error: unknown) => {
				throw this.unavailable('journal release', error);
			});
		},
	};

	windows(namespace: string): WindowStore {
		const key = (kind: WindowKind, name: string) => redisKeys.window(namespace, kind, name);
		return {
			count: async (name, now, windowMs, keep) => {
				const member = `${this.token}:${(this.sequence++).toString(36)}`;
				return Number(await this.run('threshold count', 'mrWinCount', key('evt', name), str(now), str(windowMs), str(keep), member));
			},
			fire: async (name, now, windowMs) => {
				const reply = (await this.run('threshold fire', 'mrWinMark', key('fire', name), str(now), str(windowMs), str(CLOCK_SKEW_MS))) as string[];
				return reply.length === 0;
			},
			claim: async (name, now, cooldownMs) => {
				const reply = (await this.run('cooldown claim', 'mrWinMark', key('cool', name), str(now), str(cooldownMs), str(CLOCK_SKEW_MS))) as string[];
				return reply.length === 0 ? { claimed: true } : { claimed: false, lastAt: Number(reply[0]) };
			},
			sample: async (name, _now, value, sampleKey, keep): Promise<SampleAnswer> => {
				const args = [String(value), sampleKey ?? '', sampleKey === undefined ? '0' : '1', str(keep), str(BASELINE_TTL_MS)];
				const reply = (await this.run('anomaly baseline', 'mrWinSample', key('base', name), ...args)) as [number, string];
				if (Number(reply[0]) !== 1) return { counted: false, lastKey: reply[1] };
				return { counted: true, before: reply[1] === '' ? [] : reply[1].split(',').map(Number) };
			},
		};
	}
}

/** The outcome as stored: JSON, its body replaced by `{ truncated: true }` past MAX_OUTCOME_BYTES. */
function storedOutcome(outcome: JournalOutcome): string {
	let json: string | undefined;
	try {
		json = JSON.stringify({ status: outcome.status, body: outcome.body });
	} catch {
		json = undefined; // not JSON (a cycle, a BigInt): kept like a body too large to keep
	}
	if (json !== undefined && Buffer.byteLength(json) <= MAX_OUTCOME_BYTES) return json;
	return JSON.stringify({ status: outcome.status, body: { truncated: true } });
}

const stores = new Map<string, RedisStore>();

/** One store (one connection) per distinct Redis connection in this process. */
export function redisStoreFor(connection: RedisConnection): RedisStore {
	const password = createHash('sha256').update(connection.password ?? '').digest('hex');
	const id = JSON.stringify([connection.host, connection.port, connection.database, connection.user ?? '', connection.tls, password]);
	let store = stores.get(id);
	if (!store) {
		store = new RedisStore(connection);
		stores.set(id, store);
	}
	return store;
}

/** Closes every pooled store (tests; a process exiting needs nothing: idle connections are unref'd). */
export async function closeRedisStores(): Promise<void> {
	const all = [...stores.values()];
	stores.clear();
	await Promise.all(all.map((store) => store.close()));
}
