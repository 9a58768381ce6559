/**
 * `npm run new-example <name>` (src/cli/new-example.ts): scaffolds into a scratch examples
 * folder and checks that the new example is one the site accepts and that runs out of the box
 * in both languages, type-checks like the real examples, and was recorded; and that a
 * missing, invalid or taken name is refused with one line and exit code 1, changing nothing.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { LANGUAGES } from '../../src/lib/examples/languages.ts';
import { findPython } from '../../src/lib/examples/python.ts';
import { readExample } from '../../src/lib/examples/read-example.ts';
import { isEventLogFresh, isFresh, readEventLog, readRecording } from '../../src/lib/examples/recording.ts';
import { startCommand, type Language } from './support/twins.ts';

const projectRoot = fileURLToPath(new URL('../../', import.meta.url));
const cli = join(projectRoot, 'src', 'cli', 'new-example.ts');
const scratch = mkdtempSync(join(tmpdir(), 'netcourse-new-example-'));
const examplesDir = join(scratch, 'examples');
mkdirSync(examplesDir);
after(() => rmSync(scratch, { recursive: true, force: true }));

const NAME = 'my-example';
const exampleDir = join(examplesDir, NAME);
const FILES = [
	'README.md',
	'check.js',
	'client.js',
	'exercises/shout/README.md',
	'exercises/shout/check.js',
	'exercises/shout/check.py',
	'exercises/shout/solution/python/server.py',
	'exercises/shout/solution/server.js',
	'launch.js',
	'package.json',
	'python/check.py',
	'python/client.py',
	'python/launch.py',
	'python/server.py',
	'python/start.py',
	'server.js',
	'start.js',
];

interface Run {
	code: number | null;
	stdout: string;
	stderr: string;
}

/** Runs `command args` in `cwd` to the end (at most `timeoutMs`), whatever its exit code. */
function run(command: string, args: string[], { cwd = projectRoot, env = process.env, timeoutMs = 60_000 } = {}): Promise<Run> {
	return new Promise((resolve) => {
		execFile(command, args, { cwd, env, timeout: timeoutMs }, (error, stdout, stderr) => {
			const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
			resolve({ code, stdout, stderr });
		});
	});
}

/** `npm run new-example -- --dir <scratch examples> ...args`, without EXAMPLES_DIR from outside. */
function newExample(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
	const { EXAMPLES_DIR: _ignored, ...inherited } = process.env;
	const dirArgs = env['EXAMPLES_DIR'] ? [] : ['--dir', examplesDir];
	return run(process.execPath, ['--experimental-strip-types', cli, ...dirArgs, ...args], { env: { ...inherited, ...env } });
}

/** Every file under `dir` with its content, and every folder: what a refusal must leave alone. */
function snapshot(dir: string): Record<string, string> {
	const result: Record<string, string> = {};
	for (const entry of readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort()) {
		const path = join(dir, entry);
		result[entry] = statSync(path).isDirectory() ? '<folder>' : readFileSync(path, 'utf8');
	}
	return result;
}

const fullOutput = (result: Run) => `exit code ${result.code}\nstdout:\n${result.stdout}\nstderr:\n${result.stderr}`;

let scaffolded: Run;
before(async () => {
	scaffolded = await newExample([NAME]);
});

