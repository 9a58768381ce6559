/**
 * A course page prints cleanly (src/styles/print.css): only the content, every code block and
 * both twins' outputs, where each link goes, and code readable on paper. Checked with the print
 * media type on a course page, then on a real A4 PDF of an example's page (where its code is): its text is read back by inflating
 * the PDF's streams and mapping glyphs to characters through the fonts' ToUnicode tables
 * (node:zlib only, no PDF tool to install). Each example's lab sheet prints on one to three A4
 * pages with what an instructor hands out.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import { expect, test, type Page } from '@playwright/test';
import { parse as parseYaml } from 'yaml';
import { projectRoot, siteUrl } from '../support/builds.ts';
import { labSheetPages } from '../support/course.ts';
import { examplePages } from '../support/examples.ts';
import { keyLines } from '../../src/lib/examples/lab-sheet.ts';

const PAGE = '/course/socket-functions/';
/** An example's own page: the only place its files' code is shown. */
const CODE_PAGE = '/examples/tcp-echo/';
/** About the width of an A4 page's printable area in CSS pixels (210 mm less Chrome's margins). */
const PAPER = { width: 718, height: 1000 };

/** Opens the page with its scripts run (language tabs, copy buttons), then switches to print media. */
async function openForPrint(page: Page): Promise<void> {
	await page.setViewportSize(PAPER);
	await page.goto(siteUrl(PAGE));
	await expect(page.locator('language-tabs.is-tabbed').first()).toBeAttached();
	await page.emulateMedia({ media: 'print' });
}

/** Of the elements matching each selector: how many exist, and which are displayed (checkVisibility). */
async function shown(page: Page, selectors: string[]): Promise<Record<string, { found: number; shown: number }>> {
	return page.evaluate(
		(list) =>
			Object.fromEntries(
				list.map((selector) => {
					const elements = [...document.querySelectorAll<HTMLElement>(selector)];
					return [selector, { found: elements.length, shown: elements.filter((el) => el.checkVisibility()).length }];
				})
			),
		selectors
	);
}

