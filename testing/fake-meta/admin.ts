// `/__admin/*`: lets another process (demo, e2e run, benchmark) program and inspect the server.
// No auth, no budget, no faults, not logged.

import type { Answer } from './http';
import { chaosFaults, type FaultMatch, type FaultRule } from './faults';
import type { AnyBudgetOptions } from './limits';
import type { AsyncJobOptions } from './jobs';
import type { FakeMeta, JobDefaults } from './server';

/**
 * A fault rule as JSON: like FaultRule, with `match.pathRegex` (a RegExp source) for a pattern,
 * or `{ "preset": "chaos", "rate"?, "stallMs"? }` for the chaos mix.
 */
export function ruleFromJson(value: unknown): FaultRule {
	if (!value || typeof value !== 'object') throw new Error('a fault rule must be an object');
	const json = value as Record<string, unknown>;
	if (json.preset === 'chaos') {
		return chaosFaults({ rate: optionalNumber(json.rate), stallMs: optionalNumber(json.stallMs) });
	}
	if (json.preset !== undefined) throw new Error(`unknown fault preset ${String(json.preset)} (known: chaos)`);
	if (!json.fault || typeof json.fault !== 'object') throw new Error('a fault rule needs `fault`');
	const rule = { ...json } as unknown as FaultRule;
	const match = json.match as (FaultMatch & { pathRegex?: string }) | undefined;
	if (match?.pathRegex !== undefined) {
		const { pathRegex, ...rest } = match;
		rule.match = { ...rest, path: new RegExp(pathRegex) };
	}
	return rule;
}

function optionalNumber(value: unknown): number | undefined {
	return typeof value === 'number' ? value : undefined;
}

export function handleAdmin(fake: FakeMeta, method: string, path: string, query: URLSearchParams, body: unknown): Answer {
	try {
		return route(fake, `${method} ${path.replace(/\/+$/, '')}`, query, body);
	} catch (error) {
		return { status: 400, body: { error: (error as Error).message } };
	}
}

function route(fake: FakeMeta, call: string, query: URLSearchParams, body: unknown): Answer {
	const [, resource, id] = /^\w+ ([\w-]+)(?:\/(.+))?$/.exec(call) ?? [];
	const method = call.split(' ')[0];
	const record = (body ?? {}) as Record<string, unknown>;
	switch (`${method} ${resource}${id === undefined ? '' : ' :id'}`) {
		case 'GET requests': {
			const limit = Number(query.get('limit') ?? 100);
			return ok({ stats: fake.stats(), requests: fake.requests.slice(-limit) });
		}
		case 'GET stats':
			return ok(fake.stats());
		case 'GET writes':
			return ok({ writes: fake.writes });
		case 'GET duplicates':
			return ok({ duplicates: fake.duplicateWrites() });
		case 'POST faults':
			for (const rule of Array.isArray(body) ? body : [body]) fake.addFault(ruleFromJson(rule));
			return ok({ ok: true });
		case 'DELETE faults':
			fake.clearFaults();
			return ok({ ok: true });
		case 'POST reset':
			fake.reset();
			return ok({ ok: true });
		case 'POST budget':
			fake.setBudget(body ? (body as AnyBudgetOptions) : undefined);
			return ok({ ok: true });
		case 'POST jobs':
			if (!['async_batch', 'report_run', 'async_session', 'custom'].includes(record.kind as string)) {
				throw new Error('a job needs kind: async_batch | report_run | async_session | custom');
			}
			return ok({ id: fake.createAsyncJob(record as unknown as AsyncJobOptions) });
		case 'GET jobs :id': {
			const job = fake.getJob(id);
			return job ? ok(job) : { status: 404, body: { error: `no job ${id}` } };
		}
		case 'POST job-defaults':
			fake.setJobDefaults(record as JobDefaults);
			return ok({ ok: true });
		case 'POST seed': {
			if (!Array.isArray(record.objects)) throw new Error('seed needs { objects: [...], parent?, edge? }');
			const ids = fake.seedObjects(record.objects as Array<Record<string, unknown>>, {
				parent: typeof record.parent === 'string' ? record.parent : undefined,
				edge: typeof record.edge === 'string' ? record.edge : undefined,
			});
			return ok({ ids });
		}
		case 'GET objects :id': {
			const object = fake.getObject(id);
			return object ? ok(object) : { status: 404, body: { error: `no object ${id}` } };
		}
		default:
			return { status: 404, body: { error: `unknown admin call ${call}` } };
	}
}

function ok(body: unknown): Answer {
	return { status: 200, body };
}
