/**
 * `npm run new-example <name> [-- --dir <examplesDir>]`: scaffolds examples/<name>/ from
 * examples/_template/ (a working TCP line echo in Node.js and Python, with TODOs where your
 * protocol goes; src/lib/examples/scaffold.ts), then records its output and socket events as
 * `npm run record` would. The examples folder is --dir, else $EXAMPLES_DIR (relative to the
 * project, as the site's loader reads it), else examples/.
 * Refuses, with one line on stderr and exit code 1, a missing or invalid name and an existing
 * folder; it never overwrites anything.
 */
import { mkdirSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { LANGUAGES, languageInfo } from '../lib/examples/languages.ts';
import { readExample } from '../lib/examples/read-example.ts';
import type { EventLog } from '../lib/conversation/event-log.ts';
import { RECORDINGS_FOLDER, recordingFileName, runExample, writeEventLog, writeRecording } from '../lib/examples/recording.ts';
import { ScaffoldError, createExample, nameProblem } from '../lib/examples/scaffold.ts';
import type { Recording } from '../lib/examples/schema.ts';

const USAGE = 'usage: npm run new-example <name> [-- --dir <examplesDir>]';
const projectRoot = join(import.meta.dirname, '../..');

function refuse(message: string): never {
	console.error(`new-example: ${message}`);
	process.exit(1);
}

/** The name and the examples folder from the command line; refuses anything else. */
function parseCommandLine(args: string[]): { name: string | undefined; examplesDir: string; displayRoot: string } {
	const names: string[] = [];
	let dir: string | undefined;
	for (let i = 0; i < args.length; i++) {
		const arg = args[i]!;
		if (arg === '--') {
			names.push(...args.slice(i + 1));
			break;
		} else if (arg === '--help' || arg === '-h') {
			console.log(USAGE);
			process.exit(0);
		} else if (arg === '--dir' || arg.startsWith('--dir=')) {
			dir = arg === '--dir' ? args[++i] : arg.slice('--dir='.length);
			if (!dir) refuse(`--dir needs a folder: ${USAGE}`);
		} else if (arg.startsWith('-')) {
			refuse(`"${arg}" is neither an option (the only one is --dir <examplesDir>) nor a valid example name (names start with a lowercase letter or digit, e.g. my-example)`);
		} else {
			names.push(arg);
		}
	}
	if (names.length > 1) refuse(`give one name, not ${names.length} (${names.join(' ')}): ${USAGE}`);
	const shown = (path: string) => path.replace(/^\.\//, '').replace(/\/+$/, '') || '.';
	if (dir !== undefined) return { name: names[0], examplesDir: resolve(dir), displayRoot: shown(dir) };
	const fromEnv = process.env['EXAMPLES_DIR'];
	if (fromEnv) return { name: names[0], examplesDir: resolve(projectRoot, fromEnv), displayRoot: shown(fromEnv) };
	return { name: names[0], examplesDir: join(projectRoot, 'examples'), displayRoot: 'examples' };
}

/** Runs the new example in both languages and stores the output and socket events; returns a problem, if any. */
async function record(examplesDir: string, name: string, displayRoot: string): Promise<string | undefined> {
	const example = readExample(examplesDir, name, displayRoot);
	mkdirSync(join(examplesDir, RECORDINGS_FOLDER), { recursive: true });
	const runs: Partial<Recording['runs']> = {};
	const logs: EventLog[] = [];
	for (const language of LANGUAGES) {
		const { run, events } = await runExample(examplesDir, example, language);
		if (run.exitCode !== 0) return `${languageInfo[language].command} exited with code ${run.exitCode}. Its output:\n${run.output}`;
		runs[language] = run;
		logs.push(events);
	}
	writeRecording(examplesDir, name, { node: runs.node!, python: runs.python! });
	for (const log of logs) writeEventLog(examplesDir, log);
	return undefined;
}

const { name, examplesDir, displayRoot } = parseCommandLine(process.argv.slice(2));
const problem = nameProblem(name);
if (problem || name === undefined) refuse(problem ?? USAGE);

let created: string[];
try {
	created = createExample(examplesDir, name, { displayRoot });
} catch (error) {
	refuse(error instanceof ScaffoldError ? error.message : `could not create ${displayRoot}/${name}: ${(error as Error).message}`);
}
const folder = `${displayRoot}/${name}`;
console.log(`new-example: created ${folder}/ (a working TCP line echo; your protocol goes where it says TODO):`);
for (const path of created) console.log(`  ${folder}/${path}`);

const recordCommand = `npm run record -- ${name}`;
const recordHint =
	examplesDir === join(projectRoot, 'examples') ? recordCommand : `${recordCommand} (once the folder is in this repository's examples/)`;
let recordProblem: string | undefined;
try {
	recordProblem = await record(examplesDir, name, displayRoot);
} catch (error) {
	recordProblem = (error as Error).message;
}
if (recordProblem === undefined) {
	console.log(
		`new-example: recorded the output of npm start and python3 python/start.py in ${displayRoot}/${RECORDINGS_FOLDER}/${recordingFileName(name)}, ` +
			`their socket events beside it (${LANGUAGES.map((language) => recordingFileName(name, language)).join(', ')})`
	);
} else {
	console.error(`new-example: created ${folder}/, but could not record its output: ${recordProblem}`);
	console.error(`new-example: next, record it with: ${recordHint}`);
}

const relativeFolder = relative(process.cwd(), join(examplesDir, name));
const cd = relativeFolder.startsWith('..') ? join(examplesDir, name) : relativeFolder || '.';
console.log(`
Next steps:
  1. Write your example where the files say TODO: server.js and client.js, their Python twin
     in python/, and README.md (title, summary, concepts, protocol, things to try).
  2. Run it: cd ${cd} && npm start   (and the twin: python3 python/start.py)
  3. After each edit, record its output again: ${recordHint}
  4. Embed it in a page under content/docs/course/ with <Example name="${name}" />
     (README.md, "Adding a page or an example", has the page's whole front matter and import).
  5. Give it a test, tests/examples/${name}.test.ts (start from tcp-echo.test.ts); then npm test.`);
process.exit(recordProblem === undefined ? 0 : 1);
