/**
 * Stable ids for single lines of an example file shown on a page, so a link can point at
 * the line where something happens: `#example-tcp-echo-python-server-py-L42`.
 */
export function lineAnchorPrefix(example: string, path: string): string {
	return `example-${example}-${path.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`;
}

export function lineAnchor(example: string, path: string, line: number): string {
	return `${lineAnchorPrefix(example, path)}-L${line}`;
}

/** Gives the n-th rendered Expressive Code line (`<div class="ec-line"`) the id `<prefix>-L<n>`. */
export function addLineIds(html: string, prefix: string): string {
	let line = 0;
	return html.replace(/<div class="ec-line"/g, () => `<div id="${prefix}-L${++line}" class="ec-line"`);
}

/**
 * The 1-based number of the first line of `source` that matches `pattern` and is not a
 * comment, so links follow the code when it changes. Throws if there is none: a link to a
 * line that no longer exists must fail the build, not point somewhere else.
 */
export function findLine(source: string, pattern: RegExp, where: string): number {
	const lines = source.split('\n');
	const index = lines.findIndex((line) => {
		const code = line.trim();
		return !/^(\/\/|\*|\/\*|#|"""|''')/.test(code) && pattern.test(line);
	});
	if (index === -1) throw new Error(`${where}: no line of code matches ${pattern}`);
	return index + 1;
}
