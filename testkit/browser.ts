/**
 * A real browser for the editor test: Chromium from Debian's packages, installed with apt-get
 * on first use, driven by playwright-core (which never downloads a browser of its own).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

import { chromium, type BrowserContext } from 'playwright-core';

const CHROMIUM_PATH = '/usr/bin/chromium';

/**
 * No background traffic: the machines this runs on reach only package registries, and
 * Chromium's own calls home would fail with refused connections.
 */
const CHROMIUM_FLAGS = [
	'--headless',
	'--no-sandbox',
	'--disable-gpu',
	'--disable-quic',
	'--no-first-run',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
];

function log(message: string): void {
	process.stderr.write(`[1flow] ${message}\n`);
}

function aptGet(args: string[]): boolean {
	// apt-get needs root; elsewhere sudo may grant it without a password prompt.
	const asRoot = process.getuid?.() === 0;
	const [command, commandArgs] = asRoot ? ['apt-get', args] : ['sudo', ['-n', 'apt-get', ...args]];
	const result = spawnSync(command, commandArgs, {
		stdio: 'inherit',
		env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
	});
	return result.status === 0;
}

/** Installs Debian's chromium package unless it is there already. */
export function ensureChromium(): string {
	if (existsSync(CHROMIUM_PATH)) return CHROMIUM_PATH;
	const started = Date.now();
	log(`Installing Chromium from Debian's packages (apt-get install chromium), for the editor test`);
	const install = ['install', '-y', '--no-install-recommends', 'chromium'];
	// A fresh machine may have no package lists yet.
	if (!aptGet(install) && !(aptGet(['update']) && aptGet(install))) {
		throw new Error(
			`Could not install Chromium with apt-get; install Debian's "chromium" package (${CHROMIUM_PATH}) and run again`,
		);
	}
	if (!existsSync(CHROMIUM_PATH))
		throw new Error(`apt-get installed chromium, but ${CHROMIUM_PATH} is missing`);
	log(`Chromium installed in ${Math.round((Date.now() - started) / 1000)} s`);
	return CHROMIUM_PATH;
}

/** Chromium headless with a profile of its own in `profileDir` (a fresh folder each time). */
export async function launchChromium(profileDir: string): Promise<BrowserContext> {
	return await chromium.launchPersistentContext(profileDir, {
		executablePath: CHROMIUM_PATH,
		headless: true,
		args: CHROMIUM_FLAGS,
		viewport: { width: 1440, height: 900 },
	});
}
