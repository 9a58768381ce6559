// @ts-check
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'astro/config';
import starlight from '@astrojs/starlight';
import { baseLinks } from './src/lib/markdown/base-links.ts';
import { exampleRoutes } from './src/lib/sandbox/routes.ts';
import { finishBuiltSite } from './src/lib/build/finish-built-site.ts';
import { lightTableOfContents } from './src/lib/toc/light-toc-integration.ts';
import { highlightCache } from './src/lib/build/highlight-cache-integration.ts';
import { linkTable } from './src/lib/links/link-table-integration.ts';
import { LANGUAGE_HEAD_SCRIPT } from './src/lib/twins/language-choice.ts';
import { SITE_TITLE, siteSettings } from './src/site-settings.ts';
import { exampleSidebarLinks } from './src/lib/examples/sidebar.ts';

const { base, outDir, site, editBaseUrl } = siteSettings(process.env);

export default defineConfig({
	// Course pages live in top-level content/docs/. Starlight's docsLoader() reads
	// <srcDir>/content/docs, so the project root is the source dir; code stays in src/.
	srcDir: './',
	outDir,
	base,
	...(site ? { site } : {}),
	trailingSlash: 'always',
	integrations: [
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
				{ label: 'Examples', collapsed: true, items: exampleSidebarLinks(fileURLToPath(new URL('.', import.meta.url))) },
				{ label: 'For instructors', slug: 'instructors' },
			],
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
		linkTable(),
		// Last, as it finishes the written site: the policy hashes the final HTML (after Starlight
		// wrote it and Pagefind indexed it), then every file is compressed as it will be served.
		finishBuiltSite(),
	],
});
