/**
 * Every example's zip, as the build serves it (`/examples/<name>.zip`), holds exactly its
 * folder, and runs as downloaded: unzipped into an empty folder, `npm start` and
 * `python3 python/start.py` exit 0 and print the labelled lines of the recorded run.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, test } from 'node:test';
import { promisify } from 'node:util';
import { strFromU8, unzipSync } from 'fflate';
import { builds } from '../support/builds.ts';
import { exampleFiles, exampleNames, examplesDir } from '../support/examples.ts';
import { startCommand } from '../examples/support/twins.ts';

const run = promisify(execFile);
const workDir = mkdtempSync(join(tmpdir(), 'example-zips-'));
after(() => rmSync(workDir, { recursive: true, force: true }));

/** The labels ("server", "client") of the recorded output lines: a run must print the same kinds of line. */
function recordedLabels(name: string, language: 'node' | 'python'): string[] {
	const recording = JSON.parse(readFileSync(join(examplesDir, '_recordings', `${name}.json`), 'utf8')) as {
		runs: Record<string, { output: string }>;
	};
	return [...new Set(recording.runs[language]!.output.split('\n').filter(Boolean).map((line) => line.split(':')[0]!))].sort();
}

for (const name of exampleNames) {
	test(`${name}.zip holds the example folder and runs as downloaded, in Node.js and in Python`, async () => {
		const zip = readFileSync(join(builds.root.dir, 'examples', `${name}.zip`));
		const entries = unzipSync(new Uint8Array(zip));
		const files = Object.fromEntries(Object.entries(entries).map(([path, bytes]) => [path, strFromU8(bytes)]));
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
