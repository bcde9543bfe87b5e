import {
	backoffDelay,
	CircuitBreaker,
	DEFAULT_RETRY_POLICY,
	deriveIdempotencyKey,
	isWriteMethod,
	pathTemplate,
	retryDelay,
	stableStringify,
} from '../../../nodes/shared/core';
import { appSecretProof, resolveMetaUrl } from '../../../nodes/shared/transport';

describe('backoff', () => {
	const policy = { ...DEFAULT_RETRY_POLICY, baseDelayMs: 1000, maxDelayMs: 60_000 };

	it('grows exponentially under full jitter and is capped', () => {
		const top = () => 0.999999;
		expect([0, 1, 2, 3].map((retry) => backoffDelay(retry, policy, top))).toEqual([999, 1999, 3999, 7999]);
		expect(backoffDelay(10, policy, top)).toBe(59_999);
		expect(backoffDelay(3, policy, () => 0)).toBe(0);
		expect(backoffDelay(2, policy, () => 0.5)).toBe(2000);
	});

	it('lets a longer server hint replace the computed delay, never a shorter one', () => {
		expect(retryDelay(0, policy, 30_000, () => 0.5)).toBe(30_000);
		expect(retryDelay(3, policy, 100, () => 0.5)).toBe(4000);
		expect(retryDelay(0, policy, undefined, () => 0.5)).toBe(500);
		// A hint may exceed the cap: Meta knows when access comes back.
		expect(retryDelay(0, policy, 120_000, () => 0.5)).toBe(120_000);
	});
});

describe('circuit breaker', () => {
	const policy = { failureThreshold: 3, coolDownMs: 1000 };

	it('opens after N consecutive failures, fails fast, half-opens for one trial, closes on success', () => {
		const breaker = new CircuitBreaker(policy);
		for (let i = 0; i < 2; i++) breaker.record('failure', 0, false);
		expect(breaker.state(0)).toBe('closed');
		breaker.record('success', 0, false); // a success resets the streak
		for (let i = 0; i < 3; i++) breaker.record('failure', 10, false);
		expect(breaker.state(10)).toBe('open');
		expect(breaker.acquire(500)).toEqual({ allowed: false, state: 'open', failures: 3, halfOpensAt: 1010 });

		const trial = breaker.acquire(1010);
		expect(trial).toEqual({ allowed: true, trial: true });
		expect(breaker.acquire(1011).allowed).toBe(false); // one trial at a time
		breaker.record('success', 1020, true);
		expect(breaker.state(1020)).toBe('closed');
		expect(breaker.acquire(1020)).toEqual({ allowed: true, trial: false });
	});

	it('re-opens when the trial fails, for a fresh cool-down', () => {
		const breaker = new CircuitBreaker(policy);
		for (let i = 0; i < 3; i++) breaker.record('failure', 0, false);
		expect(breaker.acquire(1000).allowed).toBe(true);
		breaker.record('failure', 1005, true);
		expect(breaker.state(1500)).toBe('open');
		expect(breaker.acquire(1500)).toMatchObject({ allowed: false, halfOpensAt: 2005 });
		expect(breaker.acquire(2005)).toEqual({ allowed: true, trial: true });
	});

	it('frees the trial slot when the trial call ended without a result', () => {
		const breaker = new CircuitBreaker(policy);
		for (let i = 0; i < 3; i++) breaker.record('failure', 0, false);
		expect(breaker.acquire(1000)).toEqual({ allowed: true, trial: true });
		breaker.release(true);
		expect(breaker.acquire(1001)).toEqual({ allowed: true, trial: true });
	});

	it('keys breakers by endpoint template', () => {
		expect(pathTemplate('/v24.0/123/ads')).toBe('/v24.0/{id}/ads');
		expect(pathTemplate('/v24.0/act_987/campaigns')).toBe('/v24.0/{id}/campaigns');
		expect(pathTemplate('/v24.0/12_34/comments')).toBe('/v24.0/{id}/comments');
		expect(pathTemplate('/v24.0/me')).toBe('/v24.0/me');
	});
});

