/**
 * What the search says about a term, announced to screen readers by the dialog's status line.
 *
 * Pagefind matches loosely: a word it does not know brings up pages with words that begin the
 * same way ("getaddrinfo" listed 17 pages for "get", "gets" and "Getting"), under "17 results
 * for getaddrinfo". Here each searched word is also looked up with Pagefind's exact search (the
 * word in double quotes); when a word is used by no page, the status line names it and calls
 * the pages Pagefind lists loose matches (and Pagefind's own count is hidden). When every word
 * is found, the status line is empty and Pagefind's count stays. Exact search finds a word only as it is written, so "accept" is
 * found on pages that have "accept" while the loose search also counts "accepts".
 */

/** Pagefind's `search`, as far as this module uses it. */
export type Search = (term: string) => Promise<{ results: unknown[] }>;

/** The words of `term` that no page uses, by Pagefind's exact search for each. */
export async function wordsNoPageUses(term: string, search: Search): Promise<string[]> {
	const words = [...new Set(term.replaceAll('"', ' ').split(/\s+/).filter(Boolean))];
	const found = await Promise.all(words.map(async (word) => (await search(`"${word}"`)).results.length > 0));
	return words.filter((_, index) => !found[index]);
}

const quoted = (word: string) => `“${word}”`;

/** `[“a”, “b”, “c”]` as `“a”, “b” or “c”`. */
function listOfWords(words: string[]): string {
	const all = words.map(quoted);
	return all.length < 2 ? all.join('') : `${all.slice(0, -1).join(', ')} or ${all.at(-1)}`;
}

/** What the status line says when no page uses the `missing` words; Pagefind lists loose matches below it, if any. */
export function noExactMatchMessage(missing: string[]): string {
	return `No page uses ${listOfWords(missing)}. Pages listed below, if any, are loose matches: they only have words that start the same.`;
}
