import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { check, LinkState } from 'linkinator';
import { builds, builtPages, siteUrl, type BuildName } from '../support/builds.ts';
import { exampleNames } from '../support/examples.ts';

for (const build of ['root', 'subpath'] as BuildName[]) {
	test(`every internal link, anchor and asset of the ${build} build resolves`, async () => {
		test.setTimeout(120_000);
		const home = siteUrl('/', build);
		const origin = new URL(home).origin;
		const result = await check({
			path: home,
			recurse: true,
			checkFragments: true,
			checkCss: true,
			concurrency: 8,
			timeout: 10_000,
			linksToSkip: async (link) => !link.startsWith(origin),
		});
		const broken = result.links
			.filter((link) => link.state === LinkState.BROKEN)
			.map((link) => `${link.url} (HTTP ${link.status}) linked from ${link.parent}`);
		expect(broken).toEqual([]);
		const checkedPages = new Set(
			result.links.filter((l) => l.state === LinkState.OK && l.url.endsWith('/')).map((l) => new URL(l.url).pathname)
		);
		// The crawl really walked the site: every built page was reached from the home page.
		for (const page of builtPages(build)) expect(checkedPages).toContain(new URL(siteUrl(page, build)).pathname);
		// Every example's anchor is one link away from the home page (its "All examples" list), and
		// that link works: its page answers OK and has the anchor. (Each example heading also links
		// to itself, so the crawl above alone would not show this.)
		const fromHome = new Set<string>();
		const homeLinks = await check({
			path: home,
			checkFragments: true,
			timeout: 10_000,
			linksToSkip: async (link) => !link.startsWith(origin),
			fragmentsToSkip: async (_fragment, url) => {
				fromHome.add(url);
				return false;
			},
		});
		expect(homeLinks.links.filter((link) => link.state === LinkState.BROKEN)).toEqual([]);
		const okUrls = new Set(homeLinks.links.filter((link) => link.state === LinkState.OK).map((link) => link.url));
		const anchors = [...fromHome].filter((url) => okUrls.has(url.replace(/#.*$/, ''))).map((url) => new URL(url).hash);
		expect(exampleNames.length, 'examples/ holds examples').toBeGreaterThan(0);
		for (const name of exampleNames) expect(anchors, `a working link to #example-${name} on the home page`).toContain(`#example-${name}`);
	});
}

test('every external link in the built pages is a well-formed https URL', () => {
	const bad: string[] = [];
	for (const page of builtPages('root')) {
		const html = readFileSync(join(builds.root.dir, page, 'index.html'), 'utf8');
		for (const [, href] of html.matchAll(/href="(https?:[^"]*)"/g)) {
			if (!isWellFormed(href!)) bad.push(`${href} on ${page}`);
		}
	}
	expect(bad).toEqual([]);
});

function isWellFormed(href: string): boolean {
	if (/\s|%20/.test(href) || !URL.canParse(href)) return false;
	const url = new URL(href);
	// The original course page is only served over plain http.
	return url.protocol === 'https:' || url.host === 'www-static.etp.physik.uni-muenchen.de';
}
