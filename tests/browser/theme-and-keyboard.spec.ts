import { expect, test } from '@playwright/test';
import { siteUrl } from '../support/builds.ts';

test('the theme switch toggles dark and light mode and remembers the choice', async ({ page }) => {
	await page.goto(siteUrl('/course/sockets/'));
	const select = page.getByRole('combobox', { name: /theme/i }).first();
	await select.selectOption('dark');
	await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
	await select.selectOption('light');
	await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');
	const light = await page.locator('body').evaluate((body) => getComputedStyle(body).backgroundColor);
	await page.reload();
	await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');
	await select.selectOption('dark');
	const dark = await page.locator('body').evaluate((body) => getComputedStyle(body).backgroundColor);
	expect(dark).not.toBe(light);
});

test('keyboard alone reaches the skip link, the search button and the sidebar', async ({ page }) => {
	test.setTimeout(90_000); // 40 real key presses, each followed by a look at the focused element
	await page.goto(siteUrl('/course/sockets/'));
	const reached: string[] = [];
	for (let step = 0; step < 40; step++) {
		await page.keyboard.press('Tab');
		reached.push(
			await page.evaluate(() => {
				const el = document.activeElement as HTMLElement | null;
				if (!el) return '';
				if (el.closest('#starlight__sidebar')) return `sidebar:${el.getAttribute('href')}`;
				if (el.matches('button[data-open-modal]')) return 'search';
				if (el.matches('a[href="#_top"]')) return 'skip-link';
				return el.tagName.toLowerCase();
			})
		);
	}
	expect(reached[0]).toBe('skip-link');
	expect(reached).toContain('search');
	expect(reached).toContain('sidebar:/course/socket-functions/');
	expect(reached.indexOf('search')).toBeLessThan(reached.indexOf('sidebar:/course/client-server/'));

	// Enter on a focused sidebar link navigates.
	await page.goto(siteUrl('/course/sockets/'));
	await page.locator('#starlight__sidebar a[href="/course/socket-functions/"]').focus();
	await page.keyboard.press('Enter');
	await expect(page).toHaveURL(siteUrl('/course/socket-functions/'));
});

test('the skip link moves focus to the main content', async ({ page }) => {
	await page.goto(siteUrl('/course/sockets/'));
	await page.keyboard.press('Tab');
	await page.keyboard.press('Enter');
	await expect(page).toHaveURL(/#_top$/);
	await expect(page.locator('main h1, #_top')).not.toHaveCount(0);
});

test("code is highlighted in each theme's own colours (token colours come from classes)", async ({ page }) => {
	await page.goto(siteUrl('/examples/tcp-echo/'));
	const keyword = page.locator('#example-tcp-echo-server-js-L1').locator('xpath=following::span[starts-with(@class, "ect-")][normalize-space()="import"]').first();
	const colours = async () =>
		keyword.evaluate((span) => ({ token: getComputedStyle(span).color, text: getComputedStyle(span.closest('pre')!).color }));
	const select = page.getByRole('combobox', { name: /theme/i }).first();
	await select.selectOption('dark');
	const dark = await colours();
	await select.selectOption('light');
	const light = await colours();
	expect(dark.token).not.toBe(dark.text);
	expect(light.token).not.toBe(light.text);
	expect(light.token).not.toBe(dark.token);
	expect(await page.locator('.expressive-code span[style^="--"]').count()).toBe(0);
});
