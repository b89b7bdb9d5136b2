/** Tests are compiled by `tsc -p tsconfig.dev.json` into .build/ and run as plain JavaScript. */
module.exports = {
	rootDir: '.build/test',
	testMatch: ['**/*.test.js'],
	testEnvironment: 'node',
	testTimeout: 30000,
};
