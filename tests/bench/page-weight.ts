import { gzipSync } from 'node:zlib';
import type { Page } from '@playwright/test';

export type ResourceKind = 'html' | 'js' | 'css' | 'font' | 'image' | 'other';

export interface Transfer {
	url: string;
	kind: ResourceKind;
	raw: number;
	gzip: number;
}

export interface Weight {
	requests: number;
	byKind: Record<ResourceKind, { raw: number; gzip: number }>;
	transfers: Transfer[];
}

const kindOf: Record<string, ResourceKind> = {
	document: 'html',
	script: 'js',
	stylesheet: 'css',
	font: 'font',
	image: 'image',
};

/**
 * Records every response a page receives while `activity` runs, as the browser saw it.
 * Sizes are the bodies' bytes as served and as gzip would send them (level 9), so figures
 * do not depend on whether the serving host compresses.
 */
export async function recordWeight(page: Page, activity: () => Promise<void>): Promise<Weight> {
	const pending: Promise<Transfer | undefined>[] = [];
	const onResponse = (response: import('@playwright/test').Response) => {
		pending.push(
			response.body().then(
				(body) => ({
					url: response.url(),
					kind: kindOf[response.request().resourceType()] ?? 'other',
					raw: body.length,
					gzip: gzipSync(body, { level: 9 }).length,
				}),
				() => undefined // redirects and aborted requests have no body
			)
		);
	};
	page.on('response', onResponse);
	try {
		await activity();
	} finally {
		page.off('response', onResponse);
	}
	const transfers = (await Promise.all(pending)).filter((t): t is Transfer => t !== undefined);
	const byKind = Object.fromEntries(
		(['html', 'js', 'css', 'font', 'image', 'other'] as const).map((kind) => [kind, { raw: 0, gzip: 0 }])
	) as Weight['byKind'];
	for (const t of transfers) {
		byKind[t.kind].raw += t.raw;
		byKind[t.kind].gzip += t.gzip;
	}
	return { requests: transfers.length, byKind, transfers };
}

/** Bytes of JavaScript inlined in the page's HTML (`<script>` without `src`), raw and gzip. */
export async function inlineScriptBytes(page: Page): Promise<{ raw: number; gzip: number }> {
	const sources = await page.$$eval('script:not([src])', (scripts) =>
		(scripts as HTMLScriptElement[])
			.filter((s) => !s.type || /javascript|module/.test(s.type))
			.map((s) => s.textContent ?? '')
	);
	const joined = Buffer.from(sources.join('\n'));
	return { raw: joined.length, gzip: sources.length ? gzipSync(joined, { level: 9 }).length : 0 };
}
