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
const EXAMPLE_PAGE = '/course/socket-functions/';
/** Answers the StackBlitz SDK's handshake, so the click completes without the real service. */
const FAKE_STACKBLITZ = `<!doctype html><script>addEventListener('message', (e) => {
	if (e.data && e.data.action === 'SDK_INIT') e.source.postMessage({ action: 'SDK_INIT_SUCCESS', id: e.data.id, payload: {} }, '*', [new MessageChannel().port1]);
});</script>`;
const kb = (bytes: number) => (bytes / 1024).toFixed(1);

console.log('bench: building the site…');
const buildStarted = performance.now();
execFileSync('npx', ['astro', 'build'], { stdio: 'ignore' });
const buildSeconds = (performance.now() - buildStarted) / 1000;
console.log(`bench: build took ${buildSeconds.toFixed(1)} s`);

const site = await startStaticSite(builds.root);
const browser = await chromium.launch({ executablePath: findChromium(), args: chromiumArgs });
const rows = [];
let afterRun: Awaited<ReturnType<typeof measureRunClick>>;
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
	afterRun = await measureRunClick();
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
console.log(
	`\nAfter clicking "Run in sandbox" on ${EXAMPLE_PAGE}: +${kb(afterRun.js.gzip)} kB JS gzip from this site ` +
		`(${afterRun.ownRequests} requests), then the StackBlitz frame (${afterRun.stackblitzRequests} request to stackblitz.com, faked here).`
);
mkdirSync('bench-results', { recursive: true });
writeFileSync(
	'bench-results/latest.json',
	JSON.stringify({ date: new Date().toISOString(), buildSeconds, pages: rows, afterRun }, null, 2) + '\n'
);
console.log('\nbench: wrote bench-results/latest.json');

/** What an example page downloads once the reader clicks Run: the SDK chunk and the project. */
async function measureRunClick() {
	const context = await browser.newContext();
	const page = await context.newPage();
	await context.route('https://stackblitz.com/**', (route) => route.fulfill({ contentType: 'text/html', body: FAKE_STACKBLITZ }));
	await page.goto(new URL(EXAMPLE_PAGE.slice(1), site.url).href, { waitUntil: 'networkidle' });
	await page.waitForTimeout(IDLE_WAIT_MS);
	const weight = await recordWeight(page, async () => {
		await page.getByRole('button', { name: 'Run in sandbox' }).first().click();
		await page.getByText(/sandbox is running/).first().waitFor();
	});
	await context.close();
	const own = weight.transfers.filter((t) => t.url.startsWith(site.url));
	return {
		js: { raw: own.filter((t) => t.kind === 'js').reduce((n, t) => n + t.raw, 0), gzip: own.filter((t) => t.kind === 'js').reduce((n, t) => n + t.gzip, 0) },
		ownRequests: own.length,
		stackblitzRequests: weight.transfers.filter((t) => t.url.startsWith('https://stackblitz.com/')).length,
		transfers: weight.transfers.map((t) => ({ url: t.url, kind: t.kind, gzip: t.gzip })),
	};
}
