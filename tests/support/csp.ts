import { expect, type Page } from '@playwright/test';

declare global {
	interface Window {
		cspViolations?: string[];
	}
}

/**
 * Collects every Content-Security-Policy violation: the `securitypolicyviolation` events of
 * each document, and Chromium's "Refused to …" console reports (these also cover the
 * about:blank frame the StackBlitz SDK writes into). Call before the page loads. The function
 * returned gives the violations seen since it was last called.
 */
export async function watchViolations(page: Page): Promise<() => Promise<string[]>> {
	const reported: string[] = [];
	page.on('console', (message) => {
		if (/Content Security Policy/i.test(message.text())) reported.push(message.text());
	});
	await page.addInitScript(() => {
		window.cspViolations = [];
		document.addEventListener('securitypolicyviolation', (event) => {
			window.cspViolations!.push(`${event.effectiveDirective} blocked ${event.blockedURI || 'inline'}: ${event.sample}`);
		});
	});
	return async () => [...reported.splice(0), ...(await page.evaluate(() => window.cspViolations?.splice(0) ?? []))];
}

/** The page's own policy: exactly one `<meta http-equiv>`, with no 'unsafe-inline'. */
export async function policyOf(page: Page): Promise<string> {
	const metas = page.locator('meta[http-equiv="content-security-policy"]');
	await expect(metas).toHaveCount(1);
	const policy = (await metas.getAttribute('content')) ?? '';
	expect(policy).toContain("default-src 'none'");
	expect(policy).not.toContain('unsafe-inline');
	return policy;
}
