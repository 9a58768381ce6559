// @ts-check
import { defineConfig } from 'astro/config';
import starlight from '@astrojs/starlight';
import { baseLinks } from './src/lib/markdown/base-links-integration.ts';
import { exampleRoutes } from './src/lib/examples/routes-integration.ts';
import { finishBuiltSite } from './src/lib/build/finish-built-site-integration.ts';
import { lightTableOfContents } from './src/lib/toc/light-toc-integration.ts';
import { highlightCache } from './src/lib/build/highlight-cache-integration.ts';
import { LANGUAGE_HEAD_SCRIPT } from './src/lib/twins/language-choice.ts';
import { SITE_TITLE, siteSettings } from './src/site-settings.ts';
import { examplesSidebarGroup } from './src/lib/examples/sidebar.ts';

const { base, outDir, cacheDir, site, editBaseUrl } = siteSettings(process.env);

export default defineConfig({
	// Course pages live in top-level content/docs/. Starlight's docsLoader() reads
	// <srcDir>/content/docs, so the project root is the source dir; code stays in src/.
	srcDir: './',
	outDir,
	...(cacheDir ? { cacheDir } : {}),
	base,
	...(site ? { site } : {}),
	trailingSlash: 'always',
	integrations: [
		// Starlight adds @astrojs/sitemap unless an integration of that name is present. Without
		// the site's address (SITE) there is no sitemap to write, and it would only warn so.
		...(site ? [] : [{ name: '@astrojs/sitemap', hooks: {} }]),
		starlight({
			title: SITE_TITLE,
			description:
				'An interactive introduction to network programming: client/server, the protocol stack, sockets, and Python’s network APIs, with runnable examples.',
			favicon: '/favicon.svg',
			head: [{ tag: 'script', content: LANGUAGE_HEAD_SCRIPT }],
			lastUpdated: true,
			editLink: { baseUrl: editBaseUrl },
			sidebar: [
				{ label: 'Start here', slug: 'index' },
				{ label: 'Course', items: [{ autogenerate: { directory: 'course' } }] },
				examplesSidebarGroup,
				{ label: 'For instructors', slug: 'instructors' },
			],
			// The examples' sidebar links and the previous/next links around them come from the
			// content (src/lib/examples/sidebar.ts); the 404 page is built once (see its file).
			routeMiddleware: ['./src/lib/examples/sidebar-middleware.ts', './src/lib/routes/not-found-middleware.ts'],
			components: {
				Search: './src/components/Search.astro',
			},
			// Expressive Code's options and plugins: ec.config.mjs.
			customCss: ['./src/styles/course.css', './src/styles/print.css'],
		}),
		baseLinks(),
		exampleRoutes(),
		lightTableOfContents(),
		highlightCache(),
		// Last, as it finishes the written site: the policy hashes the final HTML (after Starlight
		// wrote it and Pagefind indexed it), then every file is compressed as it will be served.
		finishBuiltSite(),
	],
});
