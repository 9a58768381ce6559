import { readFileSync } from 'node:fs';
import { expect, test, type Locator, type Page } from '@playwright/test';
import { strFromU8, unzipSync } from 'fflate';
import { siteUrl } from '../support/builds.ts';
import { exampleFiles } from '../support/examples.ts';
import { watchPage } from '../support/page-watch.ts';
import { axeViolations } from '../support/axe.ts';
import {
	captureStackBlitz,
	editInSandbox,
	failInSandbox,
	formFields,
	postedFiles,
	sandboxFiles,
	sandboxRequests,
} from '../support/fake-stackblitz.ts';
import { editsKey, filesIdentity, KEEP_INTERVAL_MS, type SavedEdits } from '../../src/lib/sandbox/saved-edits.ts';

/**
 * Students' edits are never lost (issue 7): what a student changes in the sandbox is kept in
 * this browser, comes back on the next Run (on any page embedding the example), can be
 * downloaded or reset, and no storage trouble breaks the page. StackBlitz is faked (see
 * tests/support/fake-stackblitz.ts): the fake answers the SDK's VM calls on the posted files.
 */

const PAGE = '/course/socket-functions/';
/** Another page embedding the same example. */
const OTHER_PAGE = '/course/sockets/';
const NAME = 'tcp-echo';
const KEY = editsKey(NAME);

const LOADED = /Your edited version from .+ is loaded\. Edits are kept only in this browser\./;
const CORRUPT = 'Your saved edits for this example could not be read and were removed; the original files are loaded.';

declare global {
	interface Window {
		editViolations?: string[];
	}
}

/** Console errors, uncaught exceptions and Content-Security-Policy violations while the test runs. */
async function watchProblems(page: Page): Promise<() => Promise<string[]>> {
	const problems = watchPage(page, new URL(siteUrl('/')).origin);
	await page.addInitScript(() => {
		window.editViolations = [];
		document.addEventListener('securitypolicyviolation', (event) => {
			window.editViolations!.push(`${event.effectiveDirective} blocked ${event.blockedURI || 'inline'}: ${event.sample}`);
		});
	});
	return async () => [...problems.consoleErrors, ...(await page.evaluate(() => window.editViolations ?? []))];
}

function exampleOn(page: Page): { example: Locator; iframe: Locator; status: Locator } {
	const example = page.locator('section.example', { has: page.locator(`#example-${NAME}`) });
	return { example, iframe: example.locator('iframe'), status: example.getByRole('status') };
}

async function run(page: Page): Promise<ReturnType<typeof exampleOn>> {
	const parts = exampleOn(page);
	const button = parts.example.getByRole('button', { name: /Run in sandbox|Try the sandbox again/ });
	// Scrolled to first: a click that scrolls the button into view is now and then lost on
	// these long pages (seen in the other specs too, before this feature).
	await button.scrollIntoViewIfNeeded();
	await button.click();
	await expect(parts.iframe).toBeVisible();
	await expect(parts.status).toContainText('The sandbox is running npm start.');
	return parts;
}

/**
 * The site keeps the files every KEEP_INTERVAL_MS: the test moves the page's clock (installed
 * before the page loads) on to the next round instead of waiting for it.
 */
const nextKeepingRound = (page: Page) => page.clock.fastForward(KEEP_INTERVAL_MS);

const stored = (page: Page) => page.evaluate((key) => localStorage.getItem(key), KEY);

/**
 * The reader leaves the page: waits until the site has asked the sandbox for the files to keep
 * and the answer has come back to the page (a task after it), so what is stored then is final.
 */
async function leave(page: Page, iframe: Locator): Promise<void> {
	const snapshots = async () => (await sandboxRequests(iframe)).filter((type) => type === 'SDK_GET_FS_SNAPSHOT').length;
	const before = await snapshots();
	await page.evaluate(() => window.dispatchEvent(new PageTransitionEvent('pagehide')));
	await expect.poll(snapshots).toBeGreaterThan(before);
	await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve))));
}

