/**
 * Each example has its own page, `/examples/<name>/`, and `/examples/` lists them all, in both
 * builds: the page has the code of both twins (every shown file, every line anchored), the
 * recorded output of each, the sandbox button where the example can run there, the zip, the
 * things to try, and links to where the course uses it, each to a real anchor.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { DomUtils } from 'htmlparser2';
import { parse as parseYaml } from 'yaml';
import { builds, type BuildName } from '../support/builds.ts';
import { builtDocument, hasClass } from '../support/built-html.ts';
import { examplePages, exampleNames, examplesDir } from '../support/examples.ts';

interface FrontMatter {
	title: string;
	summary: string;
	sandbox: boolean;
	files: string[];
	python: string[];
}
const frontMatter = (name: string): FrontMatter =>
	parseYaml(/^---\n([\s\S]*?)\n---/.exec(readFileSync(join(examplesDir, name, 'README.md'), 'utf8'))![1]!) as FrontMatter;
const lineCount = (name: string, path: string) => readFileSync(join(examplesDir, name, path), 'utf8').replace(/\n$/, '').split('\n').length;
const anchorOf = (name: string, path: string) => `example-${name}-${path.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`;
const decode = (text: string) => text.replace(/&amp;/g, '&').replace(/&#39;|&#x27;/g, "'").replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>');

for (const build of Object.keys(builds) as BuildName[]) {
	const { dir, base } = builds[build];
	const page = (path: string) => {
		const file = join(dir, path.slice(base.length).replace(/#.*$/, ''), 'index.html');
		assert.ok(existsSync(file), `${path}: no page ${file} in the ${build} build`);
		return readFileSync(file, 'utf8');
	};

	test(`${build} build: /examples/ lists every example once, with its summary, linked to its page`, () => {
		const html = page(`${base}examples/`);
		const items = [...html.matchAll(/<li data-example="([^"]+)"[^>]*>([\s\S]*?)<\/li>/g)];
		assert.deepEqual(items.map(([, name]) => name).sort(), exampleNames);
		for (const [, name, item] of items) {
			assert.ok(item!.includes(`href="${base}examples/${name}/"`), `${name}: links to its page`);
			assert.ok(decode(item!).includes(frontMatter(name!).summary), `${name}: shows its summary`);
		}
	});

	for (const name of exampleNames) {
		test(`${build} build: /examples/${name}/ has both twins' code, outputs, zip, things to try and its course pages`, () => {
			const front = frontMatter(name);
			const html = page(`${base}examples/${name}/`);
			assert.match(html, new RegExp(`<h1 id="_top"[^>]*>${front.title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}</h1>`));
			assert.match(html, new RegExp(`<section class="example[^"]*" aria-labelledby="example-${name}"`));
			for (const path of [...front.files, ...front.python]) {
				const last = lineCount(name, path);
				assert.ok(html.includes(`id="${anchorOf(name, path)}-L1"`) && html.includes(`id="${anchorOf(name, path)}-L${last}"`), `${path}: all ${last} lines shown and anchored`);
			}
			assert.equal((html.match(/recorded output<\/span>/g) ?? []).length, 2, 'the recorded output of both twins');
			assert.equal(html.includes('<example-sandbox'), front.sandbox, `a sandbox button exactly when the front matter says sandbox: ${front.sandbox}`);
			assert.ok(html.includes(`href="${base}examples/${name}.zip"`), 'links its zip');
			assert.ok(existsSync(join(dir, 'examples', `${name}.zip`)), 'the zip is built');
			assert.match(html, /<details class="example-notes[^"]*" open>/, 'the notes (protocol, things to try) are unfolded');
			assert.match(html, /Try this/, 'the things to try');

			const usedOn = [...html.matchAll(/<ul class="example-used-on[^"]*">([\s\S]*?)<\/ul>/g)][0]?.[1] ?? '';
			const links = [...usedOn.matchAll(/href="([^"]+)"/g)].map(([, href]) => href!);
			const expected = Object.entries(examplePages).filter(([, names]) => names.includes(name)).map(([path]) => `${base}${path.slice(1)}#example-${name}`);
			assert.deepEqual(links.sort(), expected.sort(), 'links to every course page that embeds it');
			for (const link of links) assert.ok(page(link).includes(`id="example-${name}"`), `${link}: the anchor exists`);
		});
	}
}

test('every “Try this” item of an example page that names a Node.js program or command also gives its Python form', () => {
	const nodeForm = /\bnode\b|\.js\b/;
	const pythonForm = /\bpython3?\b|\.py\b/;
	assert.ok(exampleNames.length > 0);
	for (const name of exampleNames) {
		const path = `/examples/${name}/`;
		const notes = DomUtils.findOne(hasClass('example-notes'), builtDocument(path).children);
		assert.ok(notes, `${path} has notes`);
		const heading = DomUtils.findOne((el) => /^h[2-6]$/.test(el.name) && DomUtils.textContent(el).trim() === 'Try this', [notes]);
		const list = heading && DomUtils.nextElementSibling(heading);
		assert.equal(list?.name, 'ul', `${path} has a “Try this” list`);
		const items = DomUtils.findAll((el) => el.name === 'li' && el.parent === list, [list!]);
		assert.ok(items.length > 0, `${path}: things to try`);
		for (const item of items) {
			const code = DomUtils.findAll((el) => el.name === 'code', [item]).map((el) => DomUtils.textContent(el)).join(' ');
			if (nodeForm.test(code)) assert.match(code, pythonForm, `${path}: “${DomUtils.textContent(item).trim()}” names its Python form too`);
		}
	}
});
