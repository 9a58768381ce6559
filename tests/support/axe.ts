import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { layOutWholePage } from './lay-out.ts';

/**
 * Runs axe on the page (or on `include`) and returns one line per violation, naming the rule
 * and the elements. Legacy mode runs axe in the page itself instead of a helper page, and only
 * violations are collected in detail: together about 6x faster on pages with long code
 * listings, with the same rules and the same findings (the site has no iframes of its own).
 */
export async function axeViolations(page: Page, include?: string): Promise<string[]> {
	// axe finds the colour behind a text by what stands at its place on screen; a block not laid
	// out yet (content-visibility, course.css) has only a placeholder height, so what stands
	// there is not what a reader scrolling to it sees. Lay the page out as that reader has it.
	await layOutWholePage(page);
	const builder = new AxeBuilder({ page }).setLegacyMode(true).options({ resultTypes: ['violations'] });
	if (include) builder.include(include);
	const results = await builder.analyze();
	return results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

/**
 * Removes from the page every line of code whose markup another line before it already has: the
 * same kind of block, the same elements with the same classes and attributes (so the same token
 * colours on the same background). axe would check each again and find the same; on the example
 * pages they are half of all elements and half of axe's time. The page is not the page as served
 * afterwards: only for a check after which it is loaded again. Returns how many lines went.
 */
export async function removeRepeatedCodeLines(page: Page): Promise<number> {
	return page.evaluate(() => {
		const IGNORED = new Set(['id', 'href', 'style']);
		const shape = (el: Element) =>
			`${el.tagName}.${el.getAttribute('class') ?? ''}[${el
				.getAttributeNames()
				.filter((name) => !IGNORED.has(name))
				.sort()
				.join(',')}]`;
		const seen = new Set<string>();
		let removed = 0;
		for (const line of document.querySelectorAll('.ec-line')) {
			const parts = new Set([shape(line), ...[...line.querySelectorAll('*')].map(shape)]);
			const key = `${line.closest('figure')?.className}|${[...parts].sort().join(' ')}`;
			if (seen.has(key)) {
				line.remove();
				removed++;
			} else {
				seen.add(key);
			}
		}
		return removed;
	});
}
