import type {
	IAuthenticateRuleResponseCode,
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestOptions,
	Icon,
	INodeProperties,
} from 'n8n-workflow';

import { isFailure } from '../nodes/OneFlow/shared/failure';
import {
	authorizationHeaders,
	DEFAULT_BASE_URL,
	resolveConnection,
} from '../nodes/OneFlow/shared/validation';

/** The Test button: statuses that mean "not set up right", with what to fix. */
const CREDENTIAL_TEST_FAILURES: Array<[number[], string]> = [
	[[401], 'Webhook secret rejected: check Webhook Secret (leave it empty if the webhook has none)'],
	[[404], 'Webhook ID not found: check Webhook ID and Base URL'],
	[
		[301, 302, 303, 307, 308],
		'Base URL redirects elsewhere: enter the final https:// address of 1Flow',
	],
	[[500, 502, 503, 504], '1Flow answered with a server error: try again later'],
];

export class OneFlowApi implements ICredentialType {
	name = 'oneFlowApi';

	displayName = '1Flow API';

	icon: Icon = { light: 'file:../icons/oneflow.svg', dark: 'file:../icons/oneflow.dark.svg' };

	// The package's page on the npm registry shows the README and exists once the package is
	// published; no #anchor, since n8n appends its tracking parameters to this URL.
	documentationUrl = 'https://www.npmjs.com/package/n8n-nodes-1flow';

	properties: INodeProperties[] = [
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: DEFAULT_BASE_URL,
			required: true,
			description:
				'Address of your 1Flow app: https://app.1flow.io, or https://app.doc-vision.com for DocVision',
		},
		{
			displayName: 'Webhook ID',
			name: 'webhookId',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'e.g. abc123xyz',
			description: 'The webhook identifier from 1Flow: the {webhookId} part of its webhook URL',
		},
		{
			displayName: 'Webhook Secret',
			name: 'webhookSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description:
				'The secret configured for this webhook in 1Flow. Leave empty if the webhook has none.',
		},
	];

	/** Checks every field before a request leaves, and sends the secret only when there is one. */
	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		const connection = resolveConnection(credentials);
		if (isFailure(connection)) throw new Error(`${connection.message}. ${connection.description}`);
		return {
			...requestOptions,
			headers: { ...requestOptions.headers, ...authorizationHeaders(connection.secret) },
		};
	}

	/**
	 * A delete without a docId changes nothing: 1Flow checks the webhook and the secret first and
	 * then rejects the empty body with 400, which therefore means "webhook ID and secret are right".
	 * So every status but the listed ones counts as success (n8n 2.x; 1.x ignores `except`, see README).
	 */
	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{ $credentials.baseUrl.trim().replace(/\\/+$/, "") }}',
			url: '=/api/webhook/{{ $credentials.webhookId.trim() }}/document/delete',
			method: 'POST',
			body: { docId: '' },
			json: true,
			disableFollowRedirect: true,
			ignoreHttpStatusErrors: {
				ignore: true,
				except: CREDENTIAL_TEST_FAILURES.flatMap(([statuses]) => statuses),
			},
			timeout: 15000,
		},
		rules: CREDENTIAL_TEST_FAILURES.flatMap(([statuses, message]) =>
			statuses.map((value): IAuthenticateRuleResponseCode => ({
				type: 'responseCode',
				properties: { value, message },
			})),
		),
	};
}
