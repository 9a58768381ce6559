/**
 * The exercises (examples/<name>/exercises/<exercise>/, read by src/lib/examples/exercises.ts)
 * and their checks, in each language an exercise lists, each run in a copy of the folder:
 * - on the example as it ships, the check says "not yet" and what was expected (exit 1);
 * - with the solution's files copied over, it says "passed" (exit 0);
 * - with a plausible mistake made in the solution (the table below), it says "not yet";
 * - a program that hangs or crashes gets a message within the time limit, and no process of
 *   the copy is left running;
 * - `npm test` in the folder (`node check.js`) prints the table of every exercise.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { CHECKS } from '../../src/lib/examples/exercises.ts';
import { findPython } from '../../src/lib/examples/python.ts';
import { listExampleNames, readExample } from '../../src/lib/examples/read-example.ts';
import { examplesDir } from './support/example-process.ts';

const execFileAsync = promisify(execFile);
const scratch = mkdtempSync(join(tmpdir(), 'netcourse-exercises-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

type Language = keyof typeof CHECKS;

/** A copy of the example folder, with `files` (path → content) written over it. */
function copyOf(example: string, files: Record<string, string> = {}): string {
	const dir = mkdtempSync(join(scratch, `${example}-`));
	cpSync(join(examplesDir, example), dir, { recursive: true });
	for (const [path, content] of Object.entries(files)) writeFileSync(join(dir, path), content);
	return dir;
}

/** Runs a check the way a student does; never rejects. */
async function runCheck(dir: string, language: Language, exercise?: string): Promise<{ code: number; output: string }> {
	const [command, args] = [language === 'node' ? process.execPath : findPython(), [CHECKS[language].runner]];
	try {
		const { stdout, stderr } = await execFileAsync(command, [...args, ...(exercise ? [exercise] : [])], { cwd: dir, timeout: 60_000 });
		return { code: 0, output: `${stdout}${stderr}` };
	} catch (error) {
		const failed = error as { code?: number; stdout?: string; stderr?: string };
		return { code: typeof failed.code === 'number' ? failed.code : -1, output: `${failed.stdout ?? ''}${failed.stderr ?? ''}` };
	}
}

/** No process whose command line names the copy `dir` is still running. */
async function assertNothingLeft(dir: string): Promise<void> {
	await new Promise((resolve) => setTimeout(resolve, 200));
	const found = await execFileAsync('pgrep', ['-f', dir]).then(
		({ stdout }) => stdout.trim(),
		() => ''
	);
	assert.equal(found, '', `processes of ${dir} still running: ${found}`);
}

/** Plausible mistakes, each made in the reference solution by a few edits: the check must reject every one. */
const mistakes: { example: string; exercise: string; language: Language; what: string; file: string; edits: [string, string][] }[] = [
	{ example: 'tcp-echo', exercise: 'read-to-the-end', language: 'node', what: 'counts characters, not bytes', file: 'client.js', edits: [['${received.length} bytes (no newline', "${received.toString('utf8').length} bytes (no newline"]] },
	{ example: 'tcp-echo', exercise: 'read-to-the-end', language: 'python', what: 'counts characters, not bytes', file: 'python/client.py', edits: [['{len(received)} bytes (no newline', '{len(text)} bytes (no newline']] },
	{
		example: 'tcp-echo',
		exercise: 'line-numbers',
		language: 'node',
		what: 'keeps one counter for every client',
		file: 'server.js',
		edits: [
			['\tlet lineNumber = 0;\n', ''],
			['const server = net.createServer(', 'let lineNumber = 0;\nconst server = net.createServer('],
		],
	},
	{
		example: 'tcp-echo',
		exercise: 'line-numbers',
		language: 'python',
		what: 'keeps one counter for every client',
		file: 'python/server.py',
		edits: [
			['    line_number = 0  # lines answered on this connection: each connection counts on its own\n', '    global line_number\n'],
			['def serve_client(', 'line_number = 0\n\n\ndef serve_client('],
		],
	},
];

const examples = listExampleNames(examplesDir)
	.map((name) => readExample(examplesDir, name))
	.filter((example) => example.exercises.length > 0);

