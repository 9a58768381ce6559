import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export const examplesDir = fileURLToPath(new URL('../../examples/', import.meta.url));

/** Every example: the folders of examples/, without dotfiles and `_recordings`. */
export const exampleNames: string[] = readdirSync(examplesDir, { withFileTypes: true })
	.filter((entry) => entry.isDirectory() && !entry.name.startsWith('.') && !entry.name.startsWith('_'))
	.map((entry) => entry.name)
	.sort();

/** Which examples each course page must embed. */
export const examplePages: Record<string, string[]> = {
	'/course/client-server/': ['peer-to-peer'],
	'/course/protocol-stack/': ['http-by-hand'],
	'/course/python-apis/': ['rpc', 'http-by-hand'],
	'/course/sync-vs-async/': ['sync-vs-async'],
	'/course/sockets/': ['tcp-echo', 'udp-echo', 'tcp-framing'],
	'/course/socket-functions/': ['tcp-echo', 'failures'],
};

/** Every file of an example folder (dotfiles and __pycache__ skipped), path → content, as on disk. */
export function exampleFiles(name: string): Record<string, string> {
	const dir = join(examplesDir, name);
	const files: Record<string, string> = {};
	for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
		if (!entry.isFile()) continue;
		const path = relative(dir, join(entry.parentPath, entry.name)).split(sep).join('/');
		if (!path.split('/').some((part) => part.startsWith('.') || part === '__pycache__')) {
			files[path] = readFileSync(join(dir, path), 'utf8');
		}
	}
	return files;
}
