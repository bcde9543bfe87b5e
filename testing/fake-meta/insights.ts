// Ad-set insights of an ad account, for the spend-anomaly example and tests:
// `GET /act_{n}/insights?level=adset[&time_increment=1]` → rows `{account_id, campaign_id,
// adset_id, adset_name, spend, impressions, date_start, date_stop}` (numbers as text, as Meta
// sends them). Each ad set spends about its daily spend a day over `days` days ending yesterday
// (UTC, by the server's clock); one ad set's newest day can jump by a factor from the Nth read
// on. Only the ad-set level is imitated; date_preset and time_range are not read.
import type { SortedView } from './graphObjects';

export interface InsightsOptions {
	/** The ad account, e.g. `act_123456789`. */
	account: string;
	adsets: Array<{ id: string; name?: string; campaignId?: string; dailySpend: number }>;
	/** Days of data, the newest yesterday. Default 7. */
	days?: number;
	/** The ad set whose newest day's spend is `factor` times its usual, from the `fromRead`-th read on (default 1: every read). */
	jump?: { adsetId: string; factor: number; fromRead?: number };
}

/** How each day's spend varies around the daily spend (a week, repeated): a normal, noisy week. */
const WEEK = [1, 0.94, 1.06, 0.98, 1.03, 0.97, 1.02];
const DAY_MS = 24 * 60 * 60_000;

type Row = Record<string, unknown>;

export class Insights {
	private readonly accounts = new Map<string, { options: InsightsOptions; reads: number }>();

	set(options: InsightsOptions): void {
		if (!/^act_\d+$/.test(options.account)) throw new Error(`insights: account must look like act_123, not ${options.account}`);
		const { jump } = options;
		if (jump && !options.adsets.some((adset) => adset.id === jump.adsetId)) throw new Error(`insights: jump names unknown ad set ${jump.adsetId}`);
		this.accounts.set(options.account, { options, reads: 0 });
	}

	clear(): void {
		this.accounts.clear();
	}

	/** Reads (first pages) of an account's insights so far. */
	reads(account: string): number {
		return this.accounts.get(account)?.reads ?? 0;
	}

	/**
	 * The rows of one read as a paged view, an error message for what is not imitated, or undefined
	 * when the account has no insights set (the edge then behaves like any other). A first page
	 * (no cursor) is a new read.
	 */
	read(account: string, params: Record<string, unknown>, now: number): { view: SortedView; item: (key: string) => Row } | string | undefined {
		const held = this.accounts.get(account);
		if (!held) return undefined;
		if (params.level !== 'adset') return '(#100) The fake server imitates insights with level=adset only';
		const daily = String(params.time_increment ?? '') === '1';
		if (params.after === undefined && params.before === undefined) held.reads++;
		const rows = this.rows(held.options, held.reads, daily, now);
		return { view: { length: rows.length, at: (i) => String(i + 1) }, item: (key) => rows[Number(key) - 1] };
	}

	private rows(options: InsightsOptions, read: number, daily: boolean, now: number): Row[] {
		const days = options.days ?? 7;
		const yesterday = Math.floor(now / DAY_MS) - 1;
		const date = (day: number) => new Date((yesterday - (days - 1) + day) * DAY_MS).toISOString().slice(0, 10);
		const accountId = options.account.slice('act_'.length);
		const spend = (adset: InsightsOptions['adsets'][number], day: number) => {
			const jump = options.jump;
			const jumps = jump?.adsetId === adset.id && day === days - 1 && read >= (jump.fromRead ?? 1);
			return adset.dailySpend * WEEK[day % WEEK.length] * (jumps ? jump!.factor : 1);
		};
		const row = (adset: InsightsOptions['adsets'][number], amount: number, from: number, to: number): Row => ({
			account_id: accountId,
			...(adset.campaignId ? { campaign_id: adset.campaignId } : {}),
			adset_id: adset.id,
			adset_name: adset.name ?? `Ad set ${adset.id}`,
			spend: amount.toFixed(2),
			impressions: String(Math.round(amount * 90)),
			date_start: date(from),
			date_stop: date(to),
		});
		if (!daily) {
			return options.adsets.map((adset) => row(adset, Array.from({ length: days }, (_, d) => spend(adset, d)).reduce((a, b) => a + b, 0), 0, days - 1));
		}
		// Like Meta with time_increment=1: one row per ad set and day, day by day.
		const rows: Row[] = [];
		for (let day = 0; day < days; day++) for (const adset of options.adsets) rows.push(row(adset, spend(adset, day), day, day));
		return rows;
	}
}

/**
 * Page and Instagram insights by period (`GET /{object-id}/insights?metric=a,b&period=day[&since=&until=]`),
 * as Meta's Instagram User Insights and Page Insights references show them: one row per metric,
 * `{name, period, values: [{value, end_time}], title, description, id: "<object>/insights/<metric>/<period>"}`,
 * and `paging.previous` / `paging.next` that move the `since` / `until` window (Unix seconds) by its
 * own length, without end: the same row ids come back on every page. Without since and until the
 * window is the two days before today; with one of them, two days from (or up to) it (Meta leaves
 * this open). Values are deterministic per object, metric and day.
 */
export function seriesInsights(
	objectId: string,
	params: Record<string, unknown>,
	now: number,
	link: (since: number, until: number) => string,
): Record<string, unknown> | string {
	const metrics = String(params.metric ?? '').split(',').map((m) => m.trim()).filter(Boolean);
	if (metrics.length === 0) return '(#100) The parameter metric is required';
	const period = String(params.period ?? 'day');
	if (period !== 'day') return '(#100) The fake server imitates insights with period=day only';
	const seconds = (value: unknown) => (value === undefined || value === '' ? undefined : /^\d+$/.test(String(value)) ? Number(value) : Math.floor(Date.parse(String(value)) / 1000));
	const dayS = DAY_MS / 1000;
	const asked = { since: seconds(params.since), until: seconds(params.until) };
	const until = asked.until ?? (asked.since !== undefined ? asked.since + 2 * dayS : Math.floor(now / DAY_MS) * dayS);
	const since = asked.since ?? until - 2 * dayS;
	if (!Number.isFinite(since) || !Number.isFinite(until) || since >= until) return '(#100) since must be a time before until';
	const span = until - since;
	const days: number[] = [];
	for (let day = Math.ceil(since / dayS) * dayS; day < until; day += dayS) days.push(day);
	const seed = [...objectId].reduce((sum, c) => sum + c.charCodeAt(0), 0);
	const data = metrics.map((name) => ({
		name,
		period,
		values: days.map((day) => ({
			value: 100 + ((seed + name.length * 31 + day / dayS) % 900),
			// Meta reports a day at its end, in the account's time zone (07:00 or 08:00 UTC for Pacific time).
			end_time: new Date((day + dayS) * 1000 + 8 * 3_600_000).toISOString().replace('.000Z', '+0000'),
		})),
		title: name.replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase()),
		description: `Daily ${name.replace(/_/g, ' ')} (fake Meta server).`,
		id: `${objectId}/insights/${name}/${period}`,
	}));
	return { data, paging: { previous: link(since - span, since), next: link(until, until + span) } };
}

