// Meta Request's parameters as the editor shows them: the Operation list and each operation's
// fields (from the registry), then what every operation has (Query Parameters, Shared State,
// Options).
import type { INodeProperties } from 'n8n-workflow';

import { sharedStateProperties } from '../shared/n8n/state';
import { operationFields, operationProperty, OPTIONS_SHOWN_FOR } from './operations';
import { optionsProperty } from './options';
import { COMMON_PROPERTIES } from './pipeline';

/** The outputs, in the order execute returns them: every item ends on exactly one. */
export const OUTPUT_NAMES: string[] = ['Success', 'Failed'];

export const metaRequestProperties: INodeProperties[] = [
	operationProperty,
	...operationFields,
	...COMMON_PROPERTIES,
	...sharedStateProperties,
	optionsProperty(OPTIONS_SHOWN_FOR),
];
