import { expect, test, type Page } from '@playwright/test';
import { siteUrl, type BuildName } from '../support/builds.ts';

async function searchFor(page: Page, query: string) {
	await page.getByRole('button', { name: 'Search' }).click();
	const input = page.getByRole('dialog').getByRole('textbox', { name: 'Search' });
	await expect(input).toBeFocused();
	await input.fill(query);
	return page.locator('#starlight__search .pagefind-ui__result-link').first();
}

for (const build of ['root', 'subpath'] as BuildName[]) {
	test(`search (${build} build) finds "accept" and lands on the socket functions page`, async ({ page }) => {
		await page.goto(siteUrl('/', build));
		const firstResult = await searchFor(page, 'accept');
		await expect(firstResult).toHaveAttribute('href', new URL(siteUrl('/course/socket-functions/', build)).pathname);
		await firstResult.click();
		await expect(page).toHaveURL(siteUrl('/course/socket-functions/', build));
		await expect(page.locator('h1')).toContainText(/socket functions/i);
	});
}

test('no search code is fetched until search is opened; Ctrl+K opens it from the keyboard', async ({ page }) => {
	const scripts: string[] = [];
	page.on('request', (request) => {
		if (request.resourceType() === 'script' || /pagefind/.test(request.url())) scripts.push(request.url());
	});
	await page.goto(siteUrl('/course/sockets/'), { waitUntil: 'networkidle' });
	await page.waitForTimeout(1000); // well past the idle callback Starlight's own search uses
	expect(scripts.filter((url) => /pagefind/.test(url))).toEqual([]);
	const loadedBeforeOpening = scripts.length;

	await page.keyboard.press('Control+k');
	const dialog = page.getByRole('dialog');
	await expect(dialog).toBeVisible();
	await expect(dialog.getByRole('textbox', { name: 'Search' })).toBeFocused();
	// Pagefind's UI (bundled into /_astro/) arrives only now, because the reader asked for it.
	expect(scripts.slice(loadedBeforeOpening).filter((url) => url.includes('/_astro/'))).not.toEqual([]);
	await page.keyboard.press('Escape');
	await expect(dialog).toBeHidden();
});

test('a search that cannot load says so instead of failing silently', async ({ page }) => {
	await page.route(/\/pagefind\//, (route) => route.abort());
	await page.route(/_astro\/.*\.js$/, async (route) => {
		if (/ui-core|default-ui|pagefind/i.test(route.request().url())) return route.abort();
		return route.continue();
	});
	await page.goto(siteUrl('/'));
	await page.getByRole('button', { name: 'Search' }).click();
	await expect(page.getByRole('dialog').getByRole('status')).toContainText(/could not be loaded/i);
});

test("Starlight's search styles apply to the search, and only to it", async ({ page }) => {
	await page.setViewportSize({ width: 1280, height: 800 });
	await page.goto(siteUrl('/'));
	const open = page.getByRole('button', { name: 'Search' });
	await expect(open).toHaveCSS('border-radius', '8px');
	await expect(open).toHaveCSS('max-width', '352px');
	await open.click();
	const dialog = page.getByRole('dialog');
	await expect(dialog).toBeVisible();
	await expect(dialog).toHaveCSS('max-width', '640px');
	await expect(dialog).toHaveCSS('padding-top', '0px');
	await expect(dialog).toHaveCSS('display', 'flex');
	await page.keyboard.press('Escape');
	// A dialog and a kbd elsewhere on the page keep the browser's own styles.
	const outside = await page.evaluate(() => {
		const other = document.createElement('dialog');
		const key = document.createElement('kbd');
		document.querySelector('main')!.append(other, key);
		other.show();
		const style = getComputedStyle(other);
		return { maxWidth: style.maxWidth, padding: style.paddingTop, keyFont: getComputedStyle(key).fontFamily };
	});
	expect(outside.maxWidth).not.toBe('640px');
	expect(outside.padding).not.toBe('0px');
	expect(outside.keyFont).toMatch(/monospace/);
});
