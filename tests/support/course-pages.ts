/**
 * The course pages' MDX sources, read from disk as the tests' own view of which page embeds
 * which example (the site reads them through Astro's content collections:
 * src/lib/examples/course-examples.ts).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { CoursePageSource } from '../../src/lib/examples/embedded.ts';

/** The course pages' MDX sources, from `<root>/content/docs/course/`. */
export function readCoursePages(root: string): CoursePageSource[] {
	const dir = join(root, 'content', 'docs', 'course');
	return readdirSync(dir)
		.filter((file) => /\.mdx?$/.test(file))
		.map((file) => {
			const source = readFileSync(join(dir, file), 'utf8');
			const front = (parseYaml(/^---\r?\n([\s\S]*?)\r?\n---/.exec(source)?.[1] ?? '') ?? {}) as { title?: string; sidebar?: { order?: number } };
			return { id: `course/${file.replace(/\.mdx?$/, '')}`, title: front.title ?? file, order: front.sidebar?.order, body: source };
		});
}
