/**
 * `npm run record [-- name ...] [-- --stale]`: runs each example's `npm start` and stores what
 * it printed in examples/_recordings/<name>.json, the output shown on the course pages.
 * With no names, records every example; with --stale, only those whose code changed since.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { listExampleNames, readExample } from '../lib/examples/read-example.ts';
import { RECORDINGS_FOLDER, isFresh, readRecording, runExample, writeRecording } from '../lib/examples/recording.ts';

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
	if (values.stale) {
		try {
			if (isFresh(example, readRecording(examplesDir, example))) continue;
		} catch {
			// missing or unreadable: record it
		}
	}
	process.stdout.write(`record: ${name} … `);
	const run = await runExample(examplesDir, example);
	if (run.exitCode !== 0) {
		failures += 1;
		console.log(`FAILED (exit code ${run.exitCode}); nothing written. Its output:\n${run.output}`);
		continue;
	}
	let previous;
	try {
		previous = readRecording(examplesDir, example).runs;
	} catch {
		previous = {};
	}
	writeRecording(examplesDir, name, { ...previous, node: run });
	console.log(`${(run.durationMs / 1000).toFixed(1)} s, ${run.output.split('\n').filter(Boolean).length} lines`);
}
process.exit(failures > 0 ? 1 : 0);
