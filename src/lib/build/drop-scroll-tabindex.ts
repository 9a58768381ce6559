import { readFile, writeFile } from 'node:fs/promises';
import type { AstroIntegration } from 'astro';
import { builtFiles } from './built-files.ts';

/** Expressive Code's "Scrollable block tabindex" module, as it stands in its bundled ec.*.js. */
const TABINDEX_MODULE = /try\{\(\(\)=>\{function a\(e\)\{if\(!e\)return;let t=e\.getAttribute\("tabindex"\)[\s\S]*?\[EC\] tabindex-js-module failed:",e\)\}\n?/;

/**
 * Removes Expressive Code's script that gives horizontally scrollable code blocks a tabindex.
 * Here code wraps (`wrap: true`), so no block ever scrolls sideways and the script has nothing
 * to do; but to find that out it measures every code block once the page is idle, which forces
 * the layout of all the code that `content-visibility` had skipped: the longest task on a
 * course page. axe's scrollable-region-focusable check in the browser tests guards the premise.
 * Fails the build if the module is not found, rather than silently keeping the cost.
 */
export function dropScrollTabindex(): AstroIntegration {
	return {
		name: 'netcourse:drop-scroll-tabindex',
		hooks: {
			'astro:build:done': async ({ dir, logger }) => {
				const scripts = await builtFiles(dir, /^ec\.[\w-]+\.js$/);
				if (scripts.length === 0) return;
				for (const file of scripts) {
					const code = await readFile(file, 'utf8');
					if (!TABINDEX_MODULE.test(code)) {
						throw new Error(`${file}: Expressive Code's tabindex module was not found to remove: see src/lib/build/drop-scroll-tabindex.ts`);
					}
					await writeFile(file, code.replace(TABINDEX_MODULE, ''));
				}
				logger.info(`removed Expressive Code's scroll tabindex script (code wraps, nothing scrolls sideways)`);
			},
		},
	};
}
