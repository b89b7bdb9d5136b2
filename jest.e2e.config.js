/**
 * `npm run test:n8n`: the end-to-end suite in a real n8n, compiled into .build/ like the other
 * tests. scripts/test-n8n.ts runs it once per n8n major line, one file at a time (every n8n
 * command is a heavy process of its own).
 */
module.exports = {
	rootDir: '.build/test/e2e',
	testMatch: ['**/*.test.js'],
	// The browser test of the editor is written against n8n 2.x's editor; the queue-mode suite runs
	// on its own: npm run test:n8n -- --queue (jest.queue.config.js).
	testPathIgnorePatterns: [
		'<rootDir>/queue/',
		...(process.env.E2E_N8N_MAJOR === '1' ? ['/editor\\.test\\.js$'] : []),
	],
	globalSetup: '<rootDir>/global-setup.js',
	testEnvironment: 'node',
	maxWorkers: 1,
	testTimeout: 300000,
};
