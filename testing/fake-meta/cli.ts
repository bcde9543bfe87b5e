// Runs the fake Meta server on its own: `node .tools/testing/fake-meta/cli.js [options]`.
// Prints one JSON line {"url","port"} when ready; stops on SIGTERM / SIGINT.
//
// Options (flag, or environment variable):
//   --port N           FAKE_META_PORT        default 0 (a free port)
//   --host H           FAKE_META_HOST        default 127.0.0.1
//   --token T          FAKE_META_TOKEN       default the canary test token
//   --app-secret S     FAKE_META_APP_SECRET  require appsecret_proof
//   --budget B         FAKE_META_BUDGET      JSON, or calls=100,windowMs=10000,penaltyMs=2000,style=buc,retryAfterHeader=true;
//                                            or a limit model (limits.ts): model=marketingScore,tier=standard,errorCode=613 |
//                                            model=bucHour,managementCalls=300,insightsCalls=600 |
//                                            model=whatsapp,messagesPerSecond=80,pairIntervalMs=6000
//   --time-scale X     FAKE_META_TIME_SCALE  run the limit model's durations X times faster (sets its timeScale)
//   --faults F         FAKE_META_FAULTS      none | chaos | a JSON fault rule or list (see /__admin/faults)
//   --chaos-rate R     FAKE_META_CHAOS_RATE  share of faulty requests for --faults chaos (default 0.3)
//   --stall-ms MS      FAKE_META_STALL_MS    stall length for --faults chaos (default 2000)
//   --seed N           FAKE_META_SEED
//   --log-limit N      FAKE_META_LOG_LIMIT
//   --job-polls N      FAKE_META_JOB_POLLS   polls until jobs created over HTTP complete (default 2)

import { ruleFromJson } from './admin';
import { isLimitOptions, type AnyBudgetOptions, type LimitOptions } from './limits';
import { chaosFaults, type FaultRule } from './faults';
import { startFakeMeta, type FakeMeta, type FakeMetaOptions } from './server';

const FLAGS: Record<string, string> = {
	port: 'FAKE_META_PORT',
	host: 'FAKE_META_HOST',
	token: 'FAKE_META_TOKEN',
	'app-secret': 'FAKE_META_APP_SECRET',
	budget: 'FAKE_META_BUDGET',
	'time-scale': 'FAKE_META_TIME_SCALE',
	faults: 'FAKE_META_FAULTS',
	'chaos-rate': 'FAKE_META_CHAOS_RATE',
	'stall-ms': 'FAKE_META_STALL_MS',
	seed: 'FAKE_META_SEED',
	'log-limit': 'FAKE_META_LOG_LIMIT',
	'job-polls': 'FAKE_META_JOB_POLLS',
};

function readSettings(argv: string[], env: NodeJS.ProcessEnv): Record<string, string> {
	const settings: Record<string, string> = {};
	for (const [flag, variable] of Object.entries(FLAGS)) {
		const value = env[variable];
		if (value !== undefined && value !== '') settings[flag] = value;
	}
	for (let i = 0; i < argv.length; i++) {
		const match = /^--([\w-]+)(?:=(.*))?$/.exec(argv[i]);
		if (!match || !(match[1] in FLAGS)) throw new Error(`unknown argument ${argv[i]} (known: ${Object.keys(FLAGS).map((f) => `--${f}`).join(' ')})`);
		const value = match[2] ?? argv[++i];
		if (value === undefined) throw new Error(`--${match[1]} needs a value`);
		settings[match[1]] = value;
	}
	return settings;
}

function number(name: string, value: string | undefined): number | undefined {
	if (value === undefined) return undefined;
	const parsed = Number(value);
	if (!Number.isFinite(parsed)) throw new Error(`--${name} must be a number, got ${value}`);
	return parsed;
}

function parseBudget(value: string): AnyBudgetOptions {
	if (value.trim().startsWith('{')) return JSON.parse(value) as AnyBudgetOptions;
	const budget: Record<string, unknown> = {};
	for (const pair of value.split(',')) {
		const [key, raw = ''] = pair.split('=').map((s) => s.trim());
		budget[key] = raw === 'true' ? true : raw === 'false' ? false : /^-?\d+(\.\d+)?$/.test(raw) ? Number(raw) : raw;
	}
	return budget as unknown as AnyBudgetOptions;
}

/** `--time-scale` applies to a limit model only (today's window has no scale). */
function scaledBudget(budget: AnyBudgetOptions | undefined, timeScale: number | undefined): AnyBudgetOptions | undefined {
	if (timeScale === undefined) return budget;
	if (!budget || !isLimitOptions(budget)) {
		throw new Error('--time-scale needs a --budget with a limit model (model=marketingScore | bucHour | whatsapp)');
	}
	return { ...budget, timeScale } as LimitOptions;
}

function parseFaults(value: string, settings: Record<string, string>): FaultRule[] {
	if (value === 'none') return [];
	if (value === 'chaos') {
		return [chaosFaults({ rate: number('chaos-rate', settings['chaos-rate']), stallMs: number('stall-ms', settings['stall-ms']) })];
	}
	const json: unknown = JSON.parse(value);
	return (Array.isArray(json) ? json : [json]).map(ruleFromJson);
}

export function cliOptions(argv: string[], env: NodeJS.ProcessEnv): FakeMetaOptions {
	const settings = readSettings(argv, env);
	const polls = number('job-polls', settings['job-polls']);
	return {
		port: number('port', settings.port),
		host: settings.host,
		token: settings.token,
		appSecret: settings['app-secret'],
		budget: scaledBudget(settings.budget === undefined ? undefined : parseBudget(settings.budget), number('time-scale', settings['time-scale'])),
		faults: settings.faults === undefined ? undefined : parseFaults(settings.faults, settings),
		seed: number('seed', settings.seed),
		logLimit: number('log-limit', settings['log-limit']),
		jobDefaults: polls === undefined ? undefined : { completeAfterPolls: polls },
	};
}

/** Starts the server from command-line settings; `line` is what the CLI prints when ready. */
export async function runCli(argv: string[], env: NodeJS.ProcessEnv): Promise<{ fake: FakeMeta; line: string }> {
	const fake = await startFakeMeta(cliOptions(argv, env));
	return { fake, line: JSON.stringify({ url: fake.url, port: fake.port }) };
}

/** The command: start, print the address line, stop on SIGTERM / SIGINT. */
export async function main(argv: string[], env: NodeJS.ProcessEnv): Promise<void> {
	try {
		const { fake, line } = await runCli(argv, env);
		process.stdout.write(`${line}\n`);
		const stop = () => void fake.close().then(() => process.exit(0));
		process.once('SIGTERM', stop);
		process.once('SIGINT', stop);
	} catch (error) {
		process.stderr.write(`fake-meta: ${(error as Error).message}\n`);
		process.exit(2);
	}
}

if (require.main === module) void main(process.argv.slice(2), process.env);
