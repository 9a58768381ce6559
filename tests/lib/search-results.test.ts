/**
 * The search's own decisions, apart from Pagefind: which sections of a page are shown first
 * (src/lib/search/section-order.ts) and when the status line says no page uses a word
 * (src/lib/search/match-message.ts).
 * tests/browser/search.spec.ts checks both against the real index in a browser.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { headingMatchesFirst, SECTIONS_SHOWN, type SubResult } from '../../src/lib/search/section-order.ts';
import { noExactMatchMessage, wordsNoPageUses } from '../../src/lib/search/match-message.ts';

const section = (url: string, weights: number[]): SubResult => ({
	url,
	weighted_locations: weights.map((weight, location) => ({ weight, location })),
});

test('a section whose heading holds the term comes before sections that only mention it more often', () => {
	const page = '/course/socket-functions/';
	const data = {
		url: page,
		meta: { url: page },
		sub_results: [
			section(page, [1]),
			section(`${page}#the-call-order-at-a-glance`, [1, 1, 1, 1, 1, 1, 1]),
			section(`${page}#accept-take-the-next-connection`, [5, 1, 1, 1]),
			section(`${page}#example-tcp-echo`, [1, 1, 1, 1, 1, 1]),
			section(`${page}#example-failures`, [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]),
			section(`${page}#listen-wait-for-connections`, [1]),
		],
	};
	const shown = headingMatchesFirst(data).sub_results.map((s) => s.url.replace(page, ''));
	assert.deepEqual(shown, ['', '#accept-take-the-next-connection', '#example-failures', '#the-call-order-at-a-glance']);
	assert.equal(shown.length, 1 + SECTIONS_SHOWN);
});

test('without an entry for the page itself, sections are ranked from the first; ties keep page order', () => {
	const data = {
		url: '/a/',
		meta: {},
		sub_results: [section('/a/#one', [1]), section('/a/#two', [1]), section('/a/#three', [6])],
	};
	assert.deepEqual(
		headingMatchesFirst(data).sub_results.map((s) => s.url),
		['/a/#three', '/a/#one', '/a/#two']
	);
});

test('each word is looked up with exact search; the words no page uses are named', async () => {
	const asked: string[] = [];
	const known = new Set(['"accept"', '"connect"']);
	const search = async (term: string) => {
		asked.push(term);
		return { results: known.has(term) ? [{}] : [] };
	};
	assert.deepEqual(await wordsNoPageUses('accept  getaddrinfo connect accept', search), ['getaddrinfo']);
	assert.deepEqual(asked.sort(), ['"accept"', '"connect"', '"getaddrinfo"']);
	assert.deepEqual(await wordsNoPageUses('"accept"', search), []);
});

test('the status line names the words no page uses and calls what Pagefind lists loose matches', () => {
	assert.equal(
		noExactMatchMessage(['getaddrinfo']),
		'No page uses “getaddrinfo”. Pages listed below, if any, are loose matches: they only have words that start the same.'
	);
	assert.match(noExactMatchMessage(['a', 'b', 'c']), /^No page uses “a”, “b” or “c”\. /);
	assert.match(noExactMatchMessage(['a', 'b']), /^No page uses “a” or “b”\. /);
});
