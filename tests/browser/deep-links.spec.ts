import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { builds, siteUrl } from '../support/builds.ts';
import { kindOf, type PageKind } from '../support/page-kinds.ts';

/**
 * Every address an instructor can paste into a syllabus lands on its target: opened fresh or
 * from within its page, at phone and desktop width, the target's top is where the browser puts an anchor (just under the
 * header, at the page's `scroll-padding-top`), or the page is scrolled as far as it goes. And in
 * the page, clicking "On this page" and going back land the same way. Every address of every
 * hand-written page is opened; of the pages generated from example folders (example pages, lab
 * sheets), those of the one page of each kind with the most above its last address.
 */

const builtHtml = (path: string) => readFileSync(join(builds.root.dir, path, 'index.html'), 'utf8');

/** The addresses of the instructors' link table, with an anchor, grouped by page, each page's in document order. */
function linkTableAnchors(): Map<string, string[]> {
	const byPage = new Map<string, string[]>();
	for (const [, address] of builtHtml('/instructors/').matchAll(/data-address="([^"]*#[^"]+)"/g)) {
		const [path, hash] = address!.split('#') as [string, string];
		byPage.set(path, [...(byPage.get(path) ?? []), hash]);
	}
	for (const [path, hashes] of byPage) {
		const html = builtHtml(path);
		const at = (hash: string) => html.indexOf(`id="${decodeURIComponent(hash)}"`);
		byPage.set(path, hashes.toSorted((a, b) => at(a) - at(b)));
	}
	return byPage;
}

const WIDTHS = [390, 1280];
/** How far from the right place a target may be, in CSS px (rounding and sub-pixel layout). */
const TOLERANCE = 4;

/** Where the target of `hash` is, against where it should be; empty if it landed right. */
async function landing(page: Page, hash: string): Promise<string> {
	await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
	return page.evaluate(
		([id, tolerance]) => {
			const target = document.getElementById(decodeURIComponent(id));
			if (!target) return `#${id}: no such element`;
			const expected = parseFloat(getComputedStyle(document.documentElement).scrollPaddingTop) || 0;
			const top = target.getBoundingClientRect().top;
			const atEnd = scrollY >= document.documentElement.scrollHeight - innerHeight - 1;
			if (Math.abs(top - expected) <= tolerance || (atEnd && top >= expected - tolerance && top < innerHeight)) return '';
			return `#${id}: its top is at ${Math.round(top)} px, not ${Math.round(expected)} px${atEnd ? ' (page scrolled to its end)' : ''}`;
		},
		[hash, TOLERANCE] as const
	);
}

// A fresh load is what a syllabus link does, and costs a whole page load (about half a second of
// both cores here): each page is opened fresh once per width, at its address farthest down (last
// in the document). That one has the most page above it, so it is the one that any block laid out
// late, any font or any script changing a height after the browser scrolled would push off. Every
// other address of the page is then reached from within the loaded page, which lands by the same
// rule (`:target` lays the whole page out, course.css).
/** Page kinds whose pages are one layout filled from an example folder (no hand-written text). */
const GENERATED: readonly PageKind[] = ['example', 'lab-sheet'];

/**
 * The pages to open: every hand-written page (each is laid out its own way), and of each
 * generated kind the page with the most page above its farthest address, the one a block laid
 * out late would push off first. The other pages of that kind hold the same components in
 * the same order, only fewer of them above their targets.
 */
function pagesToOpen(anchors: Map<string, string[]>): [string, string[]][] {
	const above = (path: string) => builtHtml(path).indexOf(`id="${decodeURIComponent(anchors.get(path)!.at(-1)!)}"`);
	const worst = new Map<PageKind, string>();
	for (const path of anchors.keys()) {
		const kind = kindOf(path);
		if (!GENERATED.includes(kind)) continue;
		const chosen = worst.get(kind);
		if (chosen === undefined || above(path) > above(chosen)) worst.set(kind, path);
	}
	return [...anchors].filter(([path]) => !GENERATED.includes(kindOf(path)) || worst.get(kindOf(path)) === path);
}

for (const [path, hashes] of pagesToOpen(linkTableAnchors())) {
	test(`${path}: each of its ${hashes.length} addresses in the link table lands on its target at ${WIDTHS.join(' and ')} px, the farthest one on a fresh load`, async ({ page }) => {
		const farthest = hashes.at(-1)!;
		const missed: string[] = [];
		for (const width of WIDTHS) {
			await page.setViewportSize({ width, height: 800 });
			await page.goto('about:blank');
			await page.goto(siteUrl(`${path}#${farthest}`), { waitUntil: 'load' });
			const fresh = await landing(page, farthest);
			if (fresh) missed.push(`${width} px, fresh load: ${fresh}`);
			for (const hash of hashes.filter((hash) => hash !== farthest)) {
				await page.goto(siteUrl(`${path}#${hash}`));
				const problem = await landing(page, hash);
				if (problem) missed.push(`${width} px: ${problem}`);
			}
		}
		expect(missed).toEqual([]);
	});
}

for (const path of ['/course/socket-functions/', '/examples/tcp-echo/']) {
	for (const width of WIDTHS) {
		test(`${path} at ${width} px: "On this page" and the back button land on their sections`, async ({ page }) => {
			await page.setViewportSize({ width, height: 800 });
			await page.goto(siteUrl(path));
			const toc = page.locator(width >= 1152 ? 'starlight-toc' : 'mobile-starlight-toc');
			const hashes = (await toc.locator('a[href^="#"]').evaluateAll((links) => links.map((a) => (a as HTMLAnchorElement).hash.slice(1)))).filter(
				(hash) => hash !== '_top'
			);
			// The last section and one from the middle, then back to the first one clicked.
			const [first, second] = [hashes[Math.floor(hashes.length / 2)]!, hashes.at(-1)!];
			for (const hash of [first, second]) {
				if (width < 1152) await toc.locator('summary').click();
				await toc.locator(`a[href="#${hash}"]`).click();
				await expect(page).toHaveURL(new RegExp(`#${hash}$`));
				expect(await landing(page, hash)).toBe('');
			}
			await page.goBack();
			await expect(page).toHaveURL(new RegExp(`#${first}$`));
			expect(await landing(page, first)).toBe('');
		});
	}
}

for (const width of WIDTHS) {
	test(`at ${width} px, what the reader is looking at stays put while the lazy blocks above it are laid out`, async ({ page }) => {
		await page.setViewportSize({ width, height: 800 });
		await page.goto(siteUrl('/course/socket-functions/'));
		// Dragging the scroll bar or pressing End lands far from any block laid out so far.
		const moved = await page.locator('#example-tcp-echo').evaluate(async (target) => {
			const above = target.closest('section.example')!.previousElementSibling!;
			const laidOut = new Promise((resolve) =>
				above.addEventListener('contentvisibilityautostatechange', (event) => !(event as ContentVisibilityAutoStateChangeEvent).skipped && resolve(true))
			);
			target.scrollIntoView({ block: 'center' });
			const before = target.getBoundingClientRect().top;
			await laidOut;
			await new Promise(requestAnimationFrame);
			return target.getBoundingClientRect().top - before;
		});
		expect(Math.abs(moved)).toBeLessThanOrEqual(TOLERANCE);
	});
}
