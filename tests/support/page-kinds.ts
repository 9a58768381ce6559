/**
 * Which pages the costly browser checks run on, so that `npm test` checks every kind of page
 * and every component without checking the same markup again on every page that repeats it.
 *
 * - `pagesOfEveryKind`: one page of each kind the site has (home, course page, examples index,
 *   exercises index, example page, lab sheet, instructors). Every page of a kind is made by the same layout and components.
 * - `pagesCoveringEveryComponent(build)`: the fewest built pages that, together, hold every
 *   class name and custom element found anywhere in the build, each with the markup it adds:
 *   the first page all of its own, each next one what no page before it holds. A component, a
 *   code colour or a kind of aside that only one page has puts that page in the set; a page
 *   whose every class also stands on a page already chosen adds nothing that axe has not
 *   already seen. Read from the built HTML, so a new component or page is covered without a
 *   change here.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { builds, builtPages, type BuildName } from './builds.ts';

export type PageKind = 'home' | 'course' | 'examples-index' | 'exercises-index' | 'example' | 'lab-sheet' | 'instructors';

export function kindOf(path: string): PageKind {
	if (path === '/') return 'home';
	if (path === '/examples/') return 'examples-index';
	if (path === '/exercises/') return 'exercises-index';
	if (/^\/examples\/[^/]+\/lab\/$/.test(path)) return 'lab-sheet';
	if (path.startsWith('/examples/')) return 'example';
	if (path.startsWith('/course/')) return 'course';
	if (path === '/instructors/') return 'instructors';
	throw new Error(`page-kinds.ts: ${path} is of no known kind; add its kind here.`);
}

/**
 * One page of each kind: those with an example choose one whose example runs in the sandbox
 * (tcp-echo), so the checks that click "Run in sandbox" run there.
 */
export const pagesOfEveryKind = ['/', '/course/socket-functions/', '/examples/', '/exercises/', '/examples/tcp-echo/', '/examples/tcp-echo/lab/', '/instructors/'] as const;

/** The class names and custom elements of a built page: what its components are made of. */
export function componentMarkers(html: string): Set<string> {
	const markers = new Set<string>();
	for (const [, classes] of html.matchAll(/\sclass="([^"]*)"/g)) for (const name of classes!.split(/\s+/)) if (name) markers.add(name);
	for (const [, element] of html.matchAll(/<([a-z][a-z0-9]*-[a-z0-9-]*)[\s>]/g)) markers.add(`<${element}>`);
	return markers;
}

export interface CoveringPage {
	path: string;
	/** A selector for what the page adds to those before it; `undefined` for the whole page (the first). */
	adds: string | undefined;
}

/** The fewest pages (greedy set cover, in site order on ties) holding every marker of the build, in the order chosen. */
export function pagesCoveringEveryComponent(build: BuildName = 'root'): CoveringPage[] {
	const markersOf = new Map(
		builtPages(build).map((path) => [path, componentMarkers(readFileSync(join(builds[build].dir, path, 'index.html'), 'utf8'))])
	);
	const uncovered = new Set([...markersOf.values()].flatMap((markers) => [...markers]));
	const chosen: CoveringPage[] = [];
	while (uncovered.size > 0) {
		let best: [string, string[]] = ['', []];
		for (const [path, markers] of markersOf) {
			const gain = [...markers].filter((marker) => uncovered.has(marker));
			if (gain.length > best[1].length) best = [path, gain];
		}
		const [path, gain] = best;
		chosen.push({ path, adds: chosen.length === 0 ? undefined : gain.map(markerSelector).join(', ') });
		for (const marker of gain) uncovered.delete(marker);
	}
	return chosen;
}

/** The CSS selector of a marker: `<name>` is an element, anything else a class (which may hold `:`, as `md:sl-flex`). */
function markerSelector(marker: string): string {
	return marker.startsWith('<') ? marker.slice(1, -1) : `.${marker.replace(/[^\w-]/g, (char) => `\\${char}`)}`;
}

/** The pages grouped by kind, in the order given. */
export function pagesByKind(paths: readonly string[]): Map<PageKind, string[]> {
	const byKind = new Map<PageKind, string[]>();
	for (const path of paths) byKind.set(kindOf(path), [...(byKind.get(kindOf(path)) ?? []), path]);
	return byKind;
}