test.describe(`printing ${PAGE}`, () => {
	// One page load for the checks in print media (the page is long: loading it is most of the time).
	test('prints the content only, all code of both twins, whole, in light colours, with where links go', async ({ page }) => {
		await openForPrint(page);

		await test.step('leaves out navigation, header, search, pickers, "On this page", pagination, the edit link and every button', async () => {
			const screenOnly = [
				'.page > header',
				'#starlight__sidebar',
				'site-search',
				'starlight-theme-select',
				'.right-sidebar-container',
				'starlight-toc',
				'mobile-starlight-toc',
				'.pagination-links',
				"footer a[href*='/edit/']",
				'.sl-anchor-link',
				'.sl-skip-link',
				'language-tabs > [role="tablist"]',
				'main button',
				'main button[data-run]',
				'.expressive-code .copy',
				'example-sandbox',
			];
			const result = await shown(page, screenOnly);
			for (const selector of screenOnly) {
				expect(result[selector]?.found, `${selector} is on the page (else this checks nothing)`).toBeGreaterThan(0);
				expect(result[selector]?.shown, `${selector} is printed`).toBe(0);
			}
			await expect(page.locator('main h1')).toBeVisible();
			await expect(page.locator('.sl-markdown-content h2').first()).toBeVisible();
			// "Last updated" stays (a page git has never committed has no date).
			if (await page.locator('footer time[datetime]').count()) await expect(page.locator('footer time[datetime]')).toBeVisible();
		});

		await test.step('prints every code block whole: wrapped, nothing cut off, nothing skipped by content-visibility', async () => {
			const blocks = await page.locator('.expressive-code pre').evaluateAll((pres) =>
				pres.map((pre) => ({
					title: pre.closest('figure')?.querySelector('.title')?.textContent ?? pre.textContent?.slice(0, 40),
					shown: (pre as HTMLElement).checkVisibility(),
					overflow: pre.scrollWidth - pre.clientWidth,
					contentVisibility: [pre, pre.closest('.expressive-code')!, pre.querySelector('.ec-line')!, pre.closest('.sl-markdown-content > *')!].map(
						(el) => getComputedStyle(el).contentVisibility
					),
				}))
			);
			expect(blocks.length).toBeGreaterThan(10);
			for (const block of blocks) {
				expect(block.shown, `${block.title} is printed`).toBe(true);
				expect(block.overflow, `${block.title} is wider than its box by ${block.overflow}px`).toBeLessThanOrEqual(1);
				expect(block.contentVisibility, `${block.title}: content-visibility`).toEqual(['visible', 'visible', 'visible', 'visible']);
			}
		});

		await test.step('prints both twins, Python first, then Node.js, each under its heading', async () => {
			// On screen the tabs show one language; in print, both.
			await page.emulateMedia({ media: 'screen' });
			const onScreen = await shown(page, ['language-tabs > [data-twin="node"]', 'language-tabs > [data-twin="python"]']);
			expect(Object.values(onScreen).map((r) => r.shown)).toContain(0);
			await page.emulateMedia({ media: 'print' });

			const twins = await page.locator('language-tabs').evaluateAll((tabs) =>
				tabs.map((tab) =>
					[...tab.querySelectorAll<HTMLElement>(':scope > [data-twin]')].map((panel) => ({
						twin: panel.dataset['twin'],
						shown: panel.checkVisibility(),
						heading: panel.querySelector<HTMLElement>('.twin-heading')?.checkVisibility() ? panel.querySelector('.twin-heading')?.textContent : null,
						code: [...panel.querySelectorAll<HTMLElement>('.expressive-code pre')].filter((pre) => pre.checkVisibility()).length,
					}))
				)
			);
			expect(twins.length).toBeGreaterThan(0);
			for (const panels of twins) {
				expect(panels.map(({ twin, shown, heading }) => ({ twin, shown, heading }))).toEqual([
					{ twin: 'python', shown: true, heading: 'Python' },
					{ twin: 'node', shown: true, heading: 'Node.js' },
				]);
			}
			// Every example prints its recorded output in both languages.
			const withCode = twins.filter((panels) => panels.some((panel) => panel.code > 0));
			expect(withCode.length).toBeGreaterThanOrEqual(2);
			for (const panels of withCode) expect(panels.map((panel) => panel.code > 0)).toEqual([true, true]);
		});

		await test.step("prints an example's closed notes open", async () => {
			// Through ::details-content (Chromium 131+, Safari 18.4+); elsewhere notes print closed.
			const notes = page.locator('details.example-notes:not([open])').first();
			await expect(notes.locator('p').first()).toBeVisible();
		});

		await test.step('prints where each link goes after its text, but not for in-page, heading or code links', async () => {
			const after = (selector: string) =>
				page.evaluate((sel) => {
					const link = [...document.querySelectorAll<HTMLAnchorElement>(sel)].find((a) => !a.closest('pre, code, .expressive-code'));
					return link ? { href: link.getAttribute('href'), content: getComputedStyle(link, '::after').content } : undefined;
				}, selector);
			for (const selector of ['.sl-markdown-content a[href^="https:"]', '.sl-markdown-content a[href^="/"]:not(.sl-anchor-link)']) {
				const link = await after(selector);
				expect(link, `a link ${selector}`).toBeDefined();
				expect(link!.content).toBe(`" (${link!.href})"`);
			}
			const inPage = await after('.sl-markdown-content a[href^="#"]:not(.sl-anchor-link)');
			expect(inPage, 'a link within the page').toBeDefined();
			expect(inPage!.content, `${inPage!.href} is a link within the page`).toBe('none');
			const heading = await page.locator('.sl-markdown-content .sl-anchor-link').first().evaluate((a) => getComputedStyle(a, '::after').content);
			expect(heading, 'a heading anchor link (Starlight gives it an empty ::after of its own)').not.toContain('#');
		});

		await test.step("prints code in the light theme's colours, even for a reader in the dark theme", async () => {
			const colours = () =>
				page.locator('.expressive-code .ec-line span[class^="ect-"]').evaluateAll((spans) =>
					spans.slice(0, 200).map((span) => getComputedStyle(span).color)
				);
			await page.evaluate(() => (document.documentElement.dataset['theme'] = 'dark'));
			const dark = await colours();
			await page.emulateMedia({ media: 'screen' });
			const darkOnScreen = await colours();
			await page.emulateMedia({ media: 'print' });
			await page.evaluate(() => (document.documentElement.dataset['theme'] = 'light'));
			const light = await colours();
			expect(dark.length).toBeGreaterThan(50);
			expect(darkOnScreen, 'on screen the dark theme has its own colours').not.toEqual(light);
			expect(dark).toEqual(light);
		});
	});

	test(`renders ${CODE_PAGE} to a valid A4 PDF of several pages that holds the code of both twins`, async ({ page }) => {
		test.setTimeout(90_000);
		await page.goto(siteUrl(CODE_PAGE));
		await expect(page.locator('language-tabs.is-tabbed').first()).toBeAttached();
		const pdf = await page.pdf({ format: 'A4' });

		const raw = pdf.toString('latin1');
		expect(raw.startsWith('%PDF-1.')).toBe(true);
		expect(raw.trimEnd().endsWith('%%EOF')).toBe(true);
		const pages = raw.match(/\/Type\s*\/Page(?![A-Za-z])/g)?.length ?? 0;
		expect(pages).toBeGreaterThan(1);
		expect(pages).toBeLessThan(300);
		const mediaBox = /\/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]/.exec(raw);
		expect(mediaBox?.slice(1).map((n) => Math.round(Number(n)))).toEqual([596, 843]); // A4 in points

		// Compare without whitespace: a wrapped line comes back as two, and runs are placed apart.
		const text = pdfText(pdf).replace(/\s+/g, '');
		const lineOf = (file: string, pattern: RegExp) => {
			const line = readFileSync(join(projectRoot, 'examples', file), 'utf8').split('\n').find((l) => pattern.test(l));
			expect(line, `${file} has a line matching ${pattern}`).toBeDefined();
			return line!.trim();
		};
		for (const line of [lineOf('tcp-echo/server.js', /= net\.createServer\(/), lineOf('tcp-echo/python/server.py', /conn\.sendall\(line\)/)]) {
			expect(text, `the PDF holds the code line ${line}`).toContain(line.replace(/\s+/g, ''));
		}
		expect(text, 'where the zip link goes').toContain('(/examples/tcp-echo.zip)');
		for (const screenOnly of ['Runinsandbox', 'OpenonStackBlitz', 'Editpage', 'Onthispage', 'Skiptocontent']) {
			expect(text, `"${screenOnly}" is not printed`).not.toContain(screenOnly);
		}
	});
});


