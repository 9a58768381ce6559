/**
 * The one reader of which course page embeds which example, in what order: the examples in
 * course order, each with the course pages that embed it, for the sidebar (./sidebar.ts), the
 * home page's list, the examples index, the example pages and the instructors' table of
 * addresses. Read from the content collections, so it follows the pages; an example no course
 * page embeds fails the build.
 */
import { getCollection } from 'astro:content';
import { exampleUses, type ExampleUse } from './embedded.ts';
import type { ExampleEntry } from './schema.ts';

export interface CourseExample extends ExampleEntry {
	/** Course pages embedding it, in course order (at least one). */
	usedOn: ExampleUse[];
}

export async function courseExamples(): Promise<CourseExample[]> {
	const coursePages = await getCollection('docs', (entry) => entry.id.startsWith('course/'));
	const uses = exampleUses(
		coursePages.map((page) => ({ id: page.id, title: page.data.title, order: page.data.sidebar.order, body: page.body ?? '' }))
	);
	const examples = await getCollection('examples');
	const unused = examples.filter((example) => !uses.has(example.id)).map((example) => `examples/${example.id}`);
	if (unused.length > 0) {
		throw new Error(`No course page embeds ${unused.join(', ')}: add <Example name="…" /> to a page in content/docs/course/.`);
	}
	const order = [...uses.keys()];
	return examples
		.map((example) => ({ ...example.data, usedOn: uses.get(example.id)! }))
		.sort((a, b) => order.indexOf(a.name) - order.indexOf(b.name));
}
