/**
 * What every exercise's check shares (each example's own exercises are tested by its test file,
 * through support/exercises.ts): the runners are the same in every example folder; a student
 * program that hangs or crashes gets a message within the time limit, and no process of the
 * copy is left running; an unknown exercise gets the list; `npm test` in the folder
 * (`node check.js`) prints the table of every exercise.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { listExampleNames, readExample } from '../../src/lib/examples/read-example.ts';
import { examplesDir } from './support/example-process.ts';
import { copyOfExample, runCheck, type CheckLanguage } from './support/exercises.ts';

const execFileAsync = promisify(execFile);
const testsDir = import.meta.dirname;

/** No process whose command line names the copy `dir` is still running. */
async function assertNothingLeft(dir: string): Promise<void> {
	await new Promise((resolve) => setTimeout(resolve, 200));
	const found = await execFileAsync('pgrep', ['-f', dir]).then(
		({ stdout }) => stdout.trim(),
		() => ''
	);
	assert.equal(found, '', `processes of ${dir} still running: ${found}`);
}

describe('exercises: every example has them, tested by its own test file', () => {
	for (const name of listExampleNames(examplesDir)) {
		it(`${name}: its exercises are tested by tests/examples/${name}.test.ts`, () => {
			assert.ok(readExample(examplesDir, name).exercises.length >= 2, `${name} has fewer than two exercises`);
			assert.match(readFileSync(join(testsDir, `${name}.test.ts`), 'utf8'), new RegExp(`describeExercises\\('${name}'`));
		});
	}
});

describe('exercises: a student program that misbehaves gets a message, in time, and is stopped', { concurrency: true }, () => {
	const programs: Record<CheckLanguage, { file: string; hangs: string; crashes: string }> = {
		node: { file: 'client.js', hangs: '// @ts-check\nsetInterval(() => {}, 1000);\n', crashes: "// @ts-check\nthrow new Error('boom');\n" },
		python: { file: 'python/client.py', hangs: 'import time\ntime.sleep(120)\n', crashes: 'raise RuntimeError("boom")\n' },
	};
	for (const language of ['node', 'python'] as const) {
		const { file, hangs, crashes } = programs[language];
		it(`${language}: a client that never ends is stopped after 5 s, and the check says so`, async () => {
			const dir = copyOfExample('tcp-echo', { [file]: hangs });
			const started = Date.now();
			const result = await runCheck(dir, language, 'read-to-the-end');
			assert.equal(result.code, 1, result.output);
			assert.match(result.output, /was still running after 5 s/);
			assert.ok(Date.now() - started < 15_000, 'within the time limit');
			await assertNothingLeft(dir);
		});
		it(`${language}: a client that crashes gets its own error shown`, async () => {
			const result = await runCheck(copyOfExample('tcp-echo', { [file]: crashes }), language, 'read-to-the-end');
			assert.equal(result.code, 1, result.output);
			assert.match(result.output, /Your client printed:\n[\s\S]*boom/);
		});
	}
	it('an exercise that does not exist gets the list of those that do (exit 2)', async () => {
		const result = await runCheck(copyOfExample('tcp-echo'), 'node', 'no-such-exercise');
		assert.equal(result.code, 2);
		assert.match(result.output, /no exercise "no-such-exercise" here\. The exercises are: line-numbers, read-to-the-end/);
	});
});

describe('exercises: npm test in the folder', () => {
	it('prints a table of every exercise, passed or not yet, and exits 1 until all pass', async () => {
		const dir = copyOfExample('tcp-echo');
		assert.equal(JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).scripts.test, 'node check.js');
		const result = await runCheck(dir, 'node');
		assert.equal(result.code, 1);
		assert.match(result.output, /^exercise +result\nline-numbers +not yet\nread-to-the-end +not yet\n/m);
		const python = await runCheck(dir, 'python');
		assert.match(python.output, /^read-to-the-end +not yet$/m);
	});
});
