/**
 * Starlight's page footer, read from the built pages of the root build (static HTML that no
 * script changes): every page links to the previous and the next page in course order, and
 * every written page shows when its source file was last committed, as Starlight reads git,
 * with an edit link to that file.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import type { Element } from 'domhandler';
import { DomUtils } from 'htmlparser2';
import { allPages, writtenPages, sourceFile } from '../support/course.ts';
import { builtDocument, hasClass } from '../support/built-html.ts';

const footerOf = (path: string) => {
	const footer = DomUtils.findOne((el) => el.name === 'footer', builtDocument(path).children);
	assert.ok(footer, `${path} has no footer`);
	return footer;
};
const find = (within: Element, test: (el: Element) => boolean) => DomUtils.findAll(test, [within]);

test('every page links to the previous and the next page in course order', () => {
	for (const [index, path] of allPages.entries()) {
		const pagination = find(footerOf(path), hasClass('pagination-links'));
		assert.equal(pagination.length, 1, `${path}: one set of previous and next links`);
		const link = (rel: string) => find(pagination[0]!, (el) => el.name === 'a' && el.attribs['rel'] === rel).map((a) => a.attribs['href']);
		assert.deepEqual(link('prev'), index === 0 ? [] : [allPages[index - 1]], `${path}: previous`);
		assert.deepEqual(link('next'), index === allPages.length - 1 ? [] : [allPages[index + 1]], `${path}: next`);
	}
});

test('every written page shows when its source file was last committed, and an edit link to that file', () => {
	for (const path of writtenPages.filter((path) => path !== '/')) {
		const footer = footerOf(path);
		const committed = lastCommitDate(sourceFile(path));
		const dates = find(footer, (el) => el.name === 'time').map((time) => time.attribs['datetime']);
		// A file git has never committed has no date to show (only in a working tree, never in CI).
		assert.deepEqual(dates, committed ? [committed.toISOString()] : [], `${path}'s date`);
		const edits = find(footer, (el) => el.name === 'a' && /edit page/i.test(DomUtils.textContent(el))).map((a) => a.attribs['href']);
		assert.equal(edits.length, 1, `${path} has one edit link`);
		assert.match(edits[0]!, new RegExp(`/edit/main/${sourceFile(path).replace(/\./g, '\\.')}$`), `${path}'s edit link`);
	}
});

/**
 * The newest commit that changed the file, as Starlight reads it: the newest commit whose own
 * change (against its first parent) touches the file. A merge's conflict resolution is not
 * such a change, so `git log -1 -- file`, which can name the merge, is not the same date.
 */
function lastCommitDate(file: string): Date | undefined {
	try {
		const times = execFileSync('git', ['log', '--no-merges', '--format=%ct', '--', file], {
			encoding: 'utf8',
			stdio: ['ignore', 'pipe', 'ignore'],
		})
			.split('\n')
			.filter(Boolean)
			.map(Number);
		return times.length > 0 ? new Date(Math.max(...times) * 1000) : undefined;
	} catch {
		return undefined; // a repository without any commit yet
	}
}
