/**
 * The tests every exercise gets (examples/<name>/exercises/<exercise>/, read by
 * src/lib/examples/exercises.ts). An example's own test file calls {@link describeExercises}
 * with its plausible mistakes. For each exercise and each language it lists, in a copy of the
 * folder:
 * - on the example as it ships, the check says "not yet", then what was expected (exit 1);
 * - with the solution's files copied over, it says "passed" (exit 0) and nothing else;
 * - each mistake, made by a few edits in the solution, gets "not yet" (exit 1). Every exercise
 *   has at least one mistake in every language, or the tests fail.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { CHECKS } from '../../../src/lib/examples/exercises.ts';
import { findPython } from '../../../src/lib/examples/python.ts';
import { readExample } from '../../../src/lib/examples/read-example.ts';
import { examplesDir } from './example-process.ts';

const execFileAsync = promisify(execFile);

export type CheckLanguage = keyof typeof CHECKS;

/** A plausible wrong solution: the reference solution's `file` with each [from, to] replaced once. */
export interface ExerciseMistake {
	exercise: string;
	language: CheckLanguage;
	/** Finishes "rejects a solution that ...". */
	what: string;
	file: string;
	edits: [from: string, to: string][];
}

let scratch: string | undefined;

/** A copy of the example folder, with `files` (path → content) written over it. */
export function copyOfExample(example: string, files: Record<string, string> = {}): string {
	if (scratch === undefined) {
		const dir = mkdtempSync(join(tmpdir(), 'netcourse-exercises-'));
		scratch = dir;
		process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
	}
	const dir = mkdtempSync(join(scratch, `${example}-`));
	cpSync(join(examplesDir, example), dir, { recursive: true });
	for (const [path, content] of Object.entries(files)) writeFileSync(join(dir, path), content);
	return dir;
}

/** Runs a check the way a student does, `exercise` or the table of all; never rejects. */
export async function runCheck(dir: string, language: CheckLanguage, exercise?: string): Promise<{ code: number; output: string }> {
	const command = language === 'node' ? process.execPath : findPython();
	try {
		const { stdout, stderr } = await execFileAsync(command, [CHECKS[language].runner, ...(exercise ? [exercise] : [])], { cwd: dir, timeout: 60_000 });
		return { code: 0, output: `${stdout}${stderr}` };
	} catch (error) {
		const failed = error as { code?: number; stdout?: string; stderr?: string };
		return { code: typeof failed.code === 'number' ? failed.code : -1, output: `${failed.stdout ?? ''}${failed.stderr ?? ''}` };
	}
}

/** The solution's `file` with each edit made once; fails if an edit's text is not there. */
function withEdits(content: string, mistake: ExerciseMistake): string {
	for (const [from, to] of mistake.edits) {
		assert.ok(content.includes(from), `the solution's ${mistake.file} has ${JSON.stringify(from)}`);
		content = content.replace(from, to);
	}
	return content;
}

export function describeExercises(example: string, mistakes: ExerciseMistake[]): void {
	const { exercises } = readExample(examplesDir, example);
	// Checks mostly wait on sockets, timers and time limits: four at a time; the checks that time
	// something leave a margin of two or more for a busy machine.
	describe(`${example}: exercises and their checks`, { concurrency: 4 }, () => {
		it('has at least two exercises', () => assert.ok(exercises.length >= 2, exercises.map((e) => e.name).join(', ')));
		for (const mistake of mistakes) {
			it(`the mistake "${mistake.what}" (${mistake.language}) is of an exercise of ${example} in a language it lists`, () => {
				const exercise = exercises.find((e) => e.name === mistake.exercise);
				assert.ok(exercise?.frontMatter.languages.includes(mistake.language), `${mistake.exercise} (${mistake.language})`);
			});
		}
		for (const exercise of exercises) {
			const solution = Object.fromEntries(exercise.solution.map((file) => [file.path, file.content]));
			for (const language of exercise.frontMatter.languages) {
				const label = `${exercise.name} (${language})`;
				it(`${label}: not yet on the example as it ships, passed with the solution`, async () => {
					const shipped = await runCheck(copyOfExample(example), language, exercise.name);
					assert.equal(shipped.code, 1, shipped.output);
					assert.match(shipped.output, new RegExp(`^check ${exercise.name}: not yet\\n\\S`), 'says "not yet", then why');
					assert.match(shipped.output, /expected/i, `says what was expected:\n${shipped.output}`);
					const solved = await runCheck(copyOfExample(example, solution), language, exercise.name);
					assert.deepEqual(solved, { code: 0, output: `check ${exercise.name}: passed\n` });
				});
				const ours = mistakes.filter((m) => m.exercise === exercise.name && m.language === language);
				it(`${label}: has at least one plausible mistake that its check rejects`, () => assert.ok(ours.length > 0));
				for (const mistake of ours) {
					it(`${label}: rejects a solution that ${mistake.what}`, async () => {
						const wrong = await runCheck(copyOfExample(example, { ...solution, [mistake.file]: withEdits(solution[mistake.file]!, mistake) }), language, exercise.name);
						assert.equal(wrong.code, 1, wrong.output);
						assert.match(wrong.output, new RegExp(`^check ${exercise.name}: not yet\\n\\S`));
					});
				}
			}
		}
	});
}
