// Node parameters validated with zod, failing with a message a workflow author can act on.
import type { INode } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import type { z } from 'zod';

/** Collections whose entries are parameters too: their names are labelled like the parameter's. */
const COLLECTIONS = new Set(['options']);

/**
 * One line per issue: `Output Field: must not be empty`, `Options → Error Field: …`. `labels` maps
 * parameter names (the first path segment, and an option inside Options) to the names shown in
 * the editor; anything deeper (a query parameter's own name, a list index) stays as it is.
 */
export function formatZodIssues(error: z.ZodError, labels: Record<string, string> = {}): string {
	return error.issues
		.map((issue) => {
			const path = issue.path.map(String);
			const labelled = path.map((segment, i) =>
				i === 0 || (i === 1 && COLLECTIONS.has(path[0])) ? (labels[segment] ?? segment) : segment,
			);
			const name = labelled.join(' → ');
			return name ? `${name}: ${issue.message}` : issue.message;
		})
		.join('\n');
}

/**
 * Parses `value` with `schema`, or throws a NodeOperationError naming the first wrong parameter
 * in its message and listing every problem in its description.
 */
export function parseParameters<S extends z.ZodType>(
	node: INode,
	schema: S,
	value: unknown,
	options: { labels?: Record<string, string>; itemIndex?: number } = {},
): z.output<S> {
	const parsed = schema.safeParse(value);
	if (parsed.success) return parsed.data;
	const lines = formatZodIssues(parsed.error, options.labels).split('\n');
	throw new NodeOperationError(node, `Invalid parameter — ${lines[0]}`, {
		description:
			lines.length > 1 ? `Fix these parameters:\n${lines.join('\n')}` : 'Fix this parameter and run again.',
		itemIndex: options.itemIndex,
	});
}
