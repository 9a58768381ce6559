import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pagePolicy, sitePolicy, type PagePolicyInput } from './content-security-policy.ts';
import { findInlineSources } from './inline-sources.ts';
import { nginxHeaders } from './nginx-headers.ts';

const CHARSET_META = /<meta charset="utf-8"\s*\/?>/i;
/** Pages with a "Run in sandbox" button contain this element (src/lib/sandbox/embed.ts). */
const SANDBOX_ELEMENT = '<example-sandbox';

/**
 * Each page gets a `<meta http-equiv="content-security-policy">` made for it (hashes of exactly
 * its own inline code), and the site gets `_headers` (and `nginx-headers.conf`) with one policy
 * for the whole site for hosts that read it (Netlify, Cloudflare Pages). Run on the finished
 * pages (src/lib/build/finish-built-site-integration.ts): the hashes can only be known once Starlight and
 * Expressive Code have written the final HTML. Astro's own `security.csp` cannot serve: it does
 * not hash `is:inline` scripts nor Expressive Code's `style` attributes.
 */
export function withPagePolicy(html: string, fileName: string): { html: string; input: PagePolicyInput } {
	const input: PagePolicyInput = { inline: findInlineSources(html), embedsSandbox: html.includes(SANDBOX_ELEMENT) };
	return { html: withPolicyMeta(html, pagePolicy(input), fileName), input };
}

/** Writes the site-wide policy of these pages as `_headers` and `nginx-headers.conf` into `root`. */
export async function writeSitePolicy(root: string, pages: PagePolicyInput[]): Promise<void> {
	const policy = sitePolicy(pages);
	await writeFile(join(root, '_headers'), headersFile(policy));
	await writeFile(join(root, 'nginx-headers.conf'), nginxHeaders(policy));
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
