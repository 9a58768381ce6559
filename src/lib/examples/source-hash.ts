import { createHash } from 'node:crypto';
import { languageInfo, type Language } from './languages.ts';
import type { ExampleFile } from './schema.ts';

/**
 * A SHA-256 over the paths and contents of the files one language's program is made of, in
 * path order: a recording made from other code has another hash.
 */
export function sourceHash(files: readonly ExampleFile[], language: Language): string {
	const hash = createHash('sha256');
	const owned = files.filter((file) => languageInfo[language].owns(file.path));
	for (const file of owned.sort((a, b) => (a.path < b.path ? -1 : 1))) {
		hash.update(`${file.path}\0${file.content.replace(/\r\n/g, '\n')}\0`);
	}
	return `sha256:${hash.digest('hex')}`;
}
