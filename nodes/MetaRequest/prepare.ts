// What every Meta Request run does before it sends anything, in one place for the single calls
// (execute.ts) and the Graph batch (batch.ts): parameters read with zod, each write's idempotency
// key, and every item prepared first.
import { NodeOperationError } from 'n8n-workflow';
import type { IExecuteFunctions } from 'n8n-workflow';
import type { z } from 'zod';

import { deriveIdempotencyKey } from '../shared/core';
import { formatZodIssues } from '../shared/n8n';
import type { MetaRequestOptions } from '../shared/transport';
import { optionsSchema, PARAMETER_LABELS } from './params';
import type { NodeOptions } from './params';

export type ParameterParser = <T>(schema: z.ZodType<T>, value: unknown, itemIndex: number, what: string) => T;

/** Parses a parameter with its schema, or stops with what is wrong, named as the editor names it. */
export function parameterParser(ctx: IExecuteFunctions): ParameterParser {
	return <T>(schema: z.ZodType<T>, value: unknown, itemIndex: number, what: string): T => {
		const result = schema.safeParse(value);
		if (result.success) return result.data;
		const problems = formatZodIssues(result.error, PARAMETER_LABELS).split('\n').join('; ');
		throw new NodeOperationError(ctx.getNode(), `Item ${itemIndex}: invalid ${what} — ${problems}`, {
			itemIndex,
			description: `Fix the parameter named above (item ${itemIndex}, counting from 0).`,
		});
	};
}

/**
 * The idempotency key of item `itemIndex`'s write: the Idempotency Key option, else one derived
 * from the workflow, the node, the item and the request (and the execution, under Key Scope:
 * Execution), so a re-run of the same write finds the same key.
 */
export function idempotencyKeyOf(
	ctx: IExecuteFunctions,
	options: NodeOptions,
	itemIndex: number,
	request: Pick<MetaRequestOptions, 'method' | 'path' | 'query' | 'body'>,
): string {
	return (
		options.idempotencyKey ||
		deriveIdempotencyKey({
			workflowId: String(ctx.getWorkflow().id ?? ''),
			executionId: options.keyScope === 'execution' ? (ctx.getExecutionId() ?? '') : undefined,
			nodeName: ctx.getNode().name,
			itemIndex,
			method: request.method,
			path: request.path,
			query: request.query,
			body: request.body,
		})
	);
}

/**
 * Prepares every item before anything is sent: a typo in item 7 must not leave items 0–6 written.
 * Under Continue On Fail an item that cannot be prepared becomes `invalid(message, options)`, with
 * its own options when they parse, else the defaults; otherwise its error stops the node.
 */
export function prepareEvery<T>(
	ctx: IExecuteFunctions,
	prepare: (itemIndex: number) => T,
	invalid: (message: string, options: NodeOptions) => T,
): T[] {
	const continueOnFail = ctx.continueOnFail();
	return ctx.getInputData().map((_, itemIndex) => {
		try {
			return prepare(itemIndex);
		} catch (error) {
			if (!continueOnFail) throw error;
			const options = optionsSchema.safeParse(ctx.getNodeParameter('options', itemIndex, {}));
			return invalid((error as Error).message, options.success ? options.data : optionsSchema.parse({}));
		}
	});
}
