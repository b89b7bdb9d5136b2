// What `npm run lint` checks beside `n8n-node lint`, which lints the shipped code (nodes/,
// credentials/, package.json) with n8n's default eslint.config.mjs: the tests, the test kit and
// the scripts with TypeScript's recommended rules, and the JavaScript that runs before
// node_modules exists. scripts/lint.ts passes this file to ESLint with --config.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
	{
		ignores: [
			'nodes/**',
			'credentials/**',
			'dist/**',
			'.build/**',
			'node_modules/**',
			'bench-results/**',
		],
	},
	{
		files: ['**/*.ts'],
		extends: [js.configs.recommended, tseslint.configs.recommended],
	},
	{
		files: ['**/*.js'],
		extends: [js.configs.recommended],
		languageOptions: { sourceType: 'commonjs', globals: globals.node },
	},
);
