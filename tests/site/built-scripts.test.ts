/**
 * Two scripts the build replaces or removes for speed (src/lib/toc/, src/lib/build/
 * drop-scroll-tabindex.ts) must really be gone from what a page loads: with them the course
 * pages behave the same, only slower, so no browser test would notice their return.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { builds, type BuildName } from '../support/builds.ts';

const STARLIGHT_TOC_QUERY = '.sl-heading-wrapper) ~ *:not(:has(';
const EC_TABINDEX_MODULE = 'tabindex-js-module failed';

for (const build of Object.keys(builds) as BuildName[]) {
	test(`the ${build} build ships neither Starlight's whole-page TOC query nor Expressive Code's tabindex script`, () => {
		const dir = join(builds[build].dir, '_astro');
		const scripts = readdirSync(dir)
			.filter((name) => name.endsWith('.js'))
			.map((name) => ({ name, code: readFileSync(join(dir, name), 'utf8') }));
		assert.ok(scripts.some(({ code }) => /customElements\.define\(["'`]starlight-toc["'`]/.test(code)), 'a script defines starlight-toc');
		for (const { name, code } of scripts) {
			assert.ok(!code.includes(STARLIGHT_TOC_QUERY), `${name} has Starlight's own table-of-contents script`);
			assert.ok(!code.includes(EC_TABINDEX_MODULE), `${name} has Expressive Code's tabindex script`);
		}
	});
}
