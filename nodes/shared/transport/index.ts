// The HTTP side of the package: undici only, no n8n imports.
export * from './metaClient';
export { closeMetaPools } from './pool';
export { appSecretProof } from '../core/redact';
export { ForeignHostError, PathOutsideBaseError, resolveMetaUrl } from './url';
export type { QueryValue, ResolvedUrl } from './url';
