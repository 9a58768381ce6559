import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LANGUAGES, languageInfo } from '../../src/lib/examples/languages.ts';
import { listExampleNames, readExample } from '../../src/lib/examples/read-example.ts';
import { isFresh, readRecording } from '../../src/lib/examples/recording.ts';
import { examplesDir } from './support/example-process.ts';

describe('recorded output shown on the pages', () => {
	for (const name of listExampleNames(examplesDir)) {
		for (const language of LANGUAGES) {
			it(`${name} (${languageInfo[language].command}): recorded from exactly the code in the folder, and the run succeeded`, () => {
				const example = readExample(examplesDir, name);
				const recording = readRecording(examplesDir, example);
				assert.ok(
					isFresh(example, recording, language),
					`examples/${name}: the ${languageInfo[language].label} code changed since its output was recorded: ` +
						`run "npm run record -- ${name}" and commit examples/_recordings/${name}.json`
				);
				const run = recording.runs[language];
				assert.equal(run.command, languageInfo[language].command);
				assert.equal(run.exitCode, 0);
				assert.match(run.output, /listening on 127\.0\.0\.1:\d+/);
			});
		}
	}
});
