import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { embeddedExamples } from '../../src/lib/examples/embedded.ts';
import { listExampleNames } from '../../src/lib/examples/read-example.ts';
import { readCoursePages } from './course-pages.ts';
import { projectRoot } from './builds.ts';

export const examplesDir = join(projectRoot, 'examples');

/** Every example: the folders of examples/, read as the site reads them (no `_recordings`, `_template` or dotfiles). */
export const exampleNames: string[] = listExampleNames(examplesDir);

/** Which examples each course page must embed: the `<Example name>` tags of its MDX source, as the site reads them. */
export const examplePages: Record<string, string[]> = Object.fromEntries(
	readCoursePages(projectRoot)
		.map((page): [string, string[]] => [`/${page.id}/`, [...new Set(embeddedExamples(page.body))]])
		.filter(([, names]) => names.length > 0)
);

/** Every file of an example folder (dotfiles and __pycache__ skipped), path → content, as on disk. */
export function exampleFiles(name: string): Record<string, string> {
	const dir = join(examplesDir, name);
	const files: Record<string, string> = {};
	for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
		if (!entry.isFile()) continue;
		const path = relative(dir, join(entry.parentPath, entry.name)).split(sep).join('/');
		if (!path.split('/').some((part) => part.startsWith('.') || part === '__pycache__')) {
			files[path] = readFileSync(join(dir, path), 'utf8');
		}
	}
	return files;
}
