import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { listExampleNames, readExample } from '../../src/lib/examples/read-example.ts';
import { isEventLogFresh, isFresh, readEventLog, readRecording } from '../../src/lib/examples/recording.ts';

const projectRoot = fileURLToPath(new URL('../../', import.meta.url));
const examplesDir = join(projectRoot, 'examples');
const scratch = mkdtempSync(join(tmpdir(), 'netcourse-examples-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

let counter = 0;
/** A copy of examples/tcp-echo (and its recording) in a scratch examples folder, changed by `breakIt`. */
function brokenCopy(breakIt: (dir: string) => void, name = 'broken'): string {
	const root = join(scratch, `set-${counter++}`);
	cpSync(join(examplesDir, 'tcp-echo'), join(root, name), { recursive: true });
	cpSync(join(examplesDir, '_recordings', 'tcp-echo.json'), join(root, '_recordings', `${name}.json`));
	for (const language of ['node', 'python']) {
		// The logs name their example: rename it, as a recording of this copy would.
		const log = JSON.parse(readFileSync(join(examplesDir, '_recordings', `tcp-echo.${language}.events.json`), 'utf8')) as { example: string };
		writeFileSync(join(root, '_recordings', `${name}.${language}.events.json`), JSON.stringify({ ...log, example: name }));
	}
	breakIt(join(root, name));
	return root;
}

const edit = (file: string, change: (text: string) => string) => writeFileSync(file, change(readFileSync(file, 'utf8')));

const cases: [string, (dir: string) => void, RegExp][] = [
	['README.md is missing', (dir) => unlinkSync(join(dir, 'README.md')), /^examples\/broken: README\.md is missing/],
	['front matter has no title', (dir) => edit(join(dir, 'README.md'), (t) => t.replace(/^title:.*\n/m, '')), /^examples\/broken\/README\.md: front matter "title": is missing/],
	['front matter is not YAML', (dir) => edit(join(dir, 'README.md'), (t) => t.replace(/^title:.*$/m, 'title: [unclosed')), /^examples\/broken\/README\.md: front matter is not valid YAML/],
	['no sandboxNote for a sandbox: false example', (dir) => edit(join(dir, 'README.md'), (t) => t.replace('sandbox: true', 'sandbox: false')), /^examples\/broken\/README\.md: front matter "sandboxNote": is required when sandbox is false/],
	['sandbox is not a boolean', (dir) => edit(join(dir, 'README.md'), (t) => t.replace('sandbox: true', 'sandbox: maybe')), /^examples\/broken\/README\.md: front matter "sandbox": must be true/],
	['a shown file does not exist', (dir) => edit(join(dir, 'README.md'), (t) => t.replace('files: [server.js', 'files: [serve.js')), /^examples\/broken\/README\.md: front matter "files" lists serve\.js, which is not in the folder/],
	['a shown Python file does not exist', (dir) => edit(join(dir, 'README.md'), (t) => t.replace('python: [python/server.py', 'python: [python/serve.py')), /^examples\/broken\/README\.md: front matter "python" lists python\/serve\.py, which is not in the folder/],
	['the Python twin is not listed', (dir) => edit(join(dir, 'README.md'), (t) => t.replace(/^python:.*\n/m, '')), /^examples\/broken\/README\.md: front matter "python": is missing/],
	['the Python start file is missing', (dir) => {
		unlinkSync(join(dir, 'python', 'start.py'));
		edit(join(dir, 'README.md'), (t) => t.replace(', python/start.py]', ']'));
	}, /^examples\/broken: python\/start\.py is missing/],
	['package.json is missing', (dir) => unlinkSync(join(dir, 'package.json')), /^examples\/broken: package\.json is missing/],
	['package.json is not JSON', (dir) => edit(join(dir, 'package.json'), (t) => t.replace('{', '{,')), /^examples\/broken\/package\.json: is not valid JSON/],
	['package.json has a dependency', (dir) => edit(join(dir, 'package.json'), (t) => t.replace('"private": true,', '"private": true, "dependencies": { "left-pad": "1.3.0" },')), /^examples\/broken\/package\.json: "dependencies": must be empty/],
	['package.json has no start script', (dir) => edit(join(dir, 'package.json'), (t) => t.replace('"start": "node start.js",', '')), /^examples\/broken\/package\.json: "scripts\.start": is missing/],
	['start runs a shell command', (dir) => edit(join(dir, 'package.json'), (t) => t.replace('"node start.js"', '"node server.js & node client.js"')), /^examples\/broken\/package\.json: "scripts\.start": must be "node <file>\.js"/],
	['start runs a missing file', (dir) => edit(join(dir, 'package.json'), (t) => t.replace('"node start.js"', '"node run.js"')), /^examples\/broken\/package\.json: scripts\.start runs run\.js, which is not in the folder/],
	['a file is too large', (dir) => writeFileSync(join(dir, 'data.txt'), 'x'.repeat(70_000)), /^examples\/broken\/data\.txt: is 70000 bytes; an example file may be at most 65536 bytes/],
	['a file is binary', (dir) => writeFileSync(join(dir, 'logo.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0xff])), /^examples\/broken\/logo\.png: is not UTF-8 text/],
	['a script lacks // @ts-check', (dir) => edit(join(dir, 'client.js'), (t) => t.replace('// @ts-check\n', '')), /^examples\/broken\/client\.js: must start with "\/\/ @ts-check"/],
	['an exercise has no check for a language it lists', (dir) => unlinkSync(join(dir, 'exercises', 'read-to-the-end', 'check.py')), /^examples\/broken\/exercises\/read-to-the-end: check\.py is missing: the exercise lists python/],
	['an exercise has no solution of a file it changes', (dir) => unlinkSync(join(dir, 'exercises', 'read-to-the-end', 'solution', 'client.js')), /^examples\/broken\/exercises\/read-to-the-end\/solution: has no client\.js/],
	['an exercise lists no language', (dir) => edit(join(dir, 'exercises', 'read-to-the-end', 'README.md'), (t) => t.replace(/^languages:.*$/m, 'languages: []')), /^examples\/broken\/exercises\/read-to-the-end\/README\.md: front matter "languages": must list python, node or both/],
	['an exercise README lacks a section', (dir) => edit(join(dir, 'exercises', 'read-to-the-end', 'README.md'), (t) => t.replace('## Why it matters', '## Why')), /^examples\/broken\/exercises\/read-to-the-end\/README\.md: its sections must be "## Task", "## Hints", "## Why it matters", in that order; found "## Task", "## Hints", "## Why"/],
	['an exercise README has hints that are not a list', (dir) => edit(join(dir, 'exercises', 'read-to-the-end', 'README.md'), (t) => t.replace(/## Hints\n\n- /, '## Hints\n\nThink: ')), /^examples\/broken\/exercises\/read-to-the-end\/README\.md: "## Hints" must be a bullet list/],
	['the folder with exercises lacks the Python checks runner', (dir) => unlinkSync(join(dir, 'python', 'check.py')), /^examples\/broken: python\/check\.py is missing/],
	['npm test does not run the checks', (dir) => edit(join(dir, 'package.json'), (t) => t.replace('"node check.js"', '"node start.js"')), /^examples\/broken\/package\.json: scripts\.test must be "node check\.js"/],
	['there is a node_modules folder', (dir) => cpSync(join(dir, 'README.md'), join(dir, 'node_modules', 'x', 'README.md')), /^examples\/broken\/node_modules: examples have no dependencies/],
];

describe('reading an example folder', () => {
	it('accepts every real example', () => {
		for (const name of listExampleNames(examplesDir)) assert.equal(readExample(examplesDir, name).name, name);
	});

	for (const [what, breakIt, message] of cases) {
		it(`fails naming the folder and file when ${what}`, () => {
			const root = brokenCopy(breakIt);
			assert.throws(() => readExample(root, 'broken'), { name: 'ExampleError', message });
		});
	}

	it('rejects a folder name that cannot be a URL anchor', () => {
		const root = brokenCopy(() => {}, 'Bad_Name');
		assert.throws(() => readExample(root, 'Bad_Name'), { message: /^examples\/Bad_Name: folder names must be lowercase/ });
	});

	it('fails naming the recording file when the output was never recorded', () => {
		const root = brokenCopy(() => {});
		rmSync(join(root, '_recordings'), { recursive: true });
		assert.throws(() => readRecording(root, readExample(root, 'broken')), {
			message: /^examples\/_recordings\/broken\.json: is missing: record .*npm run record -- broken/,
		});
	});

	it('fails naming the event log file when the socket events were never recorded', () => {
		const root = brokenCopy(() => {});
		unlinkSync(join(root, '_recordings', 'broken.python.events.json'));
		assert.equal(readEventLog(root, readExample(root, 'broken'), 'node').example, 'broken');
		assert.throws(() => readEventLog(root, readExample(root, 'broken'), 'python'), {
			message: /^examples\/_recordings\/broken\.python\.events\.json: is missing: record .*npm run record -- broken/,
		});
	});

	it('fails naming the event log file when it is not an event log, or another example’s', () => {
		const root = brokenCopy(() => {});
		const file = join(root, '_recordings', 'broken.node.events.json');
		const log = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
		writeFileSync(file, JSON.stringify({ ...log, events: [{ t: -1 }] }));
		assert.throws(() => readEventLog(root, readExample(root, 'broken'), 'node'), {
			message: /^examples\/_recordings\/broken\.node\.events\.json: is not a socket event log \(events\.0\..*npm run record -- broken/,
		});
		writeFileSync(file, JSON.stringify({ ...log, example: 'tcp-echo' }));
		assert.throws(() => readEventLog(root, readExample(root, 'broken'), 'node'), {
			message: /^examples\/_recordings\/broken\.node\.events\.json: holds the events of tcp-echo \(node\), not of broken \(node\)/,
		});
	});

	it('tells a stale event log from a fresh one, for each language separately', () => {
		const root = brokenCopy(() => {});
		const fresh = (language: 'node' | 'python') => {
			const example = readExample(root, 'broken');
			return isEventLogFresh(example, readEventLog(root, example, language), language);
		};
		assert.deepEqual([fresh('node'), fresh('python')], [true, true]);
		edit(join(root, 'broken', 'python', 'server.py'), (t) => `${t}\n# a comment is a change\n`);
		assert.deepEqual([fresh('node'), fresh('python')], [true, false]);
	});

	it('tells a stale recording from a fresh one, for each language separately', () => {
		const root = brokenCopy(() => {});
		const fresh = (language: 'node' | 'python') =>
			isFresh(readExample(root, 'broken'), readRecording(root, readExample(root, 'broken')), language);
		assert.deepEqual([fresh('node'), fresh('python')], [true, true]);
		edit(join(root, 'broken', 'README.md'), (t) => `${t}\nMore prose does not change any output.\n`);
		assert.deepEqual([fresh('node'), fresh('python')], [true, true]);
		edit(join(root, 'broken', 'client.js'), (t) => t.replace("'hello'", "'hi'"));
		assert.deepEqual([fresh('node'), fresh('python')], [false, true]);
		edit(join(root, 'broken', 'python', 'client.py'), (t) => t.replace('"hello"', '"hi"'));
		assert.deepEqual([fresh('node'), fresh('python')], [false, false]);
	});
});

describe('the site build', () => {
	it('fails with the folder and file named when an example is broken', { timeout: 120_000 }, async () => {
		const root = brokenCopy((dir) => edit(join(dir, 'package.json'), (t) => t.replace('"private": true,', '"private": true, "dependencies": { "left-pad": "1.3.0" },')));
		const build = promisify(execFile)('npx', ['astro', 'build', '--outDir', join(scratch, 'dist')], {
			cwd: projectRoot,
			// Its own content store: the project's own builds may be running beside this test.
			env: { ...process.env, EXAMPLES_DIR: root, ASTRO_CACHE_DIR: join(scratch, 'cache') },
		});
		await assert.rejects(build, (error: { stdout: string; stderr: string }) => {
			assert.match(`${error.stdout}${error.stderr}`, /broken\/package\.json: "dependencies": must be empty/);
			return true;
		});
	});
});
