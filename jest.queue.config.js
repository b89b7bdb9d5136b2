/**
 * `npm run test:n8n -- --queue`: the queue-mode suite (test/e2e/queue), n8n 2.x with PostgreSQL,
 * Redis, a main instance and workers. One file, no global set-up of the main suite.
 */
module.exports = {
	rootDir: '.build/test/e2e/queue',
	testMatch: ['**/*.test.js'],
	testEnvironment: 'node',
	maxWorkers: 1,
	testTimeout: 600000,
};
