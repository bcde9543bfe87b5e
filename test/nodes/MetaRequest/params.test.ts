import { buildRequest, clientSettings, itemParamsSchema, optionsSchema, PARAMETER_LABELS, queryParamsSchema } from '../../../nodes/MetaRequest/params';
import { formatZodIssues } from '../../../nodes/shared/n8n';

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
		expect(buildRequest(parse({ operation: 'create', objectId: 'act_1', edge: 'campaigns', jsonBody: '{"name":"C"}' }), {})).toEqual({ method: 'POST', path: 'act_1/campaigns', query: {}, body: { name: 'C' }, writeKind: 'create' });
		expect(buildRequest(parse({ operation: 'update', objectId: '123', jsonBody: { daily_budget: 500 } }), {})).toEqual({ method: 'POST', path: '123', query: {}, body: { daily_budget: 500 }, writeKind: 'idempotent' });
		expect(buildRequest(parse({ operation: 'delete', objectId: '123' }), {})).toEqual({ method: 'DELETE', path: '123', query: {}, writeKind: 'idempotent' });
		expect(buildRequest(parse({ operation: 'pause', objectId: '123' }), {})).toEqual({ method: 'POST', path: '123', query: {}, body: { status: 'PAUSED' }, writeKind: 'idempotent' });
		expect(buildRequest(parse({ operation: 'custom', method: 'GET', path: 'me/adaccounts', jsonBody: '{"x":1}' }), { fields: 'id' })).toEqual({ method: 'GET', path: 'me/adaccounts', query: { fields: 'id' }, body: undefined, writeKind: undefined });
		// A Custom API Call's write kind: inferred by the client from the path unless the user states it.
		const custom = (writeKind?: string) => buildRequest(parse({ operation: 'custom', method: 'POST', path: '123', writeKind }), {});
		expect(custom().writeKind).toBeUndefined();
		expect(custom('create').writeKind).toBe('create');
		expect(custom('idempotent').writeKind).toBe('idempotent');
		expect(issues({ operation: 'custom', method: 'POST', path: '123', writeKind: 'twice' })).toMatch(/^Write Kind: /);
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
		expect(options).toMatchObject({ maxAttempts: 5, baseDelayMs: 1000, maxDelayMs: 60_000, timeBudgetMs: 300_000, throttleThreshold: 95, breakerThreshold: 5, breakerCoolDownMs: 30_000, concurrency: 1, maxPages: 100, retryWritesWithKey: false, errorField: 'metaError' });
		expect(clientSettings({ ...options, timeoutMs: 5000 })).toEqual({
			journal: { ttlMs: 24 * 3_600_000, whenUnavailable: 'fail' },
			retry: { maxAttempts: 5, baseDelayMs: 1000, maxDelayMs: 60_000, totalBudgetMs: 300_000 },
			throttle: { thresholdPercent: 95, maxDelayMs: 60_000 },
			breaker: { failureThreshold: 5, coolDownMs: 30_000 },
			timeouts: { headersMs: 5000, bodyMs: 5000 },
		});
		expect(optionsSchema.safeParse({ errorField: 'meta error' }).success).toBe(false);
	});

	it('takes a whole number as an ID, and refuses one that has already lost digits', () => {
		expect(parse({ operation: 'pause', objectId: 120210000000001 })).toMatchObject({ objectId: '120210000000001' });
		expect(parse({ operation: 'getObject', objectId: Number.MAX_SAFE_INTEGER })).toMatchObject({ objectId: '9007199254740991' });
		expect(parse({ operation: 'delete', objectId: 0 })).toMatchObject({ objectId: '0' });
		// 120210000000000001 as a JavaScript number is already 120210000000000000.
		const lost = issues({ operation: 'pause', objectId: 120210000000000001 });
		expect(lost).toMatch(/^Object ID: is a number larger than 2\^53, so its last digits are already lost; keep the ID as text/);
		expect(lost).not.toMatch(/12021/);
		expect(issues({ operation: 'pause', objectId: 2 ** 53 })).toMatch(/larger than 2\^53/);
		expect(issues({ operation: 'pause', objectId: 12.5 })).toMatch(/^Object ID: is a number that is not an ID \(negative or not whole\); give the ID as text/);
		expect(issues({ operation: 'pause', objectId: -3 })).toMatch(/^Object ID: is a number that is not an ID/);
		expect(issues({ operation: 'pause', objectId: Number.NaN })).toBe('Object ID: must be an ID as text, e.g. 120210000000000');
		expect(issues({ operation: 'pause', objectId: true })).toBe('Object ID: must be an ID as text, e.g. 120210000000000');
	});

	it('takes a whole number as the idempotency key, never a rounded one', () => {
		expect(optionsSchema.parse({ idempotencyKey: 42 }).idempotencyKey).toBe('42');
		const result = optionsSchema.safeParse({ idempotencyKey: 2 ** 60 });
		expect(result.success).toBe(false);
		expect(formatZodIssues(result.error!, PARAMETER_LABELS)).toMatch(/^Idempotency Key: is a number larger than 2\^53/);
	});

	describe('Query Parameters', () => {
		const query = (entries: unknown) => queryParamsSchema.parse(entries);
		const problems = (entries: unknown) => {
			const result = queryParamsSchema.safeParse(entries);
			if (result.success) throw new Error('expected invalid query parameters');
			return formatZodIssues(result.error, PARAMETER_LABELS);
		};

		it('become the query object: objects as they are, an empty value sent empty, undefined left out', () => {
			expect(query(undefined)).toEqual({});
			expect(query([{ name: ' limit ', value: '20' }, { name: 'filtering', value: [{ field: 'x' }] }, { name: 'after', value: '' }, { name: 'before', value: undefined }])).toEqual({
				limit: '20',
				filtering: [{ field: 'x' }],
				after: '',
			});
		});

		it('refuse a value that resolved to null, naming the parameter, not the value', () => {
			expect(problems([{ name: 'limit', value: '5' }, { name: 'date_preset', value: null }])).toBe(
				'Query Parameters → date_preset: resolved to null; remove the parameter or give it a value',
			);
		});

		it('refuse a name given twice instead of sending only the last', () => {
			expect(problems([{ name: 'fields', value: 'id' }, { name: 'fields ', value: 'name' }])).toBe(
				'Query Parameters → fields: is given more than once; give each parameter once (for a list, one value holding a JSON array such as ["a","b"])',
			);
		});

		it('refuse a parameter without a name, or one the credential sets', () => {
			expect(problems([{ name: 'a', value: '1' }, { name: '  ', value: 'x' }])).toBe('Query Parameters: parameter 2 has no name');
			const token = problems([{ name: 'access_token', value: 'EAAcanary0000SECRET0000TOKEN' }]);
			expect(token).toBe('Query Parameters → access_token: is set by the credential; remove this parameter');
			expect(token).not.toContain('EAAcanary');
		});
	});

	it('refuses an Error Field that the node writes itself', () => {
		const result = optionsSchema.safeParse({ errorField: 'metaRequest' });
		expect(result.success).toBe(false);
		expect(formatZodIssues(result.error!, PARAMETER_LABELS)).toBe(
			"Error Field: must not be metaRequest: the node writes the call's details there, which would replace the error; keep metaError",
		);
		expect(optionsSchema.parse({ errorField: 'failure' }).errorField).toBe('failure');
	});
});
