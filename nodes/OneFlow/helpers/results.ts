/**
 * The one path from per-item results to what n8n gets: output items (paired with their input
 * item), error-output items, or a thrown NodeApiError / NodeOperationError.
 */
import {
	NodeApiError,
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type JsonObject,
} from 'n8n-workflow';

import type { Failure } from '../shared/failure';
import type { OperationTexts } from '../texts/actions';

/**
 * What the node reports for one input item: its output items, or why it failed. `tookEffect`:
 * the operation changed 1Flow (counted in the run's summary), e.g. a file uploaded whose wait
 * failed. `cause`: bad input (nothing sent), 1Flow (or no answer), or a request never sent.
 */
export type ItemResult =
	| { items: INodeExecutionData[]; tookEffect: boolean }
	| {
			failure: Failure;
			cause: 'input' | 'api' | 'notSent';
			details: IDataObject;
			tookEffect: boolean;
	  };

type FailedItem = Extract<ItemResult, { failure: Failure }>;

function isFailed(result: ItemResult | undefined): result is FailedItem {
	return result !== undefined && 'failure' in result;
}

/** "1 other document", "3 other documents". */
function countOf(count: number, noun: string): string {
	return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

function toNodeError(
	context: IExecuteFunctions,
	failed: FailedItem,
	itemIndex: number,
	finishedBefore: number,
	texts: OperationTexts,
): NodeApiError | NodeOperationError {
	const { failure } = failed;
	const finishedAlready = `${countOf(finishedBefore, `other ${texts.noun}`)} of this run ${finishedBefore === 1 ? 'was' : 'were'} ${texts.past}`;
	const description =
		finishedBefore > 0
			? `${failure.description} ${finishedAlready} before the node stopped.`
			: failure.description;
	// "[item N]", counted from 0, as n8n's own messages and its error details ("Item Index") name an item.
	if (failed.cause === 'input') {
		return new NodeOperationError(context.getNode(), `${failure.message} [item ${itemIndex}]`, {
			itemIndex,
			description,
		});
	}
	return new NodeApiError(
		context.getNode(),
		(failure.apiBody ?? { message: failure.message }) as JsonObject,
		{
			message: failure.message,
			description,
			httpCode: failure.httpCode === null ? undefined : String(failure.httpCode),
			itemIndex,
		},
	);
}

/** The error-output shape n8n routes and merges with the input item (see README). */
function errorItem(failed: FailedItem, itemIndex: number): INodeExecutionData {
	const { failure, details } = failed;
	return {
		json: {
			error: failure.message,
			details: { ...details, httpCode: failure.httpCode, description: failure.description },
		},
		pairedItem: { item: itemIndex },
	};
}

/** Bad input is reported before any request is sent, unless the user chose to continue. */
export function throwFirstInputFailure(
	context: IExecuteFunctions,
	results: Array<ItemResult | undefined>,
	texts: OperationTexts,
): void {
	const first = results.findIndex(isFailed);
	if (first !== -1 && !context.continueOnFail())
		throw toNodeError(context, results[first] as FailedItem, first, 0, texts);
}

/**
 * Exactly one result per input item becomes n8n's output. Without "Continue" the first
 * failure is thrown (the items it left unsent are not errors of their own). A cancelled run
 * is not an error: n8n marks the execution cancelled and keeps these items, which say per
 * item what was done and what was not.
 */
export function toNodeOutput(
	context: IExecuteFunctions,
	results: ItemResult[],
	texts: OperationTexts,
): INodeExecutionData[] {
	const finished = results.filter((result) => result.tookEffect).length;
	// Each item counted once: a file uploaded whose wait failed counts as uploaded, and is said to have failed afterwards.
	const failedAfter = results.filter((result) => isFailed(result) && result.tookEffect).length;
	const notSent = results.filter(
		(result) => isFailed(result) && result.cause === 'notSent' && !result.tookEffect,
	).length;
	const failed = results.filter(
		(result) => isFailed(result) && result.cause !== 'notSent' && !result.tookEffect,
	).length;
	const after = failedAfter > 0 ? ` (${failedAfter} of them failed afterwards)` : '';
	const summary = `1Flow ${texts.operation}: ${countOf(results.length, 'item')}, ${finished} ${texts.past}${after}, ${failed} failed, ${notSent} not sent`;
	const cancelled = context.getExecutionCancelSignal()?.aborted === true;
	// A stopped execution leaves the user guessing what was done: say it where admins look.
	if (cancelled) context.logger.warn(`${summary} (execution cancelled)`);
	else context.logger.debug(summary);

	if (!context.continueOnFail() && !cancelled) {
		const thrown = results.findIndex((result) => isFailed(result) && result.cause !== 'notSent');
		// Its own effect (a file uploaded, its wait failed) is not one of the "other" items.
		if (thrown !== -1)
			throw toNodeError(
				context,
				results[thrown] as FailedItem,
				thrown,
				finished - (results[thrown].tookEffect ? 1 : 0),
				texts,
			);
	}
	return results.flatMap((result, itemIndex) =>
		isFailed(result)
			? [errorItem(result, itemIndex)]
			: result.items.map((item) => ({ ...item, pairedItem: { item: itemIndex } })),
	);
}
