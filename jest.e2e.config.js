/**
 * End-to-end tests in real n8n (test/e2e/*.e2e.test.ts): one n8n at a time (--runInBand), long
 * timeouts because every n8n CLI call starts n8n. The global setup installs n8n (cached) and packs
 * the package once.
 * @type {import('jest').Config}
 */
module.exports = {
	testEnvironment: 'node',
	roots: ['<rootDir>/test/e2e'],
	testMatch: ['**/*.e2e.test.ts'],
	transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json', isolatedModules: true }] },
	globalSetup: '<rootDir>/test/e2e/globalSetup.ts',
	globalTeardown: '<rootDir>/test/e2e/globalTeardown.ts',
	testTimeout: 5 * 60_000,
	slowTestThreshold: 60,
};
