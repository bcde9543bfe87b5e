// Parsing an operation's parameters as the run frame does, for the per-operation tests.
import type { z } from 'zod';

import { labelsOf, type MetaOperation } from '../../../../nodes/MetaRequest/pipeline';
import { formatZodIssues } from '../../../../nodes/shared/n8n';

/** The operation's request for raw parameters (query and headers as given). */
export function requestOf<S extends z.ZodObject>(operation: MetaOperation<S, unknown>, raw: Record<string, unknown>, query = {}, headers = {}) {
	return operation.request!(operation.schema.parse(raw), query, headers);
}

/** What is wrong with raw parameters, as the node says it (labels as the editor shows them). */
export function issuesOf(operation: MetaOperation<z.ZodObject, unknown>, raw: Record<string, unknown>): string {
	const result = operation.schema.safeParse(raw);
	if (result.success) throw new Error('expected invalid parameters');
	return formatZodIssues(result.error, labelsOf(operation));
}
