import { createHash } from 'node:crypto';

import {
	NodeConnectionTypes,
	type ICredentialTestFunctions,
	type ICredentialsDecrypted,
	type IDataObject,
	type INodeCredentialTestResult,
	type INodeType,
	type INodeTypeDescription,
	type IWebhookFunctions,
	type IWebhookResponseData,
} from 'n8n-workflow';

import { outputOption } from '../OneFlow/shared/document';
import { callbackItems, isWanted, parseCallback, type CallbackOutput } from './callback';
import { isFirstDelivery } from './replay';
import { verifySignature, type Refusal } from './signature';

const CREDENTIAL_TYPE = 'oneFlowCallbackApi';
const BODY_ONLY_SIGNATURE_MEMORY_MS = 24 * 60 * 60 * 1000;

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
			{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', path: 'callback' },
		],
		properties: [
			{
				displayName:
					"In 1Flow, open Organization Settings > Webhooks and paste this node's Production URL as the callback URL (n8n's Test URL differs and only listens while you test). Set a Webhook Signing Secret there and the same one in this node's credential: callbacks are then verified and forged ones refused. Without a credential every callback is refused, unless you turn on Accept Unsigned Callbacks, which lets anyone who learns the URL start this workflow.",
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
						name: 'Document Ready',
						value: 'document.ready',
						description: 'A document was processed and indexed',
					},
					{
						name: 'Any Event',
						value: '*',
						description: 'Every event 1Flow sends, including ones added later',
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
						typeOptions: { minValue: 30, maxValue: 3600 },
						default: 300,
						description:
							"Callbacks whose X-Webhook-Timestamp is further from n8n's clock than this, either way, are refused; a repeat within it starts nothing",
					},
				],
			},
		],
	};

	webhookMethods = {
		// 1Flow has no API to register a callback URL: the user pastes it in 1Flow by hand.
		default: {
			checkExists: async (): Promise<boolean> => true,
			create: async (): Promise<boolean> => true,
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
		const request = this.getRequestObject();
		const options = this.getNodeParameter('options', {}) as IDataObject;
		const toleranceMs =
			(typeof options.toleranceSeconds === 'number' ? options.toleranceSeconds : 300) * 1000;
		const refuse = (
			status: 401 | 400,
			refusal: Refusal | 'no signing secret' | 'body is not JSON',
		): IWebhookResponseData => {
			// Who is refused learns nothing; why is said to the admin only.
			this.logger.warn(`1Flow Trigger refused a callback: ${refusal}`, {
				node: this.getNode().name,
				workflowId: this.getWorkflow().id,
			});
			// Node's own response API: n8n hands an Express Response, which extends it.
			const response = this.getResponseObject();
			response.statusCode = status;
			response.setHeader('Content-Type', 'application/json; charset=utf-8');
			response.end(JSON.stringify({ error: status === 401 ? 'Unauthorized' : 'Bad Request' }));
			return { noWebhookResponse: true };
		};

		// n8n reads the raw body before calling a version 1 webhook node; a later version may not.
		if (request.rawBody === undefined && typeof request.readRawBody === 'function')
			await request.readRawBody();
		const rawBody: Buffer = request.rawBody ?? Buffer.alloc(0);
		const now = Date.now();
		const hasCredential = this.getNode().credentials?.[CREDENTIAL_TYPE] !== undefined;
		const secret = hasCredential
			? String((await this.getCredentials(CREDENTIAL_TYPE)).signingSecret ?? '').trim()
			: '';
		// A credential chosen but empty is a mistake, not a wish to accept unsigned callbacks.
		if (hasCredential && secret === '') return refuse(401, 'no signing secret');
		let fingerprint: string;
		let repeatUntil: number;
		if (secret !== '') {
			const header = (name: string) => {
				const value = request.headers[name];
				return Array.isArray(value) ? value[0] : value;
			};
			const verification = verifySignature(
				{
					rawBody,
					signature: header('x-webhook-signature'),
					timestamp: header('x-webhook-timestamp'),
				},
				secret,
				now,
				toleranceMs,
			);
			if (!verification.verified) return refuse(401, verification.refusal);
			fingerprint = verification.fingerprint;
			// A signature over the body alone stays valid under any fresh timestamp: remember it longer.
			repeatUntil = verification.timestampSigned
				? verification.timestampMs + toleranceMs
				: now + BODY_ONLY_SIGNATURE_MEMORY_MS;
		} else if (options.acceptUnsigned === true) {
			fingerprint = createHash('sha256').update(rawBody).digest('hex');
			repeatUntil = now + toleranceMs;
		} else {
			return refuse(401, 'no signing secret');
		}

		const body = parseCallback(rawBody);
		if (!body) return refuse(400, 'body is not JSON');
		const events = this.getNodeParameter('events', ['document.ready']) as string[];
		if (!isWanted(body, events)) return { webhookResponse: { received: true, started: false } };
		const key = `${this.getWorkflow().id ?? ''}:${this.getNode().id}:${fingerprint}`;
		if (!isFirstDelivery(key, now, repeatUntil))
			return { webhookResponse: { received: true, started: false } };

		const output = (options.output ?? 'callback') as CallbackOutput;
		const items = callbackItems(body, output, secret !== '').map((json) => ({ json }));
		return { workflowData: [this.helpers.returnJsonArray(items.map((item) => item.json))] };
	}
}
