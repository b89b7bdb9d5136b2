import { deleteAction } from '../texts/actions';
import { WEBHOOK_CHECK } from '../texts/answers';
import { endpointUrl, send, type Answer, type Session } from '../transport';
import { readAnswer } from './answer';
import { runBulk, type Step } from './bulk';
import type { Failure } from '../shared/failure';
import type { RequestOptions } from './options';

function readCheck(attempt: Answer, session: Session, timeoutMs: number): Step<true> {
	const status = attempt.kind === 'response' ? attempt.status : null;
	if (status === 400) return { type: 'done', value: true };
	if (status === 404) return { type: 'fail', failure: WEBHOOK_CHECK.notFound };
	if (status === 401) return { type: 'fail', failure: WEBHOOK_CHECK.secretRejected };
	const context = {
		url: endpointUrl(session.webhookUrl, 'delete'),
		secret: session.secret,
		timeoutMs,
	};
	const step = readAnswer(attempt, deleteAction(''), context);
	const failure = WEBHOOK_CHECK.unconfirmed(status);
	return step.type === 'retry' ? { ...step, failure } : { type: 'fail', failure };
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
	const attempt = async () =>
		readCheck(
			await send(session, {
				method: 'POST',
				endpoint: 'delete',
				body: { json: { docId: '' } },
				timeoutMs: request.timeout,
			}),
			session,
			request.timeout,
		);
	const [settled] = await runBulk([''], attempt, {
		...request,
		concurrency: 1,
		stopOnFailure: false,
		signal: session.context.getExecutionCancelSignal(),
		pacer: session.pacer,
	});
	if (settled.status === 'done') return undefined;
	return settled.status === 'failed' ? settled.failure : WEBHOOK_CHECK.unconfirmed(null);
}
