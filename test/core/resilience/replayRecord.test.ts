// The replay record and the recovery audit record, on their own: what a record holds (and never
// holds), how it is read back, how the audit record counts attempts and replays.
import { buildReplayRecord, readReplayRecord, recoveryRecord, relativeGraphPath, type ReplayRecord } from '../../../nodes/shared/core';

const BASE = { baseUrl: 'https://graph.facebook.com', apiVersion: 'v24.0' };
const CANARY = 'EAACanaryToken1234567890abcdef';
const AT = Date.parse('2026-12-01T10:00:00.000Z');

describe('relativeGraphPath', () => {
	test.each([
		['act_123/ads', 'act_123/ads', {}],
		['/act_123/ads', 'act_123/ads', {}],
		['v24.0/act_123/ads', 'act_123/ads', {}],
		['v19.0/me', 'v19.0/me', {}],
		['https://graph.facebook.com/v24.0/act_123/ads?fields=id,name', 'act_123/ads', { fields: 'id,name' }],
		[`https://graph.facebook.com/v24.0/me?access_token=${CANARY}&appsecret_proof=abc123def456`, 'me', {}],
		['https://evil.example/v24.0/me?x=1', 'https://evil.example/v24.0/me', {}],
	])('%s → %s', (path, expected, query) => {
		expect(relativeGraphPath(path, BASE)).toEqual({ path: expected, query });
	});

	test('a Base URL with a path prefix (a proxy) is taken off too', () => {
		expect(relativeGraphPath('https://proxy.example/meta/v24.0/act_1/ads', { baseUrl: 'https://proxy.example/meta', apiVersion: 'v24.0' })).toEqual({ path: 'act_1/ads', query: {} });
	});
});

describe('buildReplayRecord', () => {
	test('method, relative path, query, body, key, kind and when it failed; no credential parameter, no authentication header', () => {
		const record = buildReplayRecord(
			{
				method: 'post',
				path: `https://graph.facebook.com/v24.0/act_1/ads?access_token=${CANARY}`,
				query: { fields: 'id', appsecret_proof: 'p'.repeat(64) },
				body: { name: 'Ad', access_token: CANARY, appsecret_proof: 'x'.repeat(64) },
				headers: { Authorization: `Bearer ${CANARY}`, 'X-Trace': 'abc', 'x-api-key': 'k' },
				idempotencyKey: 'n8n-abc',
				writeKind: 'create',
			},
			BASE,
			AT,
		);
		expect(record).toEqual({
			method: 'POST',
			path: 'act_1/ads',
			query: { fields: 'id' },
			body: { name: 'Ad' },
			headers: { 'X-Trace': 'abc' },
			idempotencyKey: 'n8n-abc',
			writeKind: 'create',
			failedAt: '2026-12-01T10:00:00.000Z',
		});
		expect(JSON.stringify(record)).not.toContain(CANARY);
		expect(JSON.stringify(record)).not.toMatch(/access_token|appsecret_proof|Authorization/i);
	});

	test('marks: nothing sent, may have been applied, a list read', () => {
		const record = buildReplayRecord({ method: 'GET', path: 'act_1/ads', list: { limit: 10 }, notSent: true, mayBeApplied: true }, BASE, AT);
		expect(record).toMatchObject({ list: { limit: 10 }, notSent: true, mayBeApplied: true });
		expect(buildReplayRecord({ method: 'GET', path: 'me' }, BASE, AT)).toEqual({ method: 'GET', path: 'me', failedAt: '2026-12-01T10:00:00.000Z' });
	});
});

describe('readReplayRecord', () => {
	const record: ReplayRecord = { method: 'POST', path: 'act_1/ads', body: { name: 'Ad' }, idempotencyKey: 'n8n-1', writeKind: 'create', failedAt: '2026-12-01T10:00:00.000Z' };

	test('a record as Meta Request wrote it reads back unchanged', () => {
		expect(readReplayRecord({ id: 1, metaRequest: { attempts: 1, replay: record } })).toEqual({ record });
	});

	test('what is missing is named', () => {
		expect(readReplayRecord({ id: 1 })).toEqual({ problem: expect.stringContaining('no metaRequest.replay') });
		expect(readReplayRecord({ metaRequest: { attempts: 1 } })).toEqual({ problem: expect.stringMatching(/metaRequest is there but without replay/) });
		const { path: _path, ...noPath } = record;
		expect(readReplayRecord({ metaRequest: { replay: noPath } })).toEqual({ problem: expect.stringContaining('metaRequest.replay.path is missing') });
		const { idempotencyKey: _key, ...noKey } = record;
		expect(readReplayRecord({ metaRequest: { replay: noKey } })).toEqual({ problem: expect.stringContaining('metaRequest.replay.idempotencyKey is missing') });
		expect(readReplayRecord({ metaRequest: { replay: { ...record, method: 'FETCH', failedAt: 'yesterday' } } })).toEqual({
			problem: expect.stringMatching(/metaRequest\.replay\.method must be GET.*metaRequest\.replay\.failedAt must be an ISO time/),
		});
	});

	test('a read needs no key', () => {
		expect(readReplayRecord({ metaRequest: { replay: { method: 'GET', path: 'me', failedAt: record.failedAt } } })).toHaveProperty('record');
	});
});

describe('recoveryRecord', () => {
	const record: ReplayRecord = { method: 'POST', path: 'act_1/ads', idempotencyKey: 'k', failedAt: '2026-12-01T10:00:00.000Z' };

	test('the first replay counts the original run’s attempts', () => {
		expect(recoveryRecord({ metaRequest: { attempts: 2 } }, record, AT + 3_600_000, 1, 'succeeded')).toEqual({
			firstFailedAt: '2026-12-01T10:00:00.000Z',
			replayedAt: '2026-12-01T11:00:00.000Z',
			attempts: 3,
			replays: 1,
			outcome: 'succeeded',
		});
	});

	test('a later replay continues the earlier audit record (its metaRequest.attempts is already in it)', () => {
		const earlier = { firstFailedAt: '2026-12-01T09:00:00.000Z', replayedAt: 'x', attempts: 3, replays: 1, outcome: 'failed' };
		expect(recoveryRecord({ metaRequest: { attempts: 1 }, recovery: earlier }, record, AT, 0, 'already_succeeded')).toMatchObject({
			firstFailedAt: '2026-12-01T09:00:00.000Z',
			attempts: 3,
			replays: 2,
			outcome: 'already_succeeded',
		});
	});
});
