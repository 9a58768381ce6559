/**
 * `npm run bench [-- --skip-tests] [--lighthouse-all]`: builds the site, then measures it and checks the budgets.
 * - what each page downloads before any interaction, idle-time loads included (Chromium);
 * - what clicking "Run in sandbox" and opening search add, and that nothing came earlier;
 * - third-party requests before interaction, ours vs. the usual eager StackBlitz embed;
 * - Lighthouse (mobile) on the home page and the largest course and example pages (every page
 *   once with --lighthouse-all);
 * - requests per second of the static server under 200 concurrent clients;
 * - build time and `npm test` time.
 * Prints Markdown tables, writes bench-results/latest.json, and exits 1 if a budget fails.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from '@playwright/test';
import { HIGHLIGHT_CACHE_DIR } from '../../src/lib/examples/highlight-cache.ts';
import { startStaticSite, type RunningSite } from '../../src/server/static-site.ts';
import { loadProblems, runLoad, siteLoadPaths, missingPath, type LoadResult } from './load.ts';
import { serveInThread } from './served-site.ts';
import { chromiumArgs, findChromium } from '../support/chromium.ts';
import { builds, builtPages, type BuildName } from '../support/builds.ts';
import { captureStackBlitz } from '../support/fake-stackblitz.ts';
import { checkBudgets, type BudgetResult } from './budgets.ts';
import { thirdPartyRequestsBeforeInteraction } from './eager-embed.ts';
import { auditWithLighthouse } from './lighthouse-audit.ts';
import { measureLayoutShift, type LayoutShiftResult } from './layout-shift.ts';
import { inlineScriptBytes, recordWeight } from './page-weight.ts';

const IDLE_WAIT_MS = 3000;
/** The page whose examples are measured with a click (it embeds the tcp-echo sandbox). */
const EXAMPLE_PAGE = '/course/socket-functions/';
const LOAD_SECONDS = 10;
const SHIFT_WIDTHS = [390, 1280];
const SHIFT_LOADS = 2;
const LOAD_CONNECTIONS = 200;
const kb = (bytes: number) => (bytes / 1024).toFixed(1);
const step = (message: string) => console.log(`bench: ${message}`);

const skipTests = process.argv.includes('--skip-tests');
/** Also audit every page once with Lighthouse (reported, not a budget: one run is noisy). */
const lighthouseAll = process.argv.includes('--lighthouse-all');

const BUILDS = 3;
const ASTRO_BIN = fileURLToPath(new URL('../../node_modules/astro/bin/astro.mjs', import.meta.url));
// What `npm run build` runs (astro's bin), without npm's or npx's own start-up time.
const build = () => timed(() => execFileSync(process.execPath, [ASTRO_BIN, 'build'], { stdio: ['ignore', 'ignore', 'inherit'] }));
step('building the site from cold, as in a fresh clone (highlighted-code cache emptied)…');
rmSync(HIGHLIGHT_CACHE_DIR, { recursive: true, force: true });
const coldBuildSeconds = build();
const buildTimes: number[] = [];
for (let run = 1; run <= BUILDS; run++) {
	step(`rebuilding the site (${run} of ${BUILDS}; the median counts)…`);
	buildTimes.push(build());
}
const buildSeconds = [...buildTimes].sort((a, b) => a - b)[Math.floor(BUILDS / 2)]!;
step(`cold build ${coldBuildSeconds.toFixed(1)} s; rebuilds took ${buildTimes.map((s) => s.toFixed(1)).join(', ')} s`);

