import { expect, test } from '@playwright/test';
import { allPages } from '../support/course.ts';
import { builtPages, siteUrl } from '../support/builds.ts';
import { watchPage } from '../support/page-watch.ts';
import { axeViolations } from '../support/axe.ts';

test('the build contains exactly the home page, the six course pages, the examples index and pages, and the instructors page', () => {
	expect(builtPages('root')).toEqual([...allPages].sort());
});

for (const path of builtPages('root')) {
	test.describe(`page ${path}`, () => {
		test('loads with no console error, no failed request and nothing fetched off-site', async ({ page }) => {
			const problems = watchPage(page, new URL(siteUrl('/')).origin);
			const response = await page.goto(siteUrl(path), { waitUntil: 'networkidle' });
			expect(response?.status()).toBe(200);
			await expect(page.locator('h1')).toHaveCount(1);
			expect(problems).toEqual({ consoleErrors: [], failedRequests: [], offSiteRequests: [] });
		});

		for (const [theme, width] of [['light', 1280], ['dark', 1280], ['light', 390]] as const) {
			test(`has no axe violations in the ${theme} theme at ${width}px wide`, async ({ page }) => {
				await page.setViewportSize({ width, height: 800 });
				await page.addInitScript((value) => localStorage.setItem('starlight-theme', value), theme);
				await page.goto(siteUrl(path));
				await expect(page.locator('html')).toHaveAttribute('data-theme', theme);
				expect(await axeViolations(page)).toEqual([]);
			});
		}
	});
}

test('an unknown URL gets the course 404 page, which has no axe violations', async ({ page }) => {
	const response = await page.goto(siteUrl('/no-such-page/'));
	expect(response?.status()).toBe(404);
	await expect(page.locator('h1')).toContainText(/not found/i);
	expect(await axeViolations(page)).toEqual([]);
});

test.describe('with JavaScript turned off', () => {
	test.use({ javaScriptEnabled: false });
	for (const path of builtPages('root')) {
		test(`${path} still shows its whole text, sidebar and tables`, async ({ page }) => {
			await page.goto(siteUrl(path));
			await expect(page.locator('h1')).toBeVisible();
			await expect(page.locator('#starlight__sidebar a[href="/course/socket-functions/"]')).toBeVisible();
			// Nothing in the article is hidden waiting for a script to reveal it.
			const hidden = await page.locator('main .sl-markdown-content').evaluate((content) =>
				[...content.querySelectorAll('p, li, table, h2, h3, pre, figure')]
					.filter((el) => el.textContent?.trim() && !(el as HTMLElement).closest('[hidden], details:not([open])'))
					.filter((el) => (el as HTMLElement).offsetParent === null && getComputedStyle(el).position !== 'fixed')
					.map((el) => el.textContent?.trim().slice(0, 60))
			);
			expect(hidden).toEqual([]);
		});
	}
});
