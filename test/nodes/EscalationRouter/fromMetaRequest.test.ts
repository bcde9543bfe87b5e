// What Meta Request writes on its Failed items (metaError, metaRequest.attempts, metaRequest.stopReason)
// is what the Escalation Router reads: both nodes through n8n's engine, against the fake Meta server.
import type { IDataObject, INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { FAKE_META_TOKEN, useFakeMeta } from '../../../testing/fake-meta';
import { runNode } from '../../helpers/engine';

const ROUTER = 'n8n-nodes-meta-resilience.metaEscalationRouter';
const META_REQUEST = 'n8n-nodes-meta-resilience.metaRequest';
const OUT = { retry: 0, pause: 1, alert: 2, escalate: 3, dead_letter: 4, ignore: 5 } as const;
const FAST = { baseDelayMs: 5, maxDelayMs: 20 };

const fake = useFakeMeta();

/** Meta Request's Failed items for `items`. */
async function failedItems(parameters: INodeParameters, items: IDataObject[]): Promise<IDataObject[]> {
	const run = await runNode(META_REQUEST, parameters, items, {
		credentials: { metaGraphApi: { accessToken: FAKE_META_TOKEN, baseUrl: fake.url, apiVersion: 'v24.0' } },
	});
	expect(run.error).toBeUndefined();
	return run.nodeOutputs[1].map((item) => item.json);
}

async function route(items: IDataObject[], parameters: INodeParameters = {}): Promise<INodeExecutionData[][]> {
	const run = await runNode(ROUTER, parameters, items);
	expect(run.error).toBeUndefined();
	return run.nodeOutputs;
}

/** A read of its own endpoint (each has its own circuit breaker). */
const read = (objectId: string) => ({ operation: 'getObject', objectId, fields: 'id,name' });

test('Max Attempts used up (defaults: 5 attempts, Retry Cap 5): Dead Letter, as before', async () => {
	fake.addFault({ times: 10, fault: { type: 'graphError', code: 2 } });
	const failed = await failedItems({ ...read('me'), options: FAST }, [{}]);
	expect(failed[0].metaRequest).toMatchObject({ attempts: 5, stopReason: 'max_attempts' });
	const outputs = await route(failed);
	expect(outputs[OUT.dead_letter]).toHaveLength(1);
	expect(outputs[OUT.dead_letter][0].json).toMatchObject({ route: 'dead_letter', routing: { by: 'retry_cap' } });
	expect(outputs[OUT.dead_letter][0].json.reason).toBe(
		'default policy for server 2, but the retry cap is reached (5 attempts, cap 5) → dead letter',
	);
	// Five server failures opened the endpoint's breaker: the next call is not sent, and may go out later.
	const open = await failedItems({ ...read('me'), options: FAST }, [{}]);
	expect(open[0].metaRequest).toMatchObject({ attempts: 0, stopReason: 'circuit_open' });
	const later = await route(open);
	expect(later[OUT.retry]).toHaveLength(1);
	expect(later[OUT.retry][0].json.reason).toContain('(attempt 1 of 5)');
});

test('a lower Max Attempts on Meta Request ends the retries too: the router reads its stopReason, not its own count', async () => {
	fake.addFault({ times: 10, fault: { type: 'graphError', code: 2 } });
	const failed = await failedItems({ ...read('someone'), options: { ...FAST, maxAttempts: 2 } }, [{}]);
	expect(failed[0].metaRequest).toMatchObject({ attempts: 2, stopReason: 'max_attempts' });
	const outputs = await route(failed);
	expect(outputs[OUT.dead_letter]).toHaveLength(1);
	expect(outputs[OUT.dead_letter][0].json.reason).toContain('Meta Request already retried up to its Max Attempts (2 attempts');
	// An Attempts Field counts attempts elsewhere (a retry loop of the workflow): its count and the cap decide.
	const looped = await route([{ ...failed[0], loop: { tries: 1 } }], { attemptsField: 'loop.tries' });
	expect(looped[OUT.retry]).toHaveLength(1);
	expect(looped[OUT.retry][0].json.reason).toContain('(attempt 2 of 5)');
});

test('an ambiguous create arrives as escalate; a missing object as a dead letter', async () => {
	fake.addFault({ times: 1, fault: { type: 'reset', when: 'after' } });
	const create = { operation: 'create', objectId: 'act_1', edge: 'campaigns', jsonBody: '={{ JSON.stringify({ name: $json.name }) }}' };
	const [ambiguous] = await failedItems({ ...create, options: FAST }, [{ name: 'A' }]);
	expect(ambiguous.metaRequest).toMatchObject({ attempts: 1, stopReason: 'ambiguous_write' });
	const [missing] = await failedItems({ operation: 'pause', objectId: '999999999', options: FAST }, [{}]);
	expect(missing.metaRequest).toMatchObject({ stopReason: 'not_retryable' });
	const outputs = await route([ambiguous, missing]);
	expect(outputs[OUT.escalate].map((item) => item.json.metaError)).toEqual([expect.objectContaining({ action: 'escalate' })]);
	expect(outputs[OUT.dead_letter].map((item) => (item.json.metaError as IDataObject).category)).toEqual(['not_found']);
});

test('stopReason is taken only when it is one Meta Request writes; time_budget still retries', async () => {
	const metaError = { category: 'rate_limit', action: 'retry', retryable: true, source: 'graph', code: 17, meaning: 'm', remedy: 'r' };
	const outputs = await route([
		{ n: 0, metaError, metaRequest: { attempts: 1, stopReason: 'time_budget' } },
		{ n: 1, metaError, metaRequest: { attempts: 1, stopReason: 'MAX_ATTEMPTS' } },
		{ n: 2, metaError, metaRequest: { attempts: 1, stopReason: 'max_attempts' } },
		{ n: 3, metaError: { category: 'policy' } },
	]);
	expect(outputs[OUT.retry].map((item) => item.json.n)).toEqual([0, 1]);
	expect(outputs[OUT.dead_letter].map((item) => item.json.n)).toEqual([2]);
	expect(outputs[OUT.pause].map((item) => item.json.n)).toEqual([3]);
});
