/**
 * The outline of every page the site builds, from the content collections: the docs pages
 * (their headings from Astro's `render()`, their examples from their MDX), the list of
 * examples and each example's own page (src/routes/). Drafts are not built, so not listed.
 */
import { getCollection, render } from 'astro:content';
import { courseExamples } from '../examples/course-examples.ts';
import { EXAMPLES_INDEX, EXERCISES_INDEX, examplePageHeadings, examplePagePath } from '../examples/example-page.ts';
import { LAB_SHEET_HEADINGS, labSheetPath, labSheetTitle } from '../examples/lab-sheet.ts';
import { pageOutline, type OutlineItem } from './page-outline.ts';
import type { PageOutline } from './site-addresses.ts';

/** Every page's outline, in no particular order, and each example's title by name. */
export async function sitePages(): Promise<{ pages: PageOutline[]; exampleTitles: Map<string, string> }> {
	const docs = await getCollection('docs', (entry) => !entry.data.draft);
	const docPages = await Promise.all(
		docs.map(async (entry) => ({
			path: entry.id === 'index' ? '/' : `/${entry.id}/`,
			title: entry.data.title,
			items: pageOutline(entry.body ?? '', (await render(entry)).headings, entry.filePath ?? entry.id),
		}))
	);
	const examples = await courseExamples();
	const examplePages = examples.map((example): PageOutline => {
		const { shows, inCourse, run, exercises } = examplePageHeadings(example);
		return {
			path: examplePagePath(example.name),
			title: example.title,
			items: [
				{ kind: 'section', ...shows },
				{ kind: 'section', ...inCourse },
				{ kind: 'example', name: example.name, heading: run.text },
				...exercises.map((heading): OutlineItem => (heading.depth === 3 ? { kind: 'exercise', ...heading } : { kind: 'section', ...heading })),
			],
		};
	});
	const labSheets = examples.map(
		(example): PageOutline => ({
			path: labSheetPath(example.name),
			title: labSheetTitle(example.title),
			items: Object.values(LAB_SHEET_HEADINGS).map((heading) => ({ kind: 'section', ...heading })),
		})
	);
	return {
		pages: [
			...docPages,
			{ path: EXAMPLES_INDEX.path, title: EXAMPLES_INDEX.title, items: [] },
			{ path: EXERCISES_INDEX.path, title: EXERCISES_INDEX.title, items: [] },
			...examplePages,
			...labSheets,
		],
		exampleTitles: new Map(examples.map((example) => [example.name, example.title])),
	};
}
