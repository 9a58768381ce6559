import { defineConfig } from '@playwright/test';
import { chromiumArgs, findChromium } from './support/chromium.ts';

export default defineConfig({
	testDir: './browser',
	outputDir: '../test-results',
	globalSetup: './support/serve-builds.ts',
	fullyParallel: true,
	workers: 2,
	retries: 0,
	timeout: 30_000,
	expect: { timeout: 10_000 },
	reporter: process.env['CI'] ? 'line' : 'list',
	forbidOnly: true,
	use: {
		browserName: 'chromium',
		launchOptions: { executablePath: findChromium(), args: chromiumArgs },
		trace: 'retain-on-failure',
	},
});
