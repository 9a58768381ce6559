import { existsSync } from 'node:fs';
import { chromium } from '@playwright/test';

/** Flags for a headless Chromium on a machine whose network reaches nothing but loopback. */
export const chromiumArgs = [
	'--headless',
	'--no-sandbox',
	'--disable-gpu',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
];

/**
 * Finds a Chromium to drive: `CHROME_PATH` if set, else Playwright's own download, else
 * Debian's `/usr/bin/chromium`. Throws an error that says how to get one.
 */
export function findChromium(env: NodeJS.ProcessEnv = process.env): string {
	const fromEnv = env['CHROME_PATH']?.trim();
	if (fromEnv) {
		if (existsSync(fromEnv)) return fromEnv;
		throw new Error(`CHROME_PATH is set to "${fromEnv}", but no file exists there.`);
	}
	const candidates = [playwrightChromium(), '/usr/bin/chromium', '/usr/bin/chromium-browser'];
	const found = candidates.find((path) => path !== undefined && existsSync(path));
	if (found) return found;
	throw new Error(
		[
			'No Chromium found for the browser tests. Install one of:',
			'  - Debian/Ubuntu: sudo apt-get install -y chromium   (gives /usr/bin/chromium)',
			'  - Playwright\'s own build: npx playwright install chromium',
			'  - any Chrome/Chromium, then: export CHROME_PATH=/path/to/chrome',
		].join('\n')
	);
}

function playwrightChromium(): string | undefined {
	try {
		return chromium.executablePath();
	} catch {
		return undefined;
	}
}
