/**
 * What the 1Flow Trigger does with one request to its URL. Nothing throws: n8n would answer 500
 * and store a failed execution (and run the error workflow) for a request anyone can send. The
 * cheap checks come first; the credential, the body and the HMAC after. A callback that starts a
 * run is answered by n8n once it has stored the execution, so a failure there reaches 1Flow as a
 * 5xx it can retry, and a surge waits for n8n instead of outrunning its database.
 */
import type { IDataObject, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import { isFailure } from '../OneFlow/shared/failure';
import {
	EVENTS_MESSAGE,
	TOLERANCE_MESSAGE,
	answer,
	refuse,
	refuseTooLarge,
	refuseTooOld,
	type Reason,
} from './answers';
import {
	bodyTimeMsOf,
	callbackItems,
	eventsOf,
	isWanted,
	parseCallback,
	type CallbackOutput,
} from './callback';
import { callbackIdOf, memoryKey, staticDataOf } from './identity';
import { admit } from './memory';
import { checkHeaders, signedForm, type SignedForm } from './signature';

const CREDENTIAL_TYPE = 'oneFlowCallbackApi';
const TOLERANCE_SECONDS = { min: 30, max: 3600, default: 300 };
const NOT_STARTED = { received: true, started: false };

/** The window in milliseconds; undefined when the option is not a finite number in range. */
export function toleranceMsOf(options: IDataObject): number | undefined {
	const seconds = options.toleranceSeconds ?? TOLERANCE_SECONDS.default;
	if (typeof seconds !== 'number' || !Number.isFinite(seconds)) return undefined;
	if (seconds < TOLERANCE_SECONDS.min || seconds > TOLERANCE_SECONDS.max) return undefined;
	return seconds * 1000;
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

/** The raw body of a verified (or accepted unsigned) request, or why it is refused. */
async function verify(
	context: IWebhookFunctions,
	options: IDataObject,
	toleranceMs: number,
	nowMs: number,
): Promise<{ rawBody: Buffer; form?: SignedForm } | { status: 400 | 401; reason: Reason }> {
	if (context.getNode().credentials?.[CREDENTIAL_TYPE] === undefined) {
		if (options.acceptUnsigned !== true) return { status: 401, reason: 'no signing secret' };
		const rawBody = await rawBodyOf(context);
		if (rawBody === undefined)
			return { status: 400, reason: 'the body could not be read (multipart or form data?)' };
		return { rawBody };
	}
	const signed = checkHeaders(
		header(context, 'x-webhook-signature'),
		header(context, 'x-webhook-timestamp'),
		nowMs,
		toleranceMs,
	);
	if (typeof signed === 'string') return { status: 401, reason: signed };
	const secret = await secretOf(context);
	if (secret === undefined)
		return {
			status: 401,
			reason: 'the credential could not be read (deleted, or not decryptable)',
		};
	// A credential chosen but empty is a mistake, not a wish to accept unsigned callbacks.
	if (secret === '') return { status: 401, reason: 'no signing secret' };
	const rawBody = await rawBodyOf(context);
	if (rawBody === undefined)
		return { status: 401, reason: 'the body could not be read (multipart or form data?)' };
	const form = signedForm(signed, rawBody, secret);
	if (form === undefined) return { status: 401, reason: 'signature mismatch' };
	return { rawBody, form };
}

export async function receiveCallback(this: IWebhookFunctions): Promise<IWebhookResponseData> {
	let options: IDataObject;
	let events: string[] | undefined;
	try {
		options = this.getNodeParameter('options', {}) as IDataObject;
		events = eventsOf(this.getNodeParameter('events', ['document.ready']));
	} catch {
		return refuse(this, 401, 'its options could not be read');
	}
	const toleranceMs = toleranceMsOf(options);
	if (toleranceMs === undefined) return refuse(this, 401, TOLERANCE_MESSAGE);
	if (events === undefined) return refuse(this, 401, EVENTS_MESSAGE);
	const now = Date.now();
	const verified = await verify(this, options, toleranceMs, now);
	if ('reason' in verified) return refuse(this, verified.status, verified.reason);
	const { rawBody, form } = verified;

	const body = parseCallback(rawBody);
	if (!body) return refuse(this, 400, 'body is not JSON');
	if (!isWanted(body, events)) return answer(this, 200, NOT_STARTED);
	const time = bodyTimeMsOf(body) ?? (form === 'body' ? undefined : now);
	if (time === undefined)
		return refuse(
			this,
			401,
			'no readable status.updatedAt in a callback signed over the body alone',
		);
	// A clock running ahead cannot make an entry outlive the window.
	const callbackId = callbackIdOf(rawBody, Math.min(time, now));
	const output = (options.output ?? 'callback') as CallbackOutput;
	const items = callbackItems(body, output, { verified: form !== undefined, callbackId });
	if (isFailure(items)) return refuseTooLarge(this, items);
	// The Test URL (mode manual) runs every callback and leaves the Production URL's memory alone.
	const admission =
		this.getMode() === 'manual'
			? 'new'
			: admit(memoryKey(this), staticDataOf(this), callbackId, now);
	if (admission === 'tooOld') return refuseTooOld(this);
	if (admission === 'started') return answer(this, 200, NOT_STARTED);
	// Its first delivery is still on its way to a run (or failed, and may be retried after a while).
	if (admission === 'pending')
		return answer(this, 503, { error: 'Being started: retry later' }, { 'Retry-After': '60' });

	const documentId = typeof body.documentId === 'string' ? body.documentId : '';
	this.logger.info('1Flow Trigger accepted a callback', { documentId, callbackId });
	return { workflowData: [items], webhookResponse: { received: true, started: true } };
}
