/**
 * What the 1Flow Trigger does with one request to its URL. Nothing before verification throws:
 * n8n would answer 500 and store a failed execution (and run the error workflow) for a request
 * anyone can send. The cheap checks come first; the credential, the body and the HMAC after.
 */
import type { IDataObject, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import { callbackItems, isWanted, parseCallback, type CallbackOutput } from './callback';
import { acceptOnce, callbackDigest } from './repeats';
import { checkHeaders, signatureMatches, type Refusal } from './signature';

const CREDENTIAL_TYPE = 'oneFlowCallbackApi';
const TOLERANCE_SECONDS = { min: 30, max: 3600, default: 300 };
export const TOLERANCE_MESSAGE = `Timestamp Tolerance must be a number of seconds from ${TOLERANCE_SECONDS.min} to ${TOLERANCE_SECONDS.max}`;

/** The window in milliseconds; undefined when the option is not a finite number in range. */
export function toleranceMsOf(options: IDataObject): number | undefined {
	const seconds = options.toleranceSeconds ?? TOLERANCE_SECONDS.default;
	if (typeof seconds !== 'number' || !Number.isFinite(seconds)) return undefined;
	if (seconds < TOLERANCE_SECONDS.min || seconds > TOLERANCE_SECONDS.max) return undefined;
	return seconds * 1000;
}

type Reason =
	| Refusal
	| 'no signing secret'
	| 'the credential could not be read (deleted, or not decryptable)'
	| 'the body could not be read (multipart or form data?)'
	| 'body is not JSON'
	| typeof TOLERANCE_MESSAGE
	| 'its options could not be read';

/**
 * Every answer is the node's own. n8n saves the static data (the repeat memory) when the node
 * answered before the run starts; n8n 2.x answers for it only after building the run, which
 * clears the data's change flag, and the memory would not be saved.
 */
function answer(context: IWebhookFunctions, status: number, body: IDataObject) {
	// Node's own response API: n8n hands an Express Response, which extends it.
	const response = context.getResponseObject();
	response.statusCode = status;
	response.setHeader('Content-Type', 'application/json; charset=utf-8');
	response.end(JSON.stringify(body));
	return { noWebhookResponse: true };
}

function refuse(context: IWebhookFunctions, status: 400 | 401, reason: Reason) {
	// Who is refused learns nothing; why is said to the admin only.
	context.logger.warn(`1Flow Trigger refused a callback: ${reason}`, {
		node: context.getNode().name,
		workflowId: context.getWorkflow().id,
	});
	return answer(context, status, { error: status === 401 ? 'Unauthorized' : 'Bad Request' });
}

async function secretOf(context: IWebhookFunctions): Promise<string | undefined> {
	try {
		const credential = await context.getCredentials(CREDENTIAL_TYPE);
		return String(credential.signingSecret ?? '').trim();
	} catch {
		return undefined;
	}
}

async function rawBodyOf(context: IWebhookFunctions): Promise<Buffer | undefined> {
	const request = context.getRequestObject();
	try {
		// n8n reads the raw body before a version 1 webhook node runs, except for multipart.
		if (request.rawBody === undefined && typeof request.readRawBody === 'function')
			await request.readRawBody();
		return Buffer.isBuffer(request.rawBody) ? request.rawBody : undefined;
	} catch {
		return undefined;
	}
}

function header(context: IWebhookFunctions, name: string): string | undefined {
	const value = context.getRequestObject().headers?.[name];
	return Array.isArray(value) ? value[0] : typeof value === 'string' ? value : undefined;
}

export async function receiveCallback(this: IWebhookFunctions): Promise<IWebhookResponseData> {
	let options: IDataObject;
	let events: string[];
	try {
		options = this.getNodeParameter('options', {}) as IDataObject;
		events = this.getNodeParameter('events', ['document.ready']) as string[];
	} catch {
		return refuse(this, 401, 'its options could not be read');
	}
	const toleranceMs = toleranceMsOf(options);
	if (toleranceMs === undefined) return refuse(this, 401, TOLERANCE_MESSAGE);
	const now = Date.now();
	const hasCredential = this.getNode().credentials?.[CREDENTIAL_TYPE] !== undefined;
	if (!hasCredential && options.acceptUnsigned !== true)
		return refuse(this, 401, 'no signing secret');

	let verified = false;
	let rawBody: Buffer | undefined;
	if (hasCredential) {
		const signed = checkHeaders(
			header(this, 'x-webhook-signature'),
			header(this, 'x-webhook-timestamp'),
			now,
			toleranceMs,
		);
		if (typeof signed === 'string') return refuse(this, 401, signed);
		const secret = await secretOf(this);
		if (secret === undefined)
			return refuse(this, 401, 'the credential could not be read (deleted, or not decryptable)');
		// A credential chosen but empty is a mistake, not a wish to accept unsigned callbacks.
		if (secret === '') return refuse(this, 401, 'no signing secret');
		rawBody = await rawBodyOf(this);
		if (rawBody === undefined)
			return refuse(this, 401, 'the body could not be read (multipart or form data?)');
		if (!signatureMatches(signed, rawBody, secret)) return refuse(this, 401, 'signature mismatch');
		verified = true;
	} else {
		rawBody = await rawBodyOf(this);
		if (rawBody === undefined)
			return refuse(this, 400, 'the body could not be read (multipart or form data?)');
	}

	const body = parseCallback(rawBody);
	if (!body) return refuse(this, 400, 'body is not JSON');
	if (!isWanted(body, events)) return answer(this, 200, { received: true, started: false });
	const processKey = `${this.getWorkflow().id ?? ''}:${this.getNode().id}`;
	const staticData = this.getWorkflowStaticData('node');
	if (!acceptOnce(staticData, processKey, callbackDigest(rawBody), now))
		return answer(this, 200, { received: true, started: false });

	const output = (options.output ?? 'callback') as CallbackOutput;
	const workflowData = [this.helpers.returnJsonArray(callbackItems(body, output, verified))];
	return { ...answer(this, 200, { received: true, started: true }), workflowData };
}
