import type { AstroIntegration } from 'astro';
import { pruneHighlightCache } from '../examples/highlight-cache.ts';

/** After each build, forgets highlighted files that build did not use (edited or removed code). */
export function highlightCache(): AstroIntegration {
	let started = new Date();
	return {
		name: 'netcourse:highlight-cache',
		hooks: {
			'astro:build:start': () => {
				started = new Date();
			},
			'astro:build:done': ({ logger }) => {
				const removed = pruneHighlightCache(started);
				if (removed > 0) logger.info(`forgot ${removed} highlighted file(s) no page uses any more`);
			},
		},
	};
}
