// What the Escalation Router's policy is made of: the conditions, rules and thresholds a team
// configures (and the defaults), one item as the engine sees it, and the decision it returns with
// its reason. Types and defaults only: decision.ts decides, policyState.ts keeps the state.
import { type MetaRequestStats } from '../contract';
import type { ErrorCategory, MetaErrorInfo } from '../types';
import type { AnomalyFinding, AnomalyRule } from './anomaly';
import { type Route } from './routes';

/** What sent an item to its route, strongest first. */
export type DecidedBy = 'guard' | 'threshold' | 'anomaly' | 'rule' | 'default' | 'retry_cap' | 'cooldown';

/**
 * Conditions of a rule or threshold: every condition given must hold (AND); a list matches when
 * any of its values does (OR). No condition at all matches every item.
 */
export interface ErrorMatch {
	categories?: readonly ErrorCategory[];
	/** Compared with the error's code as text, case-insensitively (Graph, AdCP and transport codes). */
	codes?: readonly string[];
	subcodes?: readonly number[];
	/** Like `codes`, but only for errors read from an AdCP task failure. */
	adcpCodes?: readonly string[];
	objectTypes?: readonly string[];
	/** An n8n expression the node already evaluated for this item. */
	condition?: boolean;
}

export interface PolicyRule {
	name?: string;
	match: ErrorMatch;
	route: Route;
}

/** "When `count` matching items arrive within `windowMs` → `route`", at most once per window. */
export interface Threshold {
	name?: string;
	match: Pick<ErrorMatch, 'categories' | 'codes'>;
	count: number;
	windowMs: number;
	route: Route;
}

export interface PolicyConfig {
	/** In order; the first rule that matches decides. */
	rules: readonly PolicyRule[];
	thresholds: readonly Threshold[];
	/**
	 * Checked on items that carry readings (MeasurementInput) instead of an error, in order: every
	 * rule adds its reading to its baseline; the first that fires decides.
	 */
	anomalies?: readonly AnomalyRule[];
	/**
	 * A retry decided once the item has made this many attempts becomes a dead letter (so does one
	 * whose client already used its own Max Attempts, `stopReason: "max_attempts"`).
	 */
	retryCap: number;
	/** The same alert or escalation goes out at most once per cooldown; 0 turns this off. */
	cooldownMs: number;
	/** Pause decisions also ask for an alert (`alert: true`), de-duplicated like alerts. */
	alertOnPause: boolean;
	/** Keywords (case-insensitive) that, found in what an item touches, force Escalate. */
	neverAutomate: readonly string[];
	/** Categories about the token or app rather than one object: their cooldown key leaves the object out. */
	objectlessCategories: readonly ErrorCategory[];
}

export const DEFAULT_POLICY_CONFIG: PolicyConfig = {
	rules: [],
	thresholds: [],
	anomalies: [],
	retryCap: 5,
	cooldownMs: 60 * 60_000,
	alertOnPause: true,
	neverAutomate: ['budget', 'bid_amount', 'bid_cap', 'spend_cap'],
	objectlessCategories: ['auth', 'rate_limit', 'server', 'network'],
};

/**
 * One item as the engine sees it. `attempts` and `stopReason` are the client's verdict as data
 * (`metaRequest` on a Meta Request item, see MetaRequestStats); an item from elsewhere brings its
 * attempts alone.
 */
export interface PolicyInput {
	error: MetaErrorInfo;
	/** Attempts the item has already made. */
	attempts?: MetaRequestStats['attempts'];
	/** Why the client that made `attempts` stopped: `max_attempts` says its retries are spent. */
	stopReason?: MetaRequestStats['stopReason'];
	objectType?: string;
	objectId?: string;
	/** Field paths and names the item touches, checked by the never-automate guard. */
	subjects?: readonly string[];
}

export interface Decision {
	route: Route;
	/** One readable sentence for the audit trail. */
	reason: string;
	by: DecidedBy;
	/** The rule's name (or `rule N`) when a rule decided. */
	rule?: string;
	/** The threshold that fired, with the count it saw. */
	threshold?: { name: string; count: number; windowMinutes: number };
	/** Every threshold this item counted towards: how many matching items its window holds now (at most `of`). */
	counts?: Array<{ name: string; count: number; of: number; windowMinutes: number }>;
	/** Pause only: whether this item should raise an alert (false for a repeat within the cooldown). */
	alert?: boolean;
	/** Ignore by cooldown: the route the item would have taken, and when that went out last. */
	suppressed?: { route: Route; key: string; lastAt: string };
	/** The anomaly rule that fired: value, baseline, ratio, samples. */
	anomaly?: AnomalyFinding;
	/** What every anomaly rule found on a measurement item. */
	anomalies?: AnomalyFinding[];
}
