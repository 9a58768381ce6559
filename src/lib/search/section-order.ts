/**
 * Which sections of a page Pagefind's UI shows under the page's result, and in which order.
 * Used as Pagefind UI's `processResult`: it gets a page's result data and returns it with
 * `sub_results` (one per section of the page that matches, in page order) reordered.
 *
 * Pagefind's UI keeps at most {@link SECTIONS_SHOWN} sections, those with the most matching
 * words, whatever the words are: on the socket functions page, "accept" matched more often in
 * code and outputs than in the section headed "accept(): take the next connection", which was
 * never shown. Pagefind weighs each matching word by where it stands (body text 1, a heading
 * more: h3 5, h2 6), so here a section whose heading holds a searched word comes first, then
 * the sections with the most matches. The page's own entry (its text before the first heading,
 * whose address is the page's) stays first, where the UI looks for it.
 */

/** How many sections Pagefind's UI shows under a page (its `thin_sub_results`, limit 3). */
export const SECTIONS_SHOWN = 3;

/** The weight Pagefind gives a matching word in body text; a heading's words weigh more. */
const BODY_TEXT_WEIGHT = 1;

export interface WeightedLocation {
	weight: number;
	location: number;
}

export interface SubResult {
	url: string;
	weighted_locations: WeightedLocation[];
}

export interface ResultData {
	url: string;
	meta: { url?: string };
	sub_results?: SubResult[];
}

/** Whether one of the section's matching words stands in its heading. */
export function headingMatches(section: SubResult): boolean {
	return section.weighted_locations.some((location) => location.weight > BODY_TEXT_WEIGHT);
}

/** `data` with its sections ordered headings-first, then by number of matches, cut to what the UI shows. */
export function headingMatchesFirst<Data extends ResultData>(data: Data): Data {
	if (!data.sub_results) return data;
	const pageUrl = data.meta.url || data.url;
	const [first, ...rest] = data.sub_results;
	const pageEntry = first?.url === pageUrl ? [first] : [];
	const sections = pageEntry.length ? rest : data.sub_results;
	const ranked = sections
		.map((section, pageOrder) => ({ section, pageOrder }))
		.sort(
			(a, b) =>
				Number(headingMatches(b.section)) - Number(headingMatches(a.section)) ||
				b.section.weighted_locations.length - a.section.weighted_locations.length ||
				a.pageOrder - b.pageOrder
		)
		.slice(0, SECTIONS_SHOWN)
		.map(({ section }) => section);
	return { ...data, sub_results: [...pageEntry, ...ranked] };
}
