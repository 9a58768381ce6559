import { expect, test, type Page } from '@playwright/test';
import { siteUrl } from '../support/builds.ts';
import { axeViolations } from '../support/axe.ts';
import { exampleFiles } from '../support/examples.ts';
import { captureStackBlitz, editInSandbox, formFields, postedFiles, sandboxFrame, sandboxFiles } from '../support/fake-stackblitz.ts';
import { watchPage } from '../support/page-watch.ts';
import { EDITS_KEY_PREFIX, KEEP_INTERVAL_MS } from '../../src/lib/sandbox/saved-edits.ts';
import { PROGRESS_KEY, RESULTS_FILE } from '../../src/lib/exercises/progress.ts';

/**
 * Exercises on the example's page and on /exercises/ (issue 13): they read fully without
 * JavaScript; "Start in sandbox" starts StackBlitz (faked, tests/support/fake-stackblitz.ts)
 * with the exercise's file open; the results `npm test` writes in the sandbox mark the exercise
 * solved on the page and on /exercises/, after a reload too; storage that is blocked or holds
 * garbage gets a clear message.
 */
const NAME = 'tcp-echo';
const PAGE = `/examples/${NAME}/`;
const INDEX = '/exercises/';

test.describe.configure({ timeout: 60_000 });

const exercise = (page: Page, name: string) => page.locator('section.exercise', { has: page.locator(`#exercise-${name}`) });
const results = (entries: Record<string, 'passed' | 'not yet'>) =>
	JSON.stringify({ format: 1, results: Object.fromEntries(Object.entries(entries).map(([name, result]) => [name, { result, checkedAt: '2026-12-06T10:00:00.000Z' }])) });

test('without JavaScript, each exercise reads in full: task, every hint and the solution as disclosures', async ({ browser }) => {
	const context = await browser.newContext({ javaScriptEnabled: false });
	const page = await context.newPage();
	await page.goto(siteUrl(PAGE));
	const block = exercise(page, 'line-numbers');
	await expect(block.getByRole('heading', { level: 3 })).toHaveText('Exercise: Number the lines');
	await expect(block).toContainText('Each connection counts on its own');
	const hints = block.locator('details.exercise-hint');
	await expect(hints).toHaveCount(3);
	await hints.nth(1).locator('summary').click();
	await expect(hints.nth(1)).toContainText('A counter outside those functions would be shared by every client.');
	await expect(hints.nth(2)).not.toHaveAttribute('open');
	const solution = block.locator('details.exercise-solution');
	await solution.locator('summary').click();
	await expect(solution.locator('figcaption', { hasText: 'server.js' }).first()).toBeVisible();
	await expect(solution).toContainText('let lineNumber = 0;');
	await expect(block.getByRole('button', { name: /Start in sandbox/ })).toBeHidden();
	await context.close();
});

test('with JavaScript, the hints show one at a time: each once the one before it was opened', async ({ page }) => {
	await page.goto(siteUrl(PAGE));
	const hints = exercise(page, 'line-numbers').locator('details.exercise-hint');
	await expect(hints.nth(0)).toBeVisible();
	await expect(hints.nth(1)).toBeHidden();
	await hints.nth(0).locator('summary').click();
	await expect(hints.nth(1)).toBeVisible();
	await expect(hints.nth(2)).toBeHidden();
	await hints.nth(1).locator('summary').click();
	await expect(hints.nth(2)).toBeVisible();
});

test('Start in sandbox opens the exercise’s file; npm test’s results mark it solved here and on /exercises/, after a reload too', async ({ page }) => {
	const problems = watchPage(page, new URL(siteUrl('/')).origin);
	const posts = await captureStackBlitz(page, 'fake');
	await page.clock.install();
	await page.goto(siteUrl(PAGE));
	const readToTheEnd = exercise(page, 'read-to-the-end');
	const lineNumbers = exercise(page, 'line-numbers');
	await expect(readToTheEnd.getByRole('status')).toHaveText('Not solved yet in this browser.');

	await readToTheEnd.getByRole('button', { name: /Start in sandbox/ }).click();
	const sandbox = page.locator('example-sandbox');
	await expect(sandbox.getByRole('status').first()).toContainText('The sandbox is running npm start.');
	expect(posts).toHaveLength(1);
	expect(new URL(posts[0]!.url()).searchParams.get('file')).toBe('client.js');
	// The checks go with the example, so npm test works in the sandbox.
	expect(Object.keys(postedFiles(formFields(posts[0]!)))).toEqual(expect.arrayContaining(['check.js', 'exercises/read-to-the-end/check.js']));
	await expect(sandbox.locator('[data-status]')).toBeFocused();

	// A second exercise while it runs: the same sandbox shows the other file.
	await lineNumbers.getByRole('button', { name: /Start in sandbox/ }).click();
	const iframe = sandbox.locator('iframe');
	const frame = await sandboxFrame(iframe);
	await expect.poll(() => frame.evaluate(() => window.fakeSandbox!.openFiles)).toEqual(['server.js']);
	expect(posts).toHaveLength(1);

	// The student runs npm test in the sandbox's terminal: check.js writes its results file.
	await editInSandbox(iframe, RESULTS_FILE, results({ 'read-to-the-end': 'passed', 'line-numbers': 'not yet' }));
	await page.clock.fastForward(KEEP_INTERVAL_MS);
	await expect(readToTheEnd.getByRole('status')).toContainText(/^Solved in this browser on /);
	await expect(lineNumbers.getByRole('status')).toHaveText(/last check says not yet: run "node check\.js line-numbers"/);
	// The results are the sandbox's, not the student's work: not among the kept edits.
	expect(await page.evaluate((key) => localStorage.getItem(key), `${EDITS_KEY_PREFIX}${NAME}`)).toBeNull();
	expect(await sandboxFiles(iframe)).toHaveProperty([RESULTS_FILE]);

	await page.reload();
	await expect(exercise(page, 'read-to-the-end').getByRole('status')).toContainText(/^Solved in this browser on /);
	await expect(exercise(page, 'line-numbers').getByRole('status')).toHaveText('Not solved yet in this browser.');
	await page.goto(siteUrl(INDEX));
	const row = (name: string) => page.locator(`tbody[data-example="${NAME}"] tr[data-exercise="${name}"]`);
	await expect(row('read-to-the-end')).toContainText(/Solved on /);
	await expect(row('line-numbers')).toContainText('Not yet');
	// An example the sandbox cannot run: its exercises are solved on the student's machine.
	await expect(page.locator('tbody[data-example="udp-echo"] tr').nth(1)).toContainText('On your machine only');
	expect(problems.consoleErrors).toEqual([]);
});

