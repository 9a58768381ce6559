import { readFile, writeFile } from 'node:fs/promises';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AstroIntegration } from 'astro';
import { withPagePolicy, writeSitePolicy } from '../security/page-policies.ts';
import type { PagePolicyInput } from '../security/content-security-policy.ts';
import { builtFiles } from './built-files.ts';
import { COMPRESSIBLE, compressBeside } from './precompress.ts';
import { renderedTokenStyles } from './token-classes.ts';

/**
 * A token class in a finished page. Read back from the page, not a hook: an example README's
 * code is rendered once and kept in Astro's content store, so a later build's plugin never sees it.
 */
const TOKEN_CLASS = /class="(ect-[0-9a-f]{8})"/g;
import { writeTokenStylesheet } from './token-stylesheet.ts';

/**
 * What only the finished site allows, after everything else wrote its files: the stylesheet of
 * every code token style the pages use (token-stylesheet.ts), then one pass over the files that
 * reads each once, gives each page its Content-Security-Policy (page-policies.ts) and writes
 * its compressed copies (precompress.ts), then the site-wide policy files.
 */
export function finishBuiltSite(): AstroIntegration {
	return {
		name: 'netcourse:finish-built-site',
		hooks: {
			'astro:build:done': async ({ dir, logger }) => {
				const root = fileURLToPath(dir);
				const tokenStyles = await writeTokenStylesheet(dir, renderedTokenStyles().values());
				const pages: PagePolicyInput[] = [];
				let raw = 0;
				let compressed = 0;
				const files = await builtFiles(dir, COMPRESSIBLE);
				await Promise.all(
					files.map(async (file) => {
						let content = await readFile(file);
						if (file.endsWith('.html')) {
							const html = content.toString('utf8');
							for (const [, name] of html.matchAll(TOKEN_CLASS)) {
								if (!renderedTokenStyles().has(name!)) {
									throw new Error(`${relative(root, file)}: its code has the token class ${name}, which no code this build rendered stands for (kept from an earlier build?): delete node_modules/.astro and build again, see src/lib/build/finish-built-site-integration.ts`);
								}
							}
							const page = withPagePolicy(html, relative(root, file));
							content = Buffer.from(page.html, 'utf8');
							await writeFile(file, content);
							pages.push(page.input);
						}
						const size = await compressBeside(file, content);
						if (size === undefined) return;
						raw += content.length;
						compressed += size;
					})
				);
				await writeSitePolicy(root, pages);
				logger.info(`${tokenStyles} code token styles in their stylesheet; a Content-Security-Policy on ${pages.length} pages, _headers and nginx-headers.conf`);
				logger.info(`compressed ${files.length} files: ${kB(raw)} kB → ${kB(compressed)} kB with brotli (.br and .gz beside each)`);
			},
		},
	};
}

const kB = (bytes: number) => Math.round(bytes / 1024);
