/**
 * The sequence diagrams (src/components/example/SequenceDiagram.astro) are readable at a
 * phone's width and a desktop's, on an example's page and on a course page: every text of the
 * picture is at least 11 CSS px as rendered (its computed font size times the scale its SVG is
 * drawn at), the page never scrolls sideways, a picture wider than the column scrolls in its
 * own box that the keyboard reaches and that has a name, and axe finds nothing in a diagram,
 * its key or its table, in the light and the dark theme.
 */
import { expect, test, type Page } from '@playwright/test';
import { siteUrl } from '../support/builds.ts';
import { axeViolations } from '../support/axe.ts';

const PAGES = ['/examples/tcp-echo/', '/course/socket-functions/'];
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 900 };
const MIN_TEXT_PX = 11;

// An example's page is long (every file's code); laying out and checking it takes a while on a busy machine.
test.describe.configure({ timeout: 90_000 });

/** Opens the page and lays out every diagram shown (each is skipped until it nears the screen: content-visibility; the other language's twin is in a hidden tab). */
async function openDiagrams(page: Page, path: string): Promise<void> {
	await page.goto(siteUrl(path));
	const pictures = page.locator('figure.sequence-diagram .sequence-picture:visible');
	expect(await pictures.count()).toBeGreaterThan(0);
	for (const picture of await pictures.all()) await picture.scrollIntoViewIfNeeded();
}

/** Each text of every diagram shown as rendered: its words and its font size in CSS px on the screen. */
function renderedTextSizes(page: Page): Promise<{ text: string; px: number }[]> {
	return page.evaluate(() =>
		[...document.querySelectorAll<SVGTextContentElement>('figure.sequence-diagram svg.sequence :is(text, tspan)')]
			.filter((el) => el.checkVisibility())
			.map((el) => {
				const ctm = el.getScreenCTM()!;
				return { text: el.textContent ?? '', px: parseFloat(getComputedStyle(el).fontSize) * Math.hypot(ctm.a, ctm.b) };
			})
	);
}

for (const path of PAGES) {
	for (const viewport of [PHONE, DESKTOP]) {
		test(`${path} at ${viewport.width} px: diagram text is at least ${MIN_TEXT_PX} px and the page does not scroll sideways`, async ({ page }) => {
			await page.setViewportSize(viewport);
			await openDiagrams(page, path);
			const sizes = await renderedTextSizes(page);
			expect(sizes.length).toBeGreaterThan(20);
			expect(sizes.filter((s) => !(s.px >= MIN_TEXT_PX - 0.01))).toEqual([]);
			expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(viewport.width);
		});
	}
}

test('at 390 px a diagram wider than the column scrolls sideways in its own named box, by keyboard, with a shadow at the edge', async ({ page }) => {
	await page.setViewportSize(PHONE);
	await openDiagrams(page, '/examples/tcp-echo/');
	const picture = page.locator('figure.sequence-diagram .sequence-picture:visible').first();
	// Off screen, its content is skipped (content-visibility) and has no width to scroll.
	await picture.scrollIntoViewIfNeeded();
	const box = await picture.evaluate((el) => ({ scroll: el.scrollWidth, client: el.clientWidth, overflowX: getComputedStyle(el).overflowX, shadow: getComputedStyle(el).backgroundImage }));
	expect(box.scroll).toBeGreaterThan(box.client);
	expect(box.overflowX).toBe('auto');
	expect(box.shadow).toContain('radial-gradient');
	await expect(picture).toHaveAttribute('tabindex', '0');
	await expect(picture).toHaveRole('region');
	await expect(picture).toHaveAccessibleName(/what crossed the wire.*scrolls sideways/i);
	await picture.focus();
	await page.keyboard.press('ArrowRight');
	await expect.poll(() => picture.evaluate((el) => el.scrollLeft)).toBeGreaterThan(0);
});

test('each diagram has a key in words: only what it shows, the reset explained on the failures page', async ({ page }) => {
	await page.setViewportSize(DESKTOP);
	await openDiagrams(page, '/examples/tcp-echo/');
	const key = page.locator('figure.sequence-diagram .sequence-legend:visible').first();
	await expect(key).toBeVisible();
	await expect(key.getByRole('list', { name: 'Key to the diagram' })).toBeVisible();
	await expect(key).toContainText('Thick grey arrow: connect.');
	await expect(key).toContainText('⏎ in the first bytes');
	await expect(key).not.toContainText('lightning bolt');
	await openDiagrams(page, '/examples/failures/');
	await expect(page.locator('figure.sequence-diagram .sequence-legend:visible').first()).toContainText('Red dashed arrow with a lightning bolt');
});

for (const colorScheme of ['light', 'dark'] as const) {
	test(`axe finds nothing in a diagram, its key and its table (${colorScheme} theme)`, async ({ page }) => {
		await page.emulateMedia({ colorScheme });
		await page.setViewportSize(PHONE);
		await openDiagrams(page, '/examples/tcp-echo/');
		await page.locator('figure.sequence-diagram:visible details').first().locator('summary').click();
		expect(await axeViolations(page, 'figure.sequence-diagram')).toEqual([]);
	});
}
