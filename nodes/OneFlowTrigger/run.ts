/**
 * The 1Flow Trigger's part in the run n8n started for a callback: the moment the callback is
 * known to have a stored execution, so the moment it is recorded (and saved with the run). A
 * second run of the same callback (a re-send that reached another process before the first run
 * was saved) stops here, without items.
 */
import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { memoryKey, staticDataOf } from './identity';
import { confirm } from './memory';

export async function runCallback(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData().map((item, index) => ({
		...item,
		pairedItem: { item: index },
	}));
	const callbackId = items[0]?.json.callbackId;
	// Test runs, and items that did not come from a callback (pinned, or typed in), pass as they are.
	if (typeof callbackId !== 'string' || this.getMode() === 'manual') return [items];
	if (confirm(memoryKey(this), staticDataOf(this), callbackId, Date.now())) return [items];
	this.logger.info('1Flow Trigger stopped a second run of a callback', { callbackId });
	return [[]];
}
