/**
 * A logger that records everything n8n-core logs, at every level, as the text n8n's own
 * logger would print for it.
 *
 * n8n-core logs through two channels: `LoggerProxy` from n8n-workflow and the `Logger`
 * service of @n8n/backend-common resolved from the DI container (node contexts,
 * the directory loader, the error reporter). Both are pointed at the same recorder.
 *
 * Rendering follows what n8n's logger does with metadata: a top-level value that is an
 * `Error` is reduced to `{ name, message, stack, cause }` (recursively for the cause), and
 * the metadata object is then JSON-serialised. Anything else (plain objects, arrays) is
 * serialised in full, so a secret that would reach n8n's log output reaches `logs` too.
 */
import './env';

import { Logger as BackendLogger } from '@n8n/backend-common';
import { Container } from '@n8n/di';
import { LoggerProxy } from 'n8n-workflow';
import type { Logger, LogMetadata } from 'n8n-workflow';

type CapturedLevel = 'error' | 'warn' | 'info' | 'debug';

/** Every line logged so far, as `level: message {json metadata}`: what tests search for secrets. */
const lines: string[] = [];

function serializeError(error: unknown, seen: Set<unknown>): unknown {
	if (!(error instanceof Error)) return String(error);
	let cause: unknown;
	if (error.cause !== undefined && error.cause !== null && !seen.has(error.cause)) {
		seen.add(error.cause);
		cause = serializeError(error.cause, seen);
	}
	return { name: error.name, message: error.message, stack: error.stack, cause };
}

function safeStringify(value: unknown): string {
	const stack: unknown[] = [];
	try {
		return JSON.stringify(value, function (this: unknown, _key: string, current: unknown) {
			if (typeof current === 'bigint') return current.toString();
			if (typeof current !== 'object' || current === null) return current;
			while (stack.length > 0 && stack[stack.length - 1] !== this) stack.pop();
			if (stack.includes(current)) return '[Circular]';
			stack.push(current);
			return current;
		});
	} catch (error) {
		return `[unserializable metadata: ${(error as Error).message}]`;
	}
}

function record(level: CapturedLevel, message: string, metadata: LogMetadata | undefined): void {
	const rendered: Record<string, unknown> = {};
	for (const [key, value] of Object.entries(metadata ?? {})) {
		rendered[key] = value instanceof Error ? serializeError(value, new Set()) : value;
	}
	const json = Object.keys(rendered).length > 0 ? ` ${safeStringify(rendered)}` : '';
	const text = `${level}: ${String(message)}${json}`;
	lines.push(text);
	if (process.env.N8N_ENGINE_HARNESS_LOG === '1') {
		process.stderr.write(`[n8n] ${text}\n`);
	}
}

class CapturingLogger implements Logger {
	error(message: string, metadata?: LogMetadata): void {
		record('error', message, metadata);
	}

	warn(message: string, metadata?: LogMetadata): void {
		record('warn', message, metadata);
	}

	info(message: string, metadata?: LogMetadata): void {
		record('info', message, metadata);
	}

	debug(message: string, metadata?: LogMetadata): void {
		record('debug', message, metadata);
	}

	/** n8n's Logger hands out scoped children; scopes only filter console output there. */
	scoped(): CapturingLogger {
		return this;
	}
}

/** A position in the log, to collect what was logged after it. */
export function logMark(): number {
	return lines.length;
}

export function logTextSince(mark: number): string[] {
	return lines.slice(mark);
}

// Both of n8n's logging channels point at the recorder from the first import on.
const logger = new CapturingLogger();
Container.set(BackendLogger, logger as unknown as BackendLogger);
LoggerProxy.init(logger);