/** Puts `value` under the example's key before the site's first page loads, as a previous visit would have. */
async function seed(page: Page, value: string): Promise<void> {
	await page.addInitScript(
		([key, value, origin]) => {
			if (location.origin === origin && sessionStorage.getItem('seeded') === null) {
				localStorage.setItem(key, value);
				sessionStorage.setItem('seeded', 'yes');
			}
		},
		[KEY, value, new URL(siteUrl('/')).origin] as const
	);
}

// Each test starts a (fake) sandbox or two on a long course page, and some wait for a round of keeping.
test.describe.configure({ timeout: 60_000 });

test('edits are kept, come back after a reload, download as a zip and reset to the original', async ({ page }) => {
	test.setTimeout(120_000);
	const problems = await watchProblems(page);
	const posts = await captureStackBlitz(page, 'fake');
	const original = exampleFiles(NAME);
	await page.clock.install();
	await page.goto(siteUrl(PAGE));
	let { example, iframe, status } = exampleOn(page);
	// Said before anything is saved, by the Run button.
	await expect(example.locator('.sandbox-notice').first()).toContainText('Your edits there are kept only in this browser.');
	await run(page);
	expect(await stored(page)).toBeNull();

	// The student changes the server, adds a file and deletes the client.
	const edited = `${original['server.js']}\n// my change: log every connection\n`;
	await editInSandbox(iframe, 'server.js', edited);
	await editInSandbox(iframe, 'notes.txt', 'try a second client\n');
	await editInSandbox(iframe, 'client.js', null);
	const entry = async () => JSON.parse((await stored(page)) ?? 'null') as SavedEdits | null;
	await nextKeepingRound(page);
	await expect
		.poll(entry)
		.toEqual({
			savedAt: expect.any(Number),
			base: filesIdentity(original),
			create: { 'server.js': edited, 'notes.txt': 'try a second client\n' },
			destroy: ['client.js'],
		});
	await expect(example.getByRole('button', { name: 'Download my version' })).toBeVisible();

	// Next visit: Run starts StackBlitz with the student's files, and says so.
	await page.reload();
	({ example, iframe, status } = await run(page));
	expect(posts).toHaveLength(2);
	const { 'client.js': _deleted, ...kept } = original;
	expect(postedFiles(formFields(posts[1]!))).toEqual({ ...kept, 'server.js': edited, 'notes.txt': 'try a second client\n' });
	await expect(status).toContainText(LOADED);
	await expect(status).not.toContainText('changed since');
	const reset = example.getByRole('button', { name: 'Reset to the original' });
	const download = example.getByRole('button', { name: 'Download my version' });
	await expect(reset).toBeVisible();
	await expect(download).toBeVisible();
	expect(await axeViolations(page, 'section.example')).toEqual([]);

	// Download my version: a zip of the files in the sandbox now, deleted ones absent.
	await editInSandbox(iframe, 'notes.txt', 'try a second client\nand a third\n');
	const [zip] = await Promise.all([page.waitForEvent('download'), download.click()]);
	expect(zip.suggestedFilename()).toBe(`${NAME}-my-version.zip`);
	const entries = unzipSync(new Uint8Array(readFileSync((await zip.path())!)));
	const unzipped = Object.fromEntries(Object.entries(entries).map(([path, bytes]) => [path, strFromU8(bytes)]));
	expect(Object.keys(unzipped).sort()).toEqual(Object.keys({ ...kept, 'notes.txt': '' }).map((path) => `${NAME}/${path}`).sort());
	expect(unzipped[`${NAME}/server.js`]).toBe(edited);
	expect(unzipped[`${NAME}/notes.txt`]).toBe('try a second client\nand a third\n');

	// Reset to the original, from the keyboard: the sandbox gets the original files back, storage is cleared.
	await download.focus();
	await page.keyboard.press('Shift+Tab');
	await expect(reset).toBeFocused();
	await page.keyboard.press('Enter');
	await expect(status).toContainText('The original files are back in the sandbox');
	await expect(status).toBeFocused();
	expect(await sandboxFiles(iframe)).toEqual(original);
	expect(await sandboxRequests(iframe)).toContain('SDK_APPLY_FS_DIFF');
	expect(await stored(page)).toBeNull();
	await expect(reset).toBeHidden();
	await expect(download).toBeHidden();
	// Leaving the page keeps nothing: the files equal the original again.
	await leave(page, iframe);
	expect(await stored(page)).toBeNull();
	expect(posts).toHaveLength(2);

	expect(await problems()).toEqual([]);
});

