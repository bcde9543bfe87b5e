// Anomaly rules through n8n's real engine (issue 14, section 5): insights rows in, Pause / Alert /
// Ignore out with value, baseline, ratio and samples on the item; baselines across scheduled
// executions; parameter validation; bad readings answered, never dropped.
import type { IDataObject, INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { runNode } from '../../helpers/engine';

const TYPE = 'n8n-nodes-meta-resilience.metaEscalationRouter';
const OUT = { retry: 0, pause: 1, alert: 2, escalate: 3, dead_letter: 4, ignore: 5 } as const;

const spike = { name: 'Spend spike', field: 'spend', condition: 'above', factor: 3, windowSamples: 7, minSamples: 3, route: 'pause' };
const params = (...anomaly: IDataObject[]) => ({ anomalies: { anomaly } }) as unknown as INodeParameters;

/** Daily insights rows as Meta returns them (numbers as text), oldest day first. */
const rows = (adsetId: string, spends: number[]) =>
	spends.map((spend, day) => ({ adset_id: adsetId, adset_name: `Ad set ${adsetId}`, spend: spend.toFixed(2), date_start: `2026-11-0${day + 1}` }));

function routeOf(outputs: INodeExecutionData[][]) {
	const names = Object.keys(OUT);
	return outputs.flatMap((items, output) => items.map((item) => ({ output: names[output], json: item.json, paired: item.pairedItem })));
}

test('a spend spike pauses its ad set; normal rows go to Ignore with the reason; nothing is classified as an error', async () => {
	const items = [...rows('111', [10, 11, 9, 10, 41]), ...rows('222', [20, 22, 21, 19, 23])];
	const run = await runNode(TYPE, params(spike), items);
	expect(run.error).toBeUndefined();
	const paused = run.nodeOutputs[OUT.pause];
	expect(paused).toHaveLength(1);
	expect(paused[0].json).toMatchObject({ adset_id: '111', spend: '41.00', route: 'pause' });
	expect(paused[0].pairedItem).toEqual({ item: 4 });
	expect(paused[0].json.routing).toMatchObject({
		by: 'anomaly',
		alert: true,
		anomaly: { name: 'Spend spike', status: 'fired', value: 41, baseline: 10, ratio: 4.1, samples: 4, objectId: '111' },
	});
	expect(paused[0].json.reason).toBe('anomaly "Spend spike": spend 41 of 111 is 4.1× its baseline 10 (4 samples), above 3× baseline → pause');
	expect(paused[0].json.metaError).toBeUndefined();
	expect(run.nodeOutputs[OUT.ignore]).toHaveLength(9);
	expect(run.nodeOutputs[OUT.ignore][0].json.reason).toContain('baseline building (0 of 3 samples needed)');
	expect(routeOf(run.nodeOutputs).every((r) => r.json.metaError === undefined)).toBe(true);
});

test('error items still follow the error policy in the same run', async () => {
	const items = [
		...rows('111', [10, 10, 10]),
		{ id: 'ad9', error: { message: '(#368) disallowed', type: 'OAuthException', code: 368 } },
		{ adset_id: '111', metaError: { category: 'rate_limit', action: 'retry', retryable: true, source: 'graph' }, spend: '99' },
	];
	const run = await runNode(TYPE, params(spike), items);
	expect(run.nodeOutputs[OUT.pause].map((i) => i.json.id)).toEqual(['ad9']);
	expect(run.nodeOutputs[OUT.retry]).toHaveLength(1); // an error item's spend is not a reading
	expect(run.nodeOutputs[OUT.ignore]).toHaveLength(3);
});

test('baselines carry over scheduled executions (static data); a re-read day counts once with a Sample Key Field', async () => {
	const rule = { ...spike, sampleKeyField: 'date_start' };
	const first = await runNode(TYPE, params(rule), rows('111', [10, 11, 9, 10]), { mode: 'trigger' });
	expect(first.nodeOutputs[OUT.ignore]).toHaveLength(4);
	expect(JSON.stringify(first.staticData)).toContain('baselines');
	// The next hourly run reads the same four days and a new one that spikes.
	const second = await runNode(TYPE, params(rule), rows('111', [10, 11, 9, 10, 50]), { mode: 'trigger', staticData: first.staticData });
	const ignored = second.nodeOutputs[OUT.ignore].map((i) => (i.json.routing as IDataObject).anomalies as IDataObject[]);
	expect(ignored.map((a) => a[0].status)).toEqual(['repeat', 'repeat', 'repeat', 'repeat']);
	expect(second.nodeOutputs[OUT.pause]).toHaveLength(1);
	expect((second.nodeOutputs[OUT.pause][0].json.routing as IDataObject).anomaly).toMatchObject({ baseline: 10, samples: 4, sampleKey: '2026-11-05' });
	// And once more: nothing is paused twice.
	const third = await runNode(TYPE, params(rule), rows('111', [10, 11, 9, 10, 50]), { mode: 'trigger', staticData: second.staticData });
	expect(third.nodeOutputs[OUT.pause]).toHaveLength(0);
});

test('Object ID Field and dotted fields: ROAS drop on purchase_roas.0.value alerts once per cooldown', async () => {
	const roas = { name: 'ROAS drop', field: 'purchase_roas.0.value', condition: 'below', factor: 0.5, windowSamples: 7, minSamples: 2, objectIdField: 'campaign_id', route: 'alert' };
	const row = (value: string) => ({ campaign_id: 'c1', adset_id: 'ignored', purchase_roas: [{ action_type: 'omni_purchase', value }] });
	const run = await runNode(TYPE, params(roas), [row('2.0'), row('2.2'), row('0.5'), row('0.4'), { campaign_id: 'c1', spend: '3' }]);
	const out = routeOf(run.nodeOutputs).sort((a, b) => (a.paired as { item: number }).item - (b.paired as { item: number }).item);
	expect(out.map((r) => r.output)).toEqual(['ignore', 'ignore', 'alert', 'ignore', 'escalate']);
	expect(out[2].json.routing).toMatchObject({ anomaly: { objectId: 'c1', baseline: 2.1 } });
	expect(out[3].json.routing).toMatchObject({ by: 'cooldown', suppressed: { route: 'alert' } });
	// No error and none of the fields: escalated with why, never dropped.
	expect(out[4].json.routing).toMatchObject({ by: 'invalid_input' });
	expect(out[4].json.reason).toBe('could not route this item: it carries no error and none of the anomaly fields (purchase_roas.0.value) → escalate');
});

test('a reading that is not a number stops the node naming the item and field; with continue-on-fail it escalates', async () => {
	const items = [...rows('111', [10]), { adset_id: '111', spend: 'n/a' }];
	const failing = await runNode(TYPE, params(spike), items);
	expect(failing.error?.message).toBe('Anomaly "Spend spike": the field "spend" holds "n/a", which is text that is not a number');
	const continued = await runNode(TYPE, params(spike), items, { onError: 'continueRegularOutput' });
	expect(continued.nodeOutputs[OUT.escalate]).toHaveLength(1);
	expect(continued.nodeOutputs[OUT.escalate][0].json.routing).toMatchObject({ by: 'invalid_input' });
	expect(continued.nodeOutputs[OUT.escalate][0].pairedItem).toEqual({ item: 1 });
	expect(continued.nodeOutputs[OUT.ignore]).toHaveLength(1);

	const noId = await runNode(TYPE, params(spike), [{ spend: '3' }]);
	expect(noId.error?.message).toBe('Anomaly "Spend spike": no object id on this item (looked at id, ad_id, adset_id, campaign_id, account_id)');
	const noKey = await runNode(TYPE, params({ ...spike, sampleKeyField: 'date_start' }), [{ adset_id: '1', spend: '3' }]);
	expect(noKey.error?.message).toBe('Anomaly "Spend spike": Sample Key Field "date_start" is empty on this item');
});

test('invalid anomaly parameters stop the node with a clear message', async () => {
	const cases: Array<[IDataObject, string]> = [
		[{ ...spike, field: ' ' }, 'Field is empty: name the field that holds the number'],
		[{ ...spike, factor: 0 }, 'Factor must be more than 0'],
		[{ ...spike, factor: 0.5 }, 'Factor must be 1 or more to rise above the baseline'],
		[{ ...spike, condition: 'below', factor: 2 }, 'and 1 or less to fall below it'],
		[{ ...spike, windowSamples: 2.5 }, 'Baseline Window (Samples) must be a whole number'],
		[{ ...spike, minSamples: 8 }, 'Minimum Samples must not be more than Baseline Window (Samples)'],
		[{ ...spike, condition: 'sideways' }, 'Condition must be above (rises above N× baseline) or below (falls below N× baseline)'],
		[{ ...spike, route: 'explode' }, 'must be one of retry, pause'],
	];
	for (const [anomaly, message] of cases) {
		const run = await runNode(TYPE, params(anomaly), rows('1', [1]));
		expect(run.error?.message).toContain('Invalid parameter — Anomalies → 0 → ');
		expect(run.error?.message).toContain(message);
	}
});

test('a stop message never echoes a token or a URL with access_token that a field holds', async () => {
	const token = 'EAAcanary0000SECRET0000TOKEN4router';
	const spending = await runNode(TYPE, params(spike), [{ adset_id: '1', spend: token }]);
	expect(spending.error?.message).toMatch(/^Anomaly "Spend spike": the field "spend" holds/);
	expect(JSON.stringify([spending.error?.message, (spending.error as unknown as { description?: string } | undefined)?.description])).not.toContain('SECRET0000TOKEN');

	const attempts = await runNode(TYPE, {}, [{ metaError: { category: 'rate_limit', code: 17 }, metaRequest: { attempts: `https://graph.facebook.com/v24.0/me?access_token=${token}` } }]);
	expect(attempts.error?.message).toMatch(/^The attempts field "metaRequest.attempts" holds/);
	expect(JSON.stringify([attempts.error?.message, (attempts.error as unknown as { description?: string } | undefined)?.description])).not.toContain('SECRET0000TOKEN');
});
