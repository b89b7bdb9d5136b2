/** What a harness run returns: the node's outputs, its error, the run data and the logs. */
import { NodeConnectionTypes } from 'n8n-workflow';
import type { ExecutionStatus, INodeExecutionData, IRun, IRunData } from 'n8n-workflow';

export interface RunNodeResult {
	/** First output of the node under test (of the pass-through after it with `downstream`). */
	main: INodeExecutionData[];
	/** Error output (second output) when onError is continueErrorOutput, else []. */
	errorOutput: INodeExecutionData[];
	/**
	 * Why the node failed or the execution stopped, undefined on success. This is the very
	 * instance the node threw when it threw one (NodeApiError / NodeOperationError ...);
	 * otherwise an Error rebuilt from what the engine recorded (e.g. a cancelled execution,
	 * a workflow with parameter issues). Set also when the node threw and its On Error
	 * setting let the workflow continue.
	 */
	error?: Error;
	/** Execution status as n8n reports it ('success', 'error', 'canceled' ...). */
	status: ExecutionStatus;
	/** Raw run data of all nodes: Input, the node under test (by its default name), pass-throughs. */
	runData: IRunData;
	/** Everything n8n-core logged during the run, all levels, rendered as n8n's logger would. */
	logs: string[];
	/** Name of the node under test in the workflow (and in `runData`). */
	nodeName: string;
}

interface OutputRef {
	node: string;
	index: number;
}

/** Turns what the engine recorded about an error (a plain-object copy) back into an Error. */
function rebuildError(recorded: object): Error {
	const { message, name, stack, ...rest } = recorded as {
		message?: unknown;
		name?: unknown;
		stack?: unknown;
	};
	const error = new Error(typeof message === 'string' ? message : 'Unknown error');
	Object.assign(error, rest);
	if (typeof name === 'string') error.name = name;
	if (typeof stack === 'string') error.stack = stack;
	return error;
}

/** The instance the node threw with the recorded message, if it threw one. */
function pickError(recorded: object | undefined, thrown: unknown[]): Error | undefined {
	if (recorded === undefined) return undefined;
	const message = (recorded as { message?: unknown }).message;
	for (let i = thrown.length - 1; i >= 0; i--) {
		const candidate = thrown[i];
		if (candidate instanceof Error && candidate.message === message) return candidate;
	}
	return rebuildError(recorded);
}

function output(runData: IRunData, ref: OutputRef | undefined): INodeExecutionData[] {
	if (ref === undefined) return [];
	return runData[ref.node]?.[0]?.data?.[NodeConnectionTypes.Main]?.[ref.index] ?? [];
}

export function collectResult(source: {
	run: IRun | undefined;
	/** Set when the engine refused to start. */
	error?: Error;
	thrown: unknown[];
	nodeName: string;
	outputs: { main: OutputRef; error?: OutputRef };
	logs: string[];
}): RunNodeResult {
	const { run, nodeName } = source;
	const runData = run?.data.resultData.runData ?? {};
	const recorded =
		(runData[nodeName]?.[0]?.error as object | undefined) ??
		(run?.data.resultData.error as object | undefined);
	return {
		main: output(runData, source.outputs.main),
		errorOutput: output(runData, source.outputs.error),
		error: source.error ?? pickError(recorded, source.thrown),
		status: run?.status ?? 'error',
		runData,
		logs: source.logs,
		nodeName,
	};
}
