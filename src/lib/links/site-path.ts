/**
 * The address of a page or file of this site under its base path: `sitePath('/netcourse', 'examples/x/')`
 * is `/netcourse/examples/x/`. Components pass `import.meta.env.BASE_URL` (with or without its
 * trailing slash, depending on Astro's `trailingSlash`).
 */
export function sitePath(base: string, path: string): string {
	return `${base.replace(/\/?$/, '/')}${path.replace(/^\//, '')}`;
}

/**
 * The address a reader copies or prints: the full address when the site's address is known
 * (Astro's `site`, from SITE), otherwise the path from the site's root (with the base).
 */
export function siteAddress(base: string, path: string, site: URL | undefined): string {
	const pathWithBase = sitePath(base, path);
	return site ? new URL(pathWithBase, site).href : pathWithBase;
}
