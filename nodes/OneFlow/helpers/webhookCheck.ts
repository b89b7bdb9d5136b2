import type { Failure } from '../shared/failure';
import { DELETE } from '../texts/actions';
import { WEBHOOK_CHECK } from '../texts/answers';
import type { Session } from '../transport';
import { loopSettings, settleAll, type Outcome } from './loop';
import type { RequestOptions } from './options';
import { exchange } from './request';

/** One check: a delete with an empty docId, read for what it says about the webhook. */
async function check(session: Session): Promise<Outcome<true>> {
	const outcome = await exchange(
		session,
		{ method: 'POST', endpoint: 'delete', body: { json: { docId: '' } } },
		() => DELETE.about(''),
	);
	const status = outcome.status === 'failed' ? outcome.failure.httpCode : 200;
	if (status === 400) return { status: 'succeeded', value: true };
	if (status === 404) return { status: 'failed', failure: WEBHOOK_CHECK.notFound };
	if (status === 401) return { status: 'failed', failure: WEBHOOK_CHECK.secretRejected };
	const failure = WEBHOOK_CHECK.unconfirmed(status);
	return outcome.status === 'failed' && outcome.retry
		? { ...outcome, failure }
		: { status: 'failed', failure };
}

/**
 * Confirms the webhook ID and secret before a 404 is read as "already deleted", since 1Flow
 * also answers 404 for an unknown webhook. A delete with an empty docId is rejected with 400
 * once the webhook and secret are right (and with 404/401 otherwise) without touching any
 * document. Retried like any request; undefined means confirmed.
 */
export async function confirmWebhook(
	session: Session,
	request: RequestOptions,
): Promise<Failure | undefined> {
	const [outcome] = await settleAll(
		[session],
		check,
		loopSettings(session, request, { concurrency: 1, stopOnFailure: false }),
		() => WEBHOOK_CHECK.unconfirmed(null),
	);
	return outcome.status === 'succeeded' ? undefined : outcome.failure;
}
