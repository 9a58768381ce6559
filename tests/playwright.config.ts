import { defineConfig } from '@playwright/test';
import { chromiumArgs, findTestChromium } from './support/chromium.ts';

const executablePath = findTestChromium();

export default defineConfig({
	testDir: './browser',
	outputDir: '../test-results',
	globalSetup: './support/serve-builds.ts',
	fullyParallel: true,
	workers: 2,
	retries: 0,
	// Generous: two workers fill both cores, and a long page takes a while to lay out and check.
	timeout: 60_000,
	expect: { timeout: 15_000 },
	reporter: process.env['CI'] ? 'line' : 'list',
	forbidOnly: true,
	use: {
		browserName: 'chromium',
		launchOptions: { ...(executablePath ? { executablePath } : {}), args: chromiumArgs },
		trace: 'off',
	},
});
