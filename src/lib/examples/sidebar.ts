/**
 * The sidebar's "Examples" group: "All examples", "All exercises", then one link per example in the order the
 * course first uses them (course-examples.ts, the one reader of which page embeds which
 * example). The config declares the group with only its first link, since the examples are
 * content and the config loads before any content does; the route middleware
 * (./sidebar-middleware.ts) adds the examples to every page's sidebar and fixes the
 * previous/next links they change.
 */
import type { StarlightRouteData } from '@astrojs/starlight/route-data';
import type { CourseExample } from './course-examples.ts';
import { sitePath } from '../links/site-path.ts';
import { EXAMPLES_INDEX, EXERCISES_INDEX, examplePagePath } from './example-page.ts';

type SidebarEntry = StarlightRouteData['sidebar'][number];
type SidebarLink = Extract<SidebarEntry, { type: 'link' }>;
type Pagination = StarlightRouteData['pagination'];
type PrevNextConfig = StarlightRouteData['entry']['data']['prev'];

export const EXAMPLES_GROUP_LABEL = 'Examples';

/** The group as astro.config.mjs declares it. */
export const examplesSidebarGroup = {
	label: EXAMPLES_GROUP_LABEL,
	collapsed: true,
	items: [
		{ label: EXAMPLES_INDEX.title, link: EXAMPLES_INDEX.path },
		{ label: EXERCISES_INDEX.title, link: EXERCISES_INDEX.path },
	],
};

/**
 * Appends a link to each example's page (`<base>examples/<name>/`) to the Examples group of
 * `sidebar`, marking the one at `pathname` as current. Throws if the sidebar has no such group.
 */
export function addExampleLinks(sidebar: SidebarEntry[], examples: CourseExample[], base: string, pathname: string): void {
	const group = sidebar.find((entry) => entry.type === 'group' && entry.label === EXAMPLES_GROUP_LABEL);
	if (group?.type !== 'group') throw new Error(`astro.config.mjs: the sidebar has no "${EXAMPLES_GROUP_LABEL}" group for the examples`);
	for (const { name, title } of examples) {
		const href = sitePath(base, examplePagePath(name));
		group.entries.push({ type: 'link', label: title, href, isCurrent: href === pathname, badge: undefined, attrs: {} });
	}
}

/**
 * The previous and next pages in `sidebar` order, with the page's front matter `prev`/`next`
 * applied as Starlight applies them (false hides, a string relabels, an object relabels or
 * relinks); `paginationEnabled` is Starlight's `pagination` option.
 */
export function sidebarPagination(sidebar: SidebarEntry[], front: { prev?: PrevNextConfig; next?: PrevNextConfig }, paginationEnabled = true): Pagination {
	const links = sidebarLinks(sidebar);
	const current = links.findIndex((link) => link.isCurrent);
	return {
		prev: withConfig(current > 0 ? links[current - 1] : undefined, front.prev, paginationEnabled),
		next: withConfig(current > -1 ? links[current + 1] : undefined, front.next, paginationEnabled),
	};
}

/** The sidebar's links, in order. */
export function sidebarLinks(sidebar: SidebarEntry[]): SidebarLink[] {
	return sidebar.flatMap((entry) => (entry.type === 'group' ? sidebarLinks(entry.entries) : [entry]));
}

function withConfig(link: SidebarLink | undefined, config: PrevNextConfig, paginationEnabled: boolean): SidebarLink | undefined {
	if (config === false) return undefined;
	if (config === true) return link;
	if (typeof config === 'string') return link && { ...link, label: config };
	if (typeof config === 'object') {
		if (link) return { ...link, label: config.label ?? link.label, href: config.link ?? link.href, attrs: {} };
		if (config.link && config.label) return { type: 'link', label: config.label, href: config.link, isCurrent: false, badge: undefined, attrs: {} };
	}
	return paginationEnabled ? link : undefined;
}
