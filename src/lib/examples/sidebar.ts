/**
 * The sidebar's "Examples" group, made when the config loads: "All examples", then one link
 * per example in the order the course first uses them (examples no page embeds last).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { exampleUses, type CoursePageSource } from './embedded.ts';
import { listExampleNames, readExample } from './read-example.ts';

export interface SidebarLink {
	label: string;
	link: string;
}

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

export function exampleSidebarLinks(root: string, examplesDir = resolve(root, process.env['EXAMPLES_DIR'] ?? 'examples')): SidebarLink[] {
	const order = [...exampleUses(readCoursePages(root)).keys()];
	const position = (name: string) => (order.includes(name) ? order.indexOf(name) : Infinity);
	const names = listExampleNames(examplesDir).sort((a, b) => position(a) - position(b) || a.localeCompare(b));
	return [
		{ label: 'All examples', link: '/examples/' },
		...names.map((name) => ({ label: titleOf(examplesDir, name), link: `/examples/${name}/` })),
	];
}

/** The example's title; a broken folder gets its name here, and the examples loader then fails the build naming the problem. */
function titleOf(examplesDir: string, name: string): string {
	try {
		return readExample(examplesDir, name).frontMatter.title;
	} catch {
		return name;
	}
}
