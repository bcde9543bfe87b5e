// "New and Resolved Only" across runs: reported once, resolved once, kept while its read fails.
import { FINDING_MEMORY_MS, reportFindings, type Finding, type ReportedFindings } from '../../../nodes/shared/core';

const ad = (id: string, code: Finding['code'] = 'AD_DISAPPROVED'): Finding => ({ check: 'ads', code, object: { type: 'ad', id, parentId: 'act_1' }, message: `Ad ${id}` });
const at = (finding: Finding) => ({ finding, scope: 'ads:act_1' });
const T0 = Date.parse('2026-12-06T00:00:00Z');
const HOUR = 3_600_000;

test('a finding is new once, then ongoing; gone after a successful read, it is resolved once', () => {
	const first = reportFindings(undefined, [at(ad('1')), at(ad('2'))], new Set(['ads:act_1']), T0);
	expect(first.report.fresh.map((f) => f.object.id)).toEqual(['1', '2']);
	expect(first.report.fresh[0].firstSeenAt).toBe(T0);

	const second = reportFindings(first.state, [at(ad('2')), at(ad('3'))], new Set(['ads:act_1']), T0 + HOUR);
	expect(second.report.fresh.map((f) => f.object.id)).toEqual(['3']);
	expect(second.report.ongoing.map((f) => [f.object.id, f.firstSeenAt])).toEqual([['2', T0]]);
	expect(second.report.resolved.map((f) => [f.object.id, f.code, f.firstSeenAt])).toEqual([['1', 'AD_DISAPPROVED', T0]]);

	const third = reportFindings(second.state, [at(ad('2')), at(ad('3'))], new Set(['ads:act_1']), T0 + 2 * HOUR);
	expect([third.report.fresh, third.report.resolved]).toEqual([[], []]);
	expect(Object.keys(third.state.findings).sort()).toEqual(['ads:2:AD_DISAPPROVED', 'ads:3:AD_DISAPPROVED']);
});

test('a read that failed resolves nothing; a finding unread for 30 days is forgotten', () => {
	const first = reportFindings(undefined, [at(ad('1'))], new Set(['ads:act_1']), T0);
	const failed = reportFindings(first.state, [], new Set(), T0 + HOUR);
	expect(failed.report.resolved).toEqual([]);
	expect(Object.keys(failed.state.findings)).toEqual(['ads:1:AD_DISAPPROVED']);
	const later = reportFindings(failed.state, [], new Set(), T0 + FINDING_MEMORY_MS + 1);
	expect(later.state.findings).toEqual({});
	expect(later.report.resolved).toEqual([]);
});

test('another code on the same object is another finding; a repeat within one run counts once', () => {
	const state: ReportedFindings = reportFindings(undefined, [at(ad('1', 'AD_WITH_ISSUES'))], new Set(['ads:act_1']), T0).state;
	const next = reportFindings(state, [at(ad('1')), at(ad('1'))], new Set(['ads:act_1']), T0 + HOUR);
	expect(next.report.fresh.map((f) => f.code)).toEqual(['AD_DISAPPROVED']);
	expect(next.report.resolved.map((f) => f.code)).toEqual(['AD_WITH_ISSUES']);
});
