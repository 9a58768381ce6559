import { readFile, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AstroIntegration } from 'astro';
import { builtFiles } from '../build/built-files.ts';
import { pagePolicy, sitePolicy, type PagePolicyInput } from './content-security-policy.ts';
import { findInlineSources } from './inline-sources.ts';
import { nginxHeaders } from './nginx-headers.ts';

const CHARSET_META = /<meta charset="utf-8"\s*\/?>/i;
/** Pages with a "Run in sandbox" button contain this element (src/lib/sandbox/embed.ts). */
const SANDBOX_ELEMENT = '<example-sandbox';

/**
 * After the build, gives every page a `<meta http-equiv="content-security-policy">` made for
 * it (hashes of exactly its own inline code), and writes `_headers` (and `nginx-headers.conf`) with one policy for the
 * whole site for hosts that read it (Netlify, Cloudflare Pages). The hashes can only be
 * known once Starlight and Expressive Code have written the final HTML, hence after the build.
 */
export function contentSecurityPolicy(): AstroIntegration {
	return {
		name: 'netcourse:content-security-policy',
		hooks: {
			'astro:build:done': async ({ dir, logger }) => {
				const root = fileURLToPath(dir);
				const pages: PagePolicyInput[] = [];
				for (const file of await builtFiles(dir, /\.html$/)) {
					const html = await readFile(file, 'utf8');
					const input: PagePolicyInput = { inline: findInlineSources(html), embedsSandbox: html.includes(SANDBOX_ELEMENT) };
					await writeFile(file, withPolicyMeta(html, pagePolicy(input), relative(root, file)));
					pages.push(input);
				}
				const policy = sitePolicy(pages);
				await writeFile(join(root, '_headers'), headersFile(policy));
				await writeFile(join(root, 'nginx-headers.conf'), nginxHeaders(policy));
				logger.info(`added a Content-Security-Policy to ${pages.length} pages and wrote _headers and nginx-headers.conf`);
			},
		},
	};
}

/** Puts the policy right after `<meta charset>`, so it governs every script and style that follows. */
export function withPolicyMeta(html: string, policy: string, fileName: string): string {
	const charset = CHARSET_META.exec(html);
	if (!charset) throw new Error(`${fileName}: no <meta charset="utf-8"> to put the Content-Security-Policy after`);
	const end = charset.index + charset[0].length;
	const meta = `<meta http-equiv="content-security-policy" content="${policy.replaceAll('"', '&quot;')}">`;
	return html.slice(0, end) + meta + html.slice(end);
}

function headersFile(policy: string): string {
	return ['/*', `  Content-Security-Policy: ${policy}`, '  X-Content-Type-Options: nosniff', ''].join('\n');
}
