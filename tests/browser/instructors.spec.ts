import { expect, test } from '@playwright/test';
import { siteUrl } from '../support/builds.ts';

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
