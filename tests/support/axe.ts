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
