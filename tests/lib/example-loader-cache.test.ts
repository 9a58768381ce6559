/**
 * The examples loader keeps an entry whose sources have not changed since the last build
 * (Astro keeps the content store between builds) and renders only what changed.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { examplesLoader } from '../../src/lib/examples/loader.ts';

const examplesDir = fileURLToPath(new URL('../../examples/', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'netcourse-loader-cache-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

for (const name of ['tcp-echo', 'udp-echo']) {
	cpSync(join(examplesDir, name), join(scratch, name), { recursive: true });
	for (const file of [`${name}.json`, `${name}.node.events.json`, `${name}.python.events.json`]) {
		cpSync(join(examplesDir, '_recordings', file), join(scratch, '_recordings', file));
	}
}

interface Entry {
	id: string;
	data: Record<string, unknown>;
	digest?: string | number;
}
const entries = new Map<string, Entry>();
/** The examples rendered (README, exercises) and stored again by the last load. */
const rendered: string[] = [];
const context = {
	store: {
		get: (id: string) => entries.get(id),
		set: (entry: Entry) => (rendered.push(entry.id), entries.set(entry.id, entry), true),
		keys: () => [...entries.keys()],
		delete: (id: string) => void entries.delete(id),
	},
	logger: { warn: (message: string) => assert.fail(`unexpected warning: ${message}`) },
	config: { root: pathToFileURL('/') },
	renderMarkdown: async (markdown: string) => ({ html: `<p>${markdown.length}</p>` }),
	parseData: async ({ data }: { data: Record<string, unknown> }) => data,
	generateDigest: (data: unknown) => createHash('sha256').update(JSON.stringify(data)).digest('hex'),
};
const load = async () => {
	rendered.length = 0;
	await examplesLoader({ dir: scratch }).load(context as never);
	return rendered.length;
};

test('renders every example on the first build, none on a build where nothing changed', async () => {
	assert.equal(await load(), 2);
	assert.deepEqual([...entries.keys()].sort(), ['tcp-echo', 'udp-echo']);
	const before = entries.get('tcp-echo');
	assert.equal(await load(), 0);
	assert.equal(entries.get('tcp-echo'), before, 'the same entry is kept');
});

test("renders again only the example whose README changed, with the new text", async () => {
	const readme = join(scratch, 'udp-echo', 'README.md');
	writeFileSync(readme, `${readFileSync(readme, 'utf8')}\nOne more line.\n`);
	assert.equal(await load(), 1);
	assert.notEqual(entries.get('udp-echo')?.data['notesHtml'], undefined);
	assert.equal(await load(), 0);
});

test('drops the entry of an example whose folder is gone', async () => {
	rmSync(join(scratch, 'udp-echo'), { recursive: true });
	assert.equal(await load(), 0);
	assert.deepEqual([...entries.keys()], ['tcp-echo']);
});
