/**
 * src/lib/toc/starlight-toc.ts stands in for Starlight's "On this page" script, which Starlight's
 * mobile version subclasses (see the contract in src/lib/toc/light-toc-integration.ts). Checked
 * from both sides: what Starlight's components use of the script is exactly what the contract
 * names (so a Starlight update that uses more fails here), and the replacement provides it: the
 * exported class, the element it defines, and marking the current section through the
 * `current` setter a subclass overrides.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { test } from 'node:test';

const require = createRequire(import.meta.url);
const starlightComponent = (name: string) => readFileSync(require.resolve(`@astrojs/starlight/components/${name}`), 'utf8');
const SCRIPT = '../components-internals/TableOfContents/starlight-toc';

test("Starlight's components use of the script only what the contract names", () => {
	assert.ok(starlightComponent('TableOfContents.astro').includes(`<script src="${SCRIPT}"></script>`), 'the desktop one loads the script for its side effect');
	const mobile = starlightComponent('MobileTableOfContents.astro');
	const imports = [...mobile.matchAll(/import\s+(\{[^}]*\}|\w+)\s+from\s+'([^']*starlight-toc[^']*)'/g)].map(([, names, from]) => `${names} from ${from}`);
	assert.deepEqual(imports, [`{ StarlightTOC } from ${SCRIPT}`], 'the mobile one imports StarlightTOC and nothing else');
	assert.match(mobile, /class MobileStarlightTOC extends StarlightTOC \{/);
	assert.match(mobile, /override set current\(link: HTMLAnchorElement\) \{\s*super\.current = link;/, 'it overrides the current setter and calls it');
	const superUses = [...mobile.matchAll(/\bsuper\b(\.\w+|\()/g)].map(([, use]) => use);
	assert.deepEqual(superUses.sort(), ['(', '.current'], 'of its superclass it uses the constructor (no arguments) and the current setter');
	assert.match(mobile, /\bsuper\(\);/);
	assert.doesNotMatch(mobile.replace(/super\.current/g, ''), /\bthis\.(?:_current|minH|maxH|tocHeadingSelector|onIdle|init|getRootMargin)\b/, 'and no other member of it');
});

test('the replacement defines starlight-toc and marks the current section through the current setter', async () => {
	const defined = new Map<string, unknown>();
	const link = (hash: string) => {
		const attributes = new Map<string, string>();
		return { hash, attributes, textContent: hash, setAttribute: (k: string, v: string) => void attributes.set(k, v), removeAttribute: (k: string) => void attributes.delete(k) };
	};
	const links = [link('#_top'), link('#first')];
	Object.assign(globalThis, {
		HTMLElement: class {
			querySelector(): null {
				return null;
			}
			querySelectorAll() {
				return links;
			}
		},
		customElements: { define: (name: string, element: unknown) => void defined.set(name, element) },
		window: { requestIdleCallback: () => 0 }, // init() is called by the test
		document: {
			querySelector: () => null,
			getElementById: (id: string) => ({ id, getBoundingClientRect: () => ({ top: id === '_top' ? -500 : 0 }) }),
		},
		addEventListener: () => {},
		requestAnimationFrame: (callback: () => void) => callback(),
	});
	const { StarlightTOC } = await import('../../src/lib/toc/starlight-toc.ts');
	assert.equal(defined.get('starlight-toc'), StarlightTOC, 'the module defines the starlight-toc element as the exported class');

	// As Starlight's MobileStarlightTOC does.
	const shown: string[] = [];
	class Mobile extends StarlightTOC {
		override set current(link: HTMLAnchorElement) {
			super.current = link;
			shown.push(link.textContent ?? '');
		}
	}
	const mobile = new Mobile();
	mobile.init();
	assert.deepEqual(shown, ['#first'], 'the section reached is marked through the subclass');
	assert.equal(links[1]!.attributes.get('aria-current'), 'true');
	assert.equal(links[0]!.attributes.has('aria-current'), false);
});
