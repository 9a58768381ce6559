import type { Browser } from '@playwright/test';
import { captureStackBlitz, stackBlitzSdkSource } from '../support/fake-stackblitz.ts';

const SDK_URL_PATH = '/__eager-embed/sdk.js';
const IDLE_WAIT_MS = 3000;

export interface ThirdPartyCount {
	/** Requests the page started to any origin but its own, with no interaction at all. */
	requests: number;
	origins: string[];
}

/**
 * For contrast with our click-to-load sandbox: the same page as most sites embed StackBlitz,
 * with `sdk.embedProject()` called for every example as the page loads. Counts the requests
 * that leaves the site before the reader has done anything. StackBlitz is faked (this machine
 * cannot reach it), so only the first request of each frame is seen; the real editor would
 * go on to load its own scripts, fonts and telemetry.
 */
export async function thirdPartyRequestsBeforeInteraction(
	browser: Browser,
	pageUrl: string,
	options: { eager: boolean }
): Promise<ThirdPartyCount> {
	const context = await browser.newContext();
	const page = await context.newPage();
	const origin = new URL(pageUrl).origin;
	const offSite: string[] = [];
	page.on('request', (request) => {
		const url = new URL(request.url());
		if (url.protocol !== 'data:' && url.origin !== origin) offSite.push(url.origin);
	});
	await captureStackBlitz(page, 'fake');
	if (options.eager) await serveEagerVersion(context, pageUrl);
	await page.goto(pageUrl, { waitUntil: 'networkidle' });
	await page.waitForTimeout(IDLE_WAIT_MS);
	await context.close();
	return { requests: offSite.length, origins: [...new Set(offSite)] };
}

/** Rewrites the page as an eager embed would be: the SDK loaded up front, every sandbox started at once. */
async function serveEagerVersion(context: import('@playwright/test').BrowserContext, pageUrl: string) {
	const sdk = stackBlitzSdkSource();
	const origin = new URL(pageUrl).origin;
	await context.route(`${origin}${SDK_URL_PATH}`, (route) => route.fulfill({ contentType: 'text/javascript', body: sdk }));
	await context.route(pageUrl, async (route) => {
		const response = await route.fetch();
		const html = (await response.text())
			// An ordinary site has no policy; ours would (rightly) refuse this inline script.
			.replace(/<meta http-equiv="content-security-policy"[^>]*>/, '')
			.replace('</body>', `<script type="module">${eagerScript()}</script></body>`);
		await route.fulfill({ response, body: html, headers: { ...response.headers(), 'content-encoding': '', 'content-length': '' } });
	});
}

function eagerScript(): string {
	return `import sdk from '${SDK_URL_PATH}';
for (const element of document.querySelectorAll('example-sandbox')) {
	const request = await fetch(element.dataset.request).then((r) => r.json());
	const target = document.createElement('div');
	element.append(target);
	sdk.embedProject(target, request.project, request.embed);
}`;
}
