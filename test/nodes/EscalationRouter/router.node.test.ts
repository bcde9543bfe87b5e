// The Escalation Router through n8n's real engine: outputs, reasons, pairedItem, static data
// across executions (mode 'trigger' keeps it, 'manual' does not), storms, cooldowns, validation.
import type { IDataObject, INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { runNode, runWorkflow } from '../../helpers/engine';

const TYPE = 'n8n-nodes-meta-resilience.metaEscalationRouter';
const OUT = { retry: 0, pause: 1, alert: 2, escalate: 3, dead_letter: 4, ignore: 5 } as const;
const CANARY = 'EAAcanary0000SECRET0000TOKEN';

/** A Graph error body as Meta sends it: the router classifies it itself. */
const graph = (code: number, extra: IDataObject = {}) => ({
	error: { message: `(#${code}) something failed`, type: 'OAuthException', code, fbtrace_id: 'Trace1', ...extra },
});

/** Which output each input item (marked with `n`) left on. */
function routesByItem(outputs: INodeExecutionData[][]): Record<number, string> {
	const names = Object.keys(OUT);
	const routes: Record<number, string> = {};
	outputs.forEach((items, output) => {
		for (const item of items) {
			const n = item.json.n as number;
			expect(routes[n]).toBeUndefined(); // exactly one output per item
			expect(item.pairedItem).toEqual({ item: n });
			expect(item.json.route).toBe(names[output]);
			routes[n] = names[output];
		}
	});
	return routes;
}

async function route(items: IDataObject[], parameters: INodeParameters = {}, options: Parameters<typeof runNode>[3] = {}) {
	const run = await runNode(TYPE, parameters, items.map((json, n) => ({ n, ...json })), options);
	expect(run.error).toBeUndefined();
	return run;
}

test('default policy: every category on its output, each item once, paired, with a reason', async () => {
	const items = [
		graph(4), // rate_limit
		graph(2, { is_transient: true }), // server
		{ message: 'socket hang up', code: 'ECONNRESET' }, // network
		graph(190), // auth
		graph(10), // permission
		graph(368), // policy
		graph(100), // validation
		graph(100, { error_subcode: 33 }), // not_found
		graph(132001), // template
		graph(131026), // delivery
		{ status: 'failed', error_code: 'BUDGET_EXCEEDED', message: 'over budget' }, // business (AdCP)
		{ something: 'odd' }, // unknown
	];
	const run = await route(items, { neverAutomate: '' });
	expect(routesByItem(run.nodeOutputs)).toEqual({
		0: 'retry',
		1: 'retry',
		2: 'retry',
		3: 'escalate',
		4: 'escalate',
		5: 'pause',
		6: 'dead_letter',
		7: 'dead_letter',
		8: 'dead_letter',
		9: 'dead_letter',
		10: 'escalate',
		11: 'escalate',
	});
	const categories = run.nodeOutputs.flat().sort((a, b) => (a.json.n as number) - (b.json.n as number)).map((i) => (i.json.metaError as IDataObject).category);
	expect(categories).toEqual([
		'rate_limit',
		'server',
		'network',
		'auth',
		'permission',
		'policy',
		'validation',
		'not_found',
		'template',
		'delivery',
		'business',
		'unknown',
	]);
	const paused = run.nodeOutputs[OUT.pause][0].json;
	expect(paused.reason).toBe('default policy for policy 368 → pause');
	expect(paused.routing).toMatchObject({ by: 'default', alert: true, classifiedHere: true });
});

test('an existing metaError is used as given; attempts come from metaRequest.attempts and the cap', async () => {
	const metaError = { category: 'rate_limit', action: 'retry', retryable: true, source: 'graph', code: 17, meaning: 'm', remedy: 'r' };
	const run = await route([
		{ metaError, metaRequest: { attempts: 2 } },
		{ metaError, metaRequest: { attempts: 5 } },
		{ metaError, tries: 9 },
	], {});
	expect(routesByItem(run.nodeOutputs)).toEqual({ 0: 'retry', 1: 'dead_letter', 2: 'retry' });
	expect(run.nodeOutputs[OUT.dead_letter][0].json.reason).toContain('retry cap is reached (5 attempts, cap 5)');
	expect(run.nodeOutputs[OUT.retry][0].json.routing).not.toHaveProperty('classifiedHere');
	// From an error output: the classification sits under `error`.
	const fromErrorOutput = await route([{ error: { ...metaError, category: 'policy', action: 'pause' }, message: 'x' }]);
	expect(routesByItem(fromErrorOutput.nodeOutputs)).toEqual({ 0: 'pause' });
	expect(fromErrorOutput.nodeOutputs[OUT.pause][0].json.metaError).toMatchObject({ category: 'policy', code: 17 });
	const custom = await route([{ metaError, tries: 3 }], { attemptsField: 'tries', retryCap: 3 });
	expect(routesByItem(custom.nodeOutputs)).toEqual({ 0: 'dead_letter' });
});

test('rules: first match wins, conditions are ANDed, expressions are evaluated per item', async () => {
	const rules = {
		rule: [
			{ name: 'big spenders', categories: ['validation'], condition: '={{ $json.spend > 100 }}', route: 'alert' },
			{ name: 'creative subcode', codes: '100', subcodes: '1487390', route: 'pause' },
			{ name: 'all validation', categories: ['validation'], route: 'ignore' },
			{ name: 'campaign errors', objectTypes: 'campaign', route: 'escalate' },
		],
	};
	const run = await route(
		[
			{ ...graph(100), spend: 500 },
			{ ...graph(100, { error_subcode: 1487390 }), spend: 5 },
			{ ...graph(100), spend: 5 },
			{ ...graph(4), objectType: 'Campaign' },
			{ ...graph(4), objectType: 'ad' },
		],
		{ rules, neverAutomate: '' },
	);
	expect(routesByItem(run.nodeOutputs)).toEqual({ 0: 'alert', 1: 'pause', 2: 'ignore', 3: 'escalate', 4: 'retry' });
	expect(run.nodeOutputs[OUT.alert][0].json.reason).toBe('rule "big spenders" matched validation 100 → alert');
	expect(run.nodeOutputs[OUT.pause][0].json.routing).toMatchObject({ by: 'rule', rule: 'creative subcode' });
});

test('never automate: budget fields always escalate, before any rule', async () => {
	const rules = { rule: [{ name: 'retry everything', route: 'retry' }] };
	const run = await route(
		[
			{ ...graph(4), body: { daily_budget: 5000 } },
			{ ...graph(4), changes: [{ bid_amount: 3 }] },
			{ ...graph(4), name: 'budget in a value is not a field' },
		],
		{ rules },
	);
	expect(routesByItem(run.nodeOutputs)).toEqual({ 0: 'escalate', 1: 'escalate', 2: 'retry' });
	expect(run.nodeOutputs[OUT.escalate][0].json.reason).toContain('"body.daily_budget" concerns "budget"');
	expect(run.nodeOutputs[OUT.escalate][1].json.routing).toMatchObject({ by: 'guard' });
});

describe('state across executions', () => {
	const trend = {
		thresholds: { threshold: [{ name: 'Disapproval trend', categories: ['policy'], count: 3, windowMinutes: 60, route: 'escalate' }] },
	};
	const disapproval = (id: string) => ({ id, ...graph(368) });

	test('3 disapprovals over two scheduled executions escalate; manual runs forget', async () => {
		const first = await route([disapproval('ad1'), disapproval('ad2')], trend, { mode: 'trigger' });
		expect(routesByItem(first.nodeOutputs)).toEqual({ 0: 'pause', 1: 'pause' });
		expect(JSON.stringify(first.staticData)).toContain('policyState');

		const second = await route([disapproval('ad3')], trend, { mode: 'trigger', staticData: first.staticData });
		expect(routesByItem(second.nodeOutputs)).toEqual({ 0: 'escalate' });
		expect(second.nodeOutputs[OUT.escalate][0].json.routing).toMatchObject({
			by: 'threshold',
			threshold: { name: 'Disapproval trend', count: 3, windowMinutes: 60 },
		});

		// A manual run does not save its counts: the next run starts from nothing.
		const manual = await route([disapproval('ad1'), disapproval('ad2')], trend, { mode: 'manual' });
		expect(manual.staticData).toEqual({});
		const afterManual = await route([disapproval('ad3')], trend, { mode: 'trigger', staticData: manual.staticData });
		expect(routesByItem(afterManual.nodeOutputs)).toEqual({ 0: 'pause' });
	});

	test('a storm of 500 auth errors escalates once; the next execution stays quiet within the cooldown', async () => {
		const storm = Array.from({ length: 500 }, (_, i) => ({ id: `ad${i}`, ...graph(190, { message: `Invalid token ${CANARY}` }) }));
		const first = await route(storm, {}, { mode: 'trigger' });
		expect(first.nodeOutputs[OUT.escalate]).toHaveLength(1);
		expect(first.nodeOutputs[OUT.ignore]).toHaveLength(499);
		expect(first.nodeOutputs[OUT.ignore][0].json.routing).toMatchObject({ by: 'cooldown', suppressed: { route: 'escalate' } });
		const routed = first.nodeOutputs.flat();
		expect(routed.map((i) => i.pairedItem)).toEqual(expect.arrayContaining([{ item: 0 }, { item: 499 }]));
		// The token in the input message never reaches what the router writes.
		for (const item of routed.slice(0, 5)) {
			expect(JSON.stringify([item.json.metaError, item.json.reason, item.json.routing])).not.toContain(CANARY);
		}

		const again = await route([{ id: 'ad9', ...graph(190) }], {}, { mode: 'trigger', staticData: first.staticData });
		expect(routesByItem(again.nodeOutputs)).toEqual({ 0: 'ignore' });
		expect(again.nodeOutputs[OUT.ignore][0].json.reason).toContain('cooldown 60 min');
	});

	test('alert cooldown per (category, code, object); cooldown 0 turns it off', async () => {
		const rules = { rule: [{ categories: ['template'], route: 'alert' }] };
		const items = [
			{ id: 'x', ...graph(132001) },
			{ id: 'x', ...graph(132001) },
			{ id: 'y', ...graph(132001) },
			{ id: 'x', ...graph(132000) },
		];
		const run = await route(items, { rules });
		expect(routesByItem(run.nodeOutputs)).toEqual({ 0: 'alert', 1: 'ignore', 2: 'alert', 3: 'alert' });
		const off = await route(items, { rules, options: { cooldownMinutes: 0 } });
		expect(off.nodeOutputs[OUT.alert]).toHaveLength(4);
	});
});

test('invalid parameters stop the node with a message naming the parameter', async () => {
	const run = await runNode(TYPE, { rules: { rule: [{ subcodes: 'abc', route: 'alert' }] } }, [{ json: graph(100) }]);
	expect(run.error?.message).toBe(
		'Invalid parameter — Rules → 0 → subcodes: Subcodes must be whole numbers separated by commas, e.g. 463, 1487390',
	);
	const condition = await runNode(TYPE, { rules: { rule: [{ condition: 'maybe', route: 'alert' }] } }, [{ json: graph(100) }]);
	expect(condition.error?.message).toContain('Condition');
	expect(condition.error?.message).toContain('must be true or false');
});

test('an unreadable attempts field: an error, or with continue-on-fail an Escalate item (never dropped)', async () => {
	const items = [{ json: { ...graph(4), attempts: 'many' } }, { json: graph(4) }];
	const failing = await runNode(TYPE, {}, items);
	expect(failing.error?.message).toContain('The attempts field "attempts" holds "many"');
	const continued = await runNode(TYPE, {}, items, { onError: 'continueRegularOutput' });
	expect(continued.nodeOutputs[OUT.escalate][0].json.routing).toMatchObject({ by: 'invalid_input' });
	expect(continued.nodeOutputs[OUT.escalate][0].pairedItem).toEqual({ item: 0 });
	expect(continued.nodeOutputs[OUT.retry][0].pairedItem).toEqual({ item: 1 });
});

test('example: the disapproval trend workflow pauses, pauses, escalates, pauses', async () => {
	const run = await runWorkflow('examples/escalation-disapproval-trend.json');
	expect(run.error).toBeUndefined();
	const outputs = run.outputs('Escalation policy');
	expect(outputs[OUT.pause].map((i) => i.json.id)).toEqual(['120210000000000001', '120210000000000002', '120210000000000004']);
	expect(outputs[OUT.escalate].map((i) => i.json.id)).toEqual(['120210000000000003']);
	expect(run.output('Escalate: disapproval trend')).toHaveLength(1);
});

test('the input items’ own texts are redacted on every output: no token passes through the router', async () => {
	const url = `https://graph.facebook.com/v24.0/act_1/ads?access_token=${CANARY}`;
	const items = [
		{ error: { message: `Invalid OAuth access token ${CANARY}`, code: 190, type: 'OAuthException' }, requestUrl: url },
		{ metaError: { category: 'server', retryable: true, action: 'retry', source: 'graph', meaning: 'm', remedy: 'r', message: `at ${url}` }, note: `Bearer ${CANARY.toLowerCase()}xyz` },
		{ error: { message: 'fine', code: 2 }, headers: { authorization: 'Bearer abcdefgh12345678' } },
	];
	const { nodeOutputs } = await route(items);
	const text = JSON.stringify(nodeOutputs);
	expect(nodeOutputs.flat()).toHaveLength(3);
	expect(text).not.toContain('canary0000');
	expect(text).not.toContain('abcdefgh12345678');
	expect(text).toContain('access_token=[REDACTED]');
});
