/**
 * Every example's zip, as the build serves it (`/examples/<name>.zip`), holds exactly its
 * folder, and runs as downloaded: unzipped into an empty folder, `npm start` and
 * `python3 python/start.py` exit 0 and print the labelled lines of the recorded run.
 * The short echo pair the socket functions page shows is in tcp-echo.zip, the very same code.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, test } from 'node:test';
import { promisify } from 'node:util';
import { strFromU8, unzipSync } from 'fflate';
import { DomUtils } from 'htmlparser2';
import { builds } from '../support/builds.ts';
import { builtDocument, hasClass } from '../support/built-html.ts';
import { exampleFiles, exampleNames, examplesDir } from '../support/examples.ts';
import { startCommand } from '../examples/support/twins.ts';

const run = promisify(execFile);
const workDir = mkdtempSync(join(tmpdir(), 'example-zips-'));
after(() => rmSync(workDir, { recursive: true, force: true }));

function unzipped(name: string): Record<string, string> {
	const entries = unzipSync(new Uint8Array(readFileSync(join(builds.root.dir, 'examples', `${name}.zip`))));
	return Object.fromEntries(Object.entries(entries).map(([path, bytes]) => [path, strFromU8(bytes)]));
}

/** The code of each titled code block of a built page, title → code, one `\n` after each line. */
function codeBlocks(page: string): Map<string, string> {
	const document = builtDocument(page);
	const blocks = new Map<string, string>();
	for (const figure of DomUtils.findAll(hasClass('frame'), document.children)) {
		const title = DomUtils.findOne(hasClass('title'), figure.children);
		if (!title) continue;
		const lines = DomUtils.findAll(hasClass('ec-line'), figure.children).map((line) => DomUtils.textContent(line).replace(/\n$/, ''));
		blocks.set(DomUtils.textContent(title), lines.map((line) => `${line}\n`).join(''));
	}
	return blocks;
}

test('the echo pair on the socket functions page is the one in tcp-echo.zip, python/echo_server.py and python/echo_client.py', () => {
	const files = unzipped('tcp-echo');
	const shown = codeBlocks('course/socket-functions');
	for (const file of ['echo_server.py', 'echo_client.py']) {
		const zipped = files[`tcp-echo/python/${file}`];
		assert.ok(zipped, `tcp-echo.zip holds python/${file}`);
		assert.equal(shown.get(file), zipped, `the socket functions page shows ${file} exactly as tcp-echo.zip holds it`);
	}
});

/** The labels ("server", "client") of the recorded output lines: a run must print the same kinds of line. */
function recordedLabels(name: string, language: 'node' | 'python'): string[] {
	const recording = JSON.parse(readFileSync(join(examplesDir, '_recordings', `${name}.json`), 'utf8')) as {
		runs: Record<string, { output: string }>;
	};
	return [...new Set(recording.runs[language]!.output.split('\n').filter(Boolean).map((line) => line.split(':')[0]!))].sort();
}

for (const name of exampleNames) {
	test(`${name}.zip holds the example folder and runs as downloaded, in Node.js and in Python`, async () => {
		const files = unzipped(name);
		assert.ok(Object.keys(files).every((path) => path.startsWith(`${name}/`)), `everything in ${name}.zip is inside the folder ${name}/`);
		assert.deepEqual(
			Object.fromEntries(Object.entries(files).map(([path, content]) => [path.slice(name.length + 1), content])),
			exampleFiles(name),
			`${name}.zip holds exactly examples/${name}`
		);

		const target = join(workDir, name);
		for (const [path, content] of Object.entries(files)) {
			mkdirSync(dirname(join(workDir, path)), { recursive: true });
			writeFileSync(join(workDir, path), content);
		}
		for (const language of ['node', 'python'] as const) {
			const { command, args, shown } = startCommand(language);
			const { stdout, stderr } = await run(command, args, { cwd: target, timeout: 60_000 });
			const labels = [...new Set(`${stdout}${stderr}`.split('\n').filter(Boolean).map((line) => line.split(':')[0]!))].sort();
			assert.deepEqual(labels, recordedLabels(name, language), `${shown} in the unzipped ${name}/ prints the same kinds of line as the recorded run`);
		}
	});
}
