/**
 * Every linkable place of the site: each page, its sections (h2 and h3 headings), its
 * examples and exercises, pages in sidebar order. Made from what builds the pages (./site-pages.ts), so the
 * list is the site's own outline, not a copy of it.
 */
import type { OutlineItem } from './page-outline.ts';

export type AddressKind = 'page' | 'section' | 'example' | 'exercise';

export interface SiteAddress {
	kind: AddressKind;
	/** What a reader sees: the page title, the heading's words, "Example: " and the example's heading. */
	title: string;
	/** Site-root path without the base, such as `/course/sockets/#two-kinds-of-socket`. */
	path: string;
}

export interface PageOutline {
	/** Site-root path without the base, such as `/course/sockets/`. */
	path: string;
	title: string;
	items: OutlineItem[];
}

/** The heading an example block has on a course page (src/components/Example.astro's default). */
export const exampleLabel = (heading: string) => (heading.startsWith('Example') ? heading : `Example: ${heading}`);

/**
 * The addresses of one page: the page, then in order its h2 and h3 sections and its examples
 * (`exampleTitle` gives an embedded example's title). The headings inside an example (its
 * notes) are not listed: the example's address leads there.
 */
export function pageAddresses({ path, title, items }: PageOutline, exampleTitle: (name: string) => string): SiteAddress[] {
	const addresses: SiteAddress[] = [{ kind: 'page', title, path }];
	for (const item of items) {
		if (item.kind === 'example') {
			addresses.push({ kind: 'example', title: exampleLabel(item.heading ?? exampleTitle(item.name)), path: `${path}#example-${item.name}` });
		} else if (item.kind === 'exercise' || item.depth === 2 || item.depth === 3) {
			addresses.push({ kind: item.kind, title: item.text, path: `${path}#${item.slug}` });
		}
	}
	return addresses;
}

/** All pages' addresses, pages in `sidebarOrder` (site-root paths), those it does not list last by path. */
export function siteAddresses(pages: PageOutline[], sidebarOrder: string[], exampleTitle: (name: string) => string): SiteAddress[] {
	const position = (path: string) => {
		const index = sidebarOrder.indexOf(path);
		return index === -1 ? Infinity : index;
	};
	const sorted = [...pages].sort((a, b) => position(a.path) - position(b.path) || a.path.localeCompare(b.path));
	return sorted.flatMap((page) => pageAddresses(page, exampleTitle));
}
