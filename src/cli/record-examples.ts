/**
 * `npm run record [-- name ...] [-- --stale]`: runs each example in both languages
 * (`npm start` and `python3 python/start.py`) and stores what each printed in
 * examples/_recordings/<name>.json, the output shown on the course pages, and the socket
 * events of each run in examples/_recordings/<name>.node.events.json and
 * <name>.python.events.json (src/lib/conversation/event-log.ts). With no names, records every
 * example; with --stale, only the runs whose code changed since (or whose event log is missing).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { EventLog } from '../lib/conversation/event-log.ts';
import { listExampleNames, readExample, type ExampleSource } from '../lib/examples/read-example.ts';
import { LANGUAGES, languageInfo, type Language } from '../lib/examples/languages.ts';
import {
	RECORDINGS_FOLDER,
	isEventLogFresh,
	readEventLog,
	readRecording,
	runExample,
	writeEventLog,
	writeRecording,
} from '../lib/examples/recording.ts';
import type { Recording } from '../lib/examples/schema.ts';
import { sourceHash } from '../lib/examples/source-hash.ts';

const examplesDir = join(import.meta.dirname, '../../examples');
const { values, positionals } = parseArgs({
	allowPositionals: true,
	options: { stale: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h', default: false } },
});
if (values.help) {
	console.log('usage: npm run record [-- <name> ...] [-- --stale]   (no name: every example; --stale: only what changed)');
	process.exit(0);
}

const known = listExampleNames(examplesDir);
const unknown = positionals.filter((name) => !known.includes(name));
if (unknown.length > 0) {
	console.error(`record: no example named ${unknown.join(', ')}. Examples: ${known.join(', ')}`);
	process.exit(2);
}

/** Whether the example's event log in `language` exists, is valid and was recorded from its current code. */
function hasFreshEventLog(example: ExampleSource, language: Language): boolean {
	try {
		return isEventLogFresh(example, readEventLog(examplesDir, example, language), language);
	} catch {
		return false;
	}
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
	const logs: EventLog[] = [];
	for (const language of LANGUAGES) {
		const old = previous[language];
		if (values.stale && old && old.sourceHash === sourceHash(example.files, language) && hasFreshEventLog(example, language)) continue;
		process.stdout.write(`record: ${name} (${languageInfo[language].command}) … `);
		const { run, events } = await runExample(examplesDir, example, language);
		if (run.exitCode !== 0) {
			failures += 1;
			console.log(`FAILED (exit code ${run.exitCode}); kept the old recording. Its output:\n${run.output}`);
			continue;
		}
		runs[language] = run;
		logs.push(events);
		console.log(`${(run.durationMs / 1000).toFixed(1)} s, ${run.output.split('\n').filter(Boolean).length} lines, ${events.events.length} socket events`);
	}
	if (runs.node && runs.python) {
		writeRecording(examplesDir, name, { node: runs.node, python: runs.python });
		for (const log of logs) writeEventLog(examplesDir, log);
	} else {
		console.log(`record: ${name} has no successful run in every language yet; nothing written`);
	}
}
process.exit(failures > 0 ? 1 : 0);
