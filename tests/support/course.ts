import { exampleUses } from '../../src/lib/examples/embedded.ts';
import { readCoursePages } from './course-pages.ts';
import { projectRoot } from './builds.ts';

/** The course pages in reading order, as the sidebar and prev/next links must show them. */
export const coursePages = [
	'/course/client-server/',
	'/course/protocol-stack/',
	'/course/python-apis/',
	'/course/sync-vs-async/',
	'/course/sockets/',
	'/course/socket-functions/',
] as const;

/**
 * Each example's own page, in the order the course first uses the examples: read from the
 * course pages' `<Example name>` tags by the function the sidebar uses.
 */
export const examplePages: readonly string[] = [...exampleUses(readCoursePages(projectRoot)).keys()].map((name) => `/examples/${name}/`);

/** Every page, in sidebar order (which is also the previous/next order). */
export const allPages = ['/', ...coursePages, '/examples/', '/exercises/', ...examplePages, '/instructors/'] as const;

/** Each example's printable lab sheet: built pages, linked from the instructors' page, not in the sidebar. */
export const labSheetPages: readonly string[] = examplePages.map((path) => `${path}lab/`);

/** Pages written in content/docs/ (the others are made from the examples). */
export const writtenPages = ['/', ...coursePages, '/instructors/'] as const;

/** The source file behind a page, relative to the repository root. */
export function sourceFile(path: string): string {
	return path === '/' ? 'content/docs/index.mdx' : `content/docs${path.replace(/\/$/, '')}.mdx`;
}
