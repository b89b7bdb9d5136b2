/**
 * What the 1Flow Trigger answers when it answers itself (every callback that starts no run), and
 * the log lines it writes: refusals at most once per reason a minute, so a stranger sending
 * requests in a loop cannot fill the log.
 */
import type { IDataObject, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import type { Failure } from '../OneFlow/shared/failure';
import type { Refusal } from './signature';

export const TOLERANCE_MESSAGE = 'Timestamp Tolerance must be a number of seconds from 30 to 3600';
export const EVENTS_MESSAGE = 'Events must be a list of event names, such as document.ready';

export type Reason =
	| Refusal
	| 'no signing secret'
	| 'the credential could not be read (deleted, or not decryptable)'
	| 'the body could not be read (multipart or form data?)'
	| 'body is not JSON'
	| 'no readable status.updatedAt in a callback signed over the body alone'
	| typeof TOLERANCE_MESSAGE
	| typeof EVENTS_MESSAGE
	| 'its options could not be read';

const LOG_EVERY_MS = 60_000;
const logged = new Map<string, { at: number; since: number }>();

/** Writes the line unless the same line was written for this trigger within the minute. */
function logOncePerMinute(context: IWebhookFunctions, line: string): void {
	const node = context.getNode();
	const key = `${context.getWorkflow().id ?? ''}:${node.id}:${line}`;
	const now = Date.now();
	const last = logged.get(key);
	if (last !== undefined && now - last.at < LOG_EVERY_MS) {
		last.since++;
		return;
	}
	const more = last?.since ? ` (${last.since} more like it since the last such line)` : '';
	logged.set(key, { at: now, since: 0 });
	context.logger.warn(`${line}${more}`, {
		node: node.name,
		workflowId: context.getWorkflow().id,
	});
}

/** The node's own answer; n8n saves nothing and starts nothing. */
export function answer(
	context: IWebhookFunctions,
	status: number,
	body: IDataObject,
	headers: Record<string, string> = {},
): IWebhookResponseData {
	// Node's own response API: n8n hands an Express Response, which extends it.
	const response = context.getResponseObject();
	response.statusCode = status;
	response.setHeader('Content-Type', 'application/json; charset=utf-8');
	for (const [name, value] of Object.entries(headers)) response.setHeader(name, value);
	response.end(JSON.stringify(body));
	return { noWebhookResponse: true };
}

export function refuse(
	context: IWebhookFunctions,
	status: 400 | 401,
	reason: Reason,
): IWebhookResponseData {
	// Who is refused learns nothing; why is said to the admin only.
	logOncePerMinute(context, `1Flow Trigger refused a callback: ${reason}`);
	return answer(context, status, { error: status === 401 ? 'Unauthorized' : 'Bad Request' });
}

/** A genuine callback older than what the trigger remembers: a replay, or a very late delivery. */
export function refuseTooOld(context: IWebhookFunctions): IWebhookResponseData {
	logOncePerMinute(
		context,
		'1Flow Trigger refused a callback older than the callbacks it remembers (a replay, or a delivery over 48 hours late)',
	);
	return answer(context, 422, {
		error: 'Too old: older than the callbacks this trigger remembers',
	});
}

/** A genuine callback whose document is too large for One Item per Line Item: nothing starts. */
export function refuseTooLarge(context: IWebhookFunctions, failure: Failure): IWebhookResponseData {
	logOncePerMinute(
		context,
		'1Flow Trigger refused a document too large for One Item per Line Item',
	);
	context.logger.info(`1Flow Trigger did not start a run: ${failure.message}`);
	return answer(context, 422, { error: failure.message });
}
