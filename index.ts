// The package's programmatic entry: the shared error core, usable without n8n.
export * from './nodes/shared/core';
