import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page, Request } from '@playwright/test';

/** Answers the StackBlitz SDK's handshake the way the real embed does, minus the editor. */
export const FAKE_STACKBLITZ = `<!doctype html><html lang="en"><title>fake StackBlitz</title><main><h1>Fake sandbox</h1></main><script>
window.addEventListener('message', (event) => {
	if (event.data && event.data.action === 'SDK_INIT') {
		const channel = new MessageChannel();
		event.source.postMessage({ action: 'SDK_INIT_SUCCESS', id: event.data.id, payload: { previewOrigin: null } }, '*', [channel.port1]);
	}
});
</script>`;

export function formFields(request: Request): URLSearchParams {
	return new URLSearchParams(request.postData() ?? '');
}

/** The files a captured StackBlitz form POST carries, with the form's CRLF line breaks undone. */
export function postedFiles(fields: URLSearchParams): Record<string, string> {
	const files: Record<string, string> = {};
	for (const [key, value] of fields) {
		const path = /^project\[files\]\[(.+)\]$/.exec(key)?.[1];
		if (path) files[path.replace(/%5B/g, '[').replace(/%5D/g, ']')] = value.replace(/\r\n/g, '\n');
	}
	return files;
}

export /**
 * Answers every request to StackBlitz in the page's context: with FAKE_STACKBLITZ, or by
 * failing it as if the site were unreachable. Resolves to the list the form POSTs land in.
 */
async function captureStackBlitz(page: Page, answer: 'fake' | 'block'): Promise<Request[]> {
	const posts: Request[] = [];
	await page.context().route('https://stackblitz.com/**', async (route) => {
		if (route.request().method() === 'POST') posts.push(route.request());
		if (answer === 'block') return route.abort('blockedbyclient');
		return route.fulfill({ contentType: 'text/html', body: FAKE_STACKBLITZ });
	});
	return posts;
}

/** The installed StackBlitz SDK's ES-module bundle, as the site's own chunk is built from it. */
export function stackBlitzSdkSource(): string {
	const require = createRequire(import.meta.url);
	return readFileSync(require.resolve('@stackblitz/sdk').replace(/sdk\.js$/, 'sdk.m.js'), 'utf8');
}