const site = await startStaticSite(builds.root);
const pageUrl = (path: string) => new URL(path.slice(1), site.url).href;
const browser = await chromium.launch({ executablePath: findChromium(), args: chromiumArgs });
let pages: Awaited<ReturnType<typeof measurePages>>;
let shifts: LayoutShiftResult[];
let afterRun: Awaited<ReturnType<typeof measureClick>>;
let afterSearch: Awaited<ReturnType<typeof measureClick>>;
let ours: Awaited<ReturnType<typeof thirdPartyRequestsBeforeInteraction>>;
let eager: typeof ours;
try {
	step('recording what every page downloads before any interaction…');
	pages = await measurePages(browser, site);
	step(`measuring layout shift as every page loads, at ${SHIFT_WIDTHS.join(' and ')} px (${SHIFT_LOADS} loads each, CPU slowed 4x)…`);
	shifts = await measureLayoutShift(browser, pageUrl, builtPages('root'), SHIFT_WIDTHS, SHIFT_LOADS);
	step('clicking Run in sandbox, opening search…');
	afterRun = await measureClick(browser, EXAMPLE_PAGE, async (page) => {
		await page.getByRole('button', { name: 'Run in sandbox' }).first().click();
		await page.getByText(/sandbox is running/).first().waitFor();
	});
	afterSearch = await measureClick(browser, EXAMPLE_PAGE, async (page) => {
		await page.keyboard.press('Control+k');
		await page.getByRole('dialog').getByRole('textbox', { name: 'Search' }).fill('socket');
		await page.locator('#starlight__search .pagefind-ui__result-link').first().waitFor();
	});
	step('counting third-party requests: ours, and the same page with an eager StackBlitz embed…');
	ours = await thirdPartyRequestsBeforeInteraction(browser, pageUrl(EXAMPLE_PAGE), { eager: false });
	eager = await thirdPartyRequestsBeforeInteraction(browser, pageUrl(EXAMPLE_PAGE), { eager: true });
} finally {
	await browser.close();
}

// The pages that cost a phone most: the largest course page and the largest example page.
const coursePage = heaviestPage((path) => path.startsWith('/course/'));
const examplePage = heaviestPage((path) => /^\/examples\/[^/]+\/$/.test(path));
step(`Lighthouse (mobile, 3 runs a page, median kept) on /, ${coursePage} and ${examplePage} (the largest course and example pages)…`);
const audited = ['/', coursePage, examplePage].map(pageUrl);
const lighthouse = await auditWithLighthouse(audited);
step('Lighthouse (desktop preset, 3 runs a page) on the same pages…');
const lighthouseDesktop = await auditWithLighthouse(audited, 3, 'desktop');
const lighthouseEveryPage = lighthouseAll ? await auditWithLighthouse(builtPages('root').map(pageUrl), 1) : [];
await site.close();
step('building the site under /netcourse/ too, for the load on a sub-path…');
execFileSync(process.execPath, [ASTRO_BIN, 'build', '--base', builds.subpath.base, '--outDir', builds.subpath.dir], { stdio: ['ignore', 'ignore', 'inherit'] });
const loads = {} as Record<BuildName, { result: LoadResult; problems: string[] }>;
for (const [name, seconds] of [['root', LOAD_SECONDS], ['subpath', LOAD_SECONDS / 2]] as const) {
	step(`loading the static server (on its own thread, ${name} build) with ${LOAD_CONNECTIONS} concurrent clients for ${seconds} s…`);
	const loadedSite = await serveInThread(builds[name]);
	const paths = siteLoadPaths(name);
	const result = await runLoad({ url: loadedSite.url, connections: LOAD_CONNECTIONS, durationSeconds: seconds, paths, expectedStatus: { [missingPath]: 404 } });
	loads[name] = { result, problems: loadProblems(result, await loadedSite.stats(), paths, LOAD_CONNECTIONS) };
	await loadedSite.close();
}
const load = loads.root.result;

