import { expect, test, type Page } from '@playwright/test';
import { siteUrl, type BuildName } from '../support/builds.ts';

async function searchFor(page: Page, query: string) {
	await page.getByRole('button', { name: 'Search' }).click();
	const input = page.getByRole('dialog').getByRole('textbox', { name: 'Search' });
	await expect(input).toBeFocused();
	await input.fill(query);
	return page.locator('#starlight__search .pagefind-ui__result-link').first();
}

/** The links of the result for one page: the page's own, then those of the sections shown under it. */
const resultLinks = (page: Page, index: number) =>
	page.locator('#starlight__search .pagefind-ui__result').nth(index).locator('.pagefind-ui__result-link');

/** The href a result has for `sitePath` (e.g. `/instructors/#hosting`) in `build`. */
const hrefIn = (build: BuildName, sitePath: string) => {
	const url = new URL(siteUrl(sitePath, build));
	return url.pathname + url.hash;
};

// The socket functions page is among the first two results for "accept" (Pagefind ranks the
// pages; the event-loop page, which calls accept() in many places, may come first), and the
// first section under it must be the one whose heading names accept(): rank 1 of its sections,
// as a heading that names the term is the strongest sign that a section is about it. In both
// builds, as each has its own index and its links carry the base path.
for (const build of ['root', 'subpath'] as BuildName[]) {
	test(`search (${build} build) finds "accept" on the socket functions page, its section headed accept() first, and lands there`, async ({ page }) => {
		await page.goto(siteUrl('/', build));
		await searchFor(page, 'accept');
		await expect(resultLinks(page, 0).first()).toBeVisible();
		const first = await resultLinks(page, 0).first().getAttribute('href');
		const rank = first === hrefIn(build, '/course/socket-functions/') ? 0 : 1;
		const links = resultLinks(page, rank);
		await expect(links.first()).toHaveAttribute('href', hrefIn(build, '/course/socket-functions/'));
		await expect(links.nth(1)).toHaveAttribute('href', hrefIn(build, '/course/socket-functions/#accept-take-the-next-connection'));
		await links.first().click();
		await expect(page).toHaveURL(siteUrl('/course/socket-functions/', build));
		await expect(page.locator('h1')).toContainText(/socket functions/i);
	});
}

// How the site words and ranks what Pagefind finds is the same under any base path: the root build.
const path = (sitePath: string) => hrefIn('root', sitePath);

test(`a word no page uses gets "no exact match", announced, and its loose matches are not called results`, async ({ page }) => {
	await page.goto(siteUrl('/'));
	await searchFor(page, 'gethostbyname');
	// A status element: screen readers announce what it says.
	const status = page.getByRole('dialog').getByRole('status');
	await expect(status).toHaveText(/^No page uses “gethostbyname”\. Pages listed below, if any, are loose matches: /);
	// Pagefind's own count ("17 results for gethostbyname") would call them results.
	const pagefindCount = page.locator('#starlight__search .pagefind-ui__message');
	await expect(pagefindCount).toBeHidden();
	// A word that pages use: no such message, and Pagefind's count is back.
	await page.getByRole('dialog').getByRole('textbox', { name: 'Search' }).fill('accept');
	await expect(pagefindCount).toHaveText(/^\d+ results for accept$/);
	await expect(pagefindCount).toBeVisible();
	await expect(page.locator('[data-search-status]')).toHaveText('');
});

test(`"sub-path", "subfolder", "nginx" and "Apache" find the hosting section for instructors`, async ({ page }) => {
	await page.goto(siteUrl('/'));
	await searchFor(page, '');
	const input = page.getByRole('dialog').getByRole('textbox', { name: 'Search' });
	const results = page.locator('#starlight__search .pagefind-ui__result');
	const hosting = path('/instructors/#hosting-the-site-on-your-own-server');
	for (const term of ['sub-path', 'subfolder', 'nginx', 'Apache']) {
		await input.fill('');
		await expect(results).toHaveCount(0); // so what follows is this term's results
		await input.fill(term);
		await expect(results.first().locator('.pagefind-ui__result-link').first(), term).toHaveAttribute('href', path('/instructors/'));
		await expect(results.first().locator(`.pagefind-ui__result-link[href="${hosting}"]`), term).toHaveCount(1);
	}
});

test('no search code is fetched until search is opened; Ctrl+K opens it from the keyboard', async ({ page }) => {
	const scripts: string[] = [];
	page.on('request', (request) => {
		if (request.resourceType() === 'script' || /pagefind/.test(request.url())) scripts.push(request.url());
	});
	await page.goto(siteUrl('/course/sockets/'), { waitUntil: 'networkidle' });
	// Starlight's own search would start loading in an idle callback: let the browser's idle time come.
	await page.evaluate(() => new Promise((resolve) => requestIdleCallback(() => requestIdleCallback(resolve))));
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
