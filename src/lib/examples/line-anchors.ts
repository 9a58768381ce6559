/**
 * Stable ids for single lines of an example file shown on a page, so a link can point at
 * the line where something happens: `#example-tcp-echo-python-server-py-L42`. A code block
 * rendered with the `lineAnchorPrefix` prop gets them from `lineAnchorsPlugin` as Expressive
 * Code renders it.
 */
import type { ExpressiveCodePlugin } from '@astrojs/starlight/expressive-code';

declare module '@expressive-code/core' {
	interface ExpressiveCodeBlockProps {
		/** Line n of the block gets the id `<lineAnchorPrefix>-L<n>`; without it, lines get no ids. */
		lineAnchorPrefix?: string;
	}
}

export function lineAnchorPrefix(example: string, path: string): string {
	return `example-${example}-${path.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`;
}

export function lineAnchor(example: string, path: string, line: number): string {
	return `${lineAnchorPrefix(example, path)}-L${line}`;
}

/** Gives line n (1-based) of a block with a `lineAnchorPrefix` prop the id `<prefix>-L<n>`. */
export function lineAnchorsPlugin(): ExpressiveCodePlugin {
	return {
		name: 'netcourse:line-anchors',
		hooks: {
			postprocessRenderedLine: ({ codeBlock, lineIndex, renderData }) => {
				const prefix = codeBlock.props.lineAnchorPrefix;
				if (prefix === undefined) return;
				// The id first, as before this was a hook: the same markup byte for byte.
				renderData.lineAst.properties = { id: `${prefix}-L${lineIndex + 1}`, ...renderData.lineAst.properties };
			},
		},
	};
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
