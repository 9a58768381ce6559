/**
 * `npm run bench`: builds the site, then measures in Chromium what each page downloads
 * before any interaction (including what is fetched at idle). Prints a table and writes
 * bench-results/latest.json for comparison between runs.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { chromium } from '@playwright/test';
import { startStaticSite } from '../../src/server/static-site.ts';
import { chromiumArgs, findChromium } from '../support/chromium.ts';
import { builds, builtPages } from '../support/builds.ts';
import { inlineScriptBytes, recordWeight } from './page-weight.ts';

const IDLE_WAIT_MS = 3000;
const kb = (bytes: number) => (bytes / 1024).toFixed(1);

console.log('bench: building the site…');
const buildStarted = performance.now();
execFileSync('npx', ['astro', 'build'], { stdio: 'ignore' });
const buildSeconds = (performance.now() - buildStarted) / 1000;
console.log(`bench: build took ${buildSeconds.toFixed(1)} s`);

const site = await startStaticSite(builds.root);
const browser = await chromium.launch({ executablePath: findChromium(), args: chromiumArgs });
const rows = [];
try {
	for (const path of builtPages('root')) {
		const context = await browser.newContext();
		const page = await context.newPage();
		const weight = await recordWeight(page, async () => {
			await page.goto(new URL(path.slice(1), site.url).href, { waitUntil: 'networkidle' });
			await page.waitForTimeout(IDLE_WAIT_MS);
		});
		const inline = await inlineScriptBytes(page);
		rows.push({ path, requests: weight.requests, ...weight.byKind, inlineJs: inline });
		await context.close();
	}
} finally {
	await browser.close();
	await site.close();
}

const header = ['page', 'requests', 'JS gzip kB', '(+inline)', 'CSS gzip kB', 'HTML gzip kB', 'fonts kB'];
console.log(`\n| ${header.join(' | ')} |\n|${header.map(() => '---').join('|')}|`);
for (const r of rows) {
	console.log(
		`| ${r.path} | ${r.requests} | ${kb(r.js.gzip)} | ${kb(r.inlineJs.gzip)} | ${kb(r.css.gzip)} | ${kb(r.html.gzip)} | ${kb(r.font.gzip)} |`
	);
}
mkdirSync('bench-results', { recursive: true });
writeFileSync(
	'bench-results/latest.json',
	JSON.stringify({ date: new Date().toISOString(), buildSeconds, pages: rows }, null, 2) + '\n'
);
console.log('\nbench: wrote bench-results/latest.json');
