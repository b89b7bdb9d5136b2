/** Reading what `n8n execute --rawOutput` printed: the run and each node's output items. */
import type { INodeExecutionData, IRun } from 'n8n-workflow';

/**
 * `n8n execute --rawOutput` prints the run (IRun) as indented JSON between log lines, on
 * success through stdout and on failure through the logger. Returns the first top-level
 * `{ ... }` block that parses and has `data.resultData`, or undefined.
 */
export function parseRun(output: string): IRun | undefined {
	const lines = output.split(/\r?\n/);
	for (let start = 0; start < lines.length; start++) {
		if (lines[start] !== '{') continue;
		const end = lines.indexOf('}', start + 1);
		if (end === -1) return undefined;
		try {
			const value = JSON.parse(lines.slice(start, end + 1).join('\n')) as Partial<IRun> | null;
			if (value?.data?.resultData) return value as IRun;
		} catch {
			// not this block
		}
	}
	return undefined;
}

/** Items a node sent on one of its outputs in its first run ([] when none). */
export function nodeOutput(run: IRun, nodeName: string, outputIndex = 0): INodeExecutionData[] {
	return run.data.resultData.runData[nodeName]?.[0]?.data?.main?.[outputIndex] ?? [];
}

export function nodeRan(run: IRun, nodeName: string): boolean {
	return run.data.resultData.runData[nodeName] !== undefined;
}
