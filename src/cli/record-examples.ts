/**
 * `npm run record [-- name ...] [-- --stale]`: runs each example in both languages
 * (`npm start` and `python3 python/start.py`) and stores what each printed in
 * examples/_recordings/<name>.json, the output shown on the course pages. With no names,
 * records every example; with --stale, only the runs whose code changed since.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { listExampleNames, readExample } from '../lib/examples/read-example.ts';
import { LANGUAGES, languageInfo } from '../lib/examples/languages.ts';
import { RECORDINGS_FOLDER, readRecording, runExample, writeRecording } from '../lib/examples/recording.ts';
import type { Recording } from '../lib/examples/schema.ts';
import { sourceHash } from '../lib/examples/source-hash.ts';

const examplesDir = join(import.meta.dirname, '../../examples');
const { values, positionals } = parseArgs({ allowPositionals: true, options: { stale: { type: 'boolean', default: false } } });

const known = listExampleNames(examplesDir);
const unknown = positionals.filter((name) => !known.includes(name));
if (unknown.length > 0) {
	console.error(`record: no example named ${unknown.join(', ')}. Examples: ${known.join(', ')}`);
	process.exit(2);
}

mkdirSync(join(examplesDir, RECORDINGS_FOLDER), { recursive: true });
let failures = 0;
for (const name of positionals.length > 0 ? positionals : known) {
	const example = readExample(examplesDir, name);
	let previous: Partial<Recording['runs']> = {};
	try {
		previous = readRecording(examplesDir, example).runs;
	} catch {
		// missing or unreadable: record everything
	}
	const runs: Partial<Recording['runs']> = { ...previous };
	for (const language of LANGUAGES) {
		const old = previous[language];
		if (values.stale && old && old.sourceHash === sourceHash(example.files, language)) continue;
		process.stdout.write(`record: ${name} (${languageInfo[language].command}) … `);
		const run = await runExample(examplesDir, example, language);
		if (run.exitCode !== 0) {
			failures += 1;
			console.log(`FAILED (exit code ${run.exitCode}); kept the old recording. Its output:\n${run.output}`);
			continue;
		}
		runs[language] = run;
		console.log(`${(run.durationMs / 1000).toFixed(1)} s, ${run.output.split('\n').filter(Boolean).length} lines`);
	}
	if (runs.node && runs.python) writeRecording(examplesDir, name, { node: runs.node, python: runs.python });
	else console.log(`record: ${name} has no successful run in every language yet; nothing written`);
}
process.exit(failures > 0 ? 1 : 0);
