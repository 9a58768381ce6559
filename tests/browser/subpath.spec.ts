import { expect, test } from '@playwright/test';
import { builtPages, siteUrl } from '../support/builds.ts';
import { watchPage } from '../support/page-watch.ts';

test('the sub-path build has the same pages as the root build', () => {
	expect(builtPages('subpath')).toEqual(builtPages('root'));
});

for (const path of builtPages('subpath')) {
	test(`${path} under /netcourse/: every internal URL carries the prefix and every asset loads`, async ({ page }) => {
		const problems = watchPage(page, new URL(siteUrl('/', 'subpath')).origin);
		await page.goto(siteUrl(path, 'subpath'), { waitUntil: 'networkidle' });
		const unprefixed = await page.evaluate(() =>
			[...document.querySelectorAll('[href], [src], [srcset], [action]')]
				.flatMap((el) => ['href', 'src', 'action'].map((name) => el.getAttribute(name)))
				.filter((value): value is string => !!value && value.startsWith('/') && !value.startsWith('/netcourse/'))
		);
		expect(unprefixed).toEqual([]);
		expect(problems).toEqual({ consoleErrors: [], failedRequests: [], offSiteRequests: [] });
	});
}
