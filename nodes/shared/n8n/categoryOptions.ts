// Option lists several nodes show, generated from the core's tables.
import type { INodePropertyOptions } from 'n8n-workflow';
import { CATEGORY_LABELS, ERROR_CATEGORIES } from '../core';

/** One option per error category, named by its label, alphabetically as n8n lists options. */
export const categoryOptions: INodePropertyOptions[] = ERROR_CATEGORIES.map((category) => ({
	name: CATEGORY_LABELS[category],
	value: category,
})).sort((a, b) => a.name.localeCompare(b.name));
