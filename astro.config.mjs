// @ts-check
import { defineConfig } from 'astro/config';
import starlight from '@astrojs/starlight';
import { baseLinks } from './src/lib/markdown/base-links.ts';
import { exampleRoutes } from './src/lib/sandbox/routes.ts';
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
			expressiveCode: { defaultProps: { wrap: true } },
			customCss: ['./src/styles/course.css'],
		}),
		baseLinks(),
		exampleRoutes(),
	],
});
