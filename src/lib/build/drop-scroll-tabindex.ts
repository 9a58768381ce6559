import type { RehypeExpressiveCodeRenderer } from '@astrojs/starlight/expressive-code';

/** A line of Expressive Code's "Scrollable block tabindex" module (`@expressive-code/core`). */
const TABINDEX_MODULE_MARK = '[EC] tabindex-js-module failed:';

/**
 * The renderer without Expressive Code's script that gives horizontally scrollable code blocks
 * a tabindex. Here code wraps (`wrap: true`), so no block ever scrolls sideways and the script
 * has nothing to do; but to find that out it measures every code block once the page is idle,
 * which forces the layout of all the code that `content-visibility` had skipped: the longest
 * task on a course page. axe's scrollable-region-focusable check in the browser tests guards
 * the premise. Fails the build if the module is not found, rather than silently keeping the cost.
 */
export function withoutScrollTabindex(renderer: RehypeExpressiveCodeRenderer): RehypeExpressiveCodeRenderer {
	const jsModules = renderer.jsModules.filter((code) => !code.includes(TABINDEX_MODULE_MARK));
	if (jsModules.length === renderer.jsModules.length) {
		throw new Error(`Expressive Code's tabindex module was not found to remove: see src/lib/build/drop-scroll-tabindex.ts`);
	}
	return { ...renderer, jsModules };
}
