import { readFile, writeFile } from 'node:fs/promises';
import { relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AstroIntegration } from 'astro';
import { builtFiles } from '../build/built-files.ts';
import { fillLinkTable, linkTableHtml, LINK_TABLE_PLACEHOLDER } from './link-table.ts';
import { readPage, siteAddresses } from './site-addresses.ts';

/**
 * After the build, fills the instructors' table with every page, section and example
 * address of the finished site (see site-addresses.ts).
 */
export function linkTable(): AstroIntegration {
	let base = '/';
	let site: string | undefined;
	return {
		name: 'netcourse:link-table',
		hooks: {
			'astro:config:done': ({ config }) => {
				base = config.base.replace(/\/?$/, '/');
				site = config.site;
			},
			'astro:build:done': async ({ dir, logger }) => {
				const root = fileURLToPath(dir);
				const pages = new Map<string, string>();
				for (const file of await builtFiles(dir, /^index\.html$/)) {
					const folder = relative(root, file).split(sep).slice(0, -1).join('/');
					pages.set(`${base}${folder ? `${folder}/` : ''}`, await readFile(file, 'utf8'));
				}
				const holders = [...pages].filter(([, html]) => html.includes(LINK_TABLE_PLACEHOLDER));
				if (holders.length === 0) return;
				const sidebarOrder = readPage(pages.get(base) ?? '').sidebarLinks;
				const addresses = siteAddresses(pages, sidebarOrder);
				const table = linkTableHtml(addresses, site);
				for (const [path] of holders) {
					const file = `${root}${path.slice(base.length)}index.html`;
					await writeFile(file, fillLinkTable(await readFile(file, 'utf8'), table, file));
				}
				logger.info(`listed ${addresses.length} addresses of ${pages.size} pages in the link table of ${holders.map(([path]) => path).join(', ')}`);
			},
		},
	};
}
