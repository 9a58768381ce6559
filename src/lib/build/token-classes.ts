import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AstroIntegration } from 'astro';
import postcss, { type ChildNode, type Container } from 'postcss';
import { builtFiles } from './built-files.ts';

/**
 * An Expressive Code token: `<span style="--0:#D6DEEB;--1:#403F53">` (the colours in the dark
 * and light theme, sometimes also --0fs/--1fw… for italic or bold). Nothing else is touched.
 */
const TOKEN_SPAN = /<span style="((?:--\d+[a-z]*:[^;"<>]+;?)+)">/g;
/** Expressive Code's own rules colour tokens with this selector; ours use the class instead. */
const EC_TOKEN_SELECTOR = "span[style^='--']:not([class])";
const TOKEN_CLASS_SELECTOR = "span[class^='ect-']";
const EC_STYLESHEET_LINK = /<link rel="stylesheet" href="([^"]*\/_astro\/)(ec\.[\w-]+\.css)">/;

const plainTokenSpan = (style: string) =>
	new RegExp(`<span style="${style.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}">([^<]*)</span>`, 'gi');

/** The class that stands for one token style: the same style always gets the same name. */
export function tokenClassName(style: string): string {
	return `ect-${createHash('sha256').update(style).digest('hex').slice(0, 8)}`;
}

/**
 * The token style that only repeats the code's own colours (`--ec-codeFg` of each theme, in
 * the themes' order, as Expressive Code numbers them `--0`, `--1`): `--0:#D6DEEB;--1:#403F53`.
 */
export function plainTokenStyle(expressiveCodeCss: string): string {
	const colours: string[] = [];
	postcss.parse(expressiveCodeCss).walkDecls('--ec-codeFg', (decl) => {
		const colour = decl.value.trim().toUpperCase();
		if (!colours.includes(colour)) colours.push(colour);
	});
	if (colours.length !== 2) {
		throw new Error(`Expressive Code's stylesheet sets --ec-codeFg to ${colours.length} colours, not one per theme (2): see src/lib/build/token-classes.ts`);
	}
	return colours.map((colour, theme) => `--${theme}:${colour}`).join(';');
}

/**
 * Replaces each token's style attribute with its class; returns the page and the styles it used.
 * A token in the code's own colours (`plainStyle`) loses its span: it looks the same, and a
 * quarter fewer elements make a long listing quicker to lay out.
 */
export function replaceTokenStyles(html: string, plainStyle?: string): { html: string; styles: Set<string> } {
	const styles = new Set<string>();
	const unwrapped = plainStyle === undefined ? html : html.replace(plainTokenSpan(plainStyle), '$1');
	const replaced = unwrapped.replace(TOKEN_SPAN, (_, style: string) => {
		styles.add(style);
		return `<span class="${tokenClassName(style)}">`;
	});
	return { html: replaced, styles };
}

/**
 * The stylesheet that makes classed tokens look exactly as styled ones did: one rule per token
 * style with its variables, plus a copy of each of Expressive Code's colouring rules (inside the
 * same @media and @layer blocks) with its token selector swapped for the class selector.
 */
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
		throw new Error(`Expressive Code's stylesheet has no rule for "${EC_TOKEN_SELECTOR}": its token markup changed, see src/lib/build/token-classes.ts`);
	}
	const tokenRules = [...styles].sort().map((style) => `.${tokenClassName(style)}{${style}}`);
	return `${out.toString()}\n${tokenRules.join('\n')}\n`;
}

/**
 * After the build, moves the colours of every highlighted code token from a `style` attribute
 * to a class in one shared stylesheet. A course page has over ten thousand tokens; as inline
 * styles each needed its own style computation (no sharing between equal elements), which
 * made the page take seconds of main thread on a phone. It also keeps those styles out of the
 * Content-Security-Policy. Must run before the policy hashes the pages.
 */
export function tokenClasses(): AstroIntegration {
	return {
		name: 'netcourse:token-classes',
		hooks: {
			'astro:build:done': async ({ dir, logger }) => {
				const root = fileURLToPath(dir);
				const pages = await builtFiles(dir, /\.html$/);
				const rewritten: { file: string; html: string; ecLink: RegExpExecArray }[] = [];
				const allStyles = new Set<string>();
				let ecCss: string | undefined;
				let plainStyle: string | undefined;
				for (const file of pages) {
					const page = await readFile(file, 'utf8');
					const ecLink = EC_STYLESHEET_LINK.exec(page);
					if (page.search(TOKEN_SPAN) === -1) continue;
					if (!ecLink) throw new Error(`${file}: has code tokens but no link to Expressive Code's stylesheet`);
					ecCss ??= await readFile(join(root, '_astro', ecLink[2]!), 'utf8');
					plainStyle ??= plainTokenStyle(ecCss);
					const { html, styles } = replaceTokenStyles(page, plainStyle);
					styles.forEach((style) => allStyles.add(style));
					rewritten.push({ file, html, ecLink });
				}
				if (rewritten.length === 0 || ecCss === undefined) return;
				const css = tokenStylesheet(ecCss, allStyles);
				const cssName = `ec-tokens.${createHash('sha256').update(css).digest('hex').slice(0, 10)}.css`;
				await writeFile(join(root, '_astro', cssName), css);
				for (const { file, html, ecLink } of rewritten) {
					const link = `${ecLink[0]}<link rel="stylesheet" href="${ecLink[1]}${cssName}">`;
					await writeFile(file, html.replace(ecLink[0], link));
				}
				logger.info(`moved ${allStyles.size} code token styles (plain-coloured tokens unwrapped) into _astro/${cssName} on ${rewritten.length} pages`);
			},
		},
	};
}
