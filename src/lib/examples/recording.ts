import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { eventLogSchema, type EventLog } from '../conversation/event-log.ts';
import { EVENTS_DIR_ENV, mergeEventLog } from '../conversation/merge.ts';
import { LANGUAGES, languageInfo, type Language } from './languages.ts';
import { findPython } from './python.ts';
import { ExampleError, type ExampleSource } from './read-example.ts';
import { recordingSchema, type RecordedRun, type Recording } from './schema.ts';
import { sourceHash } from './source-hash.ts';

/**
 * The recorded output of each example: what `npm start` really printed, stored in
 * `examples/_recordings/<name>.json` next to a hash of the code that printed it, so the page
 * can show real output without running anything and a test can tell when it is stale.
 * Beside it, `<name>.node.events.json` and `<name>.python.events.json`: the socket events of
 * the same runs (src/lib/conversation/event-log.ts), recorded from outside the example code.
 */
export const RECORDINGS_FOLDER = '_recordings';

/** The Node.js recorder, preloaded into every Node.js process of a run. */
const nodeRecorder = () => new URL('../conversation/record-node.ts', import.meta.url);
/** The folder of the Python recorder (`sitecustomize.py`), put on every Python process's path. */
const pythonRecorderDir = () => fileURLToPath(new URL('../conversation/python/', import.meta.url));

/**
 * The name of a file in `_recordings/` of example `name`: its recorded output (`<name>.json`),
 * or the socket event log of its run in one language (`<name>.<language>.events.json`).
 */
export function recordingFileName(name: string, of: 'output' | Language = 'output'): string {
	return of === 'output' ? `${name}.json` : `${name}.${of}.events.json`;
}

/** Every file `_recordings/` holds for example `name`: its output, then each language's event log. */
export function recordingFileNames(name: string): string[] {
	return [recordingFileName(name), ...LANGUAGES.map((language) => recordingFileName(name, language))];
}

export function recordingPath(examplesDir: string, name: string): string {
	return join(examplesDir, RECORDINGS_FOLDER, recordingFileName(name));
}

/** Reads an example's recording; throws an ExampleError naming the file if it is missing or malformed. */
export function readRecording(examplesDir: string, example: ExampleSource, displayRoot = 'examples'): Recording {
	const path = recordingPath(examplesDir, example.name);
	const location = `${displayRoot}/${RECORDINGS_FOLDER}/${recordingFileName(example.name)}`;
	if (!existsSync(path)) {
		throw new ExampleError(location, `is missing: record the example's output with "npm run record -- ${example.name}"`);
	}
	let data: unknown;
	try {
		data = JSON.parse(readFileSync(path, 'utf8'));
	} catch (error) {
		throw new ExampleError(location, `is not valid JSON (${(error as Error).message}); record it again with "npm run record -- ${example.name}"`);
	}
	const parsed = recordingSchema.safeParse(data);
	if (!parsed.success) {
		throw new ExampleError(location, `is not a recording (${parsed.error.issues[0]?.message}); record it again with "npm run record -- ${example.name}"`);
	}
	return parsed.data;
}

/** True when the recorded run in `language` was made from exactly the example's current code. */
export function isFresh(example: ExampleSource, recording: Recording, language: Language): boolean {
	return recording.runs[language].sourceHash === sourceHash(example.files, language);
}

export function eventLogPath(examplesDir: string, name: string, language: Language): string {
	return join(examplesDir, RECORDINGS_FOLDER, recordingFileName(name, language));
}

/**
 * Reads the socket event log of an example's run in `language`; throws an ExampleError naming
 * the file if it is missing, malformed or another example's.
 */
export function readEventLog(examplesDir: string, example: ExampleSource, language: Language, displayRoot = 'examples'): EventLog {
	const path = eventLogPath(examplesDir, example.name, language);
	const location = `${displayRoot}/${RECORDINGS_FOLDER}/${recordingFileName(example.name, language)}`;
	const again = `record it again with "npm run record -- ${example.name}"`;
	if (!existsSync(path)) {
		throw new ExampleError(location, `is missing: record the example's output and socket events with "npm run record -- ${example.name}"`);
	}
	let data: unknown;
	try {
		data = JSON.parse(readFileSync(path, 'utf8'));
	} catch (error) {
		throw new ExampleError(location, `is not valid JSON (${(error as Error).message}); ${again}`);
	}
	const parsed = eventLogSchema.safeParse(data);
	if (!parsed.success) {
		const issue = parsed.error.issues[0];
		throw new ExampleError(location, `is not a socket event log (${issue?.path.join('.') || 'log'}: ${issue?.message}); ${again}`);
	}
	if (parsed.data.example !== example.name || parsed.data.language !== language) {
		throw new ExampleError(location, `holds the events of ${parsed.data.example} (${parsed.data.language}), not of ${example.name} (${language}); ${again}`);
	}
	return parsed.data;
}

/** True when the event log in `language` was recorded from exactly the example's current code. */
export function isEventLogFresh(example: ExampleSource, log: EventLog, language: Language): boolean {
	return log.sourceHash === sourceHash(example.files, language);
}

