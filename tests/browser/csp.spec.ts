import { expect, test } from '@playwright/test';
import { siteUrl, type BuildName } from '../support/builds.ts';
import { policyOf, watchViolations } from '../support/csp.ts';
import { captureStackBlitz } from '../support/fake-stackblitz.ts';
import { pagesOfEveryKind } from '../support/page-kinds.ts';

// Every page is loaded under its policy in pages.spec.ts; here pages are also used as a reader
// would. In the root build one page of each kind and the 404 page. Under /netcourse/ every page's
// HTML, and with it the hashes of its policy, changes, but the scripts a reader sets going do not:
// there one page that runs every one of them (themes, tabs, search, the sandbox), one without a
// sandbox, whose policy forbids frames, and the 404 page.
const TOURED: Record<BuildName, string[]> = {
	root: [...pagesOfEveryKind, '/no-such-page/'],
	subpath: ['/', '/course/socket-functions/', '/no-such-page/'],
};
for (const build of ['root', 'subpath'] as BuildName[]) {
	test.describe(`the ${build} build`, () => {
		for (const path of TOURED[build]) {
			test(`${path} breaks none of its policy while read, searched, switched between themes and languages, and after Run in sandbox`, async ({ page }) => {
				const violations = await watchViolations(page);
				const posts = await captureStackBlitz(page, 'fake');
				await page.goto(siteUrl(path, build), { waitUntil: 'networkidle' });
				const policy = await policyOf(page);

				// Everything a reader does without asking for a sandbox: themes, language tabs, search.
				await page.locator('starlight-theme-select select').first().selectOption('light');
				const node = page.getByRole('tab', { name: 'Node.js' }).first();
				if (await node.count()) await node.click();
				await page.getByRole('button', { name: 'Search' }).click();
				await page.getByRole('dialog').getByRole('textbox', { name: 'Search' }).fill('socket');
				await expect(page.locator('#starlight__search .pagefind-ui__result-link').first()).toBeVisible({ timeout: 15_000 });
				await page.keyboard.press('Escape');
				expect(await violations()).toEqual([]);
				// Privacy: nothing stored about the reader beyond the theme and language choices.
				expect(await page.context().cookies()).toEqual([]);

				const run = page.getByRole('button', { name: 'Run in sandbox' }).first();
				if ((await run.count()) === 0) {
					expect(policy).toContain("frame-src 'none'");
					expect(policy).toContain("form-action 'none'");
					return;
				}
				expect(policy).toContain('frame-src https://stackblitz.com');
				// Code blocks above are laid out only as they come near (content-visibility), which can
				// move the button while the click scrolls to it: bring it into view first.
				await run.scrollIntoViewIfNeeded();
				await run.click();
				await expect(page.getByText(/sandbox is running/).first()).toBeVisible({ timeout: 20_000 });
				expect(posts).toHaveLength(1);
				expect(await violations()).toEqual([]);
			});
		}
	});
}

test('the policy is enforced: injected inline code and off-site requests are blocked', async ({ page }) => {
	const violations = await watchViolations(page);
	await page.goto(siteUrl('/course/sockets/'), { waitUntil: 'networkidle' });
	const ran = await page.evaluate(async () => {
		const script = document.createElement('script');
		script.textContent = 'window.injectedRan = true;';
		document.body.append(script);
		const styled = document.createElement('p');
		styled.setAttribute('style', 'color: rgb(255, 0, 0)');
		document.body.append(styled);
		const fetched = await fetch('https://example.org/').then(
			() => 'fetched',
			() => 'blocked'
		);
		return { script: 'injectedRan' in window, colour: getComputedStyle(styled).color, fetched };
	});
	expect(ran.script).toBe(false);
	expect(ran.colour).not.toBe('rgb(255, 0, 0)');
	expect(ran.fetched).toBe('blocked');
	const reported = await violations();
	expect(reported.some((v) => v.startsWith('script-src-elem blocked inline'))).toBe(true);
	expect(reported.some((v) => v.startsWith('style-src-attr blocked inline'))).toBe(true);
	expect(reported.some((v) => v.startsWith('connect-src blocked https://example.org'))).toBe(true);
});

test('Open on StackBlitz posts its form under the policy, with no violation', async ({ page, context }) => {
	const violations = await watchViolations(page);
	const posts = await captureStackBlitz(page, 'fake');
	await page.goto(siteUrl('/course/socket-functions/'), { waitUntil: 'networkidle' });
	await Promise.all([context.waitForEvent('page'), page.getByRole('button', { name: /Open on StackBlitz/ }).first().click()]);
	await expect.poll(() => posts.length).toBe(1);
	expect(await violations()).toEqual([]);
});
