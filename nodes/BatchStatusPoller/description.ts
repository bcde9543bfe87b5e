import type { INodeProperties } from 'n8n-workflow';
import { sharedStateProperties } from '../shared/n8n/state';

/** The outputs in order, by the name n8n shows: the one table the description and the run read. */
// Short enough for the canvas, which cuts an output label at about 96 px ("Item Succeeded" was).
export const OUTPUTS = ['Completed', 'Failed', 'Job Failed', 'Still Running', 'Succeeded'] as const;
export type OutputName = (typeof OUTPUTS)[number];
/** OUTPUTS as the description's `outputNames` (a mutable list). */
export const OUTPUT_NAMES: string[] = [...OUTPUTS];

const custom = { show: { jobKind: ['custom'] } };
const catalog = { show: { jobKind: ['catalog_batch'] } };

const mappingField = (displayName: string, name: string, fallback: string, description: string): INodeProperties => ({
	displayName,
	name,
	type: 'string',
	default: fallback,
	description,
});

export const batchStatusPollerProperties: INodeProperties[] = [
	{
		displayName: 'Job Kind',
		name: 'jobKind',
		type: 'options',
		noDataExpression: true,
		default: 'async_batch',
		options: [
			{
				name: 'Ad Report Run',
				value: 'report_run',
				description: 'An async insights report run: async_status until Job Completed, Job Failed or Job Skipped',
			},
			{
				name: 'Async Batch Request Set',
				value: 'async_batch',
				description: 'Marketing API async batch request set: one output item per failed sub-request',
			},
			{
				name: 'Async Session',
				value: 'async_session',
				description: 'A Meta async session: IN_PROGRESS, SUCCESS, or FAILED with result.error',
			},
			{
				name: 'Custom Status URL',
				value: 'custom',
				description: 'Your own batch status API, with mapped fields',
			},
			{
				name: 'Instagram Media Container',
				value: 'ig_container',
				description: 'A media container (POST /{ig-user-ID}/media): waits until it is FINISHED, ready for media_publish',
			},
			{
				name: 'Product Catalog Batch',
				value: 'catalog_batch',
				description: 'A handle from POST /{catalog_id}/items_batch: one output item per rejected product',
			},
			{
				name: 'Video Upload',
				value: 'video',
				description: 'An uploaded video: waits until Meta has processed it (ready) or reports an error',
			},
		],
	},
	{
		displayName: 'Job ID Field',
		name: 'jobIdField',
		type: 'string',
		default: 'id',
		description:
			'Field of the input item that holds the job ID: for a container or a video, the ID its create or upload call returned. Dot notation for nested fields, e.g. body.adBatchId.',
		displayOptions: { hide: { jobKind: ['catalog_batch'] } },
	},
	{
		displayName: 'Handle Field',
		name: 'jobIdField',
		type: 'string',
		default: 'handles',
		description: 'Field of the input item that holds the batch handle items_batch returned (its handles list of one handle is taken as is)',
		displayOptions: catalog,
	},
	{
		displayName: 'Catalog ID',
		name: 'catalogId',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. 1234567890',
		description: 'The catalog the batch was sent to: the {catalog_id} of POST /{catalog_id}/items_batch',
		displayOptions: catalog,
	},
	{
		displayName: 'Sent Requests',
		name: 'sentRequests',
		type: 'json',
		default: '',
		description:
			"Optional: the requests list sent to items_batch (or the whole body), usually an expression that reads it from the node that built it. With it each product keeps its position in the batch, Output Succeeded Items lists the products that Meta's answer proves applied (with their warnings), and a product it cannot prove goes to Failed as unconfirmed.",
		displayOptions: catalog,
	},
	{
		displayName: 'Status URL',
		name: 'statusUrl',
		type: 'string',
		default: '/v1/batch-status/{id}',
		required: true,
		description:
			'Path (or URL on the credential\'s host) that answers the job\'s status; {ID} is replaced by the job ID. A path without a version gets the credential\'s API version.',
		displayOptions: custom,
	},
	{
		displayName: 'Field Mapping',
		name: 'mapping',
		type: 'collection',
		placeholder: 'Change Field',
		default: {},
		description: 'Where the status answer keeps each value (dot notation allowed)',
		displayOptions: custom,
		options: [
			mappingField('Done Status Values', 'doneValues', 'completed, complete, partial, success, succeeded, done, finished', 'Status values that mean the job ended (failures inside it are still reported per item), comma-separated'),
			mappingField('Error Message Field', 'errorMessage', 'errorMessage', 'Message of a failed job'),
			mappingField('Errors List Field', 'errors', 'errors', 'List of per-item failures in the status answer'),
			mappingField('Failed Status Values', 'failedValues', 'failed, failure, error, canceled, cancelled, skipped', 'Status values that mean the whole job failed, comma-separated'),
			mappingField('Item ID Field', 'itemId', 'adId', 'In each failure: the ID of the item'),
			mappingField('Item Index Field', 'itemIndex', 'index', 'In each failure: the position of the item in the batch'),
			mappingField('Progress Field', 'progress', 'progress', 'Progress in percent (0–100); 100 without a status field means done'),
			mappingField('Status Field', 'status', 'status', 'Status of the job'),
			mappingField('Succeeded Count Field', 'succeeded', 'successfulAds', 'How many items succeeded'),
			mappingField('Total Count Field', 'total', 'totalAds', 'How many items the job has'),
		],
	},
	{
		displayName: 'Initial Interval (Seconds)',
		name: 'initialInterval',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 2,
		description: 'Wait between the first and the second status poll; at least 1 s',
	},
	{
		displayName: 'Backoff Factor',
		name: 'backoffFactor',
		type: 'number',
		typeOptions: { minValue: 1, numberPrecision: 2 },
		default: 1.5,
		description: 'Each wait is the previous one times this factor',
	},
	{
		displayName: 'Max Interval (Seconds)',
		name: 'maxInterval',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 60,
		description: 'Longest wait between two polls; at least 1 s',
	},
	{
		displayName: 'Timeout (Seconds)',
		name: 'timeout',
		type: 'number',
		typeOptions: { minValue: 0 },
		default: 300,
		description:
			'How long this run follows a job. A job not done by then leaves on Still Running with its ID and progress; feed it to this node again later to resume.',
	},
	...sharedStateProperties,
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Concurrency',
				name: 'concurrency',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: 20 },
				default: 5,
				description: 'How many jobs are followed at the same time',
			},
			{
				displayName: 'Error Field',
				name: 'errorField',
				type: 'string',
				default: 'metaError',
				description: 'Field that receives the classified error on Failed and Job Failed items',
			},
			{
				displayName: 'Max Result Pages',
				name: 'maxPages',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: 1000,
				description: 'Pages of results read at most per job',
			},
			{
				displayName: 'Output Succeeded Items',
				name: 'outputSucceeded',
				type: 'boolean',
				default: false,
				description:
					'Whether to send one item per succeeded sub-request (async batch), per report row (report run) or per applied product (catalog batch with Sent Requests) to the Succeeded output',
			},
			{
				displayName: 'Poll Retries',
				name: 'pollRetries',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: 20 },
				default: 3,
				description:
					'Attempts per status poll for throttled or failing polls (with backoff and Meta\'s wait hints). A poll that still fails does not fail the job: polling goes on until the timeout.',
			},
			{
				displayName: 'Retry Base Delay (Seconds)',
				name: 'retryBaseDelay',
				type: 'number',
				typeOptions: { minValue: 0 },
				default: 1,
				description: 'First backoff of a poll retry; it doubles with each retry (with jitter)',
			},
			{
				displayName: 'Sort Results By',
				name: 'sortBy',
				type: 'string',
				default: '',
				placeholder: 'e.g. updated_time',
				description: 'Field that orders result lists before the ID tiebreak. Empty: by ID.',
			},
		],
	},
];
