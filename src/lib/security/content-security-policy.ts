import { cspHash, type InlineSources } from './inline-sources.ts';

/** Where "Run in sandbox" posts the example and whose page then fills the frame. */
export const STACKBLITZ_ORIGIN = 'https://stackblitz.com';

/**
 * The inline code `@stackblitz/sdk` 1.11 adds on the click: the frame's `style` attribute
 * (`setFrameDimensions`), and in the about:blank frame, which inherits the page's policy, a
 * hidden form and the script that submits it (`createProjectFrameHTML`). All are allowed by
 * hash; tests/lib/security.test.ts checks that the installed SDK still writes exactly these.
 */
export const SANDBOX_FRAME_SCRIPT = "document.getElementById('sb_run').submit();";
export const SANDBOX_STYLES = ['width:100%;', 'display:none!important;'];

export interface PagePolicyInput {
	inline: InlineSources;
	/** The page has a "Run in sandbox" button (it may frame StackBlitz and post to it). */
	embedsSandbox: boolean;
}

/**
 * The Content-Security-Policy of one built page: nothing but the site itself, its own inline
 * code by hash, and StackBlitz as a frame and form target on pages that embed a sandbox.
 */
export function pagePolicy({ inline, embedsSandbox }: PagePolicyInput): string {
	const scripts = [...inline.scripts, ...(embedsSandbox ? [SANDBOX_FRAME_SCRIPT] : [])];
	const styles = [...inline.styles, ...inline.styleAttributes, ...(embedsSandbox ? SANDBOX_STYLES : [])];
	return serialize({
		'default-src': ["'none'"],
		// 'wasm-unsafe-eval': Pagefind's search runs as WebAssembly (in a worker from 'self').
		'script-src': ["'self'", "'wasm-unsafe-eval'", ...hashes(scripts)],
		// 'unsafe-hashes' lets the listed hashes match style="" attributes (Expressive Code's
		// token colours); it allows no other attribute and no event handler.
		'style-src': ["'self'", ...(styles.length > 0 ? ["'unsafe-hashes'", ...hashes(styles)] : [])],
		// data: for the SVG icons inside Starlight's and Pagefind's CSS.
		'img-src': ["'self'", 'data:'],
		'font-src': ["'self'"],
		'connect-src': ["'self'"],
		'worker-src': ["'self'"],
		'frame-src': embedsSandbox ? [STACKBLITZ_ORIGIN] : ["'none'"],
		'form-action': embedsSandbox ? [STACKBLITZ_ORIGIN] : ["'none'"],
		'base-uri': ["'self'"],
	});
}

/**
 * One policy for a whole site, for hosts that send headers: the union of every page's
 * sources. A page's own `<meta>` policy still narrows it further in the browser.
 */
export function sitePolicy(pages: PagePolicyInput[]): string {
	const merged: PagePolicyInput = {
		inline: {
			scripts: pages.flatMap((p) => p.inline.scripts),
			styles: pages.flatMap((p) => p.inline.styles),
			styleAttributes: pages.flatMap((p) => p.inline.styleAttributes),
		},
		embedsSandbox: pages.some((p) => p.embedsSandbox),
	};
	return pagePolicy(merged);
}

function hashes(texts: string[]): string[] {
	return [...new Set(texts.map(cspHash))].sort();
}

function serialize(directives: Record<string, string[]>): string {
	return Object.entries(directives)
		.map(([name, sources]) => `${name} ${sources.join(' ')}`)
		.join('; ');
}
