// The HTTP side of the package: undici only, no n8n imports.
export * from './MetaClient';
export { closeMetaPools } from './pool';
export { appSecretProof } from '../core/redact';
export { ForeignHostError, PathOutsideBaseError, resolveMetaUrl } from './url';
export type { QueryValue, ResolvedUrl } from './url';
