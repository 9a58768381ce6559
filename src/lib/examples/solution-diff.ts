/**
 * An exercise's solution as a reader sees it: for each file the student changes, a unified
 * diff against the file as the example ships it (three lines of context, `@@` hunk headers),
 * without the `---`/`+++` header, as the file's name is shown beside it.
 */
import { structuredPatch } from 'diff';

export interface SolutionDiff {
	path: string;
	/** The hunks, lines starting with " ", "-" or "+", each hunk after its "@@ -a,b +c,d @@" line. */
	diff: string;
}

export function solutionDiff(path: string, original: string, solution: string): SolutionDiff {
	const { hunks } = structuredPatch(path, path, original, solution, '', '', { context: 3 });
	const diff = hunks
		.flatMap((hunk) => [`@@ -${hunk.oldStart},${hunk.oldLines} +${hunk.newStart},${hunk.newLines} @@`, ...hunk.lines.filter((line) => !line.startsWith('\\'))])
		.join('\n');
	return { path, diff };
}
