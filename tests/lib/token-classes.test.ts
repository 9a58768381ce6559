import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createRenderer } from '@astrojs/starlight/expressive-code';
import { toHtml, type Element } from '@astrojs/starlight/expressive-code/hast';
import {
	TOKEN_STYLESHEET,
	classifyTokens,
	plainTokenStyle,
	renderedTokenStyles,
	tokenClassName,
	tokenClassesPlugin,
} from '../../src/lib/build/token-classes.ts';
import { tokenStylesheet } from '../../src/lib/build/token-stylesheet.ts';
import { lineAnchorsPlugin } from '../../src/lib/examples/line-anchors.ts';

const EC_CSS =
	".expressive-code .ec-line :where(span[style^='--']:not([class])){color:var(--0, inherit)}" +
	"@media (prefers-color-scheme: light){:root:not([data-theme='dark']) .expressive-code .ec-line :where(span[style^='--']:not([class])){color:var(--1, inherit)}}" +
	'.expressive-code pre{margin:0}';

const span = (style: string, text: string): Element => ({ type: 'element', tagName: 'span', properties: { style }, children: [{ type: 'text', value: text }] });
const line = (...children: Element['children']): Element => ({ type: 'element', tagName: 'div', properties: { className: ['code'] }, children });

describe('moving code token colours into classes', () => {
	it('replaces exactly the token styles, the same style by the same class', () => {
		const node = line(
			span('--0:#D6DEEB;--1:#403F53', 'a'),
			span('--0:#D6DEEB;--1:#403F53', 'b'),
			span('--0:#C792EA;--1:#8844AE;--0fs:italic', 'c'),
			{ type: 'element', tagName: 'div', properties: { style: '--ecIndent:1ch' }, children: [] },
			span('color:red', 'd')
		);
		const styles = classifyTokens(node, '--0:#000000;--1:#FFFFFF');
		const [plain, italic] = [tokenClassName('--0:#D6DEEB;--1:#403F53'), tokenClassName('--0:#C792EA;--1:#8844AE;--0fs:italic')];
		assert.notEqual(plain, italic);
		assert.equal(
			toHtml(node),
			`<div class="code"><span class="${plain}">a</span><span class="${plain}">b</span><span class="${italic}">c</span><div style="--ecIndent:1ch"></div><span style="color:red">d</span></div>`
		);
		assert.deepEqual([...styles], ['--0:#D6DEEB;--1:#403F53', '--0:#C792EA;--1:#8844AE;--0fs:italic']);
	});

	it("copies Expressive Code's colouring rules for the classes, inside the same @media, and defines each class", () => {
		const css = tokenStylesheet(EC_CSS, ['--0:#D6DEEB;--1:#403F53']);
		assert.ok(css.includes(".expressive-code .ec-line :where(span[class^='ect-']){color:var(--0, inherit)}"));
		assert.match(css, /@media \(prefers-color-scheme: light\)\{:root:not\(\[data-theme='dark'\]\) \.expressive-code \.ec-line :where\(span\[class\^='ect-'\]\)\{color:var\(--1, inherit\)\}\}/);
		assert.ok(!css.includes('pre{margin'));
		assert.ok(css.includes(`.${tokenClassName('--0:#D6DEEB;--1:#403F53')}{--0:#D6DEEB;--1:#403F53}`));
	});

	it("fails loudly if Expressive Code's stylesheet no longer colours tokens the way it did", () => {
		assert.throws(() => tokenStylesheet('.expressive-code pre{margin:0}', []), /token markup changed/);
	});
});

describe('tokens in the code’s own colours', () => {
	it('are the style made of each theme’s code colour, in theme order', () => {
		const variant = (codeForeground: string) => ({ resolvedStyleSettings: new Map([['codeForeground', codeForeground]]) });
		assert.equal(plainTokenStyle([variant('#d6deeb'), variant('#403f53')] as never), '--0:#D6DEEB;--1:#403F53');
	});

	it('lose their span and keep their text (whatever the case of their colours); other tokens keep theirs', () => {
		const node = line(span('--0:#D6DEEB;--1:#403F53', 'tcp '), span('--0:#C792EA;--1:#8844AE', '='), span('--0:#d6deeb;--1:#403f53', ' socket.<x>'));
		const styles = classifyTokens(node, '--0:#D6DEEB;--1:#403F53');
		assert.equal(toHtml(node), `<div class="code">tcp <span class="${tokenClassName('--0:#C792EA;--1:#8844AE')}">=</span> socket.&#x3C;x></div>`);
		assert.deepEqual([...styles], ['--0:#C792EA;--1:#8844AE']);
	});
});

describe('the plugins in Expressive Code', async () => {
	const renderer = await createRenderer({ themes: ['night-owl', 'night-owl-light'], plugins: [lineAnchorsPlugin(), tokenClassesPlugin()] });
	const render = async (props: { lineAnchorPrefix?: string }) =>
		toHtml((await renderer.ec.render({ code: 'const a = 1;\n// two\nx.y("s")\n', language: 'js', props })).renderedGroupAst);

	it('number the lines of a block with an anchor prefix, and only of such a block', async () => {
		const html = await render({ lineAnchorPrefix: 'example-x-a-js' });
		assert.deepEqual([...html.matchAll(/<div id="([^"]+)" class="ec-line"/g)].map((m) => m[1]), ['example-x-a-js-L1', 'example-x-a-js-L2', 'example-x-a-js-L3']);
		assert.ok(!(await render({})).includes(' id='));
	});

	it('leave no token styled inline, unwrap the plain ones, and know the style of every class they gave', async () => {
		const html = await render({});
		assert.doesNotMatch(html, /<span style=/);
		const plainClass = tokenClassName(plainTokenStyle(renderer.ec.styleVariants));
		assert.ok(!html.includes(plainClass), 'a plain-coloured token kept its span');
		const classes = new Set([...html.matchAll(/class="(ect-[0-9a-f]{8})"/g)].map((m) => m[1]!));
		assert.ok(classes.size >= 3);
		for (const name of classes) assert.equal(tokenClassName(renderedTokenStyles().get(name) ?? ''), name);
	});

	it("link the token stylesheet right after Expressive Code's own, where a page's first block has it", async () => {
		const plugin = tokenClassesPlugin();
		const ecLink: Element = { type: 'element', tagName: 'link', properties: { rel: ['stylesheet'], href: '/base/_astro/ec.abc12.css' }, children: [] };
		const groupAst: Element = { type: 'element', tagName: 'div', properties: {}, children: [ecLink, { type: 'element', tagName: 'figure', properties: {}, children: [] }] };
		await plugin.hooks?.postprocessRenderedBlockGroup?.({ renderData: { groupAst } } as never);
		assert.equal(toHtml(groupAst), `<div><link rel="stylesheet" href="/base/_astro/ec.abc12.css"><link rel="stylesheet" href="/base/_astro/${TOKEN_STYLESHEET}"><figure></figure></div>`);
	});
});
