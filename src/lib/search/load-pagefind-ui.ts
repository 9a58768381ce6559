/**
 * Downloads Pagefind's search UI and mounts it. Called on the first open of the search
 * dialog, never at page load, so readers who do not search download none of it.
 */
export async function loadPagefindUI(element: string, translations: Record<string, string>): Promise<void> {
	// @ts-expect-error: @pagefind/default-ui ships no type declarations.
	const { PagefindUI } = await import('@pagefind/default-ui');
	const base = import.meta.env.BASE_URL;
	new PagefindUI({
		element,
		baseUrl: base,
		bundlePath: `${base.replace(/\/$/, '')}/pagefind/`,
		showImages: false,
		showSubResults: true,
		translations,
	});
}
