// When Meta ends each API version, as its changelogs published them. The Graph API and the
// Marketing API share version numbers but not end dates: a Marketing API version ends years
// before the same Graph API version, and ad calls on an ended version fail (code 2635).
//
// Sources, read on 2026-12-06 (VERSIONS_READ_ON):
// - Graph API: https://developers.facebook.com/docs/graph-api/changelog/versions ("Available
//   Until"). v27.0 is not listed there yet; it shipped with the Marketing API's v27.0, its end
//   date still to be decided.
// - Marketing API: https://developers.facebook.com/docs/marketing-api/marketing-api-changelog/versions
//   ("Expiration Date").
// "TBD" on Meta's page is `until: undefined` here. A version missing from the table is said to be
// unknown, never guessed.

export const VERSIONS_READ_ON = '2026-12-06';

export type MetaApi = 'graph' | 'marketing';

export const API_NAMES: Readonly<Record<MetaApi, string>> = { graph: 'Graph API', marketing: 'Marketing API' };

interface VersionDates {
	released: string;
	/** The last day calls on this version work; undefined while Meta has not set it. */
	until: Readonly<Record<MetaApi, string | undefined>>;
}

const v = (released: string, graph: string | undefined, marketing: string | undefined): VersionDates => ({ released, until: { graph, marketing } });

export const API_VERSIONS: Readonly<Record<string, VersionDates>> = {
	'v27.0': v('2026-11-04', undefined, undefined),
	'v26.0': v('2026-07-29', undefined, undefined),
	'v25.0': v('2026-02-18', '2028-07-29', '2027-02-23'),
	'v24.0': v('2025-10-08', '2028-02-18', '2026-11-10'),
	'v23.0': v('2025-05-29', '2027-10-08', '2026-06-09'),
	'v22.0': v('2025-01-21', '2027-05-20', '2026-02-19'),
	'v21.0': v('2024-10-02', '2027-01-21', '2025-09-09'),
	'v20.0': v('2024-05-21', '2026-09-24', '2025-05-06'),
	'v19.0': v('2024-01-23', '2026-05-21', '2025-02-04'),
	'v18.0': v('2023-09-12', '2026-01-26', '2024-08-13'),
	'v17.0': v('2023-05-23', '2025-09-12', '2024-05-14'),
	'v16.0': v('2023-02-02', '2025-05-14', '2024-02-06'),
	'v15.0': v('2022-09-15', '2024-11-20', '2023-09-20'),
	'v14.0': v('2022-05-25', '2024-09-17', '2023-09-20'),
	'v13.0': v('2022-02-08', '2024-05-28', '2023-01-25'),
	'v12.0': v('2021-09-14', '2024-02-08', '2022-08-09'),
	'v11.0': v('2021-06-08', '2023-09-14', '2022-02-23'),
	'v10.0': v('2021-02-23', '2023-06-08', '2021-10-04'),
};

/** The oldest version in the table: every version before it ended long ago on both APIs. */
const OLDEST = 10;
const NEWEST = Math.max(...Object.keys(API_VERSIONS).map((version) => Number(version.slice(1))));

export type VersionStanding =
	| { standing: 'ends'; until: string; daysLeft: number }
	| { standing: 'ended'; until?: string }
	| { standing: 'no_end_date' }
	| { standing: 'unknown' };

const DAY_MS = 86_400_000;

/**
 * How `version` stands on `api` at `now`: its end date and the days left (a version works through
 * its end date), ended, not given an end date yet, or not in the table (newer than it).
 */
export function versionStanding(version: string, api: MetaApi, now: number): VersionStanding {
	const dates = API_VERSIONS[version];
	if (!dates) {
		const number = Number(/^v(\d+(?:\.\d+)?)$/.exec(version)?.[1]);
		return Number.isFinite(number) && number < OLDEST ? { standing: 'ended' } : { standing: 'unknown' };
	}
	const until = dates.until[api];
	if (until === undefined) return { standing: 'no_end_date' };
	const endsAt = Date.parse(`${until}T23:59:59Z`);
	if (endsAt < now) return { standing: 'ended', until };
	return { standing: 'ends', until, daysLeft: Math.floor((endsAt - now) / DAY_MS) };
}

/** The newest version in the table, for remedies ("move to v27.0"). */
export const NEWEST_KNOWN_VERSION = `v${NEWEST}.0`;
