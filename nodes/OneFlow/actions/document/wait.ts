/** Wait for Processing: polls Get for each uploaded document, through the run's one loop. */
import type { IDataObject, INodeProperties } from 'n8n-workflow';

import { loopSettings, settleAll, type Outcome } from '../../helpers/loop';
import type { RequestOptions } from '../../helpers/options';
import { extractionStatusOf, type OutputMode } from '../../shared/document';
import { withNote, type Failure } from '../../shared/failure';
import { uploadedNote, waitEnded, waitTimedOut, type StopReason } from '../../texts/run';
import type { Session } from '../../transport';
import { asOutput, fetchDocument } from './common';

const whenWaiting = { show: { '/waitForProcessing': [true] } };

const waitTimeoutField: INodeProperties = {
	displayName: 'Wait Timeout (Seconds)',
	name: 'waitTimeout',
	type: 'number',
	typeOptions: { minValue: 5, maxValue: 3600 },
	default: 300,
	displayOptions: whenWaiting,
	description:
		'Longest wait for one document; one that is not processed by then becomes an error naming its ID and last status',
};

/** The options of Wait for Processing (beside Output and Include Schema). */
export const waitOptionFields: INodeProperties[] = [
	{
		displayName: 'Accept Extracted',
		name: 'acceptExtracted',
		type: 'boolean',
		default: false,
		displayOptions: whenWaiting,
		description:
			'Whether to stop waiting at EXTRACTED (fields ready) instead of INDEXED (also searchable)',
	},
	waitTimeoutField,
];

export interface WaitSettings {
	/** Also stop at EXTRACTED (fields ready, search index not yet). */
	acceptExtracted: boolean;
	waitTimeoutMs: number;
	includeSchema: boolean;
	output: OutputMode;
}

export function readWaitSettings(options: IDataObject): WaitSettings {
	const { waitTimeout } = options;
	const seconds = typeof waitTimeout === 'number' ? waitTimeout : waitTimeoutField.default;
	return {
		acceptExtracted: options.acceptExtracted === true,
		waitTimeoutMs: (seconds as number) * 1000,
		includeSchema: options.includeSchema === true,
		output: (options.output ?? 'simplified') as OutputMode,
	};
}

const FIRST_POLL_DELAY_MS = 1000;
const POLL_DELAY_CAP_MS = 15_000;
const POLL_DELAY_GROWTH = 1.5;

/** One document's wait, from poll to poll. */
interface Waiting {
	documentId: string;
	deadline?: number;
	delay: number;
	lastStatus: string | null;
}

/** An uploaded document whose wait was cut short, or never began: the run was cancelled, or stopped at another item's error. */
function waitEndedFailure(wait: Waiting, reason: StopReason): Failure {
	const { documentId, lastStatus } = wait;
	return {
		...waitEnded(documentId, reason),
		details: { documentId, extractionStatus: lastStatus },
	};
}

/**
 * One poll. Ready (INDEXED, or EXTRACTED when accepted) succeeds with Get's answer as Output
 * shapes it (or fails, over the split's caps); otherwise
 * the loop polls again after the poll's own delay, the last one at the deadline, since 1Flow
 * documents no failed state. Whatever ends the wait, the document exists: the error says so.
 */
async function poll(
	session: Session,
	wait: Waiting,
	settings: WaitSettings,
	shouldStop: () => boolean,
): Promise<Outcome<IDataObject[]>> {
	const { documentId } = wait;
	wait.deadline ??= Date.now() + settings.waitTimeoutMs;
	const outcome = await fetchDocument(session, documentId, settings.includeSchema);
	// A cancel also fails the poll in flight; the cancel (or the stop) is the reason.
	if (shouldStop()) {
		const cancelled = session.context.getExecutionCancelSignal()?.aborted === true;
		return {
			status: 'cutShort',
			failure: waitEndedFailure(wait, cancelled ? 'cancelled' : 'stopped'),
		};
	}
	const details = () => ({ documentId, extractionStatus: wait.lastStatus });
	const failed = (failure: Failure) => ({
		...withNote(failure, uploadedNote(documentId)),
		details: details(),
	});
	if (outcome.status === 'succeeded') {
		wait.lastStatus = extractionStatusOf(outcome.value);
		const { lastStatus } = wait;
		if (lastStatus === 'INDEXED' || (settings.acceptExtracted && lastStatus === 'EXTRACTED')) {
			const shaped = asOutput(outcome.value, documentId, settings.output);
			return shaped.status === 'failed' ? { ...shaped, failure: failed(shaped.failure) } : shaped;
		}
	} else if (outcome.status === 'failed' && !outcome.retry) {
		return { status: 'failed', failure: failed(outcome.failure) };
	}
	const left = wait.deadline - Date.now();
	const seconds = Math.round(settings.waitTimeoutMs / 1000);
	const timedOut = { ...waitTimedOut(documentId, wait.lastStatus, seconds), details: details() };
	if (left <= 0) return { status: 'failed', failure: timedOut };
	const afterMs = Math.min(wait.delay, left);
	wait.delay = Math.min(POLL_DELAY_CAP_MS, wait.delay * POLL_DELAY_GROWTH);
	if (outcome.status === 'failed' && outcome.retry)
		return { ...outcome, failure: failed(outcome.failure), retry: { ...outcome.retry, afterMs } };
	return { status: 'failed', failure: timedOut, retry: { why: 'notReady', afterMs } };
}

/**
 * Waits for each uploaded document, at most Concurrency at a time; Max Retries bounds the
 * failed polls in a row, 429s only slow the polls. Stops promptly on a cancel or a stop.
 */
export async function waitUntilProcessed(
	session: Session,
	request: RequestOptions,
	documentIds: string[],
	settings: WaitSettings,
): Promise<Array<Outcome<IDataObject[]>>> {
	const waits = documentIds.map((documentId): Waiting => ({
		documentId,
		delay: FIRST_POLL_DELAY_MS,
		lastStatus: null,
	}));
	return await settleAll(
		waits,
		async (wait, _answerLost, shouldStop) => await poll(session, wait, settings, shouldStop),
		loopSettings(session, request, { maxRateLimitWaitMs: Infinity }),
		waitEndedFailure,
	);
}