describe('npm run new-example my-example', () => {
	it('exits 0, lists what it created, records the output, and prints the next steps', () => {
		assert.equal(scaffolded.code, 0, fullOutput(scaffolded));
		assert.equal(scaffolded.stderr, '', fullOutput(scaffolded));
		for (const file of FILES) assert.ok(scaffolded.stdout.includes(`${NAME}/${file}\n`), `does not list ${file}:\n${scaffolded.stdout}`);
		assert.match(scaffolded.stdout, /recorded the output/);
		assert.ok(scaffolded.stdout.includes(`npm run record -- ${NAME}`), scaffolded.stdout);
		assert.ok(scaffolded.stdout.includes(`<Example name="${NAME}" />`), scaffolded.stdout);
		assert.ok(scaffolded.stdout.includes('content/docs/course/'), scaffolded.stdout);
		assert.match(scaffolded.stdout, /npm start/);
	});

	it('creates exactly the example folder, its recording and its socket event logs (no temporary folder left behind)', () => {
		assert.deepEqual(readdirSync(examplesDir).sort(), ['_recordings', NAME]);
		assert.deepEqual(readdirSync(join(examplesDir, '_recordings')).sort(), [`${NAME}.json`, `${NAME}.node.events.json`, `${NAME}.python.events.json`]);
	});

	it('makes a folder the site’s loader accepts, with every file an example has', () => {
		const example = readExample(examplesDir, NAME);
		assert.deepEqual(
			example.files.map((file) => file.path).filter((path) => !path.includes('__pycache__')),
			FILES
		);
		assert.equal(example.startFile, 'start.js');
		assert.equal(example.frontMatter.sandbox, true);
		assert.deepEqual(example.frontMatter.files, ['server.js', 'client.js', 'start.js']);
		assert.deepEqual(example.frontMatter.python, ['python/server.py', 'python/client.py', 'python/start.py']);
		assert.match(example.readmeBody, /^## Run it$/m);
		assert.match(example.readmeBody, /^## Try this$/m);
		const pkg = JSON.parse(readFileSync(join(exampleDir, 'package.json'), 'utf8')) as Record<string, unknown>;
		assert.deepEqual([pkg['private'], pkg['type'], (pkg['scripts'] as Record<string, string>)['start']], [true, 'module', 'node start.js']);
		assert.equal(pkg['dependencies'], undefined);
	});

	it('copies both launchers and both check runners byte for byte from tcp-echo', () => {
		for (const launcher of ['launch.js', 'python/launch.py', 'check.js', 'python/check.py']) {
			assert.ok(readFileSync(join(exampleDir, launcher)).equals(readFileSync(join(projectRoot, 'examples', 'tcp-echo', launcher))), launcher);
		}
	});

	it('has one exercise to replace, whose checks say "not yet" in both languages until it is done', async () => {
		for (const [command, runner] of [[process.execPath, 'check.js'], [findPython(), 'python/check.py']] as const) {
			const result = await run(command, [runner, 'shout'], { cwd: exampleDir });
			assert.equal(result.code, 1, fullOutput(result));
			assert.match(result.stdout, /^check shout: not yet\nSent: "hello\\n"\nExpected back: "HELLO\\n"/, fullOutput(result));
		}
	});

	it('marks where the author’s own code and text go with TODO', () => {
		for (const file of ['README.md', 'package.json', 'exercises/shout/README.md', 'server.js', 'client.js', 'start.js', 'python/server.py', 'python/client.py', 'python/start.py']) {
			assert.match(readFileSync(join(exampleDir, file), 'utf8'), /TODO/, `${file} has no TODO`);
		}
	});

	it('recorded both runs from exactly the scaffolded code, each exiting 0, with their socket events', () => {
		const example = readExample(examplesDir, NAME);
		const recording = readRecording(examplesDir, example);
		for (const language of LANGUAGES) {
			assert.ok(isFresh(example, recording, language), `${language}: the recording is stale`);
			assert.equal(recording.runs[language].exitCode, 0);
			assert.match(recording.runs[language].output, /client: received "hello"/);
			const events = readEventLog(examplesDir, example, language);
			assert.ok(isEventLogFresh(example, events, language), `${language}: the event log is stale`);
			assert.equal(events.sourceHash, recording.runs[language].sourceHash);
			assert.deepEqual(
				['listen', 'accept', 'connect'].map((type) => events.events.filter((event) => event.type === type).length),
				[1, 1, 1],
				`${language}: not one listen, accept and connect`
			);
		}
	});

	for (const language of ['node', 'python'] as const satisfies readonly Language[]) {
		const { command, args, shown } = startCommand(language);
		it(`${shown} exits 0 and prints the echoed lines`, async () => {
			const result = await run(command, args, { cwd: exampleDir });
			assert.equal(result.code, 0, fullOutput(result));
			const lines = `${result.stdout}${result.stderr}`.split('\n').filter(Boolean);
			let from = 0;
			for (const pattern of [/^server: listening on 127\.0\.0\.1:\d+$/, /^client: received "hello"$/, /^client: received "one line, one reply"$/, /^client: every request was answered, closing$/]) {
				const index = lines.findIndex((line, i) => i >= from && pattern.test(line));
				assert.notEqual(index, -1, `no line matching ${pattern} after line ${from}:\n${lines.join('\n')}`);
				from = index + 1;
			}
			assert.ok(lines.includes('server: answered "one line, one reply" with "one line, one reply"'), lines.join('\n'));
			for (const line of lines) assert.match(line, /^(server|client): /, `unlabelled line ${JSON.stringify(line)}`);
		});
	}

	it('type-checks against Node 18’s API like the real examples (tests/examples/tsconfig.json)', async () => {
		const tsconfig = join(scratch, 'tsconfig.json');
		writeFileSync(tsconfig, JSON.stringify({ extends: join(projectRoot, 'tests', 'examples', 'tsconfig.json'), include: [`examples/${NAME}/**/*.js`] }));
		const tsc = join(projectRoot, 'node_modules', 'typescript', 'bin', 'tsc');
		const result = await run(process.execPath, [tsc, '-p', tsconfig, '--listFilesOnly'], { cwd: scratch });
		assert.equal(result.code, 0, fullOutput(result));
		for (const file of ['server.js', 'client.js', 'start.js', 'launch.js']) {
			assert.ok(result.stdout.includes(join(exampleDir, file)), `tsc would not check ${file}:\n${result.stdout}`);
		}
		const checked = await run(process.execPath, [tsc, '-p', tsconfig], { cwd: scratch });
		assert.equal(checked.code, 0, fullOutput(checked));
	});
});

describe('npm run new-example refuses, with one line and exit code 1, changing nothing', () => {
	const refusals: [string, string[], RegExp][] = [
		['no name', [], /give the new example a name/],
		['an empty name', [''], /give the new example a name/],
		['Bad_Name (capitals and _)', ['Bad_Name'], /"Bad_Name" is not a valid example name: use lowercase letters a-z, digits and single dashes/],
		['-x (not a name, nor an option)', ['-x'], /"-x" is neither an option .* nor a valid example name/],
		['-x after --', ['--', '-x'], /"-x" is not a valid example name/],
		['_private (a leading _)', ['_private'], /"_private" starts with "_": folders starting with "_" or "\." are not examples/],
		['.hidden (a leading .)', ['.hidden'], /"\.hidden" starts with "\."/],
		['two names', ['one', 'two'], /give one name, not 2/],
		['an examples folder that does not exist', ['--dir', join(scratch, 'nowhere'), 'fine-name'], /there is no examples folder/],
	];

	for (const [what, args, message] of refusals) {
		it(what, async () => {
			const before = snapshot(scratch);
			const result = await newExample(args);
			assert.equal(result.code, 1, fullOutput(result));
			assert.equal(result.stdout, '', fullOutput(result));
			assert.match(result.stderr, /^new-example: [^\n]+\n$/, `not one line:\n${result.stderr}`);
			assert.match(result.stderr, message);
			assert.deepEqual(snapshot(scratch), before, 'something was created or changed');
		});
	}

	it('an existing example folder, leaving its files as they were (also found through EXAMPLES_DIR)', async () => {
		writeFileSync(join(exampleDir, 'server.js'), `${readFileSync(join(exampleDir, 'server.js'), 'utf8')}// the author's edit\n`);
		const before = snapshot(scratch);
		for (const env of [{}, { EXAMPLES_DIR: examplesDir }]) {
			const result = await newExample([NAME], env);
			assert.equal(result.code, 1, fullOutput(result));
			assert.match(result.stderr, new RegExp(`^new-example: \\S*examples/${NAME} already exists; nothing was changed[^\\n]*\\n$`));
			assert.deepEqual(snapshot(scratch), before, 'the existing example was changed');
		}
	});

	it('a name whose recording already exists, though its folder does not', async () => {
		writeFileSync(join(examplesDir, '_recordings', 'orphan.json'), '{}\n');
		const before = snapshot(scratch);
		const result = await newExample(['orphan']);
		assert.equal(result.code, 1, fullOutput(result));
		assert.match(result.stderr, /^new-example: \S*examples\/_recordings\/orphan\.json already exists/);
		assert.deepEqual(snapshot(scratch), before);
		assert.ok(!existsSync(join(examplesDir, 'orphan')));
	});

	it('a name whose socket event log already exists, though its folder and recording do not', async () => {
		writeFileSync(join(examplesDir, '_recordings', 'stray.python.events.json'), '{}\n');
		const before = snapshot(scratch);
		const result = await newExample(['stray']);
		assert.equal(result.code, 1, fullOutput(result));
		assert.match(result.stderr, /^new-example: \S*examples\/_recordings\/stray\.python\.events\.json already exists/);
		assert.deepEqual(snapshot(scratch), before);
		assert.ok(!existsSync(join(examplesDir, 'stray')));
	});
});
