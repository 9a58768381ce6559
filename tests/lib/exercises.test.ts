/**
 * The pieces of the exercises that need no browser: the README's sections (hints one by one,
 * code fences respected), the solution shown as a diff, and the parsing of what the sandbox's
 * `npm test` wrote and of this browser's stored progress (anything but the exact shape is
 * refused).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { exerciseSections } from '../../src/lib/examples/exercises.ts';
import { solutionDiff } from '../../src/lib/examples/solution-diff.ts';
import { parseProgress, parseResults } from '../../src/lib/exercises/progress.ts';

describe('exerciseSections', () => {
	it('cuts the README at its ## headings, not at a ## inside fenced code, and splits the hints', () => {
		const body = ['## Task', '', 'Do it.', '', '```text', '## not a heading', '```', '', '## Hints', '', '- first', '- second,', '  on two lines', '', '## Why it matters', '', 'Because.'].join('\n');
		assert.deepEqual(exerciseSections(body, 'README.md'), {
			task: 'Do it.\n\n```text\n## not a heading\n```',
			hints: ['first', 'second,\non two lines'],
			why: 'Because.',
		});
	});
	it('refuses text before the task', () => {
		assert.throws(() => exerciseSections('Intro\n## Task\nx\n## Hints\n- a\n## Why it matters\ny', 'R.md'), /text before "## Task"/);
	});
});

describe('solutionDiff', () => {
	it('shows the changed lines with three lines of context and hunk headers, no file header', () => {
		const original = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'].join('\n') + '\n';
		const solution = original.replace('e\n', 'E\n');
		assert.equal(solutionDiff('x.js', original, solution).diff, ['@@ -2,7 +2,7 @@', ' b', ' c', ' d', '-e', '+E', ' f', ' g', ' h'].join('\n'));
	});
});

describe('parseResults (the file npm test writes)', () => {
	it('reads each exercise’s result', () => {
		const text = JSON.stringify({ format: 1, results: { a: { result: 'passed', checkedAt: 'x' }, b: { result: 'not yet', checkedAt: 'y' } } });
		assert.deepEqual([...parseResults(text)!], [['a', 'passed'], ['b', 'not yet']]);
	});
	for (const [what, text] of [
		['not JSON', '{'],
		['another format', JSON.stringify({ format: 2, results: {} })],
		['a result that is neither', JSON.stringify({ format: 1, results: { a: { result: 'yes' } } })],
		['a result that is not an object', JSON.stringify({ format: 1, results: { a: 'passed' } })],
	]) {
		it(`refuses ${what}`, () => assert.equal(parseResults(text!), undefined));
	}
});

describe('parseProgress (this browser’s stored progress)', () => {
	it('reads solved exercises', () => {
		assert.deepEqual(parseProgress('{"solved":{"tcp-echo/line-numbers":1760000000000}}'), { solved: { 'tcp-echo/line-numbers': 1760000000000 } });
	});
	for (const [what, text] of [
		['not JSON', 'x'],
		['a date that is not a number', '{"solved":{"tcp-echo/line-numbers":"yesterday"}}'],
		['a key that is not example/exercise', '{"solved":{"__proto__":1}}'],
		['no solved map', '{"done":[]}'],
	]) {
		it(`refuses ${what}`, () => assert.equal(parseProgress(text!), undefined));
	}
});
