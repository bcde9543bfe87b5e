// Node parameters validated with zod, failing with a message a workflow author can act on.
import type { INode } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import type { z } from 'zod';

/**
 * One line per issue: `Output Field: must not be empty`, `Options → Error Field: …`. `labels` maps
 * parameter names (any segment of the path, e.g. an option inside Options) to the names shown in
 * the editor; list indexes stay as they are.
 */
export function formatZodIssues(error: z.ZodError, labels: Record<string, string> = {}): string {
	return error.issues
		.map((issue) => {
			const name = issue.path.map((segment) => labels[String(segment)] ?? String(segment)).join(' → ');
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
