import {
	NodeConnectionTypes,
	NodeOperationError,
	type ICredentialTestFunctions,
	type ICredentialsDecrypted,
	type IDataObject,
	type IExecuteFunctions,
	type IHookFunctions,
	type INodeExecutionData,
	type INodeCredentialTestResult,
	type INodeType,
	type INodeTypeDescription,
	type IWebhookFunctions,
	type IWebhookResponseData,
} from 'n8n-workflow';

import { outputOption } from '../OneFlow/shared/document';
import { EVENTS_MESSAGE, TOLERANCE_MESSAGE } from './answers';
import { eventsOf } from './callback';
import { receiveCallback, toleranceMsOf } from './receive';
import { runCallback } from './run';

/** At activation: a tolerance out of range would make no window, bad Events no choice at all. */
async function checkOptions(this: IHookFunctions): Promise<boolean> {
	let options: IDataObject = {};
	let events: unknown;
	try {
		options = this.getNodeParameter('options', {}) as IDataObject;
		events = this.getNodeParameter('events', ['document.ready']);
	} catch {
		// Unreadable here (e.g. an expression needing input data): checked per callback instead.
		return true;
	}
	if (toleranceMsOf(options) === undefined)
		throw new NodeOperationError(this.getNode(), TOLERANCE_MESSAGE, {
			description: 'The option is set on the 1Flow Trigger (Options > Timestamp Tolerance).',
		});
	if (eventsOf(events) === undefined)
		throw new NodeOperationError(this.getNode(), EVENTS_MESSAGE, {
			description: 'Choose the events in the 1Flow Trigger, or make the expression give a list.',
		});
	return true;
}

export class OneFlowTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: '1Flow Trigger',
		name: 'oneFlowTrigger',
		icon: { light: 'file:../../icons/oneflow.svg', dark: 'file:../../icons/oneflow.dark.svg' },
		group: ['trigger'],
		version: 1,
		description:
			'Starts the workflow when 1Flow has processed a document (its signed document.ready callback)',
		defaults: { name: '1Flow Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'oneFlowCallbackApi', required: false, testedBy: 'checkSigningSecret' }],
		subtitle: '={{ $parameter["events"].join(", ") }}',
		webhooks: [
			{
				name: 'default',
				httpMethod: 'POST',
				// n8n answers once the execution is stored, with the webhook's own response.
				responseMode: 'onReceived',
				responseData: '',
				path: 'callback',
			},
		],
		properties: [
			{
				displayName:
					'Paste the Production URL into 1Flow and select a credential with its Webhook Signing Secret',
				name: 'setupNotice',
				type: 'notice',
				default: '',
			},
			{
				displayName: 'Events',
				name: 'events',
				type: 'multiOptions',
				required: true,
				default: ['document.ready'],
				options: [
					{
						name: 'Any Event',
						value: '*',
						description: 'Every event 1Flow sends, including ones added later',
					},
					{
						name: 'Document Ready',
						value: 'document.ready',
						description: 'A document was processed and indexed',
					},
				],
				description: 'Callbacks of other events are answered and start nothing',
			},
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add Option',
				default: {},
				options: [
					{
						displayName: 'Accept Unsigned Callbacks',
						name: 'acceptUnsigned',
						type: 'boolean',
						default: false,
						description:
							'Whether to start the workflow on callbacks without a signature when no credential is set. Anyone who learns the URL can then start it: use only for testing.',
					},
					{
						...outputOption,
						default: 'callback',
						options: [
							{
								name: 'Callback as Sent',
								value: 'callback',
								description: "One item: 1Flow's callback as it came",
							},
							...(outputOption.options ?? []).filter(
								(choice) => 'value' in choice && choice.value !== 'raw',
							),
						],
					},
					{
						displayName: 'Timestamp Tolerance (Seconds)',
						name: 'toleranceSeconds',
						type: 'number',
						// The same range as TOLERANCE_SECONDS, which the callbacks are checked against.
						typeOptions: { minValue: 30, maxValue: 3600 },
						default: 300,
						description:
							"Callbacks whose X-Webhook-Timestamp is further from n8n's clock than this, either way, are refused (30 to 3600)",
					},
				],
			},
		],
	};

	webhookMethods = {
		// 1Flow has no API to register a callback URL: the user pastes it in 1Flow by hand.
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				return await checkOptions.call(this);
			},
			async create(this: IHookFunctions): Promise<boolean> {
				return await checkOptions.call(this);
			},
			delete: async (): Promise<boolean> => true,
		},
	};

	methods = {
		credentialTest: {
			async checkSigningSecret(
				this: ICredentialTestFunctions,
				credential: ICredentialsDecrypted,
			): Promise<INodeCredentialTestResult> {
				const secret = String(credential.data?.signingSecret ?? '').trim();
				if (secret === '')
					return { status: 'Error', message: 'Enter the Webhook Signing Secret from 1Flow' };
				// eslint-disable-next-line no-control-regex
				if (/[\u0000-\u001f\u007f]/.test(secret))
					return {
						status: 'Error',
						message: 'The secret contains a line break: paste it as one line',
					};
				return {
					status: 'OK',
					message: '1Flow has no API to check a signing secret: send a test callback to confirm it',
				};
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await receiveCallback.call(this);
	}

	// Runs first in the run a callback started: records the callback once its execution exists.
	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await runCallback.call(this);
	}
}
