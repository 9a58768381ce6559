/**
 * Code token colours as classes instead of `style` attributes, done by an Expressive Code
 * plugin as it renders each line. A course page has over ten thousand tokens; as inline styles
 * each needed its own style computation (no sharing between equal elements), which made the
 * page take seconds of main thread on a phone. It also keeps those styles out of the
 * Content-Security-Policy. A token in the code's own colours loses its span: it looks the same,
 * and a quarter fewer elements make a long listing quicker to lay out.
 *
 * The classes' rules (token-stylesheet.ts) are written once the build has rendered every page:
 * only then is every token style known.
 */
import { createHash } from 'node:crypto';
import type { ExpressiveCodePlugin, StyleVariant } from '@astrojs/starlight/expressive-code';
import type { Element, ElementContent } from '@astrojs/starlight/expressive-code/hast';

/** An Expressive Code token's style: the colours in each theme (`--0:#D6DEEB;--1:#403F53`), sometimes also --0fs/--1fw… */
const TOKEN_STYLE = /^(?:--\d+[a-z]*:[^;]+;?)+$/;
/** Beside Expressive Code's stylesheet (`…/_astro/ec.<hash>.css`), linked right after it. */
export const TOKEN_STYLESHEET = 'ec-tokens.css';
const EC_STYLESHEET = /\/ec\.[\w-]+\.css$/;

/** The class that stands for one token style: the same style always gets the same name. */
export function tokenClassName(style: string): string {
	return `ect-${createHash('sha256').update(style).digest('hex').slice(0, 8)}`;
}

/**
 * The token style that only repeats the code's own colours (each theme's code foreground, in
 * the themes' order, as Expressive Code numbers them `--0`, `--1`): `--0:#D6DEEB;--1:#403F53`.
 */
export function plainTokenStyle(styleVariants: readonly StyleVariant[]): string {
	return styleVariants.map((variant, index) => `--${index}:${variant.resolvedStyleSettings.get('codeForeground') ?? ''}`.toUpperCase()).join(';');
}

/** The plain style of each engine's themes (its `styleVariants`), derived once. */
const plainStyles = new WeakMap<readonly StyleVariant[], string>();

const REGISTRY = Symbol.for('netcourse.renderedTokenStyles');
type Registry = Map<string, string>;

/**
 * The token styles rendered by this build process, by class name. Kept on `globalThis`: Astro
 * loads the plugin twice, for Markdown and in the bundle that renders `<Code>`.
 */
export function renderedTokenStyles(): Registry {
	const holder = globalThis as { [REGISTRY]?: Registry };
	return (holder[REGISTRY] ??= new Map());
}

/** Records token styles of a block rendered by an earlier build (see highlight-cache.ts). */
export function addRenderedTokenStyles(styles: Iterable<string>): void {
	for (const style of styles) renderedTokenStyles().set(tokenClassName(style), style);
}

/**
 * Replaces each token's style attribute in `node` with its class, and unwraps tokens in the
 * code's own colours (`plainStyle`, compared without case as colours are); returns the styles used.
 */
export function classifyTokens(node: Element, plainStyle: string, used = new Set<string>()): Set<string> {
	const children: ElementContent[] = [];
	for (const child of node.children) {
		if (child.type !== 'element') {
			children.push(child);
			continue;
		}
		const style = child.properties['style'];
		const isToken = child.tagName === 'span' && typeof style === 'string' && Object.keys(child.properties).length === 1 && TOKEN_STYLE.test(style);
		if (isToken && style.toUpperCase() === plainStyle && child.children.every((c) => c.type === 'text')) {
			children.push(...child.children);
			continue;
		}
		if (isToken) {
			used.add(style);
			child.properties = { className: [tokenClassName(style)] };
		}
		classifyTokens(child, plainStyle, used);
		children.push(child);
	}
	node.children = children;
	return used;
}

/**
 * The Expressive Code plugin. It must come after astro-expressive-code's own plugin, which adds
 * the stylesheet link to a page's first block that the token stylesheet's link goes after.
 */
export function tokenClassesPlugin(): ExpressiveCodePlugin {
	return {
		name: 'netcourse:token-classes',
		hooks: {
			postprocessRenderedLine: ({ renderData, styleVariants }) => {
				let plainStyle = plainStyles.get(styleVariants);
				if (plainStyle === undefined) plainStyles.set(styleVariants, (plainStyle = plainTokenStyle(styleVariants)));
				for (const style of classifyTokens(renderData.lineAst, plainStyle)) {
					renderedTokenStyles().set(tokenClassName(style), style);
				}
			},
			postprocessRenderedBlockGroup: ({ renderData }) => {
				const children = renderData.groupAst.children;
				const index = children.findIndex((c) => c.type === 'element' && c.tagName === 'link' && EC_STYLESHEET.test(String(c.properties['href'])));
				if (index === -1) return; // not a page's first block
				const ecHref = String((children[index] as Element).properties['href']);
				const href = ecHref.slice(0, ecHref.lastIndexOf('/') + 1) + TOKEN_STYLESHEET;
				children.splice(index + 1, 0, { type: 'element', tagName: 'link', properties: { rel: ['stylesheet'], href }, children: [] });
			},
		},
	};
}
