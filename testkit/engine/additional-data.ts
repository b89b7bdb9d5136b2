/** What n8n's server hands the engine for one execution, reduced to what a node of this package reaches. */
import { ExternalSecretsProxy, type ExecutionLifecycleHooks } from 'n8n-core';
import { UnexpectedError, type IWorkflowExecuteAdditionalData } from 'n8n-workflow';

import type { HarnessCredentialsHelper } from './credentials-helper';

export const WORKFLOW_ID = 'harness-workflow';
const BASE = 'http://localhost:5678';

export function additionalData(
	credentialsHelper: HarnessCredentialsHelper,
	executionId: string,
	hooks?: ExecutionLifecycleHooks,
): IWorkflowExecuteAdditionalData {
	const unsupported = (what: string) => async () => {
		throw new UnexpectedError(`${what} is not available in the engine harness`);
	};
	const data: Partial<IWorkflowExecuteAdditionalData> = {
		credentialsHelper,
		hooks,
		executionId,
		executeWorkflow: unsupported('Executing a sub-workflow'),
		getRunExecutionData: async () => undefined,
		getRuntimeCredential: async () => undefined,
		startRunnerTask: unsupported('The task runner'),
		logAiEvent: () => {},
		externalSecretsProxy: new ExternalSecretsProxy(),
		currentNodeExecutionIndex: 0,
		restApiUrl: `${BASE}/rest`,
		instanceBaseUrl: `${BASE}/`,
		formBaseUrl: `${BASE}/form`,
		formWaitingBaseUrl: `${BASE}/form-waiting`,
		formTestBaseUrl: `${BASE}/form-test`,
		webhookBaseUrl: `${BASE}/webhook`,
		webhookWaitingBaseUrl: `${BASE}/webhook-waiting`,
		webhookTestBaseUrl: `${BASE}/webhook-test`,
		mcpBaseUrl: `${BASE}/mcp`,
		mcpTestBaseUrl: `${BASE}/mcp-test`,
		variables: {},
		userId: 'harness-user',
		workflowId: WORKFLOW_ID,
	};
	return data as IWorkflowExecuteAdditionalData;
}
