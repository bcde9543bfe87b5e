// "New and Resolved Only": what Meta Health Check reported on earlier runs, so a finding is
// reported once, and once more as resolved when it is gone. Pure: the state is plain JSON kept in
// the state store (process memory with a static-data snapshot, or Redis), changed in one step.
import { findingKey, type CheckedObject, type Finding, type HealthCheckName } from './healthFindings';

/** One finding reported and not seen resolved yet. */
export interface ReportedFinding {
	check: HealthCheckName;
	code: string;
	object: CheckedObject;
	/** The check and object whose read would show it resolved (see scopeOf). */
	scope: string;
	firstSeenAt: number;
	lastSeenAt: number;
}

export interface ReportedFindings {
	findings: Record<string, ReportedFinding>;
}

/** A reported finding not seen for this long (its object no longer checked) is forgotten. */
export const FINDING_MEMORY_MS = 30 * 86_400_000;

/** The read a finding belongs to: a check on one target (an ad account's ad list, a WhatsApp Business Account's numbers). */
export const scopeOf = (check: HealthCheckName, target: string): string => `${check}:${target}`;

/** A finding found on this run, with its scope and when it was first found. */
export type FoundFinding = Finding & { scope: string; firstSeenAt: number };

export interface FindingsReport {
	/** Found now, not reported before (with Every Run: every finding). */
	fresh: FoundFinding[];
	/** Found now and reported before: not reported again. */
	ongoing: FoundFinding[];
	/** Reported before, and a successful read of its scope no longer finds it. */
	resolved: ReportedFinding[];
}

/**
 * The step from what was reported to what is reported now. `found` holds each finding with its
 * scope; `read` the scopes read successfully: a finding is resolved only when its scope was read
 * and did not find it again (a read that failed resolves nothing).
 */
export function reportFindings(
	previous: ReportedFindings | undefined,
	found: Array<{ finding: Finding; scope: string }>,
	read: ReadonlySet<string>,
	now: number,
): { state: ReportedFindings; report: FindingsReport } {
	const before = previous?.findings ?? {};
	const findings: Record<string, ReportedFinding> = {};
	const report: FindingsReport = { fresh: [], ongoing: [], resolved: [] };
	for (const { finding, scope } of found) {
		const key = findingKey(finding);
		if (findings[key]) continue; // the same finding twice in one run (an ad listed on two pages) counts once
		const earlier = before[key];
		const firstSeenAt = earlier?.firstSeenAt ?? now;
		findings[key] = { check: finding.check, code: finding.code, object: finding.object, scope, firstSeenAt, lastSeenAt: now };
		(earlier ? report.ongoing : report.fresh).push({ ...finding, scope, firstSeenAt });
	}
	for (const [key, earlier] of Object.entries(before)) {
		if (findings[key]) continue;
		if (read.has(earlier.scope)) report.resolved.push(earlier);
		else if (now - earlier.lastSeenAt < FINDING_MEMORY_MS) findings[key] = earlier;
	}
	return { state: { findings }, report };
}
