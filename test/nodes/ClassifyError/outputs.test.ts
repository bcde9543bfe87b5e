// Route by Category's one table: CATEGORY_LABELS names the Categories options and the outputs,
// and the run fills the outputs the description shows (picked categories in order, then Other).
import type { INodeParameters, INodePropertyOptions } from 'n8n-workflow';
import { ClassifyError } from '../../../nodes/ClassifyError/ClassifyError.node';
import { CATEGORY_LABELS } from '../../../nodes/shared/core';
import { categoryOptions } from '../../../nodes/shared/n8n';
import { ERROR_CATEGORIES } from '../../../nodes/shared/core';
import type { MetaErrorInfo } from '../../../nodes/shared/core';
import { runNode } from '../../helpers/engine';

const TYPE = 'n8n-nodes-meta-resilience.metaClassifyError';
const description = new ClassifyError().description;

/** The outputs n8n shows for these parameters: the description's outputs expression, evaluated. */
function outputsFor(parameters: INodeParameters): Array<{ type: string; displayName?: string }> {
	const expression = description.outputs as string;
	expect(expression.startsWith('={{') && expression.endsWith('}}')).toBe(true);
	return new Function('$parameter', `return ${expression.slice(3, -2)}`)(parameters);
}

describe('Classify Error — the outputs come from one table', () => {
	test('every category has exactly one option under Categories, named by its label', () => {
		const categories = description.properties.find((property) => property.name === 'categories');
		expect(categories?.options).toBe(categoryOptions);
		const options = categoryOptions as INodePropertyOptions[];
		expect(options.map((option) => option.value).sort()).toEqual([...ERROR_CATEGORIES].sort());
		for (const option of options) {
			expect(option.name).toBe(CATEGORY_LABELS[option.value as keyof typeof CATEGORY_LABELS]);
			expect(option.name).not.toBe('');
		}
		const names = options.map((option) => option.name);
		expect(new Set([...names, 'Other']).size).toBe(names.length + 1);
		expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b)));
	});

	test('Route by Category: one output per option picked, in the order picked, then Other; Annotate: one', () => {
		const all = categoryOptions.map((option) => option.value as string).reverse();
		const outputs = outputsFor({ mode: 'route', categories: all });
		expect(outputs).toHaveLength(categoryOptions.length + 1);
		expect(outputs.map((output) => output.displayName)).toEqual([
			...all.map((category) => CATEGORY_LABELS[category as keyof typeof CATEGORY_LABELS]),
			'Other',
		]);
		expect(outputs.every((output) => output.type === 'main')).toBe(true);
		expect(outputsFor({ mode: 'annotate', categories: all })).toEqual([{ type: 'main' }]);
	});

	test('the run fills exactly those outputs: each item on the output named after its category, the rest on Other', async () => {
		const parameters = {
			mode: 'route',
			categories: ['policy', 'auth', 'rate_limit', 'validation'],
			failureSource: 'auto',
			outputField: 'metaError',
		};
		const run = await runNode(TYPE, parameters, [
			{ error: { message: 'rate', code: 17 } },
			{ error: { message: 'token', code: 190 } },
			{ note: 'nothing failed' },
			{ error: { message: 'policy', code: 368 } },
			{ error: { message: 'bad parameter', code: 100 } },
			{ statusCode: 502, headers: {}, body: '<html>502</html>' },
		]);
		expect(run.error).toBeUndefined();
		const shown = outputsFor(parameters).map((output) => output.displayName);
		expect(run.nodeOutputs).toHaveLength(shown.length);
		const other = shown.length - 1;
		expect(shown[other]).toBe('Other');
		run.nodeOutputs.forEach((items, index) => {
			for (const item of items) {
				const category = (item.json.metaError as unknown as MetaErrorInfo).category;
				if (index === other) expect(parameters.categories).not.toContain(category);
				else expect(CATEGORY_LABELS[category]).toBe(shown[index]);
			}
		});
		expect(run.nodeOutputs.map((items) => items.length)).toEqual([1, 1, 1, 1, 2]);
	});
});
