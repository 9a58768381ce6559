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
 * Items that pages repeat by the dozen with the same markup: lines of code, rows of tables,
 * events of a sequence diagram.
 */
const REPEATED_ITEMS = '.ec-line, tbody > tr, svg g.event';

/**
 * Removes from the page every repeated item (REPEATED_ITEMS) whose markup one before it already
 * has: in the same kind of block, the same elements with the same classes and attributes (so the
 * same colours on the same background and the same roles), unless another element refers to
 * what it holds. axe would check each again and find the same; on the long pages they are most
 * of the elements and most of axe's time. The page is not the page as served afterwards: only
 * for a check after which it is loaded again. Returns how many items went.
 */
export async function removeRepeatedMarkup(page: Page): Promise<number> {
	return page.evaluate((selector) => {
		// What varies between items of one shape: their text, place, size and target.
		const VARYING = /^(id|href|style|x|y|x1|y1|x2|y2|width|height|d|points|data-.*)$/;
		const shape = (el: Element) =>
			`${el.tagName}.${el.getAttribute('class') ?? ''}[${el
				.getAttributeNames()
				.filter((name) => !VARYING.test(name))
				.sort()
				.join(',')}]`;
		// An item holding what another element points to (a table's headers, a label) stays.
		const referenced = new Set(
			[...document.querySelectorAll('[headers], [for], [aria-labelledby], [aria-describedby], [aria-controls], [aria-owns]')].flatMap((el) =>
				['headers', 'for', 'aria-labelledby', 'aria-describedby', 'aria-controls', 'aria-owns'].flatMap((name) => el.getAttribute(name)?.split(/\s+/) ?? [])
			)
		);
		const isReferenced = (item: Element) => [item, ...item.querySelectorAll('[id]')].some((el) => el.id && referenced.has(el.id));
		const seen = new Set<string>();
		let removed = 0;
		for (const item of document.querySelectorAll(selector)) {
			if (isReferenced(item)) continue;
			const block = item.closest('figure, table, svg');
			const parts = new Set([shape(item), ...[...item.querySelectorAll('*')].map(shape)]);
			const key = `${block?.tagName}.${block?.getAttribute('class')}|${[...parts].sort().join(' ')}`;
			if (seen.has(key)) {
				item.remove();
				removed++;
			} else {
				seen.add(key);
			}
		}
		return removed;
	}, REPEATED_ITEMS);
}
