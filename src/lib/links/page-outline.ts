/**
 * The outline of a course page for the instructors' table of addresses: its headings (as Astro
 * reports them after rendering, with their anchors) and the examples it embeds, in the order
 * they appear. Astro's headings say nothing of where an `<Example>` sits between them, so the
 * MDX source is read for that: its Markdown headings, outside code blocks and MDX comments,
 * are matched one to one with Astro's, and each example is placed after the heading it follows.
 */
import { embeddedExamples } from '../examples/embedded.ts';
import { linesAndFences } from '../markdown/fences.ts';

export interface Heading {
	depth: number;
	slug: string;
	text: string;
}

/** A section, or an example block (`#example-<name>`), with its heading when not the example's title. */
export type OutlineItem =
	| ({ kind: 'section' } & Heading)
	| { kind: 'example'; name: string; heading?: string }
	/** An exercise's section of an example's page (its `text` is "Exercise: <title>"). */
	| ({ kind: 'exercise' } & Heading);

const FRONT_MATTER = /^---\r?\n[\s\S]*?\r?\n---(?:\r?\n|$)/;
const MDX_COMMENT = /\{\/\*[\s\S]*?\*\/\}/g;
const ATX_HEADING = /^ {0,3}(#{1,6})(?:\s|$)/;

/**
 * `headings` are Astro's for the page (`render(entry).headings`); `file` names the page in errors.
 * Throws if the source's headings do not match Astro's (a heading form this reader misses).
 */
export function pageOutline(mdx: string, headings: Heading[], file: string): OutlineItem[] {
	const outline: OutlineItem[] = [];
	let chunk: string[] = [];
	let found = 0;
	const flush = () => {
		for (const name of embeddedExamples(chunk.join('\n'))) outline.push({ kind: 'example', name });
		chunk = [];
	};
	for (const line of proseLines(mdx)) {
		const depth = ATX_HEADING.exec(line)?.[1]?.length;
		if (depth === undefined) {
			chunk.push(line);
			continue;
		}
		flush();
		const heading = headings[found++];
		if (heading?.depth !== depth) throw mismatch(file, found, headings.length, `"${line.trim()}"`);
		outline.push({ kind: 'section', ...heading });
	}
	flush();
	if (found !== headings.length) throw mismatch(file, found, headings.length, 'the end of the file');
	return outline;
}

function mismatch(file: string, found: number, expected: number, where: string): Error {
	return new Error(`${file}: the page's headings as read from its source (${found} up to ${where}) do not match Astro's ${expected}; check src/lib/links/page-outline.ts`);
}

/** The lines of `mdx` outside front matter, fenced code blocks and MDX comments. */
function proseLines(mdx: string): string[] {
	return linesAndFences(mdx.replace(FRONT_MATTER, '').replace(MDX_COMMENT, ''))
		.filter(({ inCode }) => !inCode)
		.map(({ line }) => line);
}
