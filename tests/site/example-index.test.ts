/**
 * The home page's "All examples" list (src/components/ExampleIndex.astro) names every example
 * folder once, and links it to its anchor on each course page that embeds it and to its own
 * page; every target page of the build really has that anchor. The build ships a page, a zip
 * and a sandbox project for the examples only: nothing of the template new-example copies.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { PLACEHOLDERS, TEMPLATE_FOLDER } from '../../src/lib/examples/scaffold.ts';
import { builds, type BuildName } from '../support/builds.ts';
import { examplePages, exampleNames } from '../support/examples.ts';

test('the examples folder holds examples, and every one is embedded in a course page', () => {
	assert.ok(exampleNames.length > 0, 'examples/ holds no example');
	const embedded = new Set(Object.values(examplePages).flat());
	assert.deepEqual(exampleNames.filter((name) => !embedded.has(name)), [], 'examples no course page embeds');
});

for (const build of Object.keys(builds) as BuildName[]) {
	const { dir, base } = builds[build];
	test(`the ${build} build ships each example's page, zip and sandbox project, and nothing of examples/${TEMPLATE_FOLDER}/`, () => {
		assert.ok(existsSync(join(dir, 'index.html')), `No built site in ${dir}: run "npm run build && npm run build:subpath" first.`);
		const shipped = (folder: string, pattern: RegExp) =>
			readdirSync(join(dir, folder))
				.map((entry) => pattern.exec(entry)?.[1])
				.filter((name) => name !== undefined)
				.sort();
		assert.deepEqual(shipped('examples', /^([^.]+)$/), exampleNames, 'the example pages, dist/examples/<name>/');
		assert.deepEqual(shipped('examples', /^(.+)\.zip$/), exampleNames, 'the zips, dist/examples/<name>.zip');
		const sandboxed = shipped('sandbox', /^(.+)\.json$/);
		assert.ok(sandboxed.length > 0 && sandboxed.every((name) => exampleNames.includes(name)), `dist/sandbox/: ${sandboxed.join(', ')}`);
		const marks = [TEMPLATE_FOLDER, ...Object.values(PLACEHOLDERS)];
		const leaks = readdirSync(dir, { recursive: true, encoding: 'utf8' })
			.filter((file) => /\.(html|json|js|css|txt)$/.test(file))
			.flatMap((file) => marks.filter((mark) => readFileSync(join(dir, file), 'utf8').includes(mark)).map((mark) => `${file}: ${mark}`));
		assert.deepEqual(leaks, [], 'built files that show the template');
	});

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
