import { readdirSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root, with a trailing separator. */
export const projectRoot = fileURLToPath(new URL('../../', import.meta.url));

/**
 * The two builds `npm test` makes: at the site root and under a sub-path. NETCOURSE_DIST and
 * NETCOURSE_DIST_SUBPATH point the tests at builds elsewhere (e.g. made with OUT_DIR=…).
 */
export const builds = {
	root: { dir: process.env['NETCOURSE_DIST'] || join(projectRoot, 'dist'), base: '/' },
	subpath: { dir: process.env['NETCOURSE_DIST_SUBPATH'] || join(projectRoot, 'dist-subpath'), base: '/netcourse/' },
} as const;

export type BuildName = keyof typeof builds;

const urlVariable = (name: BuildName) => `NETCOURSE_${name.toUpperCase()}_URL`;

export function setSiteUrl(name: BuildName, url: string): void {
	process.env[urlVariable(name)] = url;
}

/** Absolute URL of `path` (site-root form, e.g. `/course/sockets/`) on the served build. */
export function siteUrl(path: string, name: BuildName = 'root'): string {
	const home = process.env[urlVariable(name)];
	if (!home) throw new Error(`${urlVariable(name)} is not set: run the browser tests through "npm test".`);
	return new URL(path.replace(/^\//, ''), home).href;
}

/** Every page of a build, as site-root paths (`/`, `/course/sockets/`), from its HTML files. */
export function builtPages(name: BuildName = 'root'): string[] {
	const { dir } = builds[name];
	const pages: string[] = [];
	const walk = (folder: string) => {
		for (const entry of readdirSync(folder, { withFileTypes: true })) {
			const path = join(folder, entry.name);
			if (entry.isDirectory() && !['_astro', 'pagefind'].includes(entry.name)) walk(path);
			else if (entry.name === 'index.html') pages.push(`/${relative(dir, folder).split(sep).join('/')}/`.replace(/\/+/g, '/'));
		}
	};
	walk(dir);
	return pages.sort();
}