test('leaving the page keeps the edits at once, without waiting for the next round', async ({ page }) => {
	const problems = await watchProblems(page);
	await captureStackBlitz(page, 'fake');
	await page.goto(siteUrl(PAGE));
	const { iframe } = await run(page);
	await editInSandbox(iframe, 'server.js', '// rewritten\n');
	await page.evaluate(() => {
		Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true });
		document.dispatchEvent(new Event('visibilitychange'));
	});
	await expect.poll(() => stored(page), { timeout: 2_000 }).toContain('// rewritten');
	expect(await problems()).toEqual([]);
});

test('another page embedding the same example starts with the saved version', async ({ page }) => {
	const problems = await watchProblems(page);
	const posts = await captureStackBlitz(page, 'fake');
	const original = exampleFiles(NAME);
	const edits: SavedEdits = { savedAt: Date.now() - 3_600_000, base: filesIdentity(original), create: { 'server.js': '// mine\n' }, destroy: [] };
	await seed(page, JSON.stringify(edits));
	await page.goto(siteUrl(OTHER_PAGE));
	const { status, example, iframe } = await run(page);
	expect(postedFiles(formFields(posts[0]!))).toEqual({ ...original, 'server.js': '// mine\n' });
	await expect(status).toContainText(LOADED);
	await expect(status).not.toContainText('changed since');
	await expect(example.getByRole('button', { name: 'Reset to the original' })).toBeVisible();
	// Nothing new to keep: the entry (and its date) stays as it was when the page is left.
	await leave(page, iframe);
	expect(JSON.parse((await stored(page))!)).toEqual(edits);
	expect(await problems()).toEqual([]);
});

test('when the example changed since the save, the saved version still loads, and it says so', async ({ page }) => {
	const problems = await watchProblems(page);
	const posts = await captureStackBlitz(page, 'fake');
	const original = exampleFiles(NAME);
	await seed(page, JSON.stringify({ savedAt: Date.now(), base: 'old0version', create: { 'server.js': '// mine\n' }, destroy: ['README.md'] }));
	await page.goto(siteUrl(PAGE));
	const { status, example, iframe } = await run(page);
	const { 'README.md': _gone, ...rest } = original;
	expect(postedFiles(formFields(posts[0]!))).toEqual({ ...rest, 'server.js': '// mine\n' });
	await expect(status).toContainText(LOADED);
	await expect(status).toContainText('The example has changed since you saved your version');
	await example.getByRole('button', { name: 'Reset to the original' }).click();
	await expect(status).toContainText('The original files are back in the sandbox');
	expect(await sandboxFiles(iframe)).toEqual(original);
	expect(await stored(page)).toBeNull();
	expect(await problems()).toEqual([]);
});

test('when the sandbox will not take the original files back, Reset starts it again from them', async ({ page }) => {
	const problems = await watchProblems(page);
	const posts = await captureStackBlitz(page, 'fake');
	const original = exampleFiles(NAME);
	await seed(page, JSON.stringify({ savedAt: Date.now(), base: filesIdentity(original), create: { 'server.js': '// mine\n' }, destroy: [] }));
	await page.goto(siteUrl(PAGE));
	const { status, example, iframe } = await run(page);
	await failInSandbox(iframe, 'SDK_APPLY_FS_DIFF');
	await example.getByRole('button', { name: 'Reset to the original' }).click();
	await expect(status).toContainText('The original files are back in the sandbox');
	expect(posts).toHaveLength(2);
	expect(postedFiles(formFields(posts[1]!))).toEqual(original);
	expect(await stored(page)).toBeNull();
	expect(await problems()).toEqual([]);
});

