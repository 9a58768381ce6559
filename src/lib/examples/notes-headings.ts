/**
 * An example's README notes (protocol, "Run it", "Try this") are shown inside the example's
 * block, under its title. Their headings, rendered from the README as written (`##` as h2),
 * are moved once, here, to sit below that title: for a title of level `level`, `##` becomes
 * h(level + 1) and deeper headings follow, none deeper than h6.
 */
export function notesHeadingsUnder(level: number, html: string): string {
	const shift = level - 1;
	return html.replace(/<(\/?)h([1-6])\b/g, (_, slash: string, n: string) => `<${slash}h${Math.min(6, Math.max(2, Number(n) + shift))}`);
}
