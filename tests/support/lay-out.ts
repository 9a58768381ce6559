import type { Page } from '@playwright/test';

/**
 * Lays out every block the site leaves to be laid out when it scrolls near (`content-visibility:
 * auto` in course.css and Example.astro): until then such a block has only its estimated height
 * and what it holds has no size or place. Checks of what a reader sees use the page as it stands
 * once the reader has scrolled through it.
 */
export async function layOutWholePage(page: Page): Promise<void> {
	await page.evaluate(() => {
		for (const block of document.querySelectorAll<HTMLElement>('.sl-markdown-content > *, .expressive-code, .ec-line, .sequence-picture')) {
			block.style.contentVisibility = 'visible';
		}
	});
}
