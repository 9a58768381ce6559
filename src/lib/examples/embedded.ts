/**
 * The examples a page embeds, in the order they appear: the `name` of every
 * `<Example name="…" />` in the page's MDX source (MDX comments `{/* … *\/}` skipped).
 */
export function embeddedExamples(mdx: string): string[] {
	const source = mdx.replace(/\{\/\*[\s\S]*?\*\/\}/g, '');
	return [...source.matchAll(/<Example\s[^>]*?\bname=(?:"([^"]*)"|'([^']*)'|\{\s*["'`]([^"'`]*)["'`]\s*\})/g)].map(
		(match) => (match[1] ?? match[2] ?? match[3])!
	);
}
