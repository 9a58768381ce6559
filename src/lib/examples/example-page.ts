/**
 * What the examples' own pages are called and which sections they have: for the pages
 * themselves (src/routes/), the sidebar and the instructors' table of addresses.
 */
import type { ExampleEntry } from './schema.ts';

/** `/examples/`, the list of every example. */
export const EXAMPLES_INDEX = { title: 'All examples', path: '/examples/' } as const;

/** Site-root path of an example's own page. */
export const examplePagePath = (name: string) => `${EXAMPLES_INDEX.path}${name}/`;

export interface PageHeading {
	depth: 2;
	slug: string;
	text: string;
}

/** The h2 sections of `/examples/<name>/`, in order; the last is the example block itself (`#example-<name>`). */
export function examplePageHeadings(example: Pick<ExampleEntry, 'name' | 'sandbox'>): [PageHeading, PageHeading, PageHeading] {
	return [
		{ depth: 2, slug: 'what-it-shows', text: 'What it shows' },
		{ depth: 2, slug: 'in-the-course', text: 'In the course' },
		{ depth: 2, slug: `example-${example.name}`, text: example.sandbox ? 'Code, output and sandbox' : 'Code and output' },
	];
}
