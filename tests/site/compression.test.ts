/**
 * The build writes .br and .gz beside every text file (src/lib/build/precompress.ts), and the
 * static server sends them to browsers that accept them: the same bytes, a fraction of the size.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { get } from 'node:http';
import { join, relative, sep } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { startStaticSite, type RunningSite } from '../../src/server/static-site.ts';
import { builds, builtPages } from '../support/builds.ts';

function fetchRaw(url: string, acceptEncoding?: string): Promise<{ encoding: string | undefined; vary: string | undefined; body: Buffer }> {
	return new Promise((resolve, reject) => {
		get(url, { headers: acceptEncoding ? { 'accept-encoding': acceptEncoding } : {} }, (response) => {
			const chunks: Buffer[] = [];
			response.on('data', (chunk: Buffer) => chunks.push(chunk));
			response.on('end', () =>
				resolve({ encoding: response.headers['content-encoding'], vary: response.headers['vary'], body: Buffer.concat(chunks) })
			);
		}).on('error', reject);
	});
}

describe('compressed responses', () => {
	let site: RunningSite;
	before(async () => {
		site = await startStaticSite(builds.root);
	});
	after(() => site.close());

	const assets = readdirSync(join(builds.root.dir, '_astro'))
		.filter((name) => /\.(css|js)$/.test(name))
		.map((name) => `/_astro/${name}`);
	const files = [...builtPages('root').map((page) => `${page}index.html`), ...assets];

	it('every page, script and stylesheet has a .br and a .gz copy with the same content', () => {
		for (const file of files) {
			const original = readFileSync(join(builds.root.dir, file));
			if (original.length < 1024) continue;
			assert.deepEqual(brotliDecompressSync(readFileSync(join(builds.root.dir, `${file}.br`))), original, `${file}.br`);
			assert.deepEqual(gunzipSync(readFileSync(join(builds.root.dir, `${file}.gz`))), original, `${file}.gz`);
		}
	});

	it('sends brotli or gzip to browsers that accept it, and plain bytes to those that do not', async () => {
		for (const page of builtPages('root')) {
			const original = readFileSync(join(builds.root.dir, page, 'index.html'));
			const url = new URL(page.slice(1), site.url).href;
			const br = await fetchRaw(url, 'gzip, deflate, br');
			assert.equal(br.encoding, 'br', page);
			assert.match(br.vary ?? '', /accept-encoding/i);
			assert.deepEqual(brotliDecompressSync(br.body), original);
			assert.ok(br.body.length < original.length / 3, `${page}: ${br.body.length} of ${original.length} bytes`);
			const gz = await fetchRaw(url, 'gzip');
			assert.equal(gz.encoding, 'gzip', page);
			assert.deepEqual(gunzipSync(gz.body), original);
			const plain = await fetchRaw(url);
			assert.equal(plain.encoding, undefined);
			assert.deepEqual(plain.body, original);
		}
	});

	it('leaves no compressed copy without its original', () => {
		const all = readdirSync(builds.root.dir, { recursive: true, withFileTypes: true })
			.filter((e) => e.isFile())
			.map((e) => relative(builds.root.dir, join(e.parentPath, e.name)).split(sep).join('/'));
		const present = new Set(all);
		const orphans = all.filter((f) => /\.(br|gz)$/.test(f) && !present.has(f.replace(/\.(br|gz)$/, '')));
		assert.deepEqual(orphans, []);
	});
});
