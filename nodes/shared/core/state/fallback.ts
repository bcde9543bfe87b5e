// A shared store (Redis) backed by this process's memory: when the shared store cannot be reached,
// pacing, breakers, router windows and Health Check findings go on in process memory and the caller is told, once. The
// switch is sticky for the wrapper's life (one item), so a breaker permit is recorded where it was
// taken. The journal never falls back: a write must not be sent on a journal only this process sees.
import { StateUnavailableError, type StateStore } from './store';

export function withFallback(primary: StateStore, fallback: StateStore, warn: (message: string) => void): StateStore {
	let fellBack = false;
	const use = async <T>(what: string, run: (store: StateStore) => Promise<T>): Promise<T> => {
		if (fellBack) return await run(fallback);
		try {
			return await run(primary);
		} catch (error) {
			if (!(error instanceof StateUnavailableError)) throw error;
			fellBack = true;
			warn(`${primary.kind} unreachable (${error.message}): ${what} kept in this n8n process only`);
			return await run(fallback);
		}
	};
	return {
		kind: primary.kind,
		pacing: { update: (key, step) => use('pacing', (s) => s.pacing.update(key, step)) },
		findings: { update: (key, step) => use('health findings', (s) => s.findings.update(key, step)) },
		breakers: {
			acquire: (key, now, policy) => use('circuit breaker', (s) => s.breakers.acquire(key, now, policy)),
			record: (key, outcome, now, trial, policy) => use('circuit breaker', (s) => s.breakers.record(key, outcome, now, trial, policy)),
			release: (key, trial) => use('circuit breaker', (s) => s.breakers.release(key, trial)),
		},
		journal: primary.journal,
		windows: (namespace) => {
			const [shared, local] = [primary.windows(namespace), fallback.windows(namespace)];
			const pick = (store: StateStore) => (store === primary ? shared : local);
			return {
				count: (key, now, windowMs, keep) => use('thresholds', (s) => pick(s).count(key, now, windowMs, keep)),
				fire: (key, now, windowMs) => use('thresholds', (s) => pick(s).fire(key, now, windowMs)),
				claim: (key, now, cooldownMs) => use('cooldowns', (s) => pick(s).claim(key, now, cooldownMs)),
				sample: (key, now, value, sampleKey, keep) => use('anomaly baselines', (s) => pick(s).sample(key, now, value, sampleKey, keep)),
			};
		},
	};
}
