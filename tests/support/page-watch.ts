import type { Page } from '@playwright/test';

export interface PageProblems {
	consoleErrors: string[];
	/** Responses with status 400 or higher, and requests that failed outright. */
	failedRequests: string[];
	/** Requests to any origin other than the site's own. */
	offSiteRequests: string[];
}

/**
 * Records what goes wrong while a page is used: console errors, uncaught exceptions,
 * failed or 4xx/5xx requests, and any request that leaves the site's origin.
 */
export function watchPage(page: Page, siteOrigin: string): PageProblems {
	const problems: PageProblems = { consoleErrors: [], failedRequests: [], offSiteRequests: [] };
	page.on('console', (message) => {
		if (message.type() === 'error') problems.consoleErrors.push(message.text());
	});
	page.on('pageerror', (error) => problems.consoleErrors.push(`uncaught: ${error.message}`));
	page.on('request', (request) => {
		const url = request.url();
		if (!url.startsWith('data:') && new URL(url).origin !== siteOrigin) problems.offSiteRequests.push(url);
	});
	page.on('requestfailed', (request) => problems.failedRequests.push(`${request.url()} (${request.failure()?.errorText})`));
	page.on('response', (response) => {
		if (response.status() >= 400) problems.failedRequests.push(`${response.url()} (HTTP ${response.status()})`);
	});
	return problems;
}

/**
 * Waits until the page has started all it does without being asked: loaded, its network idle,
 * and the browser idle twice after that (idle-time loads, such as Starlight's search preloading,
 * start in an idle callback; a request is seen when it starts).
 */
export async function settled(page: Page): Promise<void> {
	await page.waitForLoadState('networkidle');
	await page.evaluate(() => new Promise((resolve) => requestIdleCallback(() => requestIdleCallback(resolve))));
}
