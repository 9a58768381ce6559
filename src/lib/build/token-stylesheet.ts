/**
 * The stylesheet for the token classes of token-classes.ts: one rule per token style with its
 * variables, plus a copy of each of Expressive Code's colouring rules (inside the same @media
 * and @layer blocks) with its token selector swapped for the class selector. Written after the
 * build, as only then has every page's code been rendered (no hook sees the whole site).
 */
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import postcss, { type ChildNode, type Container } from 'postcss';
import { builtFiles } from './built-files.ts';
import { TOKEN_STYLESHEET, tokenClassName } from './token-classes.ts';

/** Expressive Code's own rules colour tokens with this selector; ours use the class instead. */
const EC_TOKEN_SELECTOR = "span[style^='--']:not([class])";
const TOKEN_CLASS_SELECTOR = "span[class^='ect-']";

export function tokenStylesheet(expressiveCodeCss: string, styles: Iterable<string>): string {
	const source = postcss.parse(expressiveCodeCss);
	const out = postcss.root();
	source.walkRules((rule) => {
		if (!rule.selector.includes(EC_TOKEN_SELECTOR)) return;
		const copy = rule.clone({ selector: rule.selector.replaceAll(EC_TOKEN_SELECTOR, TOKEN_CLASS_SELECTOR) });
		let node: ChildNode = copy;
		for (let parent = rule.parent; parent && parent.type !== 'root'; parent = parent.parent) {
			const wrapper = (parent as Container & ChildNode).clone({ nodes: [] });
			wrapper.append(node);
			node = wrapper;
		}
		out.append(node);
	});
	if (out.nodes.length === 0) {
		throw new Error(`Expressive Code's stylesheet has no rule for "${EC_TOKEN_SELECTOR}": its token markup changed, see src/lib/build/token-stylesheet.ts`);
	}
	const tokenRules = [...styles].sort().map((style) => `.${tokenClassName(style)}{${style}}`);
	return `${out.toString()}\n${tokenRules.join('\n')}\n`;
}

/** Writes the token stylesheet beside Expressive Code's in a finished build; returns how many styles it defines. */
export async function writeTokenStylesheet(dir: URL, styles: Iterable<string>): Promise<number> {
	const ecStylesheets = await builtFiles(dir, /^ec\.[\w-]+\.css$/);
	if (ecStylesheets.length === 0) return 0;
	if (ecStylesheets.length > 1) throw new Error(`the build has ${ecStylesheets.length} Expressive Code stylesheets (${ecStylesheets.join(', ')}), not one to derive the token classes from`);
	const ecStylesheet = ecStylesheets[0]!;
	const sorted = [...styles];
	await writeFile(join(dirname(ecStylesheet), TOKEN_STYLESHEET), tokenStylesheet(await readFile(ecStylesheet, 'utf8'), sorted));
	return sorted.length;
}
