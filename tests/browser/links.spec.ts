import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { check, LinkState } from 'linkinator';
import { builds, builtPages, siteUrl, type BuildName } from '../support/builds.ts';

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
