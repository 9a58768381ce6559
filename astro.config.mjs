// @ts-check
import { defineConfig } from 'astro/config';
import starlight from '@astrojs/starlight';
import { baseLinks } from './src/lib/markdown/base-links.ts';
import { exampleRoutes } from './src/lib/sandbox/routes.ts';
import { precompress } from './src/lib/build/precompress.ts';
import { tokenClasses } from './src/lib/build/token-classes.ts';
import { dropScrollTabindex } from './src/lib/build/drop-scroll-tabindex.ts';
import { contentSecurityPolicy } from './src/lib/security/csp-integration.ts';
import { lightTableOfContents } from './src/lib/toc/light-toc-integration.ts';
import { LANGUAGE_HEAD_SCRIPT } from './src/lib/twins/language-choice.ts';
import { siteSettings } from './src/site-settings.ts';

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
			title: 'Network Programming',
			description:
				'An interactive introduction to network programming: client/server, the protocol stack, sockets, and Python’s network APIs, with runnable examples.',
			favicon: '/favicon.svg',
			head: [{ tag: 'script', content: LANGUAGE_HEAD_SCRIPT }],
			lastUpdated: true,
			editLink: { baseUrl: editBaseUrl },
			sidebar: [
				{ label: 'Start here', slug: 'index' },
				{ label: 'Course', items: [{ autogenerate: { directory: 'course' } }] },
			],
			components: {
				Search: './src/components/Search.astro',
			},
			// Wrapped code never scrolls sideways on a phone, so there is nothing to reach by keyboard
			// and no unlabelled scroll region per code block (axe: landmark-unique).
			expressiveCode: {
				defaultProps: { wrap: true },
				// Shiki's JavaScript RegExp engine gives the same highlighting for our languages
				// as its WebAssembly one (tested: identical pages) at a third less build time.
				shiki: { engine: 'javascript' },
			},
			customCss: ['./src/styles/course.css'],
		}),
		baseLinks(),
		exampleRoutes(),
		lightTableOfContents(),
		// These last, in this order, as they rewrite the built files: code colours move to
		// classes, the policy hashes the final HTML (after Starlight wrote it and Pagefind indexed
		// it), then every file is compressed as it will be served.
		tokenClasses(),
		dropScrollTabindex(),
		contentSecurityPolicy(),
		precompress(),
	],
});
