/**
 * Reads a code block as the `<Code>` component rendered it: `<div class="expressive-code">`
 * with, on a page's first block, Expressive Code's stylesheet links and script as its leading
 * children (the page assets). astro-expressive-code adds those in a hook that runs after every
 * configured plugin's (and `<Code>` returns only HTML), so they are found here with a parser.
 */
import { Parser } from 'htmlparser2';

export interface RenderedBlock {
	/** The block without its page assets. */
	block: string;
	/** Where in `block` the page assets were (right after the opening tag). */
	assetsAt: number;
	/** The `<link>` and `<script>` tags it carried, if it was a page's first block. */
	pageAssets: string | undefined;
	/** The token classes (`ect-…`) it uses, each once. */
	tokenClasses: string[];
}

const PAGE_ASSET_TAGS = new Set(['link', 'script']);

export function readRenderedBlock(html: string): RenderedBlock {
	let depth = 0;
	let assetsAt = -1;
	let assetsEnd = -1;
	let leading = true;
	const tokenClasses = new Set<string>();
	const parser: Parser = new Parser({
		onopentag(name, attributes) {
			depth++;
			if (depth === 1 && assetsAt === -1) assetsAt = assetsEnd = parser.endIndex + 1;
			else if (depth === 2 && !PAGE_ASSET_TAGS.has(name)) leading = false;
			for (const name of (attributes['class'] ?? '').split(' ')) if (name.startsWith('ect-')) tokenClasses.add(name);
		},
		onclosetag() {
			if (depth === 2 && leading) assetsEnd = parser.endIndex + 1;
			depth--;
		},
	});
	parser.end(html);
	if (assetsAt === -1) throw new Error(`not a rendered code block: ${html.slice(0, 80)}`);
	const pageAssets = assetsEnd > assetsAt ? html.slice(assetsAt, assetsEnd) : undefined;
	return { block: html.slice(0, assetsAt) + html.slice(assetsEnd), assetsAt, pageAssets, tokenClasses: [...tokenClasses] };
}
