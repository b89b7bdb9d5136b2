/**
 * `npm test`: tests are compiled by `tsc -p tsconfig.dev.json` into .build/ and run as plain
 * JavaScript. The end-to-end suite has its own config (jest.e2e.config.js, npm run test:n8n).
 */
module.exports = {
	rootDir: '.build/test',
	testMatch: ['**/*.test.js'],
	testPathIgnorePatterns: ['<rootDir>/e2e/'],
	testEnvironment: 'node',
	testTimeout: 30000,
};
