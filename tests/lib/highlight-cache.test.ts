import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { addRenderedTokenStyles, tokenClassName } from '../../src/lib/build/token-classes.ts';

const dir = mkdtempSync(join(tmpdir(), 'highlight-cache-'));
process.env.HIGHLIGHT_CACHE_DIR = dir;
type CacheModule = typeof import('../../src/lib/examples/highlight-cache.ts');
const MODULE = '../../src/lib/examples/highlight-cache.ts';
/** The module as a later build process sees it: nothing in memory, only what is on disk. */
const nextBuild = (): Promise<CacheModule> => import(`${MODULE}?build=${Math.random()}`);
const { storedHighlight, storeHighlight, withPageAssets, pruneHighlightCache, highlightKey }: CacheModule = await import(MODULE);
after(() => rmSync(dir, { recursive: true, force: true }));

const ASSETS =
	'<link rel="stylesheet" href="/_astro/ec.w36nc.css"><link rel="stylesheet" href="/_astro/ec-tokens.css"><script type="module" src="/_astro/ec.0vx5m.js"></script>';
const KEYWORD = '--0:#C792EA;--1:#8844AE';
const BLOCK = `<div class="expressive-code"><style>.x{}</style><figure class="frame"><pre><code><div id="p-L1" class="ec-line"><span class="${tokenClassName(KEYWORD)}">a</span></div></code></pre></figure></div>`;
addRenderedTokenStyles([KEYWORD]); // as the token-classes plugin does when it renders the block
const firstOnPage = BLOCK.replace('<div class="expressive-code">', `<div class="expressive-code">${ASSETS}`);

describe('the highlighted-file cache', () => {
	it('misses a file never highlighted, and a change of code, language, title or line anchors is a new file', () => {
		const file = { code: 'print(1)\n', lang: 'python', title: 'server.py' };
		assert.equal(storedHighlight(file, '/'), undefined);
		const changed = [{ ...file, code: 'print(2)\n' }, { ...file, lang: 'txt' }, { ...file, title: 'client.py' }, { ...file, lineAnchorPrefix: 'p' }];
		assert.equal(new Set([file, ...changed].map(highlightKey)).size, 5);
	});

	it("keeps Expressive Code's page assets apart from the block, per base path, and puts them back where they were", () => {
		const file = { code: 'const a = 1;\n', lang: 'js', title: 'server.js' };
		storeHighlight(file, '/', firstOnPage);
		const stored = storedHighlight(file, '/');
		assert.equal(stored?.block, BLOCK);
		assert.equal(stored?.pageAssets, ASSETS);
		assert.equal(withPageAssets(stored, stored.pageAssets), firstOnPage);
		// Under another base the asset addresses differ: not known until a page there makes them.
		assert.equal(storedHighlight(file, '/netcourse/')?.pageAssets, undefined);
	});

	it('stores a block that is not first on its page as it is, and reads it back from disk in a new build', async () => {
		const file = { code: 'x = 1\n', lang: 'python', title: 'client.py' };
		storeHighlight(file, '/', BLOCK);
		const fresh = await nextBuild();
		assert.equal(fresh.storedHighlight(file, '/')?.block, BLOCK);
		assert.equal(fresh.storedHighlight(file, '/')?.pageAssets, ASSETS);
		// The token styles its classes stand for come back too: that build's plugin never saw them.
		assert.deepEqual(fresh.storedHighlight(file, '/')?.tokenStyles, [KEYWORD]);
	});

	it('refuses a block with a token class that no token this build rendered stands for', () => {
		const file = { code: 'y = 2\n', lang: 'python', title: 'stray.py' };
		assert.throws(() => storeHighlight(file, '/', BLOCK.replace(tokenClassName(KEYWORD), 'ect-00000000')), /stray\.py: .*ect-00000000/);
	});

	it('forgets entries no build used since a given time, and keeps the ones it read', async () => {
		const kept = { code: 'kept\n', lang: 'txt', title: 'kept.txt' };
		const unused = { code: 'unused\n', lang: 'txt', title: 'unused.txt' };
		storeHighlight(kept, '/', BLOCK);
		storeHighlight(unused, '/', BLOCK);
		const longAgo = new Date(Date.now() - 3_600_000);
		for (const name of readdirSync(dir)) utimesSync(join(dir, name), longAgo, longAgo);
		const buildStart = new Date();
		assert.ok(storedHighlight(kept, '/')); // from memory: a read in this process does not touch the file…
		assert.ok((await nextBuild()).storedHighlight(kept, '/')); // …a read from disk, as in the next build, does
		const removed = pruneHighlightCache(buildStart);
		assert.ok(removed >= 1);
		const left = readdirSync(dir);
		assert.ok(left.includes(`${highlightKey(kept)}.json`));
		assert.ok(!left.includes(`${highlightKey(unused)}.json`));
	});
});
