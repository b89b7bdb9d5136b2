import type { IDataObject } from 'n8n-workflow';

import type { Step } from '../../helpers/bulk';
import { extractionStatusOf } from '../../shared/document';
import { withNote, type Failure } from '../../shared/failure';
import { pause, retryAfterMs } from '../../helpers/retry';
import { uploadedNote, waitEnded, waitTimedOut } from '../../texts/run';
import type { Session } from '../../transport';
import { fetchDocument } from './common';

export interface WaitSettings {
	/** Also stop at EXTRACTED (fields ready, search index not yet). */
	acceptExtracted: boolean;
	waitTimeoutMs: number;
	includeSchema: boolean;
	/** Per request. */
	timeoutMs: number;
	/** Consecutive failed polls (timeouts, 5xx) tolerated before giving up; 429s only slow the polls. */
	maxRetries: number;
}

const FIRST_POLL_DELAY_MS = 1000;
const POLL_DELAY_CAP_MS = 15_000;
const POLL_DELAY_GROWTH = 1.5;

function isReady(status: string | null, acceptExtracted: boolean): boolean {
	return status === 'INDEXED' || (acceptExtracted && status === 'EXTRACTED');
}

/**
 * Polls Get until the document is INDEXED (or EXTRACTED, when accepted), waiting about 1 s,
 * then longer up to 15 s, between polls, the last one at the deadline. Bounded by the wait timeout, since 1Flow documents no
 * failed state; stops promptly when the execution is cancelled or the run stops at another
 * item's failure. The value is Get's answer.
 */
export async function waitUntilProcessed(
	session: Session,
	documentId: string,
	settings: WaitSettings,
	runStopped: () => boolean,
): Promise<Step<IDataObject>> {
	const signal = session.context.getExecutionCancelSignal();
	const cancelled = () => signal?.aborted === true;
	const ended = () => cancelled() || runStopped();
	const deadline = Date.now() + settings.waitTimeoutMs;
	let delay = FIRST_POLL_DELAY_MS;
	let lastStatus: string | null = null;
	let failedPolls = 0;
	// Whatever ends the wait, the document exists: the error item names it, and says not to upload again.
	const failed = (failure: Failure, saysUploaded = false): Step<IDataObject> => ({
		type: 'fail',
		failure: {
			...(saysUploaded ? failure : withNote(failure, uploadedNote(documentId))),
			details: { documentId, extractionStatus: lastStatus },
		},
	});
	const interrupted = (): Step<IDataObject> => ({
		type: 'interrupted',
		failure: waitEndedFailure(documentId, cancelled() ? 'cancelled' : 'stopped', lastStatus),
	});
	for (;;) {
		const sentAt = await session.pacer.acquire(ended);
		if (ended()) return interrupted();
		const step = await fetchDocument(session, documentId, settings);
		const rateLimited = step.type === 'retry' && step.rateLimited;
		if (rateLimited)
			session.pacer.throttled(retryAfterMs(step.retryAfter, Date.now(), {}), Date.now(), sentAt);
		else session.pacer.answered();
		// A cancel also fails the poll in flight; the cancel (or the stop) is the reason.
		if (ended()) return interrupted();
		if (step.type === 'fail') return failed(step.failure);
		if (step.type === 'done') {
			failedPolls = 0;
			lastStatus = extractionStatusOf(step.value);
			if (isReady(lastStatus, settings.acceptExtracted)) return step;
		} else if (!rateLimited && ++failedPolls > settings.maxRetries) {
			return failed(step.failure);
		}
		const left = deadline - Date.now();
		if (left <= 0)
			return failed(
				waitTimedOut(documentId, lastStatus, Math.round(settings.waitTimeoutMs / 1000)),
				true,
			);
		// The last poll falls on the deadline itself.
		await pause(Math.min(delay, left), ended);
		delay = Math.min(POLL_DELAY_CAP_MS, delay * POLL_DELAY_GROWTH);
	}
}

/** An uploaded document whose wait was cut short, or never began: the run was cancelled, or stopped at another item's error. */
export function waitEndedFailure(
	documentId: string,
	reason: 'cancelled' | 'stopped',
	lastStatus: string | null = null,
): Failure {
	return {
		...waitEnded(documentId, reason),
		details: { documentId, extractionStatus: lastStatus },
	};
}
