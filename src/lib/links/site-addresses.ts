/**
 * Every linkable place of the built site: each page, its sections (h2 and h3 headings) and
 * its examples, read from the final HTML so the list cannot drift from what was built.
 */
import { Parser } from 'htmlparser2';

export type AddressKind = 'page' | 'section' | 'example';

export interface SiteAddress {
	kind: AddressKind;
	/** What a reader sees: the page title, the heading's words. */
	title: string;
	/** Site-root path with the base, such as `/netcourse/course/sockets/#two-kinds-of-socket`. */
	path: string;
}

interface Heading {
	level: number;
	id: string;
	text: string;
}

/** The content's headings with ids, the example blocks' heading ids and the sidebar links of one page. */
export function readPage(html: string): { headings: Heading[]; exampleIds: Set<string>; sidebarLinks: string[] } {
	const headings: Heading[] = [];
	const exampleIds = new Set<string>();
	const sidebarLinks: string[] = [];
	let open: Heading | undefined;
	let navDepth = 0;
	let inSidebar = false;
	const parser = new Parser(
		{
			onopentag(name, attrs) {
				const level = /^h([1-6])$/.exec(name)?.[1];
				// Headings in navigation ("On this page") are not places in the content.
				if (level && attrs.id && navDepth === 0) open = { level: Number(level), id: attrs.id, text: '' };
				if (name === 'section' && /(?:^|\s)example(?:\s|$)/.test(attrs.class ?? '') && attrs['aria-labelledby']) {
					exampleIds.add(attrs['aria-labelledby']);
				}
				if (name === 'nav') {
					navDepth++;
					if (attrs['aria-label'] === 'Main') inSidebar = true;
				}
				if (name === 'a' && inSidebar && attrs.href) sidebarLinks.push(attrs.href);
			},
			ontext(text) {
				if (open) open.text += text;
			},
			onclosetag(name) {
				if (open && name === `h${open.level}`) {
					headings.push({ ...open, text: open.text.replace(/\s+/g, ' ').trim() });
					open = undefined;
				}
				if (name === 'nav' && --navDepth === 0) inSidebar = false;
			},
		},
		{ decodeEntities: true }
	);
	parser.end(html);
	return { headings, exampleIds, sidebarLinks };
}

/**
 * The addresses of one page at `pagePath`: the page (its h1), then in document order its h2
 * and h3 sections and its examples. Headings inside an example (its notes) are left out: the
 * example's own address leads there.
 */
export function pageAddresses(html: string, pagePath: string): SiteAddress[] {
	const { headings, exampleIds } = readPage(html);
	const title = headings.find((heading) => heading.level === 1)?.text;
	if (!title) throw new Error(`${pagePath}: the page has no <h1 id> to take its title from`);
	const insideExample = (id: string) => [...exampleIds].some((example) => id.startsWith(`${example}-`));
	const addresses: SiteAddress[] = [{ kind: 'page', title, path: pagePath }];
	for (const { level, id, text } of headings) {
		if (level === 1 || insideExample(id)) continue;
		if (exampleIds.has(id)) addresses.push({ kind: 'example', title: text, path: `${pagePath}#${id}` });
		else if (level <= 3) addresses.push({ kind: 'section', title: text, path: `${pagePath}#${id}` });
	}
	return addresses;
}

/**
 * All pages' addresses, pages in sidebar order (pages the sidebar does not list last, by path).
 * `pages` maps each page's path to its HTML.
 */
export function siteAddresses(pages: Map<string, string>, sidebarOrder: string[]): SiteAddress[] {
	const position = (path: string) => {
		const index = sidebarOrder.indexOf(path);
		return index === -1 ? Infinity : index;
	};
	const paths = [...pages.keys()].sort((a, b) => position(a) - position(b) || a.localeCompare(b));
	return paths.flatMap((path) => pageAddresses(pages.get(path)!, path));
}