test('a full storage says so, and the sandbox keeps running', async ({ page }) => {
	const problems = await watchProblems(page);
	await page.addInitScript(() => {
		const setItem = Storage.prototype.setItem;
		Storage.prototype.setItem = function (key: string, value: string) {
			if (String(key).startsWith('netcourse:edits:')) throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
			setItem.call(this, key, value);
		};
	});
	await captureStackBlitz(page, 'fake');
	await page.clock.install();
	await page.goto(siteUrl(PAGE));
	const { status, iframe, example } = await run(page);
	await editInSandbox(iframe, 'server.js', '// too much for this browser\n');
	await nextKeepingRound(page);
	await expect(status).toContainText("Could not keep your edits: this browser's storage is full");
	await expect(status).toHaveClass(/problem/);
	await expect(iframe).toBeVisible();
	expect(await sandboxFiles(iframe)).toMatchObject({ 'server.js': '// too much for this browser\n' });
	await expect(example.getByRole('button', { name: 'Download my version' })).toBeVisible();
	expect(await stored(page)).toBeNull();
	expect(await problems()).toEqual([]);
});

const corrupt = {
	'unparseable JSON': '{"savedAt": 17',
	'the wrong shape': JSON.stringify({ savedAt: 'yesterday', files: { 'server.js': '// mine' } }),
	'a file that is not text': JSON.stringify({ savedAt: 1, base: 'abc', create: { 'server.js': 5 }, destroy: [] }),
};
for (const [what, value] of Object.entries(corrupt)) {
	test(`saved edits with ${what} are removed, and the original files are loaded`, async ({ page }) => {
		const problems = await watchProblems(page);
		const posts = await captureStackBlitz(page, 'fake');
		await seed(page, value);
		await page.goto(siteUrl(PAGE));
		const { status, example } = await run(page);
		await expect(status).toContainText(CORRUPT);
		expect(postedFiles(formFields(posts[0]!))).toEqual(exampleFiles(NAME));
		expect(await stored(page)).toBeNull();
		await expect(example.getByRole('button', { name: 'Reset to the original' })).toBeHidden();
		expect(await problems()).toEqual([]);
	});
}

test('when the browser refuses storage altogether, the sandbox runs and says edits cannot be kept', async ({ page }) => {
	const problems = await watchProblems(page);
	// From the page's load on, as the site's code reads storage only after the click. (Blocked
	// from the very start, Starlight's own theme script throws before any of ours runs.)
	await page.addInitScript(() => {
		window.addEventListener('load', () => {
			Object.defineProperty(window, 'localStorage', {
				configurable: true,
				get() {
					throw new DOMException("Failed to read the 'localStorage' property from 'Window': Access is denied for this document.", 'SecurityError');
				},
			});
		});
	});
	const posts = await captureStackBlitz(page, 'fake');
	await page.clock.install();
	await page.goto(siteUrl(PAGE), { waitUntil: 'load' });
	expect(await page.evaluate(() => window.localStorage).catch((error: Error) => error.message)).toMatch(/Access is denied/);
	const { status, iframe, example } = await run(page);
	await expect(status).toContainText('Your edits cannot be kept');
	expect(postedFiles(formFields(posts[0]!))).toEqual(exampleFiles(NAME));
	await editInSandbox(iframe, 'server.js', '// not kept\n');
	await nextKeepingRound(page);
	await expect(example.getByRole('button', { name: 'Download my version' })).toBeVisible();
	await expect(iframe).toBeVisible();
	expect(await problems()).toEqual([]);
});