/** The summary and the files each twin shows, from an example's README front matter. */
function readmeFrontMatter(name: string): { summary: string; files: string[]; python: string[] } {
	const readme = readFileSync(join(projectRoot, 'examples', name, 'README.md'), 'utf8');
	return parseYaml(/^---\n([\s\S]*?)\n---/.exec(readme)![1]!);
}

for (const path of labSheetPages) {
	const name = path.split('/')[2]!;
	test(`the lab sheet ${path} prints on one to three A4 pages: the task, both commands (Python first), the key lines and the addresses`, async ({ page }) => {
		await page.goto(siteUrl(path));
		const pdf = await page.pdf({ format: 'A4' });
		const raw = pdf.toString('latin1');
		const pages = raw.match(/\/Type\s*\/Page(?![A-Za-z])/g)?.length ?? 0;
		expect(pages, 'printed pages').toBeGreaterThanOrEqual(1);
		expect(pages, 'printed pages').toBeLessThanOrEqual(3);

		const text = pdfText(pdf).replace(/\s+/g, '');
		const squeezed = (words: string) => words.replace(/\s+/g, '');
		const { summary, files, python } = readmeFrontMatter(name);
		expect(text, 'the task').toContain(squeezed(summary));
		const pythonCommand = text.indexOf('python3python/start.py');
		expect(pythonCommand, 'the Python command').toBeGreaterThan(-1);
		expect(text.indexOf('npmstart', pythonCommand), 'npm start, after the Python command').toBeGreaterThan(pythonCommand);
		const sources = [...files, ...python].map((file) => ({ path: file, content: readFileSync(join(projectRoot, 'examples', name, file), 'utf8') }));
		for (const twin of keyLines({ name, files: sources, twins: { python: { shownFiles: python }, node: { shownFiles: files } } })) {
			expect(twin.lines.length, `${twin.file} has key lines`).toBeGreaterThan(0);
			for (const { code } of twin.lines) expect(text, `${twin.file}: ${code}`).toContain(squeezed(code));
		}
		expect(text, "the example page's address").toContain(`/examples/${name}/`);
		for (const [coursePage, names] of Object.entries(examplePages)) {
			if (names.includes(name)) expect(text, `the address on ${coursePage}`).toContain(`${coursePage}#example-${name}`);
		}
		for (const screenOnly of ['Editpage', 'Onthispage', 'Skiptocontent']) expect(text, `"${screenOnly}" is not printed`).not.toContain(screenOnly);
	});
}

/**
 * The text a PDF shows, in drawing order, with a line break where the text position moves to
 * a new line. Enough for the PDFs Chromium (Skia) writes: Type0 fonts with a ToUnicode map,
 * text shown with Tj/TJ on hex strings, content streams compressed with FlateDecode.
 */
