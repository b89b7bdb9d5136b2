/**
 * Side-effect module: must be imported before anything that loads n8n-core.
 *
 * n8n-core creates `$N8N_USER_FOLDER/.n8n/config` (with a fresh encryption key) the first
 * time `InstanceSettings` is resolved. Point it at a throw-away directory so tests never
 * touch the real `~/.n8n`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const MARKER = 'N8N_NODES_1FLOW_ENGINE_USER_FOLDER';

function ensureUserFolder(): string {
	const existing = process.env[MARKER];
	if (existing !== undefined && process.env.N8N_USER_FOLDER === existing) {
		return existing;
	}
	const folder = mkdtempSync(join(tmpdir(), 'n8n-nodes-1flow-engine-'));
	process.env[MARKER] = folder;
	process.env.N8N_USER_FOLDER = folder;
	const remove = () => rmSync(folder, { recursive: true, force: true });
	// Under Jest, `process` is a per-file copy that never sees 'exit': remove the folder after
	// the test file instead (when this module is imported at the top of a test file).
	const jestAfterAll = (globalThis as { afterAll?: (fn: () => void) => void }).afterAll;
	if (typeof jestAfterAll === 'function') {
		try {
			jestAfterAll(remove);
			return folder;
		} catch {
			// imported from inside a test: fall back to process exit
		}
	}
	process.once('exit', remove);
	return folder;
}

export const userFolder = ensureUserFolder();

// Keep n8n-core quiet and deterministic: no diagnostics, no version notifications.
process.env.N8N_DIAGNOSTICS_ENABLED ??= 'false';
process.env.N8N_VERSION_NOTIFICATIONS_ENABLED ??= 'false';
