/**
 * A real browser for the editor tests: Debian's chromium driven by playwright-core (no browser can
 * be downloaded here, so playwright's own builds are never used). Installs the Debian package when
 * missing and this runs as root with apt-get; else says what to install.
 */
import { existsSync } from 'node:fs';

import { chromium, selectors, type Browser } from 'playwright-core';

import { ensureDebianPackage } from './debian';

/** CHROMIUM_PATH, else Debian's. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const HINT = `No Chromium at ${CHROMIUM_PATH}: install it with \`sudo apt-get install chromium\` (Debian/Ubuntu), or point CHROMIUM_PATH at a Chromium or Chrome binary`;

// n8n's editor marks its elements with data-test-id (playwright's default is data-testid)
selectors.setTestIdAttribute('data-test-id');

/** Headless Chromium; the flags keep it from calling Google's services, which a closed network refuses. */
export async function launchChromium(): Promise<Browser> {
	await ensureDebianPackage('chromium', () => existsSync(CHROMIUM_PATH), HINT);
	return await chromium.launch({
		executablePath: CHROMIUM_PATH,
		args: [
			'--no-sandbox', // root in CI
			'--disable-gpu',
			'--disable-quic',
			'--no-first-run',
			'--disable-background-networking',
			'--disable-component-update',
			'--disable-sync',
		],
	});
}
