import type { AstroIntegration } from 'astro';
import { isSatteriProcessor } from '@astrojs/markdown-satteri';
import type { HastPluginDefinition } from 'satteri';

/**
 * Astro prefixes its own asset URLs and Starlight its sidebar with `base`, but a link
 * written in Markdown (`[sockets](/course/sockets/)`) is left as written and breaks when
 * the site is served under a sub-path. This integration adds a hast plugin that rewrites
 * every root-relative `href` in Markdown and MDX pages, so authors always write site-root
 * links. It reads the final `base`, however it was set (config, `BASE=`, or `--base`).
 */
export function baseLinks(): AstroIntegration {
	return {
		name: 'netcourse:base-links',
		hooks: {
			'astro:config:setup': ({ config }) => {
				const processor = config.markdown.processor;
				if (!isSatteriProcessor(processor)) {
					throw new Error(
						`baseLinks() supports the Sätteri Markdown processor only, but the configured processor is "${processor.name}".`
					);
				}
				const options = processor.options as { hastPlugins: unknown[] };
				options.hastPlugins.push(baseLinksPlugin(config.base));
			},
		},
	};
}

export function baseLinksPlugin(base: string): HastPluginDefinition {
	const prefix = base.replace(/\/+$/, '');
	return {
		name: 'netcourse:base-links',
		element: {
			filter: ['a'],
			visit(node, ctx) {
				const href = node.properties?.['href'];
				const rewritten = typeof href === 'string' ? withBase(href, prefix) : undefined;
				if (rewritten !== undefined) ctx.setProperty(node, 'href', rewritten);
			},
		},
	};
}

/** Returns `href` under `prefix` (a base path without trailing slash), or `undefined` when `href` is not a site-root link. */
export function withBase(href: string, prefix: string): string | undefined {
	if (prefix === '' || !href.startsWith('/') || href.startsWith('//')) return undefined;
	return prefix + href;
}
