/**
 * Downloads Pagefind's search UI and mounts it. Called on the first open of the search
 * dialog, never at page load, so readers who do not search download none of it. Starlight's
 * `pagefind` option (ranking, merged indexes…) goes to Pagefind as Starlight's own search passes
 * it, under the options this site sets. Starlight also rewrites result links for
 * `trailingSlash: 'never'`; this site's links always end in a slash, so there is nothing to rewrite.
 *
 * Two things differ from Pagefind's own UI:
 * - The sections shown under a page put those whose heading names the term first (./section-order.ts).
 * - `status` (a `role="status"` element, so screen readers announce it) is moved in between the
 *   search box and the results, and says when no page uses a searched word (./match-message.ts);
 *   then the container gets `data-no-exact-match`, and the stylesheet (Search.astro) hides
 *   Pagefind's own message, which would count the loose matches as results.
 */
import { pagefindUserConfig } from 'virtual:starlight/pagefind-config';
import { headingMatchesFirst } from './section-order.ts';
import { noExactMatchMessage, wordsNoPageUses, type Search } from './match-message.ts';

export async function loadPagefindUI(
	element: string,
	translations: Record<string, string>,
	status: HTMLElement
): Promise<void> {
	// @ts-expect-error: @pagefind/default-ui ships no type declarations.
	const { PagefindUI } = await import('@pagefind/default-ui');
	const base = import.meta.env.BASE_URL;
	const bundlePath = `${base.replace(/\/$/, '')}/pagefind/`;
	let latestTerm = '';
	new PagefindUI({
		...pagefindUserConfig,
		element,
		baseUrl: base,
		bundlePath,
		showImages: false,
		showSubResults: true,
		translations,
		processResult: headingMatchesFirst,
		processTerm(term: string) {
			latestTerm = term;
			void wordsNotFound(term).then((missing) => {
				if (term !== latestTerm) return;
				status.textContent = missing.length ? noExactMatchMessage(missing) : '';
				container.toggleAttribute('data-no-exact-match', missing.length > 0);
			});
			return term;
		},
	});
	const container = document.querySelector(element)!;
	const input = container.querySelector('input')!;
	container.querySelector('.pagefind-ui__drawer')!.before(status);
	status.textContent = '';
	input.addEventListener('input', () => {
		if (!input.value.trim()) {
			latestTerm = '';
			status.textContent = '';
			container.removeAttribute('data-no-exact-match');
		}
	});

	/** The words of `term` no page uses, asked of the Pagefind module the UI loads (one download), after the UI's own search. */
	async function wordsNotFound(term: string): Promise<string[]> {
		await new Promise((resolve) => setTimeout(resolve));
		const pagefind = (await import(/* @vite-ignore */ `${bundlePath}pagefind.js`)) as { search: Search };
		return wordsNoPageUses(term, pagefind.search);
	}
}
