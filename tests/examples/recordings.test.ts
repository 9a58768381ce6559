import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { listExampleNames, readExample } from '../../src/lib/examples/read-example.ts';
import { isFresh, readRecording } from '../../src/lib/examples/recording.ts';
import { examplesDir } from './support/example-process.ts';

describe('recorded output shown on the pages', () => {
	for (const name of listExampleNames(examplesDir)) {
		it(`${name}: was recorded from exactly the code in the folder, and the run succeeded`, () => {
			const example = readExample(examplesDir, name);
			const recording = readRecording(examplesDir, example);
			assert.ok(
				isFresh(example, recording),
				`examples/${name} changed since its output was recorded: run "npm run record -- ${name}" and commit examples/_recordings/${name}.json`
			);
			assert.equal(recording.runs.node.exitCode, 0);
			assert.match(recording.runs.node.output, /listening on 127\.0\.0\.1:\d+/);
		});
	}
});
