/** One case of the bad-input and bad-answer tables: what to run and what n8n must show. */
import type { NodeApiError, NodeOperationError } from 'n8n-workflow';

import type { FaultConfig } from '../../../testkit/emulator';
import type { OneFlowCredentialData } from '../../support/one-flow-node';

/** A webhook whose secret was changed in 1Flow: the node's is answered 401. */
export const ROTATED_WEBHOOK_ID = 'wh_rotated';

type ErrorClass = typeof NodeApiError | typeof NodeOperationError;

export interface Row {
	name: string;
	/** The items' json (default: one item asking for doc_001). */
	items?: Array<Record<string, unknown>>;
	/** The Document ID parameter (default: the node's own default expression). */
	docIdParameter?: string;
	credentials?: Partial<OneFlowCredentialData>;
	options?: Record<string, unknown>;
	/** How the emulator answers the delete requests. */
	script?: FaultConfig['script'];
	error: ErrorClass;
	message: string | RegExp;
	/** NodeApiError.httpCode; null when 1Flow sent no answer. */
	httpCode?: string | null;
	/** Requests that reached the emulator (0 for every input error). */
	requests: number;
	description?: RegExp;
}

export const one = (docId: unknown): Array<Record<string, unknown>> => [{ docId }];
export const status =
	(code: number, body?: unknown, headers?: Record<string, string>): FaultConfig['script'] =>
	() => ({
		kind: 'status',
		status: code,
		body,
		headers,
	});
