import type { IDataObject } from 'n8n-workflow';

/** Why an item could not be done, in words a user (or an AI agent) can act on. */
export interface Failure {
	message: string;
	/** What happened in more detail, and what to check or do. */
	description: string;
	/** HTTP status of 1Flow's answer; null when there was none (bad input, no answer). */
	httpCode: number | null;
	/** 1Flow's own error text, when it sent one. */
	apiBody?: Record<string, unknown>;
	/** Facts learnt on the way, for the error item's `details` (e.g. the document an upload created). */
	details?: IDataObject;
}

/** A failure found before anything was sent: bad input or a bad credential. */
export function inputFailure(message: string, description: string): Failure {
	return { message, description, httpCode: null };
}

export function isFailure(value: unknown): value is Failure {
	if (typeof value !== 'object' || value === null) return false;
	const { message, description } = value as Partial<Failure>;
	return typeof message === 'string' && typeof description === 'string' && 'httpCode' in value;
}

/** The same failure, its description followed by one more sentence. */
export function withNote(failure: Failure, note: string): Failure {
	return { ...failure, description: `${failure.description} ${note}` };
}
