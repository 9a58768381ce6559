import { expect, test } from '@playwright/test';
import { siteUrl } from '../support/builds.ts';

const PAGE = '/course/sockets/';

test('"On this page" marks the section being read as the reader scrolls (desktop)', async ({ page }) => {
	await page.setViewportSize({ width: 1400, height: 900 });
	await page.goto(siteUrl(PAGE));
	const toc = page.locator('starlight-toc');
	await expect(toc.locator('a[aria-current="true"]')).toHaveAttribute('href', '#_top');
	const links = await toc.locator('a').evaluateAll((as) => as.map((a) => (a as HTMLAnchorElement).hash).filter((h) => h !== '#_top'));
	expect(links.length).toBeGreaterThan(2);
	// Not the last heading: near the end of the page it cannot scroll up to the top of the window.
	for (const hash of [links[1]!, links[Math.floor(links.length / 2)]!, links[0]!]) {
		await page.locator(`[id="${decodeURIComponent(hash.slice(1))}"]`).evaluate((heading) => heading.scrollIntoView({ block: 'start' }));
		await expect(toc.locator('a[aria-current="true"]')).toHaveAttribute('href', hash);
	}
});

test('the mobile "On this page" shows the current section and closes on a link', async ({ page }) => {
	await page.setViewportSize({ width: 390, height: 800 });
	await page.goto(siteUrl(PAGE));
	const toc = page.locator('mobile-starlight-toc');
	const target = await toc.locator('a').nth(2).evaluate((a) => ({ hash: (a as HTMLAnchorElement).hash, text: a.textContent!.trim() }));
	await toc.locator('summary').click();
	await toc.locator(`a[href="${target.hash}"]`).click();
	await expect(toc.locator('details')).not.toHaveAttribute('open');
	await expect(toc.locator('.display-current')).toHaveText(target.text);
	await expect(toc.locator('a[aria-current="true"]')).toHaveAttribute('href', target.hash);
});

test('the mobile "On this page" follows the reader as they scroll (Starlight\'s subclass of the replaced script)', async ({ page }) => {
	await page.setViewportSize({ width: 390, height: 800 });
	await page.goto(siteUrl(PAGE));
	const toc = page.locator('mobile-starlight-toc');
	const target = await toc.locator('a').nth(3).evaluate((a) => ({ hash: (a as HTMLAnchorElement).hash, text: a.textContent!.trim() }));
	await page.locator(`[id="${decodeURIComponent(target.hash.slice(1))}"]`).evaluate((heading) => heading.scrollIntoView({ block: 'start' }));
	await expect(toc.locator('.display-current')).toHaveText(target.text);
	await expect(toc.locator('a[aria-current="true"]')).toHaveAttribute('href', target.hash);
});
