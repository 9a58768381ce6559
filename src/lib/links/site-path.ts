/**
 * The address of a page or file of this site under its base path: `sitePath('/netcourse', 'examples/x/')`
 * is `/netcourse/examples/x/`. Components pass `import.meta.env.BASE_URL` (with or without its
 * trailing slash, depending on Astro's `trailingSlash`).
 */
export function sitePath(base: string, path: string): string {
	return `${base.replace(/\/?$/, '/')}${path.replace(/^\//, '')}`;
}
