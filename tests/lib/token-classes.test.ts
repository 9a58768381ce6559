import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { plainTokenStyle, replaceTokenStyles, tokenClassName, tokenStylesheet } from '../../src/lib/build/token-classes.ts';

const EC_CSS =
	".expressive-code .ec-line :where(span[style^='--']:not([class])){color:var(--0, inherit)}" +
	"@media (prefers-color-scheme: light){:root:not([data-theme='dark']) .expressive-code .ec-line :where(span[style^='--']:not([class])){color:var(--1, inherit)}}" +
	'.expressive-code pre{margin:0}';

describe('moving code token colours into classes', () => {
	it('replaces exactly the token styles, the same style by the same class', () => {
		const { html, styles } = replaceTokenStyles(
			'<span style="--0:#D6DEEB;--1:#403F53">a</span><span style="--0:#D6DEEB;--1:#403F53">b</span>' +
				'<span style="--0:#C792EA;--1:#8844AE;--0fs:italic">c</span><div style="--ecIndent:1ch"></div><span style="color:red">d</span>'
		);
		const [plain, italic] = [tokenClassName('--0:#D6DEEB;--1:#403F53'), tokenClassName('--0:#C792EA;--1:#8844AE;--0fs:italic')];
		assert.notEqual(plain, italic);
		assert.equal(
			html,
			`<span class="${plain}">a</span><span class="${plain}">b</span><span class="${italic}">c</span><div style="--ecIndent:1ch"></div><span style="color:red">d</span>`
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
	const THEMES_CSS =
		":root{--ec-codeFg:#d6deeb;--ec-codeBg:#011627}@media (prefers-color-scheme: light){:root:not([data-theme='dark']){--ec-codeFg:#403f53}}" +
		":root[data-theme='light'] .expressive-code{--ec-codeFg:#403f53}";

	it('are the style made of each theme’s code colour, in theme order', () => {
		assert.equal(plainTokenStyle(THEMES_CSS), '--0:#D6DEEB;--1:#403F53');
	});

	it('lose their span and keep their text; other tokens keep theirs', () => {
		const { html, styles } = replaceTokenStyles(
			'<span style="--0:#D6DEEB;--1:#403F53">tcp </span><span style="--0:#C792EA;--1:#8844AE">=</span><span style="--0:#d6deeb;--1:#403f53"> socket.&lt;x&gt;</span>',
			'--0:#D6DEEB;--1:#403F53'
		);
		assert.equal(html, `tcp <span class="${tokenClassName('--0:#C792EA;--1:#8844AE')}">=</span> socket.&lt;x&gt;`);
		assert.deepEqual([...styles], ['--0:#C792EA;--1:#8844AE']);
	});

	it('cannot be told when the stylesheet does not set one code colour per theme', () => {
		assert.throws(() => plainTokenStyle(':root{--ec-codeFg:#fff}'), /1 colours, not one per theme/);
	});
});
