import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Absolute paths of the files in a finished build (Astro's `dir` URL) whose names match. */
export async function builtFiles(dir: URL, name: RegExp): Promise<string[]> {
	const entries = await readdir(fileURLToPath(dir), { recursive: true, withFileTypes: true });
	return entries.filter((e) => e.isFile() && name.test(e.name)).map((e) => join(e.parentPath, e.name));
}
