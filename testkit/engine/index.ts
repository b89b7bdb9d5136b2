/** Running the package's nodes and credential tests in n8n's engine: what tests, demo and bench use. */
export { runNode, type InputItem, type OnErrorSetting, type RunNodeOptions } from './run-node';
export { WORKFLOW_ID } from './additional-data';
export { storeBinaries, useBinaryDataMode } from './binary-data';
export type { CredentialData } from './credentials-helper';
export type { RunNodeResult } from './run-result';
export { testCredential } from './test-credential';
export {
	newStaticDataStore,
	openWebhook,
	runWebhook,
	type StaticDataStore,
	type WebhookEndpoint,
} from './run-webhook';
export { HarnessCredentialsHelper } from './credentials-helper';
