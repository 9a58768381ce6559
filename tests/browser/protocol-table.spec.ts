import { expect, test } from '@playwright/test';
import { siteUrl } from '../support/builds.ts';

const osiLayers = ['Application', 'Presentation', 'Session', 'Transport', 'Network', 'Data Link', 'Physical'];
const tcpIpLayerOf = ['Application', 'Application', 'Application', 'Transport', 'Internet', 'Link', 'Link'];

test('the OSI vs TCP/IP table has 7 OSI rows whose merged cells screen readers can attribute', async ({ page }) => {
	await page.goto(siteUrl('/course/protocol-stack/'));
	const table = page.getByRole('table').filter({ has: page.getByRole('rowheader', { name: /Physical/ }) });
	await expect(table).toHaveCount(1);
	await expect(table.locator('caption')).not.toBeEmpty();

	const columnHeaders = table.locator('thead th');
	await expect(columnHeaders).toHaveCount(3);
	for (const th of await columnHeaders.all()) await expect(th).toHaveAttribute('scope', 'col');

	const rowHeaders = table.locator('tbody th');
	await expect(rowHeaders).toHaveCount(7);
	for (const [index, th] of (await rowHeaders.all()).entries()) {
		await expect(th).toHaveAttribute('scope', 'row');
		await expect(th).toContainText(osiLayers[index]!);
		await expect(th).toContainText(String(7 - index));
	}

	// For each OSI row, resolve which data cells name it in their `headers`: that is what a
	// screen reader announces for a cell that spans several rows.
	const cellsByRow = await table.evaluate((element) => {
		const rowIds = [...element.querySelectorAll('tbody th')].map((th) => th.id);
		const cells = [...element.querySelectorAll('tbody td')];
		return rowIds.map((id) =>
			cells
				.filter((td) => (td.getAttribute('headers') ?? '').split(/\s+/).includes(id))
				.map((td) => td.textContent?.replace(/\s+/g, ' ').trim() ?? '')
		);
	});
	for (const [index, cells] of cellsByRow.entries()) {
		expect(cells, `cells announced for OSI layer ${7 - index}`).toHaveLength(2);
		expect(cells[0]).toContain(tcpIpLayerOf[index]);
	}
	// Every id a cell points at exists, and each column header is among a cell's headers.
	const danglingHeaders = await table.evaluate((element) =>
		[...element.querySelectorAll('td')].flatMap((td) =>
			(td.getAttribute('headers') ?? '').split(/\s+/).filter((id) => !id || !element.querySelector(`th[id="${id}"]`))
		)
	);
	expect(danglingHeaders).toEqual([]);
});
