import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { unzipSync, strFromU8 } from 'fflate';
import { lineAnchorPrefix } from '../../src/lib/examples/line-anchors.ts';
import { siteUrl } from '../support/builds.ts';
import { examplePages, examplesDir, exampleFiles } from '../support/examples.ts';
import { settled, watchPage } from '../support/page-watch.ts';
import { axeViolations } from '../support/axe.ts';
import { captureStackBlitz, formFields, postedFiles } from '../support/fake-stackblitz.ts';

const SANDBOX_PAGE = '/course/socket-functions/';

for (const [path, names] of Object.entries(examplePages)) {
	test(`${path} embeds its examples: ${names.join(', ')}`, async ({ page }) => {
		await page.goto(siteUrl(path));
		for (const name of names) {
			const heading = page.locator(`#example-${name}`);
			await expect(heading).toBeVisible();
			const section = page.locator('section.example', { has: heading });
			for (const output of await section.locator('.recorded-output').all()) {
				await expect(output).toContainText(/(server|peer A): listening on 127\.0\.0\.1:\d+/);
			}
			await expect(section.locator('.recorded-output')).toHaveCount(2);
		}
	});
}

test('before any click, an example page requests nothing from StackBlitz or any other site', async ({ page }) => {
	const problems = watchPage(page, new URL(siteUrl('/')).origin);
	await page.goto(siteUrl(SANDBOX_PAGE));
	await settled(page);
	expect(problems.offSiteRequests).toEqual([]);
});

test('Run in sandbox posts exactly the example folder to StackBlitz and shows the sandbox', async ({ page }) => {
	const posts = await captureStackBlitz(page, 'fake');
	await page.goto(siteUrl(SANDBOX_PAGE));
	const example = page.locator('section.example', { has: page.locator('#example-tcp-echo') });
	await example.getByRole('button', { name: 'Run in sandbox' }).scrollIntoViewIfNeeded();
	await example.getByRole('button', { name: 'Run in sandbox' }).click();

	const frame = example.locator('iframe');
	await expect(frame).toBeVisible();
	await expect(frame).toHaveAttribute('title', /TCP echo/);
	await expect(example.getByRole('status')).toContainText(/running npm start/i);
	expect((await frame.boundingBox())!.height).toBeGreaterThanOrEqual(500);

	expect(posts).toHaveLength(1);
	const post = posts[0]!;
	const url = new URL(post.url());
	expect(url.origin + url.pathname).toBe('https://stackblitz.com/run');
	expect(url.searchParams.get('file')).toBe('server.js');
	expect(url.searchParams.get('startScript')).toBe('start');
	const fields = formFields(post);
	expect(fields.get('project[template]')).toBe('node');
	expect(postedFiles(fields)).toEqual(exampleFiles('tcp-echo'));

	expect(await axeViolations(page, 'section.example')).toEqual([]);
});

test('Open on StackBlitz opens a new tab with the same project', async ({ page, context }) => {
	const posts = await captureStackBlitz(page, 'fake');
	await page.goto(siteUrl(SANDBOX_PAGE));
	const example = page.locator('section.example', { has: page.locator('#example-tcp-echo') });
	const [popup] = await Promise.all([
		context.waitForEvent('page'),
		example.getByRole('button', { name: /Open on StackBlitz/ }).click(),
	]);
	await popup.waitForLoadState();
	expect(posts).toHaveLength(1);
	expect(new URL(posts[0]!.url()).searchParams.get('file')).toBe('server.js');
	expect(postedFiles(formFields(posts[0]!))).toEqual(exampleFiles('tcp-echo'));
});

test('Open on StackBlitz that the browser would not let open a tab (no user activation) says to click again, and opens nothing', async ({ page }) => {
	const posts = await captureStackBlitz(page, 'fake');
	// What the browser reports once its few seconds after a click have passed (Playwright's own
	// clicks always count as the reader's, so the page is told so).
	await page.addInitScript(() => Object.defineProperty(Navigator.prototype, 'userActivation', { get: () => ({ isActive: false, hasBeenActive: true }) }));
	await page.goto(siteUrl(SANDBOX_PAGE));
	const example = page.locator('section.example', { has: page.locator('#example-tcp-echo') });
	await example.getByRole('button', { name: /Open on StackBlitz/ }).click();
	await expect(example.locator('[data-status]')).toHaveText(/click "Open on StackBlitz" again/);
	expect(posts).toHaveLength(0);
});

