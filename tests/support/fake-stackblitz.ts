import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Frame, Locator, Page, Request } from '@playwright/test';

/**
 * The page StackBlitz's `/run` answers the SDK's form POST with, faked: it answers the SDK's
 * handshake (`SDK_INIT` → `SDK_INIT_SUCCESS` with a MessagePort), then the VM calls the site
 * makes over that port, on an in-memory copy of the posted files:
 *
 * - `{ type: 'SDK_GET_FS_SNAPSHOT', payload: { __reqid } }` → `{ type, payload: { __reqid,
 *   __success: true, ...files } }` (the SDK strips the `__` keys: the rest is path → content);
 * - `{ type: 'SDK_APPLY_FS_DIFF', payload: { create: { path: content }, destroy: [path],
 *   __reqid } }` → `{ type, payload: { __reqid, __success: true } }` (the SDK resolves null);
 * - `{ type: 'SDK_OPEN_FILE', payload: { path, __reqid } }` → success, the path noted in
 *   `window.fakeSandbox.openFiles` (the editor's tabs, in the order they were opened);
 * - anything else, or a type the test made fail → `{ type, payload: { __reqid, __success:
 *   false, __error } }` (the SDK rejects with "<type>: <error>").
 *
 * `window.fakeSandbox` in the frame is the test's hook (see `FakeSandbox`): the files, the VM
 * requests seen, and what a student does in the editor (`edit`, `remove`).
 */
export function fakeStackBlitzPage(files: Record<string, string> = {}): string {
	const json = JSON.stringify(files).replace(/</g, '\\u003c');
	return `<!doctype html><html lang="en"><meta charset="utf-8"><title>fake StackBlitz</title><main><h1>Fake sandbox</h1></main><script>
const sandbox = (window.fakeSandbox = {
	files: ${json},
	requests: [],
	failing: [],
	openFiles: [],
	edit(path, content) { sandbox.files[path] = content; },
	remove(path) { delete sandbox.files[path]; },
});
function answer(port, message) {
	const type = message && message.type;
	const payload = (message && message.payload) || {};
	const __reqid = payload.__reqid;
	sandbox.requests.push({ type, payload });
	const fail = (error) => port.postMessage({ type, payload: { __reqid, __success: false, __error: error } });
	if (sandbox.failing.includes(type)) return fail('failed by the test');
	if (type === 'SDK_GET_FS_SNAPSHOT') {
		return port.postMessage({ type, payload: { ...sandbox.files, __reqid, __success: true } });
	}
	if (type === 'SDK_APPLY_FS_DIFF') {
		for (const [path, content] of Object.entries(payload.create)) sandbox.files[path] = content;
		for (const path of payload.destroy) delete sandbox.files[path];
		return port.postMessage({ type, payload: { __reqid, __success: true } });
	}
	if (type === 'SDK_OPEN_FILE') {
		sandbox.openFiles.push(payload.path);
		return port.postMessage({ type, payload: { __reqid, __success: true } });
	}
	fail('not supported by the fake StackBlitz');
}
window.addEventListener('message', (event) => {
	if (event.data && event.data.action === 'SDK_INIT') {
		const channel = new MessageChannel();
		channel.port2.onmessage = (message) => answer(channel.port2, message.data);
		event.source.postMessage({ action: 'SDK_INIT_SUCCESS', id: event.data.id, payload: { previewOrigin: null } }, '*', [channel.port1]);
	}
});
</script>`;
}

/** The fake StackBlitz page with no files (a GET, or a POST the test does not care about). */
export const FAKE_STACKBLITZ = fakeStackBlitzPage();

/** `window.fakeSandbox` in a fake StackBlitz frame. */
export interface FakeSandbox {
	files: Record<string, string>;
	requests: { type: string; payload: Record<string, unknown> }[];
	/** VM request types the fake answers with a failure. */
	failing: string[];
	/** Files the site asked the editor to open (SDK_OPEN_FILE), in order. */
	openFiles: string[];
	/** The student changes (or adds) a file in the editor. */
	edit(path: string, content: string): void;
	/** The student deletes a file. */
	remove(path: string): void;
}

/** The fake StackBlitz document in a sandbox `<iframe>` (after the SDK's form POST landed). */
export async function sandboxFrame(iframe: Locator): Promise<Frame> {
	const frame = await (await iframe.elementHandle())?.contentFrame();
	if (!frame) throw new Error('the sandbox iframe has no document');
	await frame.waitForFunction(() => 'fakeSandbox' in window && location.origin === 'https://stackblitz.com');
	return frame;
}

declare global {
	interface Window {
		/** Set in fake StackBlitz frames only. */
		fakeSandbox?: FakeSandbox;
	}
}

/** The files in the fake sandbox now. */
export async function sandboxFiles(iframe: Locator): Promise<Record<string, string>> {
	const frame = await sandboxFrame(iframe);
	return frame.evaluate(() => ({ ...window.fakeSandbox!.files }));
}

/** The student edits a file in the sandbox (content `null`: deletes it). */
export async function editInSandbox(iframe: Locator, path: string, content: string | null): Promise<void> {
	const frame = await sandboxFrame(iframe);
	await frame.evaluate(
		([path, content]) => {
			const sandbox = window.fakeSandbox!;
			if (content === null) sandbox.remove(path!);
			else sandbox.edit(path!, content);
		},
		[path, content] as const
	);
}

/** The VM requests the sandbox received, by type (`SDK_GET_FS_SNAPSHOT`, `SDK_APPLY_FS_DIFF`…). */
export async function sandboxRequests(iframe: Locator): Promise<string[]> {
	const frame = await sandboxFrame(iframe);
	return frame.evaluate(() => window.fakeSandbox!.requests.map((request) => request.type));
}

/** Makes the fake answer every later VM request of these types with a failure. */
export async function failInSandbox(iframe: Locator, ...types: string[]): Promise<void> {
	const frame = await sandboxFrame(iframe);
	await frame.evaluate((types) => window.fakeSandbox!.failing.push(...types), types);
}

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

/**
 * Answers every request to StackBlitz in the page's context: with the fake StackBlitz page
 * (holding the files of the form POST), or by failing it as if the site were unreachable.
 * Resolves to the list the form POSTs land in.
 */
export async function captureStackBlitz(page: Page, answer: 'fake' | 'block'): Promise<Request[]> {
	const posts: Request[] = [];
	await page.context().route('https://stackblitz.com/**', async (route) => {
		if (route.request().method() === 'POST') posts.push(route.request());
		if (answer === 'block') return route.abort('blockedbyclient');
		const files = route.request().method() === 'POST' ? postedFiles(formFields(route.request())) : {};
		return route.fulfill({ contentType: 'text/html; charset=utf-8', body: fakeStackBlitzPage(files) });
	});
	return posts;
}

/** The installed StackBlitz SDK's ES-module bundle, as the site's own chunk is built from it. */
export function stackBlitzSdkSource(): string {
	const require = createRequire(import.meta.url);
	return readFileSync(require.resolve('@stackblitz/sdk').replace(/sdk\.js$/, 'sdk.m.js'), 'utf8');
}
