/**
 * Downloads Pagefind's search UI and mounts it. Called on the first open of the search
 * dialog, never at page load, so readers who do not search download none of it. Starlight's
 * `pagefind` option (ranking, merged indexes…) goes to Pagefind as Starlight's own search passes
 * it, under the options this site sets. Starlight also rewrites result links for
 * `trailingSlash: 'never'`; this site's links always end in a slash, so there is nothing to rewrite.
 */
import { pagefindUserConfig } from 'virtual:starlight/pagefind-config';

export async function loadPagefindUI(element: string, translations: Record<string, string>): Promise<void> {
	// @ts-expect-error: @pagefind/default-ui ships no type declarations.
	const { PagefindUI } = await import('@pagefind/default-ui');
	const base = import.meta.env.BASE_URL;
	new PagefindUI({
		...pagefindUserConfig,
		element,
		baseUrl: base,
		bundlePath: `${base.replace(/\/$/, '')}/pagefind/`,
		showImages: false,
		showSubResults: true,
		translations,
	});
}
