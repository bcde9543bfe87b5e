// The chaos run (npm run test:chaos): kept out of the default suite because it is long.
/** @type {import('jest').Config} */
module.exports = {
	...require('./jest.config.js'),
	testPathIgnorePatterns: ['/node_modules/'],
	testMatch: ['<rootDir>/test/chaos/**/*.test.ts'],
	testTimeout: 15 * 60_000,
};
