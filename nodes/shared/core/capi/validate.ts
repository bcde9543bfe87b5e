// What Meta's Conversions API refuses, checked before sending (Validate Before Sending), per event,
// from its "Server Event Parameters" and "Data Processing Options" references: an event's time,
// its action source, what a website event must carry, that it says who the customer is, and the
// Limited Data Use flags. Pure: each problem names the field and what to send instead.
import { isObject } from '../util';
import { CLEAR_USER_DATA, HASHED_USER_DATA } from './userData';

/** Meta's action_source values. */
export const ACTION_SOURCES = ['email', 'website', 'app', 'phone_call', 'chat', 'physical_store', 'system_generated', 'business_messaging', 'other'] as const;

const DAY_S = 86_400;
/** Meta takes events up to 7 days old (physical_store: 62 days) and refuses events from the future; a few minutes of clock skew are allowed here. */
const MAX_AGE_S = 7 * DAY_S;
const MAX_STORE_AGE_S = 62 * DAY_S;
const FUTURE_SLACK_S = 10 * 60;

export interface CapiProblem {
	code: string;
	field: string;
	message: string;
}

const problem = (code: string, field: string, message: string): CapiProblem => ({ code: `VALIDATION_CAPI_${code}`, field, message });

function eventTimeProblem(event: Record<string, unknown>, nowS: number): CapiProblem | undefined {
	const time = event.event_time;
	if (time === undefined || time === null || time === '') return problem('EVENT_TIME', 'event_time', 'event_time is missing: give the Unix time in seconds when the event happened.');
	if (typeof time !== 'number' || !Number.isInteger(time)) {
		return problem('EVENT_TIME', 'event_time', `event_time must be a whole Unix time in seconds, not ${JSON.stringify(time)} (e.g. {{ Math.floor(Date.now() / 1000) }}).`);
	}
	if (time > 1e11) return problem('EVENT_TIME', 'event_time', `event_time ${time} is in milliseconds: divide it by 1000 (Meta wants seconds).`);
	const maxAge = event.action_source === 'physical_store' ? MAX_STORE_AGE_S : MAX_AGE_S;
	if (time < nowS - maxAge) {
		return problem('EVENT_TIME', 'event_time', `event_time ${time} is ${Math.floor((nowS - time) / DAY_S)} days old; Meta takes events up to ${maxAge / DAY_S} days old${maxAge === MAX_AGE_S ? ' (62 for physical_store)' : ''}.`);
	}
	if (time > nowS + FUTURE_SLACK_S) return problem('EVENT_TIME', 'event_time', `event_time ${time} is in the future; Meta refuses events that have not happened yet.`);
	return undefined;
}

function dataProcessingProblem(event: Record<string, unknown>): CapiProblem | undefined {
	const options = event.data_processing_options;
	if (options === undefined) return undefined;
	if (!Array.isArray(options) || options.some((o) => typeof o !== 'string')) {
		return problem('DATA_PROCESSING', 'data_processing_options', 'data_processing_options must be a list: [] to opt out of Limited Data Use, or ["LDU"].');
	}
	if (options.length === 0) return undefined;
	if (options.length !== 1 || options[0] !== 'LDU') return problem('DATA_PROCESSING', 'data_processing_options', `data_processing_options ${JSON.stringify(options)} is not one Meta knows: use [] or ["LDU"].`);
	const country = event.data_processing_options_country;
	const state = event.data_processing_options_state;
	const pair = `${String(country)}/${String(state)}`;
	if (!['0/0', '1/1000'].includes(pair)) {
		return problem(
			'DATA_PROCESSING',
			'data_processing_options_country',
			`["LDU"] needs data_processing_options_country and data_processing_options_state: 0 and 0 (Meta finds the place from the IP address) or 1 and 1000 (California), not ${pair}.`,
		);
	}
	return undefined;
}

/** Does user_data say who the customer is (any customer information parameter, hashed or clear)? */
function identifiesCustomer(userData: unknown): boolean {
	if (!isObject(userData)) return false;
	const known: readonly string[] = [...HASHED_USER_DATA, ...CLEAR_USER_DATA];
	return known.some((field) => {
		const value = userData[field];
		return Array.isArray(value) ? value.some((v) => v !== '' && v !== null && v !== undefined) : value !== undefined && value !== null && value !== '';
	});
}

/** Every problem Meta would refuse this event for (user_data as it will be sent), in the order of the event's fields. */
export function capiEventProblems(event: Record<string, unknown>, now: number): CapiProblem[] {
	const problems: CapiProblem[] = [];
	const timeProblem = eventTimeProblem(event, Math.floor(now / 1000));
	if (timeProblem) problems.push(timeProblem);
	const source = event.action_source;
	if (typeof source !== 'string' || source === '') {
		problems.push(problem('ACTION_SOURCE', 'action_source', `action_source is missing: give where the event happened, one of ${ACTION_SOURCES.join(', ')}.`));
	} else if (!(ACTION_SOURCES as readonly string[]).includes(source)) {
		problems.push(problem('ACTION_SOURCE', 'action_source', `action_source "${source}" is not one of Meta's: ${ACTION_SOURCES.join(', ')}.`));
	} else if (source === 'website') {
		if (typeof event.event_source_url !== 'string' || event.event_source_url === '') {
			problems.push(problem('WEBSITE', 'event_source_url', 'a website event needs event_source_url: the URL of the page where it happened.'));
		}
		if (!isObject(event.user_data) || typeof event.user_data.client_user_agent !== 'string' || event.user_data.client_user_agent === '') {
			problems.push(problem('WEBSITE', 'user_data.client_user_agent', "a website event needs user_data.client_user_agent: the visitor's browser user agent."));
		}
	}
	if (!identifiesCustomer(event.user_data)) {
		problems.push(
			problem('USER_DATA', 'user_data', 'user_data says nothing about the customer: give at least one customer information parameter (em, ph, external_id, fbp, fbc, client_ip_address with client_user_agent, …).'),
		);
	}
	const dpo = dataProcessingProblem(event);
	if (dpo) problems.push(dpo);
	return problems;
}
