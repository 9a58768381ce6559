import { fileURLToPath } from 'node:url';
import type { AstroIntegration } from 'astro';

const STARLIGHT_TOC_SCRIPT = /\/@astrojs\/starlight\/dist\/components-internals\/TableOfContents\/starlight-toc\.js$/;
const LIGHT_TOC_SCRIPT = fileURLToPath(new URL('./starlight-toc.ts', import.meta.url));

/**
 * Swaps the script behind Starlight's "On this page" (desktop and mobile) for ./starlight-toc.ts,
 * which does the same job at a fraction of the cost on long pages. Starlight's markup and
 * styles stay as they are. Fails the build if Starlight no longer has the script, rather than
 * silently shipping the slow one.
 *
 * The contract with Starlight the replacement keeps (tests/lib/light-toc-contract.test.ts):
 * Starlight's TableOfContents.astro loads the script for its side effect, defining the
 * `starlight-toc` element; MobileTableOfContents.astro imports `StarlightTOC` from it, subclasses
 * it (`mobile-starlight-toc`, constructed with no arguments) and overrides the `current` setter,
 * calling `super.current = link` and then showing the link's text in its summary. So the class is
 * exported by that name, and it marks the section being read only by assigning `this.current`,
 * which is how the mobile version learns of it.
 */
export function lightTableOfContents(): AstroIntegration {
	return {
		name: 'netcourse:light-table-of-contents',
		hooks: {
			'astro:config:setup': ({ updateConfig }) => {
				let replaced = false;
				updateConfig({
					vite: {
						plugins: [
							{
								name: 'netcourse:light-table-of-contents',
								enforce: 'pre',
								async resolveId(source, importer, options) {
									if (!source.includes('starlight-toc')) return null;
									const resolved = await this.resolve(source, importer, { ...options, skipSelf: true });
									if (!resolved || !STARLIGHT_TOC_SCRIPT.test(resolved.id.replaceAll('\\', '/'))) return null;
									replaced = true;
									return LIGHT_TOC_SCRIPT;
								},
								buildEnd() {
									if (this.environment?.name === 'client' && !replaced) {
										this.error("Starlight's table-of-contents script (starlight-toc.js) was not found to replace: check src/lib/toc/");
									}
								},
							},
						],
					},
				});
			},
		},
	};
}
