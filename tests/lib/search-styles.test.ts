/**
 * src/components/Search.astro replaces Starlight's search and uses a copy of its styles
 * (src/components/search-starlight.css). The copy must be what Starlight's installed
 * Search.astro gives: when a Starlight update changes those styles, this fails, naming the
 * version the copy came from, until the copy is made again (and the change reviewed).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import postcss from 'postcss';
import { copiedFromVersion, SEARCH_CSS, searchCss, STARLIGHT_SEARCH, starlightVersion } from '../../src/lib/search/starlight-search-css.ts';

const copy = readFileSync(SEARCH_CSS, 'utf8');
const starlight = readFileSync(STARLIGHT_SEARCH, 'utf8');

test("the copy of Starlight's search styles is the installed Starlight's", () => {
	const from = copiedFromVersion(copy);
	assert.ok(from, `${SEARCH_CSS.pathname} does not say which Starlight version it came from`);
	assert.equal(
		copy,
		searchCss(starlight, from),
		`Starlight ${starlightVersion()}'s Search.astro styles differ from the copy made from Starlight ${from}. ` +
			'Review the change in node_modules/@astrojs/starlight/dist/components/Search.astro against src/components/Search.astro, ' +
			'then run: node --experimental-strip-types src/lib/search/starlight-search-css.ts'
	);
});

test("a change to Starlight's search styles is caught", () => {
	const from = copiedFromVersion(copy)!;
	const changed = starlight.replace('max-width: 22rem;', 'max-width: 24rem;');
	assert.notEqual(changed, starlight, 'the test edits a rule Starlight has');
	assert.notEqual(copy, searchCss(changed, from));
	assert.throws(() => searchCss(starlight.replace('<style is:global>', '<style>'), from), /expected one <style> block, found 2/);
});

test('every rule of the scoped styles is scoped to site-search, and none adds specificity', () => {
	const scoped = copy.split("/* Starlight's global styles. */")[0]!;
	const selectors: string[] = [];
	postcss.parse(scoped).walkRules((rule) => void selectors.push(...rule.selectors));
	assert.ok(selectors.length > 10, `${selectors.length} selectors`);
	for (const selector of selectors) {
		assert.ok(selector === 'site-search' || selector.includes(':where(site-search) '), `${selector} is scoped`);
	}
});
