import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pagePolicy, SANDBOX_FRAME_SCRIPT, SANDBOX_STYLES, sitePolicy } from '../../src/lib/security/content-security-policy.ts';
import { withPolicyMeta } from '../../src/lib/security/page-policies.ts';
import { cspHash, findInlineSources } from '../../src/lib/security/inline-sources.ts';
import { stackBlitzSdkSource } from '../support/fake-stackblitz.ts';

const none = { scripts: [], styles: [], styleAttributes: [] };
const directive = (policy: string, name: string) => policy.split('; ').find((d) => d.startsWith(`${name} `));

describe('finding the inline code of a page', () => {
	it('lists inline scripts, style elements and style attributes, and nothing else', () => {
		const found = findInlineSources(
			`<!doctype html><html><head><script>let a = 1 < 2 && "&amp;";</script><script src="/x.js"></script>` +
				`<script type="application/ld+json">{"a":1}</script><style>p { color: red }</style></head>` +
				`<body><span style="--0:#FFF;font-family:&quot;Fira&quot;">x</span><p>no style</p><script type="module">go()</script></body></html>`
		);
		assert.deepEqual(found.scripts, ['let a = 1 < 2 && "&amp;";', 'go()']);
		assert.deepEqual(found.styles, ['p { color: red }']);
		assert.deepEqual(found.styleAttributes, ['--0:#FFF;font-family:"Fira"']);
	});

	it('hashes the way CSP does (SHA-256 of the UTF-8 text, base64)', () => {
		assert.equal(cspHash(''), "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='");
		assert.equal(cspHash('ü'), cspHash(Buffer.from('ü', 'utf8').toString()));
	});
});

describe('the policy of a page', () => {
	it('allows nothing by default, and no frame or form target without a sandbox', () => {
		const policy = pagePolicy({ inline: none, embedsSandbox: false });
		assert.equal(directive(policy, 'default-src'), "default-src 'none'");
		assert.equal(directive(policy, 'frame-src'), "frame-src 'none'");
		assert.equal(directive(policy, 'form-action'), "form-action 'none'");
		assert.equal(directive(policy, 'style-src'), "style-src 'self'");
		assert.doesNotMatch(policy, /'unsafe-inline'|'unsafe-eval'|\*/);
	});

	it('allows exactly the hashed inline code, and StackBlitz only where a sandbox is embedded', () => {
		const policy = pagePolicy({ inline: { scripts: ['a()'], styles: [], styleAttributes: ['color:red', 'color:red'] }, embedsSandbox: true });
		assert.equal(directive(policy, 'script-src'), `script-src 'self' 'wasm-unsafe-eval' ${[cspHash('a()'), cspHash(SANDBOX_FRAME_SCRIPT)].sort().join(' ')}`);
		assert.equal(
			directive(policy, 'style-src'),
			`style-src 'self' 'unsafe-hashes' ${[cspHash('color:red'), ...SANDBOX_STYLES.map(cspHash)].sort().join(' ')}`
		);
		assert.equal(directive(policy, 'frame-src'), 'frame-src https://stackblitz.com');
		assert.equal(directive(policy, 'form-action'), 'form-action https://stackblitz.com');
	});

	it('for a whole site, allows what any of its pages allows', () => {
		const policy = sitePolicy([
			{ inline: { ...none, scripts: ['a()'] }, embedsSandbox: false },
			{ inline: { ...none, scripts: ['b()'] }, embedsSandbox: true },
		]);
		assert.ok(policy.includes(cspHash('a()')) && policy.includes(cspHash('b()')));
		assert.equal(directive(policy, 'frame-src'), 'frame-src https://stackblitz.com');
	});

	it('goes right after <meta charset>, and a page without one fails the build by name', () => {
		const html = '<!doctype html><html><head><meta charset="utf-8"/><title>x</title><script>a()</script>';
		assert.equal(
			withPolicyMeta(html, `script-src "x"`, 'a.html'),
			'<!doctype html><html><head><meta charset="utf-8"/><meta http-equiv="content-security-policy" content="script-src &quot;x&quot;"><title>x</title><script>a()</script>'
		);
		assert.throws(() => withPolicyMeta('<html><head><title>x</title>', 'p', 'course/x/index.html'), /course\/x\/index\.html: no <meta charset/);
	});
});

describe('the StackBlitz SDK', () => {
	it('still writes exactly the inline code the policy allows for it', () => {
		const sdk = stackBlitzSdkSource();
		assert.match(sdk, /form\.id = "sb_run";/);
		assert.ok(sdk.includes("<script>document.getElementById('${form.id}').submit();<\\/script>"));
		assert.equal(SANDBOX_FRAME_SCRIPT.replace('sb_run', '${form.id}'), "document.getElementById('${form.id}').submit();");
		for (const style of SANDBOX_STYLES) assert.ok(sdk.includes(`setAttribute("style", "${style}")`), style);
	});
});
