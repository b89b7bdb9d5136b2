/**
 * What every operation shares: read the credential once, check each item's input before
 * anything is sent, send each distinct request once with bounded concurrency and retries,
 * and hand exactly one result per input item to the result path.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import type { Action } from '../texts/actions';
import { notSentFailure } from '../texts/run';
import { openSession, type Session } from '../transport';
import { runBulk, type Settled, type Step } from './bulk';
import { inputFailure, isFailure, type Failure } from '../shared/failure';
import type { RequestOptions } from './options';
import { throwFirstInputFailure, toNodeOutput, type ItemResult, type RunWords } from './results';

export interface Operation<Input, Value> {
	words: RunWords;
	request: RequestOptions;
	/** Reads and checks one item's input; a Failure fails that item before anything is sent. */
	readInput(itemIndex: number): Input | Failure | Promise<Input | Failure>;
	/** Items with the same key are sent once (e.g. a document ID); without it every item is sent. */
	keyOf?(input: Input): string;
	/** What an error item's `details` say about the item, e.g. `{ docId }`. */
	details(input: Input | undefined): IDataObject;
	/** The words for texts about this input. */
	action(input: Input): Action;
	/** Runs once before any item is sent; a Failure fails every item. */
	prepare?(session: Session): Promise<Failure | undefined>;
	/** One attempt at one input; the bulk loop retries. */
	attempt(session: Session, input: Input, answerLost: boolean): Promise<Step<Value>>;
	/**
	 * Runs once every input was sent, on those that succeeded, unless the run is about to stop
	 * at a failure or was cancelled: turns each value into its final one (e.g. waits for 1Flow
	 * to process an upload). Results in the order given.
	 */
	finish?(
		session: Session,
		done: Array<{ input: Input; value: Value }>,
	): Promise<Array<Settled<Value>>>;
	/** The output items of an input that succeeded. */
	success(value: Value, input: Input): { items: INodeExecutionData[]; done: boolean };
}

/**
 * Reads a parameter of one item; an expression that throws becomes that item's Failure.
 * `fallback` is the value of an option the user did not add (n8n throws for it otherwise).
 */
export function readParameter(
	context: IExecuteFunctions,
	parameter: { name: string; label: string; holds: string; fallback?: unknown },
	itemIndex: number,
): unknown {
	const { name, label, holds, fallback } = parameter;
	try {
		return context.getNodeParameter(name, itemIndex, fallback);
	} catch (error) {
		return inputFailure(
			`The "${label}" expression failed: ${(error as Error).message}`,
			`Fix the expression in "${label}" so it returns ${holds} of each item.`,
		);
	}
}

/** What was sent for one key: how it settled, and whether it took effect in 1Flow before `finish` failed it. */
interface Sent<Value> {
	settled: Settled<Value>;
	tookEffect: boolean;
}

function resultOf<Input, Value>(
	operation: Operation<Input, Value>,
	{ settled, tookEffect }: Sent<Value>,
	input: Input,
): ItemResult {
	const details = operation.details(input);
	switch (settled.status) {
		case 'done':
			return operation.success(settled.value, input);
		case 'failed':
			return {
				failure: settled.failure,
				cause: 'api',
				details: { ...details, ...settled.failure.details },
				done: tookEffect,
			};
		case 'notSent': {
			const failure =
				settled.failure ?? notSentFailure(settled.reason, operation.action(input), settled.lastTry);
			return {
				failure,
				cause: 'notSent',
				details: { ...details, ...failure.details },
				done: tookEffect,
			};
		}
	}
}

/** Sends each distinct input once (or fails them all when `prepare` says so); results by key. */
async function sendAll<Input, Value>(
	context: IExecuteFunctions,
	operation: Operation<Input, Value>,
	session: Session,
	pending: Map<string, Input>,
): Promise<Map<string, Sent<Value>>> {
	const keys = [...pending.keys()];
	const prepared = await operation.prepare?.(session);
	const outcomes = prepared
		? keys.map((): Settled<Value> => ({ status: 'failed', failure: prepared }))
		: await runBulk(
				keys,
				async (key, answerLost) =>
					await operation.attempt(session, pending.get(key) as Input, answerLost),
				{
					...operation.request,
					stopOnFailure: !context.continueOnFail(),
					signal: context.getExecutionCancelSignal(),
					pacer: session.pacer,
				},
			);
	const stopping =
		!context.continueOnFail() && outcomes.some((outcome) => outcome.status !== 'done');
	const tookEffect = outcomes.map((outcome) => outcome.status === 'done');
	if (operation.finish && !stopping && context.getExecutionCancelSignal()?.aborted !== true) {
		const done = keys.flatMap((key, index) => {
			const outcome = outcomes[index];
			return outcome.status === 'done'
				? [{ index, input: pending.get(key) as Input, value: outcome.value }]
				: [];
		});
		const finished = await operation.finish(session, done);
		done.forEach(({ index }, position) => (outcomes[index] = finished[position]));
	}
	return new Map(
		keys.map((key, index) => [key, { settled: outcomes[index], tookEffect: tookEffect[index] }]),
	);
}

export async function runOperation<Input, Value>(
	context: IExecuteFunctions,
	operation: Operation<Input, Value>,
): Promise<INodeExecutionData[]> {
	const session = await openSession(context, operation.request);
	const inputs: Array<Input | Failure> = [];
	for (let itemIndex = 0; itemIndex < context.getInputData().length; itemIndex++)
		inputs.push(await operation.readInput(itemIndex));
	// A credential that cannot be used fails every item; bad input fails its own item.
	const results: Array<ItemResult | undefined> = inputs.map((input) => {
		const failure = isFailure(session) ? session : isFailure(input) ? input : undefined;
		return (
			failure && {
				failure,
				cause: 'input',
				details: operation.details(isFailure(input) ? undefined : input),
			}
		);
	});
	throwFirstInputFailure(context, results, operation.words);

	if (!isFailure(session)) {
		const keyOf = (input: Input, itemIndex: number) =>
			operation.keyOf?.(input) ?? String(itemIndex);
		const pending = new Map<string, Input>();
		inputs.forEach((input, itemIndex) => {
			const key = isFailure(input) ? undefined : keyOf(input, itemIndex);
			if (key !== undefined && !pending.has(key)) pending.set(key, input as Input);
		});
		const sent =
			pending.size > 0
				? await sendAll(context, operation, session, pending)
				: new Map<string, Sent<Value>>();
		const counted = new Set<string>();
		inputs.forEach((input, itemIndex) => {
			if (isFailure(input)) return;
			const key = keyOf(input, itemIndex);
			const result = resultOf(operation, sent.get(key) as Sent<Value>, input);
			// A document named by several items took effect once, and is counted once.
			results[itemIndex] = counted.has(key) ? { ...result, done: false } : result;
			counted.add(key);
		});
	}
	return toNodeOutput(context, results as ItemResult[], operation.words);
}
