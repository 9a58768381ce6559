import { expect, test } from '@playwright/test';
import { builtPages, siteUrl } from '../support/builds.ts';

/**
 * Every page reads on a 390 px phone: nothing makes the page scroll sideways, no code block
 * runs on past its own box, a table too wide for the screen shows that it scrolls, and a
 * wrapped line of code is marked as the continuation of the line above.
 */
test.use({ viewport: { width: 390, height: 800 } });

for (const path of builtPages('root')) {
	test(`${path} at 390 px: no sideways page scroll, no code cut off, every wide table shows it scrolls`, async ({ page }) => {
		await page.goto(siteUrl(path));
		const layout = await page.evaluate(() => {
			// Laid out now, as a reader scrolling down would have it.
			for (const block of document.querySelectorAll<HTMLElement>('.sl-markdown-content > *, .expressive-code, .ec-line')) block.style.contentVisibility = 'visible';
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
		expect(layout).toEqual({ pageWidth: 390, codeCutOff: [], tablesWithoutCue: [] });
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
