import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

/** The options every operation has: how many requests at once, how often to retry, how long to wait. */
export interface RequestOptions {
	concurrency: number;
	maxRetries: number;
	timeout: number;
}

/** The option fields, worded for one operation: `requests` names them, `retried` says what is retried. */
export function requestOptionFields(words: { requests: string; retried: string }): INodeProperties[] {
	return [
		{
			displayName: 'Concurrency',
			name: 'concurrency',
			type: 'number',
			typeOptions: { minValue: 1, maxValue: 50 },
			default: 5,
			description: `Most ${words.requests} in flight at once. Output order always follows input order.`,
		},
		{
			displayName: 'Max Retries',
			name: 'maxRetries',
			type: 'number',
			typeOptions: { minValue: 0, maxValue: 10 },
			default: 3,
			description: words.retried,
		},
		{
			displayName: 'Timeout (Milliseconds)',
			name: 'timeout',
			type: 'number',
			typeOptions: { minValue: 1000, maxValue: 300000 },
			default: 30000,
			description: 'Milliseconds to wait for 1Flow to answer one attempt',
		},
	];
}

/** The fields' own limits and defaults, so the UI and the node agree on them. */
const FIELDS = Object.fromEntries(requestOptionFields({ requests: '', retried: '' }).map((field) => [field.name, field]));

/** A number option within its field's limits; its default when unset or not a number. */
function clamped(options: IDataObject, name: keyof RequestOptions): number {
	const { default: fallback, typeOptions } = FIELDS[name];
	const value = options[name];
	const number = typeof value === 'number' && Number.isFinite(value) ? Math.round(value) : (fallback as number);
	return Math.min(typeOptions?.maxValue ?? number, Math.max(typeOptions?.minValue ?? number, number));
}

/** The node's options collection (the same for every item), with the request options clamped. */
export function readOptions(context: IExecuteFunctions): { options: IDataObject; request: RequestOptions } {
	const options = context.getNodeParameter('options', 0, {}) as IDataObject;
	return {
		options,
		request: {
			concurrency: clamped(options, 'concurrency'),
			maxRetries: clamped(options, 'maxRetries'),
			timeout: clamped(options, 'timeout'),
		},
	};
}

/** An options collection's entries in alphabetical order, as n8n's editor lists them. */
export function sortedOptions(options: INodeProperties[]): INodeProperties[] {
	return [...options].sort((a, b) => a.displayName.localeCompare(b.displayName));
}