test('results npm test left unreadable get a message, and nothing is marked solved', async ({ page }) => {
	await captureStackBlitz(page, 'fake');
	await page.clock.install();
	await page.goto(siteUrl(PAGE));
	await exercise(page, 'read-to-the-end').getByRole('button', { name: /Start in sandbox/ }).click();
	const sandbox = page.locator('example-sandbox');
	await expect(sandbox.locator('[data-status]')).toContainText('The sandbox is running npm start.');
	await editInSandbox(sandbox.locator('iframe'), RESULTS_FILE, '{"format":1,"results":{"read-to-the-end":"yes"}}');
	await page.clock.fastForward(KEEP_INTERVAL_MS);
	await expect(sandbox.locator('[data-status]')).toHaveText(/could not be read: run "npm test" again/);
	await expect(exercise(page, 'read-to-the-end').getByRole('status')).toHaveText('Not solved yet in this browser.');
});

test('progress that cannot be read is removed, and storage the browser blocks is said, on the page and on /exercises/', async ({ browser }) => {
	const corrupt = await browser.newContext();
	await corrupt.addInitScript((key) => sessionStorage.getItem('seeded') ?? (localStorage.setItem(key, '{"solved":{"tcp-echo/read-to-the-end":"yesterday"}}'), sessionStorage.setItem('seeded', '1')), PROGRESS_KEY);
	const page = await corrupt.newPage();
	await page.goto(siteUrl(PAGE));
	await expect(exercise(page, 'read-to-the-end').getByRole('status')).toHaveText('Your saved progress could not be read and was removed.');
	expect(await page.evaluate((key) => localStorage.getItem(key), PROGRESS_KEY)).toBeNull();
	await corrupt.close();

	const blocked = await browser.newContext();
	await blocked.addInitScript(() => {
		Object.defineProperty(window, 'localStorage', { get: () => { throw new DOMException('blocked', 'SecurityError'); } });
	});
	const index = await blocked.newPage();
	await index.goto(siteUrl(INDEX));
	await expect(index.locator(`tr[data-exercise="line-numbers"]`)).toContainText('This browser does not let the site keep your progress');
	await blocked.close();
});

test('Open on StackBlitz opens the student’s version kept in this browser, not the original', async ({ page, context }) => {
	const posts = await captureStackBlitz(page, 'fake');
	const edited = '// @ts-check\n// my version\n';
	await page.addInitScript(
		([key, value]) => localStorage.setItem(key, value),
		[`${EDITS_KEY_PREFIX}${NAME}`, JSON.stringify({ savedAt: 1_760_000_000_000, base: 'abc', create: { 'server.js': edited }, destroy: [] })] as const
	);
	await page.goto(siteUrl(PAGE));
	await Promise.all([context.waitForEvent('page'), page.locator('example-sandbox').getByRole('button', { name: /Open on StackBlitz/ }).click()]);
	expect(posts).toHaveLength(1);
	expect(postedFiles(formFields(posts[0]!))).toEqual({ ...exampleFiles(NAME), 'server.js': edited });
});

test('the exercises index lists every exercise with a link to it, and passes axe', async ({ page }) => {
	await page.goto(siteUrl(INDEX));
	const link = page.getByRole('link', { name: 'Number the lines' });
	await expect(link).toHaveAttribute('href', new RegExp(`${PAGE}#exercise-line-numbers$`));
	expect(await axeViolations(page, 'main')).toEqual([]);
	await link.click();
	await expect(page.locator('#exercise-line-numbers')).toBeInViewport();
});
