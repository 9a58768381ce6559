/** The rows of the instructors' table of addresses (src/components/LinkTable.astro). */
import { siteAddress } from './site-path.ts';
import type { AddressKind, SiteAddress } from './site-addresses.ts';

export interface LinkTableRow {
	kind: AddressKind;
	label: string;
	/** What the reader copies: the full address when the site's address is known, else the path from the site's root. */
	address: string;
}

/** `site` is Astro's `site` (SITE, src/site-settings.ts); `base` the base path. */
export function linkTableRows(addresses: SiteAddress[], base: string, site: URL | undefined): LinkTableRow[] {
	return addresses.map(({ kind, title, path }) => ({ kind, label: title, address: siteAddress(base, path, site) }));
}
