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

/** Debian's package `chromium-headless-shell`. */
export const DEBIAN_HEADLESS_SHELL = '/usr/bin/chromium-headless-shell';

/**
 * Finds the full Chromium, for what measures what readers run (the bench: Lighthouse, layout
 * shift, page weight): `CHROME_PATH` if set, else Playwright's own download, else Debian's
 * `/usr/bin/chromium`. Throws an error that says how to get one.
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
			'No Chromium found. Install one of:',
			'  - Debian/Ubuntu: sudo apt-get install -y chromium-headless-shell chromium',
			'  - Playwright\'s own build: npx playwright install chromium',
			'  - any Chrome/Chromium, then: export CHROME_PATH=/path/to/chrome',
		].join('\n')
	);
}

/**
 * The browser the tests drive: `CHROME_PATH` if set; else a headless shell, Debian's or
 * Playwright's own (`undefined`: Playwright then picks its shell itself). A headless shell is the
 * same Blink without the full browser's window machinery, what Playwright runs headless tests on
 * by default, and it runs this suite in half the time (both cores are busy throughout). Else the
 * full Chromium, with a hint.
 */
export function findTestChromium(env: NodeJS.ProcessEnv = process.env): string | undefined {
	if (env['CHROME_PATH']?.trim()) return findChromium(env);
	if (existsSync(DEBIAN_HEADLESS_SHELL)) return DEBIAN_HEADLESS_SHELL;
	const own = playwrightChromium();
	if (own && existsSync(own)) return undefined;
	const full = findChromium(env);
	// Once per run: the config is read again in every worker.
	if (env['TEST_WORKER_INDEX'] === undefined) {
		console.warn(`Browser tests run on ${full}; with a headless shell they take half the time: sudo apt-get install -y chromium-headless-shell`);
	}
	return full;
}

function playwrightChromium(): string | undefined {
	try {
		return chromium.executablePath();
	} catch {
		return undefined;
	}
}
