import { expect, test } from '@playwright/test';
import { siteUrl } from '../support/builds.ts';
import { axeViolations } from '../support/axe.ts';

const PAGE = '/course/socket-functions/';
const example = (page: import('@playwright/test').Page, name: string) =>
	page.locator('section.example', { has: page.locator(`#example-${name}`) });

test('each example shows Python then Node.js as tabs, Python on a first visit; a chosen Node.js applies to all examples and is remembered on other pages', async ({ page }) => {
	await page.goto(siteUrl(PAGE));
	const echo = example(page, 'tcp-echo');
	const tabs = echo.getByRole('tab');
	await expect(tabs).toHaveText(['Python', 'Node.js']);
	await expect(echo.getByRole('tab', { name: 'Python' })).toHaveAttribute('aria-selected', 'true');
	await expect(echo.getByRole('tabpanel')).toHaveCount(1);
	await expect(echo.getByRole('tabpanel').getByRole('link', { name: 'python/server.py' })).toBeVisible();
	await expect(echo.getByRole('tabpanel').locator('.recorded-output')).toContainText('python3 python/start.py');

	await echo.getByRole('tab', { name: 'Node.js' }).click();
	await expect(echo.getByRole('tab', { name: 'Node.js' })).toHaveAttribute('aria-selected', 'true');
	await expect(echo.getByRole('tabpanel').getByRole('link', { name: 'server.js', exact: true })).toBeVisible();
	// Every other example on the page follows, and the Python twin is out of sight.
	await expect(example(page, 'failures').getByRole('tab', { name: 'Node.js' })).toHaveAttribute('aria-selected', 'true');
	await expect(echo.getByRole('link', { name: 'python/server.py' })).toBeHidden();
	await expect(echo.getByText('python3 python/start.py: recorded output')).toBeHidden();

	await page.goto(siteUrl('/course/sockets/'));
	await expect(example(page, 'udp-echo').getByRole('tab', { name: 'Node.js' })).toHaveAttribute('aria-selected', 'true');
	await expect(example(page, 'udp-echo').getByRole('tabpanel').getByRole('link', { name: 'server.js', exact: true })).toBeVisible();
	expect(await axeViolations(page, 'section.example')).toEqual([]);
});

test('an example’s own page shows the Python tab first and selected on a first visit', async ({ page }) => {
	await page.goto(siteUrl('/examples/tcp-echo/'));
	const tabs = page.locator('language-tabs').getByRole('tab');
	await expect(tabs).toHaveText(['Python', 'Node.js']);
	await expect(tabs.first()).toHaveAttribute('aria-selected', 'true');
	await expect(page.getByRole('tabpanel').locator('.example-file').first()).toHaveAttribute('id', 'example-tcp-echo-python-server-py');
});

test('the language tabs work from the keyboard (arrow keys, Home, End)', async ({ page }) => {
	await page.goto(siteUrl(PAGE));
	const echo = example(page, 'tcp-echo');
	const python = echo.getByRole('tab', { name: 'Python' });
	const node = echo.getByRole('tab', { name: 'Node.js' });
	await python.focus();
	await page.keyboard.press('ArrowRight');
	await expect(node).toBeFocused();
	await expect(node).toHaveAttribute('aria-selected', 'true');
	await page.keyboard.press('ArrowRight'); // wraps around
	await expect(python).toBeFocused();
	await page.keyboard.press('End');
	await expect(node).toHaveAttribute('aria-selected', 'true');
	await page.keyboard.press('Home');
	await expect(python).toHaveAttribute('aria-selected', 'true');
	// Only the selected tab is in the Tab order; Tab moves on into the panel.
	await expect(node).toHaveAttribute('tabindex', '-1');
	await page.keyboard.press('Tab');
	await expect(echo.getByRole('tabpanel')).toBeFocused();
});

test.describe('with JavaScript turned off', () => {
	test.use({ javaScriptEnabled: false });
	test('both languages are shown, one after the other, each under its own heading, Python first', async ({ page }) => {
		for (const [path, name] of [[PAGE, 'tcp-echo'], ['/examples/tcp-echo/', 'tcp-echo']] as const) {
			await page.goto(siteUrl(path));
			const echo = example(page, name);
			await expect(echo.getByRole('tab')).toHaveCount(0);
			await expect(echo.locator('.twin-heading')).toHaveText(['Python', 'Node.js']);
			await expect(echo.getByRole('heading', { name: 'Python' })).toBeVisible();
			await expect(echo.getByRole('heading', { name: 'Node.js' })).toBeVisible();
			await expect(echo.locator('.recorded-output')).toHaveCount(2);
			await expect(echo.locator('.recorded-output').first()).toContainText('python3 python/start.py');
		}
		await page.goto(siteUrl(PAGE));
		await expect(example(page, 'tcp-echo').getByRole('link', { name: 'python/server.py' })).toBeVisible();
		await expect(example(page, 'tcp-echo').getByRole('link', { name: 'server.js', exact: true })).toBeVisible();
	});
});

/** What the linked line must contain, per row of the socket functions table: [Python, Node]. */
const linkedCalls: Record<string, [RegExp, RegExp]> = {
	'socket()': [/socket\.socket\(/, /net\.createServer\(/],
	'bind()': [/\.bind\(/, /\.listen\(/],
	'listen()': [/\.listen\(/, /\.listen\(/],
	'connect()': [/\.connect\(/, /net\.connect\(/],
	'accept()': [/\.accept\(\)/, /createServer\(\(socket\)/],
	'send() / sendall()': [/\.sendall\(/, /\.write\(/],
	'recv()': [/\.recv\(/, /on\('data'/],
	'sendto()': [/\.sendto\(/, /\.send\(/],
	'recvfrom()': [/\.recvfrom\(/, /on\('message'/],
	'shutdown()': [/\.shutdown\(/, /\.end\(\)/],
	'close()': [/\.close\(\)/, /\.close\(\)/],
};

test('every row of the socket functions table links to the very line of each twin that makes the call', async ({ page }) => {
	await page.goto(siteUrl(PAGE));
	const rows = page.locator('table.socket-call-map tbody tr');
	await expect(rows).toHaveCount(Object.keys(linkedCalls).length);
	const targets = await rows.evaluateAll((trs) =>
		trs.map((tr) => ({
			call: tr.querySelector('th')!.textContent!.trim(),
			hrefs: [...tr.querySelectorAll('td:last-child a')].map((a) => (a as HTMLAnchorElement).href),
		}))
	);
	for (const { call, hrefs } of targets) expect(hrefs, call).toHaveLength(2);
	// Page by page: the links to one page after another are followed within that page.
	const links = targets
		.flatMap(({ call, hrefs }) => hrefs.map((href, index) => ({ call, href, expected: linkedCalls[call]![index]! })))
		.sort((a, b) => new URL(a.href).pathname.localeCompare(new URL(b.href).pathname));
	for (const { call, href, expected } of links) {
		await page.goto(href);
		const line = page.locator(`[id="${new URL(href).hash.slice(1)}"]`);
		await expect(line, `${call} → ${href}`).toBeVisible();
		await expect(line, `${call} → ${href}`).toHaveText(expected);
		await expect(line).toHaveCSS('outline-style', 'solid'); // :target highlight
	}
});
