// n8n-side helpers shared by the nodes of this package (the core stays free of n8n imports).
export * from './credential';
export * from './items';
export * from './parameters';
export * from './summary';