let testRun: { seconds: number; passed: boolean } | undefined;
if (!skipTests) {
	step('timing npm test (its output goes to bench-results/npm-test.log)…');
	mkdirSync('bench-results', { recursive: true });
	let passed = false;
	const seconds = timed(() => {
		const run = spawnSync('npm', ['test'], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
		writeFileSync('bench-results/npm-test.log', `${run.stdout}\n${run.stderr}`);
		passed = run.status === 0;
	});
	testRun = { seconds, passed };
}

function sandboxPageUrls(): string[] {
	const page = pages.find((p) => p.path === EXAMPLE_PAGE);
	if (!page) throw new Error(`bench: ${EXAMPLE_PAGE} was not among the pages measured before interaction`);
	return page.urls;
}

const budgets = checkBudgets({
	buildSeconds,
	coldBuildSeconds,
	jsBeforeInteraction: pages.map((p) => ({ path: p.path, gzipBytes: p.js.gzip + p.inlineJs.gzip })),
	urlsBeforeInteraction: [...new Set(pages.flatMap((p) => p.urls))],
	urlsBeforeInteractionOnSandboxPage: sandboxPageUrls(),
	searchCodeUrls: afterSearch.ownUrls,
	sandboxCodeUrls: afterRun.ownUrls,
	lighthouse: [...lighthouse, ...lighthouseDesktop],
	layoutShifts: shifts,
	thirdPartyRequestsBeforeInteraction: ours.requests,
	loadProblems: Object.entries(loads).flatMap(([name, { problems }]) => problems.map((problem) => `${name} build: ${problem}`)),
});

printTable(
	['page', 'requests', 'JS gzip kB (files + inline)', 'CSS gzip kB', 'HTML gzip kB', 'fonts kB', 'HTML raw kB'],
	pages.map((p) => [p.path, p.requests, `${kb(p.js.gzip + p.inlineJs.gzip)} (${kb(p.js.gzip)} + ${kb(p.inlineJs.gzip)})`, kb(p.css.gzip), kb(p.html.gzip), kb(p.font.gzip), kb(p.html.raw)])
);
console.log(
	`\nClicking "Run in sandbox" on ${EXAMPLE_PAGE} adds ${kb(afterRun.jsGzip)} kB JS gzip from this site (${afterRun.ownUrls.length} requests) ` +
		`and ${afterRun.offSite} request(s) to stackblitz.com (faked here). Opening search adds ${kb(afterSearch.jsGzip)} kB JS gzip ` +
		`plus ${afterSearch.ownUrls.length - afterSearch.jsCount} other files (its CSS and index).`
);
console.log(
	`Third-party requests before any interaction on ${EXAMPLE_PAGE}: ours ${ours.requests}; ` +
		`with the usual eager embed ${eager.requests} (${eager.origins.join(', ') || 'none'}), before StackBlitz's own editor loads anything.`
);
for (const [preset, audits] of [['mobile', lighthouse], ['desktop', lighthouseDesktop]] as const) printTable(
	[`Lighthouse (${preset})`, 'performance', 'accessibility', 'best practices', 'SEO', 'FCP', 'LCP', 'TBT', 'CLS'],
	audits.map((l) => [
		new URL(l.url).pathname,
		l.scores.performance,
		l.scores.accessibility,
		l.scores['best-practices'],
		l.scores.seo,
		`${(l.metrics.fcpMs / 1000).toFixed(1)} s`,
		`${(l.metrics.lcpMs / 1000).toFixed(1)} s`,
		`${Math.round(l.metrics.tbtMs)} ms`,
		l.metrics.cls.toFixed(3),
	])
);
for (const l of [...lighthouse, ...lighthouseDesktop]) if (l.failedAudits.length) console.log(`  ${new URL(l.url).pathname} (${l.preset}): ${l.failedAudits.join('; ')}`);
printTable(
	['Layout shift as the page loads (worst of ' + SHIFT_LOADS + ' loads)', ...SHIFT_WIDTHS.map((w) => `CLS at ${w} px`), 'largest single shift'],
	builtPages('root').map((path) => {
		const at = shifts.filter((shift) => shift.path === path);
		const worst = [...at].sort((a, b) => b.cls - a.cls)[0];
		return [path, ...SHIFT_WIDTHS.map((w) => at.find((shift) => shift.width === w)!.cls.toFixed(3)), worst && worst.cls > 0 ? `${worst.worstShift} (${worst.width} px)` : '–'];
	})
);
if (lighthouseAll) {
	printTable(
		['Lighthouse (mobile), every page, one run', 'performance', 'TBT', 'LCP', 'HTML raw kB'],
		lighthouseEveryPage.map((l) => {
			const path = new URL(l.url).pathname;
			return [path, l.scores.performance, `${Math.round(l.metrics.tbtMs)} ms`, `${(l.metrics.lcpMs / 1000).toFixed(1)} s`, kb(pageBytes(path))];
		})
	);
}
console.log(
	`\nStatic server, 200 concurrent clients, ${LOAD_SECONDS} s over ${siteLoadPaths('root').length} URLs: ` +
		`${load.requestsPerSecond} requests/s, p99 latency ${load.latencyP99} ms, ${load.errors} errors, ${load.timeouts} timeouts.`
);
console.log(`Build: ${buildSeconds.toFixed(1)} s (median of rebuilds ${buildTimes.map((s) => s.toFixed(1)).join(', ')}); cold build ${coldBuildSeconds.toFixed(1)} s.` + (testRun ? ` npm test: ${(testRun.seconds / 60).toFixed(1)} min (${testRun.passed ? 'passed' : 'FAILED'}).` : ' npm test: not timed (--skip-tests).'));
printTable(['budget', 'limit', 'measured', 'result'], budgets.map((b) => [b.budget, b.limit, b.measured, b.pass ? 'pass' : '**FAIL**']));

mkdirSync('bench-results', { recursive: true });
writeFileSync(
	'bench-results/latest.json',
	JSON.stringify({ date: new Date().toISOString(), buildSeconds, buildTimes, coldBuildSeconds, testRun, pages, afterRun, afterSearch, thirdParty: { ours, eager }, lighthouse, lighthouseDesktop, lighthouseEveryPage, layoutShifts: shifts, loads, budgets }, null, 2) + '\n'
);
step('wrote bench-results/latest.json');
const failed = budgets.filter((b: BudgetResult) => !b.pass);
if (failed.length > 0 || (testRun && !testRun.passed)) {
	step(`${failed.length} budget(s) failed${testRun && !testRun.passed ? ', and npm test failed' : ''}`);
	process.exitCode = 1;
}

function pageBytes(path: string): number {
	return statSync(join(builds.root.dir, path, 'index.html')).size;
}

function heaviestPage(include: (path: string) => boolean): string {
	const [largest] = builtPages('root')
		.filter(include)
		.sort((a, b) => pageBytes(b) - pageBytes(a));
	if (!largest) throw new Error('bench: the build has no course page or no example page to audit');
	return largest;
}

function timed(work: () => void): number {
	const started = performance.now();
	work();
	return (performance.now() - started) / 1000;
}

function printTable(header: string[], rows: (string | number)[][]) {
	console.log(`\n| ${header.join(' | ')} |\n|${header.map(() => '---').join('|')}|`);
	for (const row of rows) console.log(`| ${row.join(' | ')} |`);
}

async function measurePages(browser: Browser, site: RunningSite) {
	const rows = [];
	for (const path of builtPages('root')) {
		const context = await browser.newContext();
		const page = await context.newPage();
		const weight = await recordWeight(page, async () => {
			await page.goto(new URL(path.slice(1), site.url).href, { waitUntil: 'networkidle' });
			await page.waitForTimeout(IDLE_WAIT_MS);
		});
		const inlineJs = await inlineScriptBytes(page);
		rows.push({ path, requests: weight.requests, ...weight.byKind, inlineJs, urls: weight.transfers.map((t) => t.url) });
		await context.close();
	}
	return rows;
}

/** What a page downloads during `click`, once it has loaded and gone idle. */
async function measureClick(browser: Browser, path: string, click: (page: import('@playwright/test').Page) => Promise<void>) {
	const context = await browser.newContext();
	const page = await context.newPage();
	await captureStackBlitz(page, 'fake');
	await page.goto(pageUrl(path), { waitUntil: 'networkidle' });
	await page.waitForTimeout(IDLE_WAIT_MS);
	const weight = await recordWeight(page, () => click(page));
	await context.close();
	const own = weight.transfers.filter((t) => t.url.startsWith(site.url));
	const js = own.filter((t) => t.kind === 'js');
	return {
		jsGzip: js.reduce((n, t) => n + t.gzip, 0),
		jsCount: js.length,
		ownUrls: own.map((t) => t.url),
		offSite: weight.transfers.length - own.length,
	};
}