test('when StackBlitz cannot be reached, the frame says it is connecting, then the example says so, with focus on the message', async ({ page }) => {
	await captureStackBlitz(page, 'block');
	// The page's clock is moved on instead of waiting out the SDK's and the site's time limits.
	await page.clock.install();
	await page.goto(siteUrl(SANDBOX_PAGE));
	const example = page.locator('section.example', { has: page.locator('#example-tcp-echo') });
	const run = example.getByRole('button', { name: 'Run in sandbox' });
	await run.scrollIntoViewIfNeeded();
	await run.click();

	// While the SDK waits for its handshake: what is happening, the seconds waited, and no broken frame.
	const loading = example.locator('[data-frame] .sandbox-loading');
	await expect(loading.getByRole('status')).toHaveText('Connecting to StackBlitz…');
	await page.clock.fastForward(1_000);
	await expect(loading).toContainText(/Waited [1-9]\d* s/);
	await expect(example.locator('iframe')).toHaveCount(1);
	await expect(example.locator('iframe')).toBeHidden();

	const status = example.locator('[data-status]');
	await page.clock.fastForward(60_000); // past any limit of the site's and the SDK's
	await expect(status).toContainText(/did not start/);
	await expect(status).toContainText(/recorded output/);
	await expect(loading).toHaveCount(0);
	await expect(example.locator('iframe')).toHaveCount(0);
	expect(await status.evaluate((message) => message.contains(document.activeElement))).toBe(true);

	// Once StackBlitz can be reached, the same button starts it.
	await page.context().unroute('https://stackblitz.com/**');
	await captureStackBlitz(page, 'fake');
	const again = example.getByRole('button', { name: /try the sandbox again/i });
	await expect(again).toBeEnabled();
	await again.click();
	await expect(example.locator('iframe')).toBeVisible();
	await expect(status).toContainText(/running npm start/i);
	expect(await status.evaluate((message) => message.contains(document.activeElement))).toBe(true);
});

test.describe('with JavaScript turned off', () => {
	test.use({ javaScriptEnabled: false });
	test('an example still shows its recorded output and links to every file, and no dead buttons', async ({ page }) => {
		await page.goto(siteUrl(SANDBOX_PAGE));
		const example = page.locator('section.example', { has: page.locator('#example-tcp-echo') });
		for (const output of await example.locator('.recorded-output').all()) {
			await expect(output).toBeVisible();
			await expect(output).toContainText('client: every line came back, closing');
		}
		await expect(example.getByRole('button')).toHaveCount(0);
		await expect(example.getByRole('link', { name: 'tcp-echo.zip' })).toBeVisible();
		// Both twins are shown without JavaScript, each with links to its files on the example's page.
		const fileLinks = example.locator('.example-file-links a[href*="#"]');
		expect(await fileLinks.evaluateAll((links) => links.map((a) => a.getAttribute('href')))).toEqual([
			'/examples/tcp-echo/#example-tcp-echo-python-server-py',
			'/examples/tcp-echo/#example-tcp-echo-python-client-py',
			'/examples/tcp-echo/#example-tcp-echo-python-start-py',
			'/examples/tcp-echo/#example-tcp-echo-server-js',
			'/examples/tcp-echo/#example-tcp-echo-client-js',
			'/examples/tcp-echo/#example-tcp-echo-start-js',
		]);

		await fileLinks.first().click();
		await expect(page).toHaveURL(siteUrl('/examples/tcp-echo/#example-tcp-echo-python-server-py'));
		for (const file of ['server.js', 'client.js', 'python/server.py', 'python/client.py']) {
			const source = readFileSync(join(examplesDir, 'tcp-echo', file), 'utf8');
			const block = page.locator(`#${lineAnchorPrefix('tcp-echo', file)} .expressive-code`);
			await expect(block).toBeVisible();
			await expect(block).toContainText(source.split('\n')[1]!);
		}
	});
});

test('the example zip holds exactly the example folder', async ({ request }) => {
	const response = await request.get(siteUrl('/examples/tcp-echo.zip'));
	expect(response.status()).toBe(200);
	const entries = unzipSync(new Uint8Array(await response.body()));
	const unzipped = Object.fromEntries(Object.entries(entries).map(([path, bytes]) => [path.replace(/^tcp-echo\//, ''), strFromU8(bytes)]));
	expect(unzipped).toEqual(exampleFiles('tcp-echo'));
});