function pdfText(pdf: Buffer): string {
	const raw = pdf.toString('latin1');
	const objects = new Map<string, { dict: string; stream?: string }>();
	for (const match of raw.matchAll(/(\d+) 0 obj\s*([\s\S]*?)endobj/g)) {
		const body = match[2]!;
		const streamAt = body.search(/stream\r?\n/);
		if (streamAt < 0) {
			objects.set(match[1]!, { dict: body });
			continue;
		}
		const dict = body.slice(0, streamAt);
		const start = streamAt + body.slice(streamAt).indexOf('\n') + 1;
		const length = Number(/\/Length (\d+)(?!\s+\d+\s+R)/.exec(dict)?.[1] ?? NaN);
		const data = Number.isFinite(length) ? body.slice(start, start + length) : body.slice(start, body.lastIndexOf('endstream')).replace(/\r?\n$/, '');
		const bytes = Buffer.from(data, 'latin1');
		let stream: string;
		try {
			stream = /\/FlateDecode/.test(dict) ? inflateSync(bytes).toString('latin1') : data;
		} catch {
			stream = ''; // an image or font program this reader has no use for
		}
		objects.set(match[1]!, { dict, stream });
	}

	// Each font's glyph codes → characters, from its ToUnicode CMap.
	const toUnicode = new Map<string, Map<string, string>>();
	const utf16 = (hex: string) => Buffer.from(hex, 'hex').swap16().toString('utf16le');
	for (const [id, { dict }] of objects) {
		const cmapId = /\/ToUnicode (\d+) 0 R/.exec(dict)?.[1];
		const cmap = cmapId ? objects.get(cmapId)?.stream : undefined;
		if (!cmap) continue;
		const map = new Map<string, string>();
		for (const [, block] of cmap.matchAll(/beginbfchar([\s\S]*?)endbfchar/g)) {
			for (const [, code, chars] of block!.matchAll(/<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>/g)) map.set(code!.toUpperCase(), utf16(chars!));
		}
		for (const [, block] of cmap.matchAll(/beginbfrange([\s\S]*?)endbfrange/g)) {
			for (const [, lo, hi, first, list] of block!.matchAll(/<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*(?:<([0-9A-Fa-f]+)>|\[([^\]]*)\])/g)) {
				const from = parseInt(lo!, 16);
				const width = lo!.length;
				const targets = list ? [...list.matchAll(/<([0-9A-Fa-f]+)>/g)].map((m) => utf16(m[1]!)) : undefined;
				for (let code = from; code <= parseInt(hi!, 16); code++) {
					const key = code.toString(16).toUpperCase().padStart(width, '0');
					if (targets) map.set(key, targets[code - from] ?? '');
					else map.set(key, String.fromCodePoint(parseInt(first!, 16) + code - from));
				}
			}
		}
		toUnicode.set(id, map);
	}

	const lines: string[] = [];
	const pageObjects = [...objects.values()].filter(({ dict }) => /\/Type\s*\/Page(?![A-Za-z])/.test(dict));
	for (const { dict } of pageObjects) {
		const fonts = new Map<string, string>();
		const fontDict = /\/Font\s*<<([\s\S]*?)>>/.exec(dict)?.[1] ?? '';
		for (const [, name, id] of fontDict.matchAll(/\/(\S+?)\s+(\d+) 0 R/g)) fonts.set(name!, id!);
		const contents = /\/Contents\s*(?:\[([^\]]*)\]|(\d+) 0 R)/.exec(dict);
		const contentIds = contents?.[1] ? [...contents[1].matchAll(/(\d+) 0 R/g)].map((m) => m[1]!) : [contents?.[2]];
		let font = new Map<string, string>();
		let y: string | undefined;
		let line = '';
		const show = (hex: string) => {
			const size = font.keys().next().value?.length ?? 4;
			for (let i = 0; i + size <= hex.length; i += size) line += font.get(hex.slice(i, i + size).toUpperCase()) ?? '';
		};
		for (const id of contentIds) {
			const content = id ? objects.get(id)?.stream ?? '' : '';
			const ops = /\/(\S+)\s+[\d.]+\s+Tf|[\d.-]+\s+[\d.-]+\s+[\d.-]+\s+[\d.-]+\s+[\d.-]+\s+([\d.-]+)\s+Tm|[\d.-]+\s+([\d.-]+)\s+T[dD]|<([0-9A-Fa-f]*)>\s*Tj|\[((?:[^\]]|\\\])*)\]\s*TJ/g;
			for (const [, fontName, tmY, tdY, tj, tjArray] of content.matchAll(ops)) {
				if (fontName) font = toUnicode.get(fonts.get(fontName) ?? '') ?? new Map();
				else if (tmY !== undefined || (tdY !== undefined && Number(tdY) !== 0)) {
					if (tmY !== y) {
						lines.push(line);
						line = '';
					}
					y = tmY ?? y;
				} else if (tj !== undefined) show(tj);
				else if (tjArray !== undefined) for (const [, hex] of tjArray.matchAll(/<([0-9A-Fa-f]*)>/g)) show(hex!);
			}
		}
		lines.push(line);
	}
	return lines.join('\n');
}
