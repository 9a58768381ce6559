import { execFileSync } from 'node:child_process';
import { expect, test } from '@playwright/test';
import { allPages, writtenPages, sourceFile } from '../support/course.ts';
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

test('every page links to the previous and the next page in course order', async ({ page }) => {
	for (const [index, path] of allPages.entries()) {
		await page.goto(siteUrl(path));
		const prev = page.locator('.pagination-links a[rel="prev"]');
		const next = page.locator('.pagination-links a[rel="next"]');
		if (index === 0) await expect(prev, path).toHaveCount(0);
		else await expect(prev, path).toHaveAttribute('href', allPages[index - 1]!);
		if (index === allPages.length - 1) await expect(next, path).toHaveCount(0);
		else await expect(next, path).toHaveAttribute('href', allPages[index + 1]!);
	}
});

test('every written page shows when its source file was last committed, and an edit link to that file', async ({ page }) => {
	for (const path of writtenPages.filter((path) => path !== '/')) {
		await page.goto(siteUrl(path));
		const time = page.locator('footer time[datetime]');
		const committed = lastCommitDate(sourceFile(path));
		if (committed) {
			await expect(time, `${path}'s date`).toHaveAttribute('datetime', committed.toISOString());
		} else {
			// A file git has never committed has no date to show (only in a working tree, never in CI).
			await expect(time, `${path} has no date`).toHaveCount(0);
		}
		const edit = page.locator('footer a', { hasText: /edit page/i });
		await expect(edit, `${path}'s edit link`).toHaveAttribute('href', new RegExp(`/edit/main/${sourceFile(path).replace(/\./g, '\\.')}$`));
	}
});

/**
 * The newest commit that changed the file, as Starlight reads it: the newest commit whose own
 * change (against its first parent) touches the file. A merge's conflict resolution is not
 * such a change, so `git log -1 -- file`, which can name the merge, is not the same date.
 */
function lastCommitDate(file: string): Date | undefined {
	try {
		const times = execFileSync('git', ['log', '--no-merges', '--format=%ct', '--', file], {
			encoding: 'utf8',
			stdio: ['ignore', 'pipe', 'ignore'],
		})
			.split('\n')
			.filter(Boolean)
			.map(Number);
		return times.length > 0 ? new Date(Math.max(...times) * 1000) : undefined;
	} catch {
		return undefined; // a repository without any commit yet
	}
}
