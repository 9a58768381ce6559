import { expect, test, type Page } from '@playwright/test';
import { builtPages, siteUrl } from '../support/builds.ts';
import { pagesByKind } from '../support/page-kinds.ts';
import { layOutWholePage } from '../support/lay-out.ts';

/**
 * Every page reads on a 390 px phone: nothing makes the page scroll sideways, no code block
 * runs on past its own box, a table too wide for the screen shows that it scrolls, and a
 * wrapped line of code is marked as the continuation of the line above.
 */
test.use({ viewport: { width: 390, height: 800 } });

// One test per kind of page, each page of the kind in turn: a test's own browser context costs
// about as much as a page load, and these checks only read the page.
for (const [kind, paths] of pagesByKind(builtPages('root'))) {
	test(`every ${kind} page at 390 px: no sideways page scroll, no code cut off, every wide table shows it scrolls`, async ({ page }) => {
		for (const path of paths) {
			await page.goto(siteUrl(path));
			expect.soft(await phoneLayout(page), path).toEqual({ pageWidth: 390, codeCutOff: [], tablesWithoutCue: [] });
		}
	});
}

/** What a 390 px screen shows of the page's widths: the page's, code blocks cut off, wide tables with no scroll cue. */
async function phoneLayout(page: Page) {
	await layOutWholePage(page);
	return page.evaluate(() => {
		const cue = (table: HTMLElement) => {
			const style = getComputedStyle(table);
			return style.backgroundAttachment.includes('local') && style.backgroundAttachment.includes('scroll') && style.backgroundImage.includes('radial-gradient');
		};
		return {
			pageWidth: document.documentElement.scrollWidth,
			codeCutOff: [...document.querySelectorAll<HTMLElement>('pre.wrap')]
				.filter((pre) => pre.scrollWidth > pre.clientWidth + 1)
				.map((pre) => `${pre.closest('[id]')?.id}: ${pre.scrollWidth} px of code in ${pre.clientWidth} px`),
			tablesWithoutCue: [...document.querySelectorAll<HTMLElement>('.sl-markdown-content table')]
				.filter((table) => table.scrollWidth > table.clientWidth + 1 && !cue(table))
				.map((table) => table.closest('[id]')?.id ?? table.textContent!.slice(0, 40)),
		};
	});
}

test('a wrapped line of code is marked where it goes on, and the first line keeps clear of the copy button', async ({ page }) => {
	await page.goto(siteUrl('/examples/tcp-echo/#example-tcp-echo-python-server-py-L21'));
	const line = page.locator('#example-tcp-echo-python-server-py-L21 .code');
	const lineHeight = await line.evaluate((code) => parseFloat(getComputedStyle(code).lineHeight));
	const box = (await line.boundingBox())!;
	expect(box.height, 'the line wraps at 390 px').toBeGreaterThan(lineHeight * 1.5);
	const marker = await line.evaluate((code) => {
		const after = getComputedStyle(code, '::after');
		return { content: after.content, height: parseFloat(after.height), mask: after.maskImage };
	});
	expect(marker.content).toBe('""');
	expect(marker.mask).toContain('data:image/svg+xml');
	// From the second visual line to the last: one marker a continued part.
	expect(Math.abs(marker.height - (box.height - lineHeight))).toBeLessThanOrEqual(1);

	const block = page.locator('figure', { has: line });
	const copy = block.locator('.copy button');
	const firstLine = block.locator('.ec-line').first().locator('.code');
	const textRight = await firstLine.evaluate((code) => {
		const range = document.createRange();
		range.selectNodeContents(code);
		return Math.max(...[...range.getClientRects()].map((rect) => rect.right));
	});
	expect(textRight).toBeLessThanOrEqual((await copy.boundingBox())!.x);
});
