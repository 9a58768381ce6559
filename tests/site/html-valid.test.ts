/**
 * html-validate over every built HTML page of the root build, and over one page of each kind
 * and the 404 page of the sub-path build (its markup differs only in the prefix of its
 * addresses; links.spec.ts and pages.spec.ts check those), with the checked-in
 * `.htmlvalidate.mjs` (the recommended preset; the few exceptions say why). A finding fails
 * the page's test, naming the file, line, column and rule.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { describe, test } from 'node:test';
import { FileSystemConfigLoader, HtmlValidate } from 'html-validate';
import { builds, projectRoot, type BuildName } from '../support/builds.ts';
import { pagesOfEveryKind } from '../support/page-kinds.ts';

const htmlvalidate = new HtmlValidate(new FileSystemConfigLoader());

/** Every .html file of a build, relative to the project root, with `/` separators. */
function htmlFiles(dir: string): string[] {
	return readdirSync(dir, { recursive: true, withFileTypes: true })
		.filter((entry) => entry.isFile() && entry.name.endsWith('.html'))
		.map((entry) => relative(projectRoot, join(entry.parentPath, entry.name)).split(sep).join('/'))
		.sort();
}

/** The files of the build that are validated: all of the root build's, some of the sub-path build's. */
function filesToValidate(build: BuildName): string[] {
	const files = htmlFiles(builds[build].dir);
	if (build === 'root') return files;
	const chosen = new Set([...pagesOfEveryKind.map((path) => `${path.slice(1)}index.html`), '404.html']);
	return files.filter((file) => chosen.has(relative(builds[build].dir, join(projectRoot, file)).split(sep).join('/')));
}

for (const build of Object.keys(builds) as BuildName[]) {
	const { dir } = builds[build];
	describe(`html-validate: ${build === 'root' ? 'every page' : 'one page of each kind'} of the ${build} build`, () => {
		if (!existsSync(join(dir, 'index.html'))) {
			test('the build exists', () => assert.fail(`No built site in ${dir}: run "npm run build && npm run build:subpath" first.`));
			return;
		}
		const files = filesToValidate(build);
		const expected = build === 'root' ? 8 : pagesOfEveryKind.length + 1;
		test('finds the pages', () => assert.ok(files.length >= expected, `only ${files.length} HTML files to validate in ${dir}`));
		for (const file of files) {
			test(file, async () => {
				const report = await htmlvalidate.validateFile(join(projectRoot, file));
				const findings = report.results.flatMap((result) =>
					result.messages.map((m) => `${file}:${m.line}:${m.column} [${m.ruleId}] ${m.message}${m.selector ? ` (at ${m.selector})` : ''}`)
				);
				if (findings.length > 0) assert.fail(`${file} is not valid HTML (${findings.length} findings):\n${findings.join('\n')}`);
			});
		}
	});
}
