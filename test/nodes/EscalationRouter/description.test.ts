// The Escalation Router's outputs and its "Route To" options come from the one route table.
import type { INodeProperties } from 'n8n-workflow';

import { EscalationRouter } from '../../../nodes/EscalationRouter/EscalationRouter.node';
import { ROUTES } from '../../../nodes/shared/core';

const { description } = new EscalationRouter();

function routeToOptions(collection: string): INodeProperties['options'] {
	const property = description.properties.find((p) => p.name === collection);
	const values = (property?.options?.[0] as { values: INodeProperties[] }).values;
	return values.find((v) => v.name === 'route')?.options;
}

test('one output per route, named in the engine order', () => {
	expect(ROUTES).toEqual(['retry', 'pause', 'alert', 'escalate', 'dead_letter', 'ignore']);
	expect(description.outputs).toEqual(ROUTES.map(() => 'main'));
	expect(description.outputNames).toEqual(['Retry', 'Pause', 'Alert', 'Escalate', 'Dead Letter', 'Ignore']);
});

test('rules and thresholds offer every route, alphabetically, with its description', () => {
	for (const collection of ['rules', 'thresholds']) {
		const options = routeToOptions(collection) as Array<{ name: string; value: string; description?: string }>;
		expect(options.map((o) => o.name)).toEqual(['Alert', 'Dead Letter', 'Escalate', 'Ignore', 'Pause', 'Retry']);
		expect([...options.map((o) => o.value)].sort()).toEqual([...ROUTES].sort());
		expect(options.find((o) => o.value === 'retry')?.description).toBe('Try again later (up to the retry cap)');
		expect(options.every((o) => typeof o.description === 'string' && o.description !== '')).toBe(true);
	}
});

test('a rule reads as a sentence: its name, what it matches, then where it routes', () => {
	const fieldsOf = (collection: string) => {
		const property = description.properties.find((p) => p.name === collection);
		return (property?.options?.[0] as { values: INodeProperties[] }).values.map((v) => v.displayName);
	};
	expect(fieldsOf('rules')).toEqual(['Name', 'Categories', 'Codes', 'Subcodes', 'AdCP Codes', 'Object Types', 'Condition', 'Route To']);
	expect(fieldsOf('thresholds')).toEqual(['Name', 'Categories', 'Codes', 'Count', 'Window (Minutes)', 'Route To']);
});
