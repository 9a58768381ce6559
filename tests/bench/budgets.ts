import type { LighthouseResult } from './lighthouse-audit.ts';
import type { LayoutShiftResult } from './layout-shift.ts';

/** Every figure the budgets are checked against, as `npm run bench` measured it. */
export interface Measured {
	/** Median of rebuilds (the highlighted-code cache warm), and one build from cold. */
	buildSeconds: number;
	coldBuildSeconds: number;
	/** Per page: JS (files and inline) gzip bytes fetched with no interaction, idle time included. */
	jsBeforeInteraction: { path: string; gzipBytes: number }[];
	/** URLs fetched before any interaction, on every page. */
	urlsBeforeInteraction: string[];
	/**
	 * URLs fetched before any interaction on the page where Run in sandbox is clicked. The
	 * sandbox's code is checked against that page: a small module it shares with what example
	 * pages load at once (the exercises' progress, src/lib/exercises/progress.ts) is on other
	 * pages before any click by design, and is not the SDK.
	 */
	urlsBeforeInteractionOnSandboxPage: string[];
	/** URLs that arrived when search was opened, and when Run in sandbox was clicked. */
	searchCodeUrls: string[];
	sandboxCodeUrls: string[];
	/** Mobile and desktop presets. */
	lighthouse: LighthouseResult[];
	/** Every page at each width measured, its worst load. */
	layoutShifts: LayoutShiftResult[];
	/** Requests to other origins before any interaction, on our example page. */
	thirdPartyRequestsBeforeInteraction: number;
	/** What went wrong under load, one line each (both builds). */
	loadProblems: string[];
}

export interface BudgetResult {
	budget: string;
	limit: string;
	measured: string;
	pass: boolean;
}

export const JS_BUDGET_GZIP_BYTES = 12 * 1024;
export const BUILD_BUDGET_SECONDS = 10;
/** Google's line for a good Cumulative Layout Shift is 0.1; ours is half of it. */
export const LAYOUT_SHIFT_BUDGET = 0.05;
export const LIGHTHOUSE_MINIMUM = { performance: 95, accessibility: 100, 'best-practices': 100, seo: 100 } as const;

const kB = (bytes: number) => `${(bytes / 1024).toFixed(1)} kB`;

/** Checks the measured figures against the budgets of the course site (issue 5). */
export function checkBudgets(m: Measured): BudgetResult[] {
	const heaviest = [...m.jsBeforeInteraction].sort((a, b) => b.gzipBytes - a.gzipBytes)[0];
	const earlySearch = m.searchCodeUrls.filter((url) => m.urlsBeforeInteraction.includes(url));
	const earlySandbox = m.sandboxCodeUrls.filter((url) => m.urlsBeforeInteractionOnSandboxPage.includes(url));
	const results: BudgetResult[] = [
		{
			budget: 'JS per page before interaction (gzip, inline and idle-time loads included)',
			limit: `≤ ${kB(JS_BUDGET_GZIP_BYTES)} on every page`,
			measured: heaviest ? `${kB(heaviest.gzipBytes)} at most (${heaviest.path})` : 'no pages',
			pass: heaviest !== undefined && m.jsBeforeInteraction.every((p) => p.gzipBytes <= JS_BUDGET_GZIP_BYTES),
		},
		{
			budget: 'StackBlitz SDK loaded only after the click',
			limit: 'not before Run in sandbox',
			measured: m.sandboxCodeUrls.length === 0 ? 'click loaded nothing' : earlySandbox.length ? `early: ${earlySandbox.join(', ')}` : 'only after the click',
			pass: m.sandboxCodeUrls.length > 0 && earlySandbox.length === 0,
		},
		{
			budget: 'Search code loaded only when search is opened',
			limit: 'not before opening search',
			measured: m.searchCodeUrls.length === 0 ? 'opening loaded nothing' : earlySearch.length ? `early: ${earlySearch.join(', ')}` : 'only on opening',
			pass: m.searchCodeUrls.length > 0 && earlySearch.length === 0,
		},
		{
			budget: 'Requests to other sites before any interaction',
			limit: '0',
			measured: String(m.thirdPartyRequestsBeforeInteraction),
			pass: m.thirdPartyRequestsBeforeInteraction === 0,
		},
		{
			budget: 'Build time, rebuild (astro build, including search index, policy and compression)',
			limit: `< ${BUILD_BUDGET_SECONDS} s`,
			measured: `${m.buildSeconds.toFixed(1)} s (from cold: ${m.coldBuildSeconds.toFixed(1)} s)`,
			pass: m.buildSeconds < BUILD_BUDGET_SECONDS,
		},
		{
			budget: 'Errors under load (200 concurrent clients, both builds: errors, timeouts, wrong statuses, dropped connections)',
			limit: '0',
			measured: m.loadProblems.length === 0 ? '0' : m.loadProblems.join('; '),
			pass: m.loadProblems.length === 0,
		},
	];
	const widths = [...new Set(m.layoutShifts.map((shift) => shift.width))];
	const worstShift = [...m.layoutShifts].sort((a, b) => b.cls - a.cls)[0];
	results.push({
		budget: `Layout shift (CLS) as each page loads, at ${widths.join(' and ')} px`,
		limit: `< ${LAYOUT_SHIFT_BUDGET} on every page`,
		measured: worstShift ? `${worstShift.cls.toFixed(3)} at most (${worstShift.path} at ${worstShift.width} px)` : 'no pages',
		pass: worstShift !== undefined && m.layoutShifts.every((shift) => shift.cls < LAYOUT_SHIFT_BUDGET),
	});
	for (const audit of m.lighthouse) {
		for (const [category, minimum] of Object.entries(LIGHTHOUSE_MINIMUM) as [keyof typeof LIGHTHOUSE_MINIMUM, number][]) {
			results.push({
				budget: `Lighthouse ${category}, ${new URL(audit.url).pathname} (${audit.preset})`,
				limit: `≥ ${minimum}`,
				measured: String(audit.scores[category]),
				pass: audit.scores[category] >= minimum,
			});
		}
	}
	return results;
}
