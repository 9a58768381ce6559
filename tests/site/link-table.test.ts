/**
 * The instructors' table of addresses (src/components/LinkTable.astro, src/lib/links/), made
 * from the content when the page is built, lists every page of the build, every h2 and h3
 * section of each page's content and every example block, and each address leads to a page
 * that has that anchor. Addresses are plain text, and the Copy buttons stay hidden until
 * JavaScript shows them. Built without the site's address (SITE), the addresses start at the
 * site's root and the page says how to get full ones; with it, they are full addresses.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { builds, builtPages, type BuildName } from '../support/builds.ts';
import { examplePages } from '../support/examples.ts';
import { linkTableRows } from '../../src/lib/links/link-table.ts';

interface Row {
	kind: string;
	label: string;
	address: string;
	button: string;
}

function tableRows(html: string): Row[] {
	const table = /<table class="link-table"[\s\S]*?<\/table>/.exec(html)?.[0];
	assert.ok(table, 'the instructors page has the filled-in link table');
	return [...table.matchAll(/<tr class="link-(\w+)">([\s\S]*?)<\/tr>/g)].map(([, kind, row]) => ({
		kind: kind!,
		label: /<t[hd][^>]*>([\s\S]*?)<\/t[hd]>/.exec(row!)![1]!,
		address: /<code>([^<]*)<\/code>/.exec(row!)?.[1] ?? '',
		button: /<button[^>]*>/.exec(row!)?.[0] ?? '',
	}));
}

/** h2/h3 ids of a page's main content: not the "On this page" nav, not examples (checked on their own) or their notes. */
function contentSectionIds(html: string): string[] {
	const content = /<div class="sl-markdown-content[^"]*">([\s\S]*)<\/main>/.exec(html)?.[1] ?? '';
	return [...content.matchAll(/<h[23] id="([^"]+)"/g)].map(([, id]) => id!).filter((id) => !id.startsWith('example-'));
}

for (const build of Object.keys(builds) as BuildName[]) {
	const { dir, base } = builds[build];
	const read = (path: string) => readFileSync(join(dir, path.slice(base.length).replace(/#.*$/, ''), 'index.html'), 'utf8');

	test(`${build} build: the link table lists every page, section and example, and every address leads to its anchor`, () => {
		const rows = tableRows(read(`${base}instructors/`));
		const addresses = new Set(rows.map((row) => row.address));
		assert.equal(addresses.size, rows.length, 'no address is listed twice');

		const pages = builtPages(build).map((path) => `${base}${path.slice(1)}`);
		assert.deepEqual(rows.filter((row) => row.kind === 'page').map((row) => row.address).sort(), pages.sort(), 'one page row per built page');

		for (const path of pages) {
			const html = read(path);
			for (const id of contentSectionIds(html)) {
				assert.ok(addresses.has(`${path}#${id}`), `${path}#${id}: the section is listed`);
			}
		}
		for (const [page, names] of Object.entries(examplePages)) {
			for (const name of names) assert.ok(addresses.has(`${base}${page.slice(1)}#example-${name}`), `${page}#example-${name} is listed`);
		}
		for (const { address, kind } of rows) {
			const [path, id] = address.split('#');
			const html = read(path!);
			if (id) assert.ok(html.includes(` id="${id}"`), `${address}: the page has the anchor`);
			if (kind === 'example') assert.ok(html.includes(`aria-labelledby="${id}"`), `${address}: is an example block`);
		}
	});

	test(`${build} build: addresses are plain text and the Copy buttons wait for JavaScript`, () => {
		const rows = tableRows(read(`${base}instructors/`));
		assert.ok(rows.length > 100, `${rows.length} rows`);
		for (const row of rows) {
			assert.ok(row.address.startsWith(base), `${row.address} starts with the base ${base}`);
			assert.match(row.button, /\shidden[\s>]/, `${row.address}: its button is hidden without JavaScript`);
			assert.ok(row.button.includes(`data-address="${row.address}"`), `${row.address}: the button copies this address`);
		}
	});

	test(`${build} build: built without SITE, the page says how to get full addresses`, () => {
		const html = read(`${base}instructors/`);
		const note = /<p class="link-table-note">([\s\S]*?)<\/p>/.exec(html)?.[1];
		assert.ok(note, 'the note is on the page');
		assert.match(note, /full ones[\s\S]*<code>SITE<\/code> set to its address/);
	});
}

test('with the site address known, the table shows and copies full addresses', () => {
	const addresses = [
		{ kind: 'page', title: 'Sockets', path: '/course/sockets/' },
		{ kind: 'section', title: 'Two kinds of socket', path: '/course/sockets/#two-kinds-of-socket' },
	] as const;
	assert.deepEqual(
		linkTableRows([...addresses], '/netcourse/', new URL('https://example.edu/netcourse')).map((row) => row.address),
		['https://example.edu/netcourse/course/sockets/', 'https://example.edu/netcourse/course/sockets/#two-kinds-of-socket']
	);
	assert.deepEqual(
		linkTableRows([...addresses], '/netcourse/', undefined).map((row) => row.address),
		['/netcourse/course/sockets/', '/netcourse/course/sockets/#two-kinds-of-socket']
	);
});
