import { buildRequest, clientSettings, itemParamsSchema, optionsSchema, PARAMETER_LABELS } from '../../nodes/MetaRequest/params';
import { formatZodIssues } from '../../nodes/shared/n8n';

const parse = (raw: Record<string, unknown>) => itemParamsSchema.parse(raw);
const issues = (raw: Record<string, unknown>) => {
	const result = itemParamsSchema.safeParse(raw);
	if (result.success) throw new Error('expected invalid parameters');
	return formatZodIssues(result.error, PARAMETER_LABELS);
};

describe('Meta Request parameters', () => {
	it('turns each preset into its Graph call', () => {
		expect(buildRequest(parse({ operation: 'getObject', objectId: '123', fields: 'id,name' }), {})).toEqual({ method: 'GET', path: '123', query: { fields: 'id,name' } });
		expect(buildRequest(parse({ operation: 'listEdge', objectId: 'act_1', edge: 'ads', returnAll: false, limit: 30 }), {})).toEqual({ method: 'GET', path: 'act_1/ads', query: { limit: 30 } });
		expect(buildRequest(parse({ operation: 'listEdge', objectId: 'act_1', edge: 'ads', returnAll: true }), { limit: '100' })).toEqual({ method: 'GET', path: 'act_1/ads', query: { limit: '100' } });
		expect(buildRequest(parse({ operation: 'create', objectId: 'act_1', edge: 'campaigns', jsonBody: '{"name":"C"}' }), {})).toEqual({ method: 'POST', path: 'act_1/campaigns', query: {}, body: { name: 'C' } });
		expect(buildRequest(parse({ operation: 'update', objectId: '123', jsonBody: { daily_budget: 500 } }), {})).toEqual({ method: 'POST', path: '123', query: {}, body: { daily_budget: 500 } });
		expect(buildRequest(parse({ operation: 'delete', objectId: '123' }), {})).toEqual({ method: 'DELETE', path: '123', query: {} });
		expect(buildRequest(parse({ operation: 'pause', objectId: '123' }), {})).toEqual({ method: 'POST', path: '123', query: {}, body: { status: 'PAUSED' } });
		expect(buildRequest(parse({ operation: 'custom', method: 'GET', path: 'me/adaccounts', jsonBody: '{"x":1}' }), { fields: 'id' })).toEqual({ method: 'GET', path: 'me/adaccounts', query: { fields: 'id' }, body: undefined });
	});

	it('names the parameter and the fix, never the value', () => {
		expect(issues({ operation: 'create', objectId: 'act_1', edge: 'ads', jsonBody: '{"name": ' })).toMatch(/^JSON Body: is not valid JSON; write an object/);
		expect(issues({ operation: 'update', objectId: '1', jsonBody: '[1,2]' })).toMatch(/^JSON Body: /);
		expect(issues({ operation: 'pause', objectId: '' })).toBe('Object ID: is empty; give an ID such as 120210000000000, act_123 or me');
		const url = issues({ operation: 'getObject', objectId: 'https://evil.example/?access_token=EAAcanary0000SECRET0000TOKEN' });
		expect(url).toMatch(/^Object ID: must be a single ID/);
		expect(url).not.toContain('EAAcanary');
		expect(issues({ operation: 'listEdge', objectId: 'act_1', edge: 'ads/../../x' })).toMatch(/^Edge: must be an edge name/);
	});

	it('fills option defaults and maps them onto the client', () => {
		const options = optionsSchema.parse({});
		expect(options).toMatchObject({ maxAttempts: 5, baseDelayMs: 1000, maxDelayMs: 60_000, timeBudgetMs: 300_000, throttleThreshold: 85, breakerThreshold: 5, breakerCoolDownMs: 30_000, concurrency: 1, maxPages: 100, retryWritesWithKey: false, errorField: 'metaError' });
		expect(clientSettings({ ...options, timeoutMs: 5000 })).toEqual({
			retry: { maxAttempts: 5, baseDelayMs: 1000, maxDelayMs: 60_000, totalBudgetMs: 300_000 },
			throttle: { thresholdPercent: 85, maxDelayMs: 60_000 },
			breaker: { failureThreshold: 5, coolDownMs: 30_000 },
			timeouts: { headersMs: 5000, bodyMs: 5000 },
		});
		expect(optionsSchema.safeParse({ errorField: 'meta error' }).success).toBe(false);
	});
});
