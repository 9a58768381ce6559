/** The instructors' table of addresses, as HTML, for the placeholder LinkTable.astro leaves. */
import type { SiteAddress } from './site-addresses.ts';

/** What src/components/LinkTable.astro renders, for the build to fill in. */
export const LINK_TABLE_PLACEHOLDER = 'data-link-table-placeholder';
const PLACEHOLDER_ELEMENT = /<p data-link-table-placeholder[^>]*>[\s\S]*?<\/p>/;

const escapeHtml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** `origin` (from the `site` option) makes full addresses; without it they start at the base. */
export function linkTableHtml(addresses: SiteAddress[], origin: string | undefined): string {
	const rows = addresses.map(({ kind, title, path }) => {
		const address = origin ? new URL(path, origin).href : path;
		const label = kind === 'example' && !title.startsWith('Example') ? `Example: ${title}` : title;
		const head = kind === 'page' ? `<th scope="row">${escapeHtml(label)}</th>` : `<td>${escapeHtml(label)}</td>`;
		return (
			`<tr class="link-${kind}">${head}` +
			`<td><code>${escapeHtml(address)}</code> ` +
			`<button type="button" class="copy-address" data-address="${escapeHtml(address)}" hidden>Copy<span class="sr-only"> the address of ${escapeHtml(label)}</span></button></td></tr>`
		);
	});
	const pages = addresses.filter((address) => address.kind === 'page').length;
	return (
		`<table class="link-table" data-pagefind-ignore><caption>${addresses.length} addresses: ${pages} pages with their sections and examples</caption>` +
		`<thead><tr><th scope="col">Page, section or example</th><th scope="col">Address</th></tr></thead>` +
		`<tbody>${rows.join('')}</tbody></table>`
	);
}

/** `html` with the placeholder replaced by the table; throws if the page has no placeholder. */
export function fillLinkTable(html: string, table: string, fileName: string): string {
	if (!PLACEHOLDER_ELEMENT.test(html)) throw new Error(`${fileName}: no link table placeholder (${LINK_TABLE_PLACEHOLDER}) to fill`);
	return html.replace(PLACEHOLDER_ELEMENT, () => table);
}