describe('exercises: each check in each language', () => {
	it('there is at least one example with exercises', () => assert.ok(examples.length > 0));

	for (const example of examples) {
		for (const exercise of example.exercises) {
			for (const language of exercise.frontMatter.languages) {
				const solution = Object.fromEntries(exercise.solution.map((file) => [file.path, file.content]));
				it(`${example.name}/${exercise.name} (${language}): not yet on the example as it ships, passed with the solution`, async () => {
					const shipped = await runCheck(copyOf(example.name), language, exercise.name);
					assert.equal(shipped.code, 1, shipped.output);
					assert.match(shipped.output, new RegExp(`^check ${exercise.name}: not yet\\n\\S`), 'says "not yet", then why');
					assert.match(shipped.output, /Expected|expected/, `says what was expected:\n${shipped.output}`);
					const solved = await runCheck(copyOf(example.name, solution), language, exercise.name);
					assert.deepEqual(solved, { code: 0, output: `check ${exercise.name}: passed\n` });
				});
				for (const mistake of mistakes.filter((m) => m.example === example.name && m.exercise === exercise.name && m.language === language)) {
					it(`${example.name}/${exercise.name} (${language}): rejects a solution that ${mistake.what}`, async () => {
						let content = solution[mistake.file]!;
						for (const [from, to] of mistake.edits) {
							assert.ok(content.includes(from), `the solution's ${mistake.file} has ${JSON.stringify(from)}`);
							content = content.replace(from, to);
						}
						const wrong = await runCheck(copyOf(example.name, { ...solution, [mistake.file]: content }), language, exercise.name);
						assert.equal(wrong.code, 1, wrong.output);
						assert.match(wrong.output, /not yet/);
					});
				}
			}
		}
	}
});

describe('exercises: a student program that misbehaves gets a message, in time, and is stopped', () => {
	const programs: Record<Language, { file: string; hangs: string; crashes: string }> = {
		node: { file: 'client.js', hangs: '// @ts-check\nsetInterval(() => {}, 1000);\n', crashes: "// @ts-check\nthrow new Error('boom');\n" },
		python: { file: 'python/client.py', hangs: 'import time\ntime.sleep(120)\n', crashes: 'raise RuntimeError("boom")\n' },
	};
	for (const language of ['node', 'python'] as const) {
		const { file, hangs, crashes } = programs[language];
		it(`${language}: a client that never ends is stopped after 5 s, and the check says so`, async () => {
			const dir = copyOf('tcp-echo', { [file]: hangs });
			const started = Date.now();
			const result = await runCheck(dir, language, 'read-to-the-end');
			assert.equal(result.code, 1, result.output);
			assert.match(result.output, /was still running after 5 s/);
			assert.ok(Date.now() - started < 15_000, 'within the time limit');
			await assertNothingLeft(dir);
		});
		it(`${language}: a client that crashes gets its own error shown`, async () => {
			const result = await runCheck(copyOf('tcp-echo', { [file]: crashes }), language, 'read-to-the-end');
			assert.equal(result.code, 1, result.output);
			assert.match(result.output, /Your client printed:\n[\s\S]*boom/);
		});
	}
	it('an exercise that does not exist gets the list of those that do (exit 2)', async () => {
		const result = await runCheck(copyOf('tcp-echo'), 'node', 'no-such-exercise');
		assert.equal(result.code, 2);
		assert.match(result.output, /no exercise "no-such-exercise" here\. The exercises are: line-numbers, read-to-the-end/);
	});
});

describe('exercises: npm test in the folder', () => {
	it('prints a table of every exercise, passed or not yet, and exits 1 until all pass', async () => {
		const dir = copyOf('tcp-echo');
		assert.equal(JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).scripts.test, 'node check.js');
		const result = await runCheck(dir, 'node');
		assert.equal(result.code, 1);
		assert.match(result.output, /^exercise +result\nline-numbers +not yet\nread-to-the-end +not yet\n/m);
		const python = await runCheck(dir, 'python');
		assert.match(python.output, /^read-to-the-end +not yet$/m);
	});
});
