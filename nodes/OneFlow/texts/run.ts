/**
 * The user-facing texts about the run itself rather than about one of 1Flow's answers: items
 * a cancel or a stop left unfinished, and waits for an uploaded document's processing.
 */
import type { Failure } from '../shared/failure';
import { quote } from '../shared/quote';
import type { Action } from './actions';

/** Why a run left something unfinished: the execution was cancelled, or the node stopped at an error. */
export type StopReason = 'cancelled' | 'stopped';

const capitalized = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/**
 * An item the run left unfinished because the execution was cancelled or the node stopped at
 * an earlier error: never sent, or (after `lastTry`) not tried again.
 */
export function notSentFailure(
	reason: StopReason,
	action: Action,
	lastTry?: { failure: Failure; answerLost: boolean },
): Failure {
	if (!lastTry) {
		const why =
			reason === 'cancelled'
				? 'the execution was cancelled before its request was sent'
				: 'the node stopped at an earlier error';
		return {
			message: `${action.notDone}: ${why}`,
			description: `No request was sent for this ${action.noun}. Run the workflow again to ${action.verb} it, or turn on "Continue" under On Error to process every item despite errors.`,
			httpCode: null,
		};
	}
	const why = `${reason === 'cancelled' ? 'the execution was cancelled' : 'the node stopped at an earlier error'} before it was tried again`;
	const { failure, answerLost } = lastTry;
	const answered =
		failure.httpCode === null ? 'got no answer' : `was answered HTTP ${failure.httpCode}`;
	return {
		message: answerLost
			? `${capitalized(action.theDoing)} was not confirmed: ${why}`
			: `${action.notDone}: ${why}`,
		description: `Its last attempt ${answered}${answerLost ? `, so ${action.unknownOutcome}` : ''}. ${answerLost ? capitalized(action.runAgain) : `Run the workflow again to ${action.verb} it`}.`,
		httpCode: failure.httpCode,
	};
}

/** Added to any failure while waiting for an uploaded document: it exists all the same. */
export function uploadedNote(documentId: string): string {
	return `The file was uploaded as document ${quote(documentId)}: read it later with the Get operation instead of uploading the file again.`;
}

/** The wait for an uploaded document's extraction ran out. */
export function waitTimedOut(
	documentId: string,
	lastStatus: string | null,
	waitSeconds: number,
): Failure {
	const quoted = quote(documentId);
	return {
		message: `Document ${quoted} was not processed within ${waitSeconds} s (last status: ${lastStatus ?? 'unknown'})`,
		description: `1Flow took the file as document ${quoted} but had not finished extracting it when "Wait Timeout" ran out. Read it later with the Get operation, or raise "Wait Timeout". Do not upload the file again: the document exists.`,
		httpCode: null,
	};
}

/** The wait for an uploaded document ended early (or never began): the execution was cancelled, or the node stopped at another item's error. */
export function waitEnded(documentId: string, reason: StopReason): Failure {
	const quoted = quote(documentId);
	return {
		message:
			reason === 'cancelled'
				? `The execution was cancelled while waiting for document ${quoted}`
				: `Stopped waiting for document ${quoted}: the node stopped at an earlier error`,
		description: `The file was uploaded as document ${quoted}; read it later with the Get operation instead of uploading it again.`,
		httpCode: null,
	};
}
