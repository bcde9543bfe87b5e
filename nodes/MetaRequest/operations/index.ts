// The registry of Meta Request's operations, in the order the Operation list shows them:
// alphabetical, then Custom API Call last, as n8n's own nodes list it. Everything that lists the
// operations (the Operation options, the fields each shows, the subtitle, the options some of them
// use) is built from it; router.ts looks an operation up here. Adding one: its file and a line.
import type { INodeProperties } from 'n8n-workflow';
import { z } from 'zod';

import type { MetaOperation } from '../pipeline';
import type { OptionsShownFor } from '../options';
import { batch } from './batch.operation';
import { create } from './create.operation';
import { custom } from './custom.operation';
import { deleteObject } from './delete.operation';
import { getObject } from './getObject.operation';
import { listEdge } from './listEdge.operation';
import { pause } from './pause.operation';
import { replay } from './replay.operation';
import { sendEvents } from './sendEvents.operation';
import { update } from './update.operation';

export type AnyOperation = MetaOperation<z.ZodObject, unknown>;

export const OPERATIONS: readonly AnyOperation[] = [create, deleteObject, getObject, listEdge, pause, replay, batch, sendEvents, update, custom];

/** What a node without a saved Operation does (n8n leaves a default out of the saved parameters). */
export const DEFAULT_OPERATION = 'getObject';

export function operationNamed(value: unknown): AnyOperation | undefined {
	return OPERATIONS.find((operation) => operation.value === value);
}

/** The Operation parameter. n8n appends its own "Custom API Call" (which leads to the HTTP Request
 * node, without retries or redaction) to the operations of a node whose credential has
 * `authenticate`, unless the last option already has that name: ours is the node's own (value
 * `custom`, as saved workflows have it). */
export const operationProperty: INodeProperties = {
	displayName: 'Operation',
	name: 'operation',
	type: 'options',
	noDataExpression: true,
	default: DEFAULT_OPERATION,
	options: OPERATIONS.map(({ value, option }) => ({ ...option, value })),
};

/** Each operation's fields, shown for it only. */
export const operationFields: INodeProperties[] = OPERATIONS.flatMap((operation) =>
	operation.properties.map((property) => ({
		...property,
		displayOptions: { ...property.displayOptions, show: { ...property.displayOptions?.show, operation: [operation.value] } },
	})),
);

/** Every item's parameters by operation, as one zod union (what a saved node's parameters may be). */
export const itemParamsSchema = z.discriminatedUnion(
	'operation',
	OPERATIONS.map((operation) => operation.schema.extend({ operation: z.literal(operation.value) })) as unknown as [z.ZodObject<{ operation: z.ZodLiteral<string> }>],
);

/**
 * The node's subtitle. $rawParameter: an ID given as an expression reads "(expression)"
 * (evaluating it would fail in the editor, and n8n then shows no subtitle at all).
 */
export const SUBTITLE = `={{ (() => { const shown = (name) => { const value = $rawParameter[name]; return typeof value === "string" && value.startsWith("=") ? "(expression)" : value; }; const id = shown("objectId"); return ({ ${OPERATIONS.map(
	(operation) => `${operation.value}: ${operation.subtitle}`,
).join(', ')} })[$rawParameter.operation ?? "${DEFAULT_OPERATION}"]; })() }}`;

/** Which operations show the options only some of them use. */
export const OPTIONS_SHOWN_FOR: OptionsShownFor = {
	keepInputFields: OPERATIONS.filter((operation) => operation.answersById || operation.keepsInputFields).map((operation) => operation.value),
	validate: OPERATIONS.filter((operation) => operation.writes).map((operation) => operation.value),
	replay: OPERATIONS.filter((operation) => operation.value === 'replay').map((operation) => operation.value),
};
