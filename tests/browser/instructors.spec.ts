import { expect, test } from '@playwright/test';
import { siteUrl } from '../support/builds.ts';
import { labSheetPages } from '../support/course.ts';

const PAGE = '/instructors/';

test('a Copy button in the link table copies its address and says so', async ({ page, context }) => {
	await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(siteUrl('/')).origin });
	await page.goto(siteUrl(PAGE));
	const row = page.locator('.link-table tr.link-example').first();
	const address = (await row.locator('code').textContent())!;
	expect(address).toMatch(/^\/course\/[\w-]+\/#example-[\w-]+$/);
	const button = row.getByRole('button', { name: /^Copy the address of Example: / });
	await expect(button).toBeVisible();
	await button.focus();
	await page.keyboard.press('Enter');
	// Announced in the live region, and shown beside the button (once: screen readers hear the region).
	await expect(page.getByRole('status')).toHaveText(`Copied ${address}`);
	await expect(row.locator('.copied-mark')).toHaveText('Copied');
	await expect(row.locator('.copied-mark')).toBeVisible();
	await expect(row.locator('.copied-mark')).toHaveAttribute('aria-hidden', 'true');
	await expect(button).toBeFocused();
	expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(address);
	// Copying another address moves the mark there: one "Copied" on the page, beside what was copied last.
	const next = page.locator('.link-table tr.link-page').nth(2);
	await next.getByRole('button').click();
	await expect(page.getByRole('status')).toHaveText(`Copied ${(await next.locator('code').textContent())!}`);
	await expect(page.locator('.copied-mark')).toHaveCount(1);
	await expect(next.locator('.copied-mark')).toBeVisible();
});

test('a refused clipboard gets a message with the address to copy by hand', async ({ page }) => {
	await page.addInitScript(() => {
		Object.defineProperty(navigator, 'clipboard', { value: { writeText: () => Promise.reject(new Error('denied')) } });
	});
	await page.goto(siteUrl(PAGE));
	const row = page.locator('.link-table tr.link-page').nth(1);
	const address = (await row.locator('code').textContent())!;
	await row.getByRole('button').click();
	await expect(page.getByRole('status')).toHaveText(`Could not copy; select the address and copy it yourself: ${address}`);
});

test('the page links to every lab sheet and to the site\'s sources', async ({ page }) => {
	await page.goto(siteUrl(PAGE));
	const list = page.locator('.lab-sheet-list');
	expect(await list.getByRole('link').evaluateAll((links) => links.map((a) => a.getAttribute('href')))).toEqual([...labSheetPages]);
	await expect(list.getByRole('link', { name: 'Lab sheet: TCP echo server and client' })).toBeVisible();
	// The repository the edit links point into (src/site-settings.ts), at its branch.
	await expect(page.getByRole('link', { name: 'https://github.com/netcourse/network-programming/tree/main/' })).toHaveAttribute(
		'href',
		'https://github.com/netcourse/network-programming/tree/main/'
	);
});

test.describe('with JavaScript turned off', () => {
	test.use({ javaScriptEnabled: false });
	test('the link table shows every address as text, and no button that would do nothing', async ({ page }) => {
		await page.goto(siteUrl(PAGE));
		const table = page.locator('.link-table');
		await expect(table).toBeVisible();
		const rows = await table.locator('tbody tr').count();
		expect(rows).toBeGreaterThan(100);
		await expect(table.locator('code').first()).toHaveText('/');
		await expect(table.getByRole('button')).toHaveCount(0);
	});
});
