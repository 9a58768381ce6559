/**
 * src/components/search-starlight.css is Starlight's search styles, copied for
 * src/components/Search.astro (which replaces Starlight's Search.astro, see there). This module
 * makes that copy from Starlight's component, so a test can tell when the installed Starlight's
 * styles change (tests/lib/search-styles.test.ts), and, run as a script, rewrites the file:
 *
 *     node --experimental-strip-types src/lib/search/starlight-search-css.ts
 *
 * The copy is Starlight's scoped `<style>` block, each selector scoped by `:where(site-search)`
 * (an ancestor match that, like Astro's scoping, adds no specificity), then its global block.
 * Pagefind's stylesheet `@import` moves to the top, where CSS requires an `@import` to be; it
 * styles only Pagefind's own classes, which no rule of the copy targets at the same specificity.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import postcss from 'postcss';

const require = createRequire(import.meta.url);
/** Starlight's component, as installed. */
export const STARLIGHT_SEARCH = require.resolve('@astrojs/starlight/components/Search.astro');
/** The copy. */
export const SEARCH_CSS = new URL('../../components/search-starlight.css', import.meta.url);

const SCOPE = ':where(site-search)';

/** The installed Starlight's version. */
export function starlightVersion(): string {
	// Starlight's exports do not include its package.json: it is three folders up (dist/components/).
	const file = join(STARLIGHT_SEARCH, '../../../package.json');
	const { name, version } = JSON.parse(readFileSync(file, 'utf8')) as { name: string; version: string };
	if (name !== '@astrojs/starlight') throw new Error(`${file}: expected Starlight's package.json, found ${name}'s`);
	return version;
}

/** The version a copy says it came from (its first line). */
export function copiedFromVersion(css: string): string | undefined {
	return /^\/\* Starlight ([^ ]+)'s search styles/.exec(css)?.[1];
}

/** The copy of the styles of `component` (Starlight's Search.astro source), saying it came from Starlight `version`. */
export function searchCss(component: string, version: string): string {
	const scoped = styleBlock(component, '<style>');
	const global = styleBlock(component, '<style is:global>');
	const imports: string[] = [];
	const globalRoot = postcss.parse(global);
	globalRoot.walkAtRules('import', (rule) => {
		imports.push(`${rule.toString()};`);
		rule.remove();
	});
	const scopedRoot = postcss.parse(scoped);
	scopedRoot.walkRules((rule) => {
		if (rule.parent?.type === 'atrule' && (rule.parent as postcss.AtRule).name === 'keyframes') return;
		rule.selectors = rule.selectors.map(scopeSelector);
	});
	return [
		`/* Starlight ${version}'s search styles (@astrojs/starlight/components/Search.astro, MIT), for`,
		' * ./Search.astro. Made by src/lib/search/starlight-search-css.ts: edit that, not this file. */',
		...imports,
		'',
		`/* Starlight's scoped styles, scoped by ${SCOPE}. */`,
		dedent(scopedRoot.toString()),
		'',
		"/* Starlight's global styles. */",
		dedent(globalRoot.toString()),
		'',
	].join('\n');
}

/** `selector` for elements inside site-search; site-search itself and `:root` conditions stay in front. */
function scopeSelector(selector: string): string {
	if (selector === 'site-search') return selector;
	const root = /^:root(?:\[[^\]]*\])*\s+/.exec(selector)?.[0] ?? '';
	return `${root}${SCOPE} ${selector.slice(root.length)}`;
}

function styleBlock(component: string, openTag: string): string {
	const blocks = component.split(openTag).slice(1);
	if (blocks.length !== 1) throw new Error(`${STARLIGHT_SEARCH}: expected one ${openTag} block, found ${blocks.length}`);
	return blocks[0]!.split('</style>')[0]!.trim();
}

const dedent = (css: string) => css.replace(/^\t/gm, '');

if (import.meta.main) {
	writeFileSync(SEARCH_CSS, searchCss(readFileSync(STARLIGHT_SEARCH, 'utf8'), starlightVersion()));
	console.log(`wrote ${SEARCH_CSS.pathname} from Starlight ${starlightVersion()}`);
}
