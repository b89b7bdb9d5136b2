/**
 * What every operation shares: read the credential once, check each item's input before
 * anything is sent, send each distinct input once through the loop, and hand exactly one
 * result per input item to the result path.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { isFailure, type Failure } from '../shared/failure';
import type { OperationTexts } from '../texts/actions';
import { notSentFailure } from '../texts/run';
import { openSession, type Session } from '../transport';
import { loopSettings, settleAll, type Outcome } from './loop';
import type { RequestOptions } from './options';
import { throwFirstInputFailure, toNodeOutput, type ItemResult } from './results';

/** What the runner needs of every item's input. */
interface Input {
	/** Items with the same key are sent once (a document ID); without one every item is sent. */
	key?: string;
	/** What texts about its request name: the document ID, the file name or the URL. */
	subject: string;
	/** What the item's error `details` say about it, e.g. `{ docId }`. */
	details: IDataObject;
}

export interface Operation<In extends Input, Value> {
	texts: OperationTexts;
	request: RequestOptions;
	/** Reads and checks one item; a Failure (its `details` included) fails it before anything is sent. */
	read(itemIndex: number): In | Failure | Promise<In | Failure>;
	/** One attempt at one input; the loop retries. */
	attempt(session: Session, input: In, answerLost: boolean): Promise<Outcome<Value>>;
	/**
	 * Runs once every input was sent, on those that succeeded, unless the run is about to stop
	 * at a failure or was cancelled: their final outcomes, in the order given (an upload's wait).
	 */
	finish?(
		session: Session,
		succeeded: Array<{ input: In; value: Value }>,
	): Promise<Array<Outcome<Value>>>;
	/** The output items of an input that succeeded, and whether it changed 1Flow. */
	output(value: Value, input: In): { items: INodeExecutionData[]; tookEffect: boolean };
}

/** Sends each distinct input once; outcomes in the order given, and which took effect before `finish`. */
async function sendAll<In extends Input, Value>(
	session: Session,
	operation: Operation<In, Value>,
	inputs: In[],
) {
	const settings = loopSettings(session, operation.request);
	const outcomes = await settleAll(
		inputs,
		async (input, answerLost) => await operation.attempt(session, input, answerLost),
		settings,
		(input, reason, lastTry) =>
			notSentFailure(reason, operation.texts.about(input.subject), lastTry),
	);
	const tookEffect = outcomes.map((outcome) => outcome.status === 'succeeded');
	const stopping = settings.stopOnFailure && tookEffect.includes(false);
	if (operation.finish && !stopping && settings.signal?.aborted !== true) {
		const succeeded = inputs.flatMap((input, index) => {
			const outcome = outcomes[index];
			return outcome.status === 'succeeded' ? [{ index, input, value: outcome.value }] : [];
		});
		const finished = await operation.finish(session, succeeded);
		succeeded.forEach(({ index }, position) => (outcomes[index] = finished[position]));
	}
	return { outcomes, tookEffect };
}

export async function runOperation<In extends Input, Value>(
	context: IExecuteFunctions,
	operation: Operation<In, Value>,
): Promise<INodeExecutionData[]> {
	const { texts } = operation;
	const session = await openSession(context, operation.request);
	const inputs: Array<In | Failure> = [];
	for (let itemIndex = 0; itemIndex < context.getInputData().length; itemIndex++)
		inputs.push(await operation.read(itemIndex));
	// A credential that cannot be used fails every item; bad input fails its own item.
	const results: Array<ItemResult | undefined> = inputs.map((input) => {
		const failure = isFailure(session) ? session : isFailure(input) ? input : undefined;
		if (!failure) return undefined;
		const details = isFailure(input) ? (input.details ?? {}) : input.details;
		return { failure, cause: 'input', details, tookEffect: false };
	});
	throwFirstInputFailure(context, results, texts);
	if (isFailure(session)) return toNodeOutput(context, results as ItemResult[], texts);

	const keyOf = (input: In, itemIndex: number) => input.key ?? String(itemIndex);
	const pending = new Map<string, In>();
	inputs.forEach((input, itemIndex) => {
		if (isFailure(input)) return;
		const key = keyOf(input, itemIndex);
		if (!pending.has(key)) pending.set(key, input);
	});
	const { outcomes, tookEffect } =
		pending.size > 0
			? await sendAll(session, operation, [...pending.values()])
			: { outcomes: [], tookEffect: [] };
	const indexOf = new Map([...pending.keys()].map((key, index) => [key, index]));
	const counted = new Set<string>();
	inputs.forEach((input, itemIndex) => {
		if (isFailure(input)) return;
		const key = keyOf(input, itemIndex);
		const index = indexOf.get(key) as number;
		const outcome = outcomes[index];
		// A document named by several items took effect once, and is counted once.
		const counts = !counted.has(key);
		counted.add(key);
		if (outcome.status === 'succeeded') {
			const result = operation.output(outcome.value, input);
			results[itemIndex] = counts ? result : { ...result, tookEffect: false };
			return;
		}
		const { failure } = outcome;
		results[itemIndex] = {
			failure,
			cause: outcome.status === 'failed' ? 'api' : 'notSent',
			details: { ...input.details, ...failure.details },
			tookEffect: counts && tookEffect[index],
		};
	});
	return toNodeOutput(context, results as ItemResult[], texts);
}
