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

export interface CoursePageSource {
	/** Content id, such as `course/sockets`. */
	id: string;
	title: string;
	/** The page's sidebar order (pages without one come last, by id). */
	order: number | undefined;
	/** The MDX source. */
	body: string;
}

export interface ExampleUse {
	/** Site-root path of the page, such as `/course/sockets/`. */
	path: string;
	title: string;
}

/**
 * Where each example is embedded: example name → the course pages embedding it, in course
 * order; the map's own order is the order examples first appear in the course.
 */
export function exampleUses(pages: CoursePageSource[]): Map<string, ExampleUse[]> {
	const ordered = [...pages].sort((a, b) => (a.order ?? Infinity) - (b.order ?? Infinity) || a.id.localeCompare(b.id));
	const uses = new Map<string, ExampleUse[]>();
	for (const page of ordered) {
		for (const name of embeddedExamples(page.body)) {
			const list = uses.get(name) ?? [];
			uses.set(name, list);
			if (!list.some((use) => use.path === `/${page.id}/`)) list.push({ path: `/${page.id}/`, title: page.title });
		}
	}
	return uses;
}
