/**
 * Build settings that vary between deployments, read from the environment so the same
 * sources build for the site root (`npm run build`) and for a sub-path
 * (`BASE=/netcourse/ npm run build`).
 */
/** The site's name: the header, and the end of every page's `<title>`. */
export const SITE_TITLE = 'Network Programming';

export interface SiteSettings {
	/** URL path the site is served under: always starts and ends with `/`. */
	base: string;
	/** Folder the static site is written to. */
	outDir: string;
	/** Astro's cache (the content store); unset: Astro's own, node_modules/.astro. */
	cacheDir: string | undefined;
	/** Public origin, when known; enables canonical URLs and the sitemap. */
	site: string | undefined;
	/** Where the "Edit page" link points; the page's file path is appended. */
	editBaseUrl: string;
}

const DEFAULT_EDIT_BASE_URL = 'https://github.com/netcourse/network-programming/edit/main/';

export function normalizeBase(raw: string | undefined): string {
	const trimmed = (raw ?? '').trim();
	if (trimmed === '' || trimmed === '/') return '/';
	if (!/^\/?[\w\-./~]+\/?$/.test(trimmed) || trimmed.includes('//') || trimmed.includes('..')) {
		throw new Error(
			`BASE must be a URL path such as "/netcourse/" (letters, digits, "-", "_", "." and "/"), got ${JSON.stringify(raw)}.`
		);
	}
	return `/${trimmed.replace(/^\/+|\/+$/g, '')}/`;
}

export function siteSettings(env: Record<string, string | undefined>): SiteSettings {
	const site = env.SITE?.trim() || undefined;
	if (site !== undefined && !/^https?:\/\/[^/]+/.test(site)) {
		throw new Error(`SITE must be an absolute http(s) URL such as "https://example.edu", got ${JSON.stringify(site)}.`);
	}
	return {
		base: normalizeBase(env.BASE),
		outDir: env.OUT_DIR?.trim() || './dist',
		cacheDir: env.ASTRO_CACHE_DIR?.trim() || undefined,
		site,
		editBaseUrl: env.EDIT_BASE_URL?.trim() || DEFAULT_EDIT_BASE_URL,
	};
}

/**
 * Where the site's sources can be read, from the edit link's base: GitHub's (and GitLab's)
 * `…/edit/<branch>/` becomes `…/tree/<branch>/`, the repository's files on that branch. A base
 * of another form is returned as it is: it still leads to the sources.
 */
export function sourcesUrl(editBaseUrl: string): string {
	return editBaseUrl.replace(/\/edit\/([^/]+\/?)$/, '/tree/$1');
}
