/**
 * Reading the run data n8n stores for an execution (`execution_data.data`). n8n writes it in
 * the "flatted" format: a JSON array whose first entry is the root value, in which every
 * string inside an object or array is the index of the entry holding the real value (so that
 * shared and circular references survive). Numbers, booleans and null stay in place.
 */
import type { INodeExecutionData, IRunExecutionData } from 'n8n-workflow';

function unflatten(text: string): unknown {
	const table = JSON.parse(text) as unknown[];
	const revived = new Map<number, unknown>();
	const revive = (index: number): unknown => {
		const entry = table[index];
		if (typeof entry !== 'object' || entry === null) return entry;
		if (revived.has(index)) return revived.get(index);
		const copy: Record<string, unknown> = Array.isArray(entry)
			? ([] as unknown as Record<string, unknown>)
			: {};
		revived.set(index, copy);
		for (const [key, value] of Object.entries(entry))
			copy[key] = typeof value === 'string' ? revive(Number(value)) : value;
		return copy;
	};
	return revive(0);
}

/** The items a node sent on each of its outputs in its first run of a stored execution. */
export function storedNodeOutputs(data: string, nodeName: string): INodeExecutionData[][] {
	const run = unflatten(data) as IRunExecutionData;
	return (run.resultData.runData[nodeName]?.[0]?.data?.main ?? []).map((items) => items ?? []);
}