describe('idempotency', () => {
	const parts = { workflowId: 'wf1', executionId: '42', nodeName: 'Meta Request', itemIndex: 0, method: 'POST', path: 'act_1/ads', body: { a: 1, b: [1, 2] } };

	it('classifies writes', () => {
		expect(['POST', 'put', 'PATCH', 'DELETE'].every(isWriteMethod)).toBe(true);
		expect(['GET', 'HEAD', 'OPTIONS'].some(isWriteMethod)).toBe(false);
	});

	it('derives a stable key that changes with the item, the body and the execution', () => {
		const key = deriveIdempotencyKey(parts);
		expect(key).toMatch(/^n8n-[0-9a-f]{40}$/);
		expect(deriveIdempotencyKey({ ...parts, body: { b: [1, 2], a: 1 } })).toBe(key);
		expect(deriveIdempotencyKey({ ...parts, itemIndex: 1 })).not.toBe(key);
		expect(deriveIdempotencyKey({ ...parts, body: { a: 2, b: [1, 2] } })).not.toBe(key);
		expect(deriveIdempotencyKey({ ...parts, executionId: '43' })).not.toBe(key);
		expect(deriveIdempotencyKey({ ...parts, workflowId: 'wf2' })).not.toBe(key);
	});

	it('derives the same key in a re-run when the execution is left out (scope Workflow)', () => {
		const { executionId: _, ...workflowScope } = parts;
		const key = deriveIdempotencyKey(workflowScope);
		expect(deriveIdempotencyKey({ ...workflowScope })).toBe(key);
		expect(key).not.toBe(deriveIdempotencyKey(parts));
		expect(deriveIdempotencyKey({ ...workflowScope, nodeName: 'Other' })).not.toBe(key);
		expect(stableStringify({ b: 1, a: { d: undefined, c: null } })).toBe('{"a":{"c":null},"b":1}');
	});
});

describe('resolveMetaUrl', () => {
	const base = { baseUrl: 'https://graph.facebook.com', apiVersion: 'v24.0', accessToken: 'EAAcanary0000SECRET0000TOKEN' };

	it('prefixes the version, keeps an explicit one, encodes objects as JSON', () => {
		expect(resolveMetaUrl(base, 'me').display).toBe('https://graph.facebook.com/v24.0/me');
		expect(resolveMetaUrl(base, '/act_1/ads?fields=id').display).toBe('https://graph.facebook.com/v24.0/act_1/ads?fields=id');
		expect(resolveMetaUrl(base, 'v19.0/me').display).toBe('https://graph.facebook.com/v19.0/me');
		const { display } = resolveMetaUrl(base, 'act_1/insights', { fields: 'spend', time_range: { since: '2024-01-01' }, limit: 5 });
		expect(new URL(display).searchParams.get('time_range')).toBe('{"since":"2024-01-01"}');
		expect(new URL(display).searchParams.get('limit')).toBe('5');
	});

	it('keeps a base URL path prefix (proxies)', () => {
		expect(resolveMetaUrl({ ...base, baseUrl: 'http://127.0.0.1:9/graph/' }, 'me').display).toBe('http://127.0.0.1:9/graph/v24.0/me');
	});

	it('accepts full URLs on the same origin and strips credential parameters', () => {
		const next = `https://graph.facebook.com/v24.0/act_1/ads?access_token=${base.accessToken}&after=abc&appsecret_proof=x`;
		const { display, url } = resolveMetaUrl(base, next, { access_token: 'other' });
		expect(display).toBe('https://graph.facebook.com/v24.0/act_1/ads?after=abc');
		expect(url.toString()).not.toContain(base.accessToken);
	});

	it('refuses any other origin without echoing the URL', () => {
		for (const path of [
			'https://evil.example/v24.0/me',
			'//evil.example/me',
			'http://graph.facebook.com/v24.0/me',
			'https://graph.facebook.com.evil.example/me',
		]) {
			expect(() => resolveMetaUrl(base, `${path}?access_token=${base.accessToken}`)).toThrow(/Refused to call/);
			try {
				resolveMetaUrl(base, `${path}?access_token=${base.accessToken}`);
			} catch (error) {
				expect(String(error)).not.toContain(base.accessToken);
			}
		}
	});

	it('adds appsecret_proof (HMAC-SHA256 of the token) to the sent URL only', () => {
		const { url, display } = resolveMetaUrl({ ...base, appSecret: 'app-secret-value' }, 'me');
		expect(url.searchParams.get('appsecret_proof')).toBe(appSecretProof(base.accessToken, 'app-secret-value'));
		expect(appSecretProof(base.accessToken, 'app-secret-value')).toMatch(/^[0-9a-f]{64}$/);
		expect(display).not.toContain('appsecret_proof');
	});
});
