// The router's saved state through n8n's real engine (issue 11, part 2): a state saved in the future
// or beyond Date's range is repaired when it is read (the run does not throw, nothing is silenced),
// and what is saved after a run keeps at most MAX_COOLDOWN_KEYS cooldowns, the most recent ones,
// however many distinct ads the run saw.
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { MAX_COOLDOWN_KEYS, type PolicyState } from '../../../nodes/shared/core';
import { NODE_UNDER_TEST, runNode } from '../../helpers/engine';

const TYPE = 'n8n-nodes-meta-resilience.metaEscalationRouter';
const OUT = { retry: 0, pause: 1, alert: 2, escalate: 3, dead_letter: 4, ignore: 5 } as const;
const HOUR = 3_600_000;
const STATIC_KEY = `node:${NODE_UNDER_TEST}`;

const graph = (code: number) => ({ error: { message: `(#${code}) something failed`, type: 'OAuthException', code } });
const disapproval = (id: string) => ({ id, ...graph(368) });
/** A classified disapproval, as Meta Request leaves it: the router does not classify it again. */
const classified = (id: string) => ({
	id,
	metaError: { category: 'policy', code: 368, action: 'pause', retryable: false, source: 'graph', meaning: 'm', remedy: 'r' },
});

const savedState = (staticData: IDataObject) => (staticData[STATIC_KEY] as { policyState: PolicyState }).policyState;
const withState = (state: unknown): IDataObject => ({ [STATIC_KEY]: { policyState: state } as IDataObject });

/** A scheduled (non-manual) run, whose static data n8n keeps. */
async function scheduled(items: IDataObject[], parameters: INodeParameters, staticData?: IDataObject, timeoutMs?: number) {
	return runNode(TYPE, parameters, items, { mode: 'trigger', staticData, timeoutMs });
}

/** The cooldown key of an auth error: token-wide, so without the object. */
const AUTH_KEY = 'escalate|auth|190|';

describe('a saved state that cannot be true is repaired when read', () => {
	test('a cooldown saved at 9e15 (beyond Date’s range) neither throws nor silences', async () => {
		const run = await scheduled([graph(190)], {}, withState({ thresholds: {}, cooldowns: { [AUTH_KEY]: 9e15 } }));
		expect(run.error).toBeUndefined();
		expect(run.nodeOutputs[OUT.escalate]).toHaveLength(1);
		expect(savedState(run.staticData).cooldowns[AUTH_KEY]).toBeLessThanOrEqual(Date.now());
	});

	test('a cooldown saved 6 h ahead does not silence the next escalation', async () => {
		const run = await scheduled([graph(190)], {}, withState({ thresholds: {}, cooldowns: { [AUTH_KEY]: Date.now() + 6 * HOUR } }));
		expect(run.error).toBeUndefined();
		expect(run.nodeOutputs[OUT.escalate]).toHaveLength(1);
		expect(run.nodeOutputs[OUT.ignore]).toHaveLength(0);
	});

	test.each([
		['6 h ahead', () => Date.now() + 6 * HOUR],
		['at 9e15', () => 9e15],
	])('a threshold whose last firing lies ahead (%s) fires again', async (_, firedAt) => {
		const trend = {
			thresholds: { threshold: [{ name: 'Disapproval trend', categories: ['policy'], count: 3, windowMinutes: 60, route: 'escalate' }] },
		};
		const first = await scheduled(['a1', 'a2', 'a3'].map(disapproval), trend);
		expect(first.nodeOutputs[OUT.escalate]).toHaveLength(1);
		// The same count, its events gone, its last firing moved ahead (another host's clock, a bad write).
		const state = savedState(first.staticData);
		const [key] = Object.keys(state.thresholds);
		state.thresholds[key] = { events: [], firedAt: firedAt() };

		const second = await scheduled(['b1', 'b2', 'b3'].map(disapproval), trend, first.staticData);
		expect(second.error).toBeUndefined();
		expect(second.nodeOutputs[OUT.pause].map((i) => i.json.id)).toEqual(['b1', 'b2']);
		expect(second.nodeOutputs[OUT.escalate].map((i) => i.json.id)).toEqual(['b3']);
	});
});

describe('the saved state is bounded', () => {
	test(`one run with 8,000 distinct ads saves at most ${MAX_COOLDOWN_KEYS} cooldowns, the most recent`, async () => {
		const ads = Array.from({ length: 8000 }, (_, i) => classified(`ad${i}`));
		const started = performance.now();
		const run = await scheduled(ads, {}, undefined, 120_000);
		const ms = performance.now() - started;
		// A figure, not an assertion: the run's wall time through the engine (8,000 pause + alert decisions).
		console.log(`Escalation Router, 8,000 distinct ads in one run: ${ms.toFixed(0)} ms`);
		expect(run.error).toBeUndefined();
		expect(run.nodeOutputs[OUT.pause]).toHaveLength(8000);
		expect(run.nodeOutputs[OUT.pause].every((item) => (item.json.routing as IDataObject).alert === true)).toBe(true);

		const keys = Object.keys(savedState(run.staticData).cooldowns);
		expect(keys).toHaveLength(MAX_COOLDOWN_KEYS);
		// All went out at the same instant: the most recent are the last ones decided.
		expect(keys.sort()).toEqual(Array.from({ length: MAX_COOLDOWN_KEYS }, (_, i) => `alert|policy|368|ad${7000 + i}`).sort());

		// What was kept still de-duplicates in the next run.
		const next = await scheduled([classified('ad7999')], {}, run.staticData);
		expect(next.nodeOutputs[OUT.pause][0].json.routing).toMatchObject({ alert: false });
	}, 180_000);
});
