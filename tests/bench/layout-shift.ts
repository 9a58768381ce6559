/**
 * Cumulative layout shift of a page as it loads, measured in Chromium: the `layout-shift`
 * entries of the Layout Instability API (none caused by input), summed from the first frame
 * until the page has loaded and gone idle. A shift can hang on when the browser paints a long
 * page it has only half read, so each page is loaded several times, with the CPU slowed as
 * Lighthouse's mobile preset does, and the worst load counts.
 */
import type { Browser } from '@playwright/test';

export interface LayoutShiftResult {
	path: string;
	width: number;
	/** The worst load's sum of shifts. */
	cls: number;
	/** What moved most in that load, as "element: previous top → new top". */
	worstShift: string;
}

declare global {
	interface Window {
		shiftsSoFar?: { value: number; what: string }[];
	}
}

const CPU_SLOWDOWN = 4;

export async function measureLayoutShift(browser: Browser, url: (path: string) => string, paths: string[], widths: number[], loads = 3): Promise<LayoutShiftResult[]> {
	const results: LayoutShiftResult[] = [];
	for (const width of widths) {
		for (const path of paths) {
			let worst: LayoutShiftResult = { path, width, cls: 0, worstShift: '' };
			for (let load = 0; load < loads; load++) {
				const context = await browser.newContext({ viewport: { width, height: 900 } });
				const page = await context.newPage();
				const session = await context.newCDPSession(page);
				await session.send('Emulation.setCPUThrottlingRate', { rate: CPU_SLOWDOWN });
				await page.addInitScript(() => {
					window.shiftsSoFar = [];
					new PerformanceObserver((list) => {
						for (const entry of list.getEntries() as (PerformanceEntry & { value: number; hadRecentInput: boolean; sources: { node?: Node; previousRect: DOMRectReadOnly; currentRect: DOMRectReadOnly }[] })[]) {
							if (entry.hadRecentInput) continue;
							const source = entry.sources[0];
							const element = source?.node instanceof Element ? `${source.node.localName}.${[...source.node.classList].join('.')}` : 'text';
							const what = source ? `${element}: ${Math.round(source.previousRect.x)},${Math.round(source.previousRect.y)} → ${Math.round(source.currentRect.x)},${Math.round(source.currentRect.y)}` : '';
							window.shiftsSoFar!.push({ value: entry.value, what });
						}
					}).observe({ type: 'layout-shift', buffered: true });
				});
				await page.goto(url(path), { waitUntil: 'networkidle' });
				await page.evaluate(() => new Promise((resolve) => requestIdleCallback(() => requestAnimationFrame(resolve))));
				const shifts = await page.evaluate(() => window.shiftsSoFar ?? []);
				const cls = shifts.reduce((sum, shift) => sum + shift.value, 0);
				if (cls > worst.cls) worst = { path, width, cls, worstShift: [...shifts].sort((a, b) => b.value - a.value)[0]?.what ?? '' };
				await context.close();
			}
			results.push(worst);
		}
	}
	return results;
}