export function writeEventLog(examplesDir: string, log: EventLog): void {
	writeFileSync(eventLogPath(examplesDir, log.example, log.language), `${JSON.stringify(log, null, '\t')}\n`);
}

/** One run of an example: what it printed, and its socket events. */
export interface ExampleRun {
	run: RecordedRun;
	events: EventLog;
}

/**
 * What switches the socket recorders on in every process of a run: for Node.js, the recorder
 * preloaded through NODE_OPTIONS (which the processes that launch.js starts inherit); for
 * Python, the recorder's folder first on PYTHONPATH (which python/launch.py's children inherit).
 */
export function recorderEnv(language: Language, eventsDir: string, env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
	if (language === 'node') {
		// Node 22.18+ runs TypeScript as it is; older ones need the flag (and would warn about it).
		const strip = process.features.typescript ? '' : '--experimental-strip-types --disable-warning=ExperimentalWarning ';
		const preload = `${strip}--import=${nodeRecorder().href}`;
		return { ...env, [EVENTS_DIR_ENV]: eventsDir, NODE_OPTIONS: [env['NODE_OPTIONS'], preload].filter(Boolean).join(' ') };
	}
	return { ...env, [EVENTS_DIR_ENV]: eventsDir, PYTHONPATH: [pythonRecorderDir(), env['PYTHONPATH']].filter(Boolean).join(delimiter) };
}

/**
 * Runs the whole example in `language` as its README says (`npm start`, or
 * `python3 python/start.py`), with the socket recorders on, and returns what it printed
 * (stdout and stderr in arrival order) and the socket events of all its processes. Rejects
 * if it runs longer than `timeoutMs`.
 */
export function runExample(
	examplesDir: string,
	example: ExampleSource,
	language: Language,
	timeoutMs = 60_000
): Promise<ExampleRun> {
	const started = performance.now();
	const [command, args, runtime] =
		language === 'node'
			? [process.execPath, [example.startFile], `Node.js ${process.version}`]
			: [findPython(), [languageInfo.python.startFile], `Python ${pythonVersion()}`];
	const exampleDir = join(examplesDir, example.name);
	const eventsDir = mkdtempSync(join(tmpdir(), `netcourse-events-${example.name}-`));
	const cleanUp = () => rmSync(eventsDir, { recursive: true, force: true });
	return new Promise<ExampleRun>((resolve, reject) => {
		const child = spawn(command, args, {
			cwd: exampleDir,
			env: recorderEnv(language, eventsDir),
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		let output = '';
		child.stdout.setEncoding('utf8').on('data', (text: string) => (output += text));
		child.stderr.setEncoding('utf8').on('data', (text: string) => (output += text));
		let settled = false;
		const fail = (error: Error) => {
			settled = true;
			clearTimeout(timer);
			reject(error);
		};
		const timer = setTimeout(() => {
			child.kill('SIGKILL');
			fail(new Error(`${example.folder}: ${languageInfo[language].command} did not finish within ${timeoutMs / 1000} s\n${output}`));
		}, timeoutMs);
		child.on('error', fail);
		child.on('close', (code) => {
			if (settled) return;
			settled = true;
			clearTimeout(timer);
			const run: RecordedRun = {
				command: languageInfo[language].command,
				runtime,
				platform: `${process.platform} ${process.arch}`,
				recordedAt: new Date().toISOString(),
				exitCode: code ?? 1,
				durationMs: Math.round(performance.now() - started),
				sourceHash: sourceHash(example.files, language),
				output,
			};
			try {
				const events = mergeEventLog(eventsDir, {
					exampleDir,
					example: example.name,
					language,
					sourceHash: run.sourceHash,
					recordedAt: run.recordedAt,
					limitations: language === 'python' ? PYTHON_LIMITATIONS : undefined,
				});
				resolve({ run, events });
			} catch (error) {
				reject(error);
			}
		});
	}).finally(cleanUp);
}

/**
 * What the Python recorder (src/lib/conversation/python/sitecustomize.py) cannot see in a run on
 * this platform. On Linux and macOS it sees every event of every example. On Windows asyncio's
 * default event loop (the proactor) reads and writes through overlapped I/O on the socket's
 * handle, not through the socket's methods.
 */
const PYTHON_LIMITATIONS: string | undefined =
	process.platform === 'win32'
		? "asyncio's proactor event loop (the default on Windows) sends, receives and connects through overlapped I/O " +
			"on the socket's handle, not through the socket methods the recorder wraps: the connects, sends and receives " +
			'of asyncio programs are missing from this log (record on Linux or macOS to see them).'
		: undefined;

export function writeRecording(examplesDir: string, name: string, runs: Recording['runs']): void {
	const recording: Recording = { example: name, runs };
	writeFileSync(recordingPath(examplesDir, name), `${JSON.stringify(recording, null, '\t')}\n`);
}

let pythonVersionText: string | undefined;
function pythonVersion(): string {
	pythonVersionText ??= execFileSync(findPython(), ['-c', 'import platform; print(platform.python_version())'], {
		encoding: 'utf8',
	}).trim();
	return pythonVersionText;
}
