import { expect, test, type Page } from '@playwright/test';
import { allPages, labSheetPages } from '../support/course.ts';
import { builtPages, siteUrl, type BuildName } from '../support/builds.ts';
import { watchPage, type PageProblems } from '../support/page-watch.ts';
import { axeViolations, removeRepeatedMarkup } from '../support/axe.ts';
import { policyOf, watchViolations } from '../support/csp.ts';
import { pagesByKind, pagesCoveringEveryComponent, pagesOfEveryKind } from '../support/page-kinds.ts';

test('the build contains exactly the home page, the course pages, the examples index and pages, their lab sheets, and the instructors page', () => {
	expect(builtPages('root')).toEqual([...allPages, ...labSheetPages].sort());
});

test('the sub-path build has the same pages as the root build', () => {
	expect(builtPages('subpath')).toEqual(builtPages('root'));
});

/** A page no build has: the server answers with the course's 404 page. */
const MISSING = '/no-such-page/';

// Every page of the root build, and one page of each kind of the sub-path build, where what
// differs is only the prefix (links.spec checks every address of both builds without a browser).
// One test per kind of page, its pages in turn: a test's own browser context costs about as much
// as a page load.
const LOADED = {
	root: [...builtPages('root'), MISSING],
	subpath: [...pagesOfEveryKind, MISSING],
} satisfies Record<BuildName, string[]>;

for (const [build, paths] of Object.entries(LOADED) as [BuildName, string[]][]) {
	const origin = () => new URL(siteUrl('/', build)).origin;
	for (const [kind, ofKind] of pagesByKind(paths.filter((path) => path !== MISSING))) {
		test(`${build} build, every ${kind} page: loads with no console error, no failed request, nothing off-site, and breaks none of its own policy`, async ({ page }) => {
			const problems = watchPage(page, origin());
			const violations = await watchViolations(page);
			for (const path of ofKind) await loadsCleanly(page, build, path, problems, violations);
		});
	}
	test(`${build} build, a missing page: the course's 404 page, with no other failure`, async ({ page }) => {
		const problems = watchPage(page, origin());
		await loadsCleanly(page, build, MISSING, problems, await watchViolations(page));
	});
}

async function loadsCleanly(page: Page, build: BuildName, path: string, problems: PageProblems, violations: () => Promise<string[]>): Promise<void> {
	for (const list of Object.values(problems)) list.length = 0;
	const response = await page.goto(siteUrl(path, build), { waitUntil: 'networkidle' });
	expect(response?.status(), path).toBe(path === MISSING ? 404 : 200);
	await expect(page.locator('h1'), path).toHaveCount(1);
	if (path === MISSING) await expect(page.locator('h1')).toContainText(/not found/i);
	await policyOf(page);
	if (build === 'subpath') {
		// Every internal URL carries the prefix (and, with the watch above, every asset loads).
		const unprefixed = await page.evaluate(() =>
			[...document.querySelectorAll('[href], [src], [srcset], [action]')]
				.flatMap((el) => ['href', 'src', 'action'].map((name) => el.getAttribute(name)))
				.filter((value): value is string => !!value && value.startsWith('/') && !value.startsWith('/netcourse/'))
		);
		expect(unprefixed, path).toEqual([]);
	}
	// The missing page's own 404 (which Chromium also logs) is the one failure it may have.
	const missing = path === MISSING;
	expect(problems, path).toEqual({
		consoleErrors: missing ? ['Failed to load resource: the server responded with a status of 404 (Not Found)'] : [],
		failedRequests: missing ? [`${siteUrl(path, build)} (HTTP 404)`] : [],
		offSiteRequests: [],
	});
	expect(await violations(), path).toEqual([]);
}

// axe in every view on the fewest pages that hold every component, class and code colour of the
// site (see page-kinds.ts): the first of them whole, each next one only in what it adds to those
// before it (a code colour, a figure, a table); pages made only of what those hold add no new
// markup to check, nor do lines, rows and diagram events shaped like one already checked. The
// dark theme is chosen as a reader does, with the theme menu, on the page as loaded.
for (const { path, adds } of pagesCoveringEveryComponent('root')) {
	test(`${path} has no axe violations ${adds ? 'in what no page before it has, ' : ''}in the light and the dark theme at 1280 px, nor at 390 px`, async ({ page }) => {
		await page.addInitScript(() => localStorage.setItem('starlight-theme', 'light'));
		for (const width of [1280, 390]) {
			await page.setViewportSize({ width, height: 800 });
			await page.goto(siteUrl(path));
			await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');
			await removeRepeatedMarkup(page);
			expect(await axeViolations(page, adds), `light theme, ${width} px`).toEqual([]);
			if (width < 1280) continue;
			await page.locator('starlight-theme-select select').first().selectOption('dark');
			await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
			expect(await axeViolations(page, adds), `dark theme, ${width} px`).toEqual([]);
		}
	});
}

test('the course 404 page has no axe violations', async ({ page }) => {
	await page.goto(siteUrl(MISSING));
	expect(await axeViolations(page)).toEqual([]);
});

test.describe('with JavaScript turned off', () => {
	test.use({ javaScriptEnabled: false });
	for (const [kind, paths] of pagesByKind(builtPages('root'))) {
		test(`every ${kind} page still shows its whole text, sidebar and tables`, async ({ page }) => {
			for (const path of paths) {
				await page.goto(siteUrl(path));
				await expect(page.locator('h1'), path).toBeVisible();
				await expect(page.locator('#starlight__sidebar a[href="/course/socket-functions/"]'), path).toBeVisible();
				// Nothing in the article is hidden waiting for a script to reveal it.
				const hidden = await page.locator('main .sl-markdown-content').evaluate((content) =>
					[...content.querySelectorAll('p, li, table, h2, h3, pre, figure')]
						.filter((el) => el.textContent?.trim() && !(el as HTMLElement).closest('[hidden], details:not([open])'))
						.filter((el) => (el as HTMLElement).offsetParent === null && getComputedStyle(el).position !== 'fixed')
						.map((el) => el.textContent?.trim().slice(0, 60))
				);
				expect.soft(hidden, path).toEqual([]);
			}
		});
	}
});
