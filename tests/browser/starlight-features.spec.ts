// The footer's previous and next links, dates and edit links are static HTML: tests/site/page-footer.test.ts.
import { expect, test } from '@playwright/test';
import { allPages } from '../support/course.ts';
import { siteUrl } from '../support/builds.ts';

test('the sidebar lists the home page, the course pages in course order, the examples and the instructors page', async ({ page }) => {
	await page.goto(siteUrl('/course/sockets/'));
	const sidebar = page.locator('#starlight__sidebar');
	const hrefs = await sidebar.locator('a[href]').evaluateAll((links) => links.map((a) => a.getAttribute('href')));
	expect(hrefs).toEqual([...allPages]);
	await expect(sidebar.locator('a[aria-current="page"]')).toHaveAttribute('href', '/course/sockets/');
});

test('the Examples group of the sidebar opens on an example page, marking it, and stays closed elsewhere', async ({ page }) => {
	const group = page.locator('#starlight__sidebar details', { has: page.locator('summary', { hasText: 'Examples' }) });
	await page.goto(siteUrl('/course/sockets/'));
	await expect(group).not.toHaveAttribute('open');
	await page.goto(siteUrl('/examples/tcp-echo/'));
	await expect(group).toHaveAttribute('open');
	await expect(group.locator('a[aria-current="page"]')).toHaveAttribute('href', '/examples/tcp-echo/');
});
