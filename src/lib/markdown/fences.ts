/** A fence line: three or more backticks or tildes, opening or closing a code block. */
const FENCE = /^\s*(`{3,}|~{3,})/;

/**
 * Each line of Markdown, and whether it belongs to a fenced code block (its fence lines
 * included): a block closes only on a line that is nothing but a fence of the same kind, at
 * least as long as the one that opened it, as CommonMark says.
 */
export function linesAndFences(markdown: string): { line: string; inCode: boolean }[] {
	let fence: string | undefined;
	return markdown.split(/\r?\n/).map((line) => {
		const marker = FENCE.exec(line)?.[1];
		if (fence === undefined) {
			if (marker) fence = marker;
			return { line, inCode: marker !== undefined };
		}
		if (marker?.startsWith(fence) && line.trim() === marker) fence = undefined;
		return { line, inCode: true };
	});
}
