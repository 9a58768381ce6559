import { createHash } from 'node:crypto';
import type { ExampleFile } from './schema.ts';

/** Which files a recorded run depends on: a change to any of them makes the recording stale. */
export type RunLanguage = 'node';

const affectsRun: Record<RunLanguage, (path: string) => boolean> = {
	// The README is prose; python/ is the Python twin, recorded separately.
	node: (path) => path !== 'README.md' && !path.startsWith('python/'),
};

/** A SHA-256 over the paths and contents of the files a run depends on, in path order. */
export function sourceHash(files: readonly ExampleFile[], language: RunLanguage): string {
	const hash = createHash('sha256');
	for (const file of [...files].filter((f) => affectsRun[language](f.path)).sort((a, b) => (a.path < b.path ? -1 : 1))) {
		hash.update(`${file.path}\0${file.content.replace(/\r\n/g, '\n')}\0`);
	}
	return `sha256:${hash.digest('hex')}`;
}
