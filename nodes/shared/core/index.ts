export * from './types';
export * from './backoff';
export * from './breaker';
export * from './throttle';
export * from './idempotency';
export * from './windows';
export * from './policy';
export * from './jobs';
