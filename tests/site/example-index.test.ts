/**
 * The home page's "All examples" list (src/components/ExampleIndex.astro) names every example
 * folder once, and links it to its anchor on each course page that embeds it and to its own
 * page; every target page of the build really has that anchor.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { builds, type BuildName } from '../support/builds.ts';
import { examplePages, exampleNames } from '../support/examples.ts';

test('the examples folder holds the eight examples', () => {
	assert.equal(exampleNames.length, 8, `examples/: ${exampleNames.join(', ')}`);
});

for (const build of Object.keys(builds) as BuildName[]) {
	const { dir, base } = builds[build];
	test(`the home page of the ${build} build lists every example, linked to where it is embedded`, () => {
		const home = join(dir, 'index.html');
		assert.ok(existsSync(home), `No built site in ${dir}: run "npm run build && npm run build:subpath" first.`);
		const html = readFileSync(home, 'utf8');
		const list = /<ul class="example-index">([\s\S]*?)<\/ul>/.exec(html)?.[1];
		assert.ok(list, 'the home page has no <ul class="example-index"> (the "All examples" section)');

		const items = [...list.matchAll(/<li data-example="([^"]+)">([\s\S]*?)<\/li>/g)];
		assert.deepEqual(items.map(([, name]) => name).sort(), exampleNames, 'the list names each example folder exactly once');

		for (const [, name, item] of items) {
			const hrefs = [...item!.matchAll(/href="([^"]+)"/g)].map(([, href]) => href!);
			const expected = Object.entries(examplePages)
				.filter(([, names]) => names.includes(name!))
				.map(([page]) => `${base}${page.slice(1)}#example-${name}`)
				.concat(`${base}examples/${name}/`);
			assert.deepEqual(hrefs.sort(), expected.sort(), `the links of ${name}`);
			for (const href of hrefs) {
				const page = join(dir, href.slice(base.length).replace(/#.*$/, ''), 'index.html');
				assert.ok(existsSync(page), `${href}: no page ${page}`);
				if (href.includes('#')) assert.match(readFileSync(page, 'utf8'), new RegExp(`\\sid="example-${name}"`), `${href}: the page has no anchor example-${name}`);
			}
		}
	});
}
