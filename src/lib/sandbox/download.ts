import { strToU8, zipSync } from 'fflate';
import type { Files } from './saved-edits.ts';

/**
 * "Download my version": the student's files as `<name>-my-version.zip`, zipped in the browser
 * (in a folder named like the example, as the site's own zip of it). Loaded on that click only.
 */
export function downloadZip(name: string, files: Files): void {
	const entries = Object.fromEntries(Object.entries(files).map(([path, content]) => [`${name}/${path}`, strToU8(content)]));
	const zip = zipSync(entries, { level: 6 });
	const url = URL.createObjectURL(new Blob([zip as Uint8Array<ArrayBuffer>], { type: 'application/zip' }));
	const link = document.createElement('a');
	link.href = url;
	link.download = `${name}-my-version.zip`;
	link.hidden = true;
	document.body.append(link);
	link.click();
	link.remove();
	// Long enough for the browser to have started the download.
	setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
