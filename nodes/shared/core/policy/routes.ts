// The Escalation Router's routes: one row per output, in output order. The engine's `ROUTES`, the
// node's output names and its "Route To" options are all read from this table.

export const ROUTE_TABLE = [
	{ route: 'retry', output: 'Retry', description: 'Try again later (up to the retry cap)' },
	{ route: 'pause', output: 'Pause', description: 'Pause the object (ad, ad set, campaign) to stop waste' },
	{ route: 'alert', output: 'Alert', description: 'Tell a human; nothing to pause' },
	{ route: 'escalate', output: 'Escalate', description: 'A human must decide' },
	{ route: 'dead_letter', output: 'Dead Letter', description: 'Park the item: it will not succeed as it is' },
	{ route: 'ignore', output: 'Ignore', description: 'Nothing to do' },
] as const;

export type Route = (typeof ROUTE_TABLE)[number]['route'];

/** The routes in output order: output `i` of the node carries the items routed to `ROUTES[i]`. */
export const ROUTES: readonly Route[] = ROUTE_TABLE.map((row) => row.route);
