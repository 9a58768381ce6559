import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { languageInfo, type Language } from './languages.ts';
import { findPython } from './python.ts';
import { ExampleError, type ExampleSource } from './read-example.ts';
import { recordingSchema, type RecordedRun, type Recording } from './schema.ts';
import { sourceHash } from './source-hash.ts';

/**
 * The recorded output of each example: what `npm start` really printed, stored in
 * `examples/_recordings/<name>.json` next to a hash of the code that printed it, so the page
 * can show real output without running anything and a test can tell when it is stale.
 */
export const RECORDINGS_FOLDER = '_recordings';

export function recordingPath(examplesDir: string, name: string): string {
	return join(examplesDir, RECORDINGS_FOLDER, `${name}.json`);
}

/** Reads an example's recording; throws an ExampleError naming the file if it is missing or malformed. */
export function readRecording(examplesDir: string, example: ExampleSource, displayRoot = 'examples'): Recording {
	const path = recordingPath(examplesDir, example.name);
	const location = `${displayRoot}/${RECORDINGS_FOLDER}/${example.name}.json`;
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

/**
 * Runs the whole example in `language` as its README says (`npm start`, or
 * `python3 python/start.py`) and returns what it printed (stdout and stderr in arrival
 * order). Rejects if it runs longer than `timeoutMs`.
 */
export function runExample(
	examplesDir: string,
	example: ExampleSource,
	language: Language,
	timeoutMs = 60_000
): Promise<RecordedRun> {
	const started = performance.now();
	const [command, args, runtime] =
		language === 'node'
			? [process.execPath, [example.startFile], `Node.js ${process.version}`]
			: [findPython(), [languageInfo.python.startFile], `Python ${pythonVersion()}`];
	return new Promise((resolve, reject) => {
		const child = spawn(command, args, {
			cwd: join(examplesDir, example.name),
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		let output = '';
		child.stdout.setEncoding('utf8').on('data', (text: string) => (output += text));
		child.stderr.setEncoding('utf8').on('data', (text: string) => (output += text));
		const timer = setTimeout(() => {
			child.kill('SIGKILL');
			reject(new Error(`${example.folder}: ${languageInfo[language].command} did not finish within ${timeoutMs / 1000} s\n${output}`));
		}, timeoutMs);
		child.on('error', reject);
		child.on('close', (code) => {
			clearTimeout(timer);
			resolve({
				command: languageInfo[language].command,
				runtime,
				platform: `${process.platform} ${process.arch}`,
				recordedAt: new Date().toISOString(),
				exitCode: code ?? 1,
				durationMs: Math.round(performance.now() - started),
				sourceHash: sourceHash(example.files, language),
				output,
			});
		});
	});
}

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
