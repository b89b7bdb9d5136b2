import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { inputFailure } from '../shared/failure';

/** The options every operation has: how many requests at once, how often to retry, how long to wait. */
export interface RequestOptions {
	concurrency: number;
	maxRetries: number;
	timeout: number;
	maxRateLimitWaitMs: number;
	/** Undefined: no cap. */
	maxRequestsPerSecond?: number;
	/** Send through a keep-alive client instead of n8n's request helper (transport/keepAlive). */
	reuseConnections: boolean;
}

/** The option fields, worded for one operation: `requests` names them, `retried` says what is retried. */
export function requestOptionFields(words: {
	requests: string;
	retried: string;
}): INodeProperties[] {
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
			displayName: 'Max Rate-Limit Wait (Seconds)',
			name: 'maxRateLimitWait',
			type: 'number',
			typeOptions: { minValue: 0, maxValue: 3600 },
			default: 300,
			description:
				'How long one item keeps trying while 1Flow answers 429 (too many requests). 1Flow did nothing then, so sending again is always safe: these tries do not count as retries.',
		},
		{
			displayName: 'Max Requests per Second',
			name: 'maxRequestsPerSecond',
			type: 'number',
			typeOptions: { minValue: 0, maxValue: 1000, numberPrecision: 1 },
			default: 0,
			description:
				"Cap on this execution's requests per second, e.g. your 1Flow plan's limit divided by the executions that run at once. 0: no cap (the node still slows down by itself when 1Flow answers 429).",
		},
		{
			displayName: 'Reuse Connections',
			name: 'reuseConnections',
			type: 'boolean',
			default: false,
			description:
				"Whether to keep connections to 1Flow open and reuse them (Node.js fetch) instead of sending through n8n's request helper, which opens a new connection and TLS handshake for every request: much faster for many items. This mode connects directly, without n8n's proxy settings: leave it off when n8n must reach the internet through a proxy.",
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
const FIELDS: Record<string, INodeProperties> = Object.fromEntries(
	requestOptionFields({ requests: '', retried: '' }).map((field) => [field.name, field]),
);

/** A number option within its field's limits; its default when unset or not a number. */
function clamped(options: IDataObject, name: string): number {
	const { default: fallback, typeOptions } = FIELDS[name];
	const value = options[name];
	const precision = typeOptions?.numberPrecision ?? 0;
	const number =
		typeof value === 'number' && Number.isFinite(value)
			? Number(value.toFixed(precision))
			: (fallback as number);
	return Math.min(
		typeOptions?.maxValue ?? number,
		Math.max(typeOptions?.minValue ?? number, number),
	);
}

/** The node's options collection (the same for every item), with the request options clamped. */
export function readOptions(context: IExecuteFunctions): {
	options: IDataObject;
	request: RequestOptions;
} {
	const options = context.getNodeParameter('options', 0, {}) as IDataObject;
	return {
		options,
		request: {
			concurrency: clamped(options, 'concurrency'),
			maxRetries: clamped(options, 'maxRetries'),
			timeout: clamped(options, 'timeout'),
			maxRateLimitWaitMs: clamped(options, 'maxRateLimitWait') * 1000,
			maxRequestsPerSecond: clamped(options, 'maxRequestsPerSecond') || undefined,
			reuseConnections: options.reuseConnections === true,
		},
	};
}

/** An operation's Options collection, its entries in alphabetical order as n8n's editor lists them. */
export function optionsCollection(options: INodeProperties[]): INodeProperties {
	const sorted = [...options].sort((a, b) => a.displayName.localeCompare(b.displayName));
	return {
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: sorted,
	};
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
