// @ts-check
/**
 * Runs an example's programs the way you would by hand in separate terminals: start the
 * server, wait until it says it is listening, run the client against it, then stop the
 * server. It is plain Node (no shell operators), so `npm start` works the same on Linux,
 * macOS, Windows and in the browser sandbox.
 *
 * This file is the same in every example folder.
 */
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const LISTENING = /listening on (\S+):(\d+)/;

/** @typedef {import('node:child_process').ChildProcess} ChildProcess */

/**
 * @typedef {object} RunningServer
 * @property {string} host address the server printed
 * @property {number} port port the server printed
 * @property {(line: string) => void} type types a line into the program, as if at its keyboard
 * @property {(pattern: RegExp, timeoutMs?: number) => Promise<string>} waitFor resolves with the
 *   next line the program prints that matches `pattern`
 * @property {() => Promise<void>} stop ask the server to shut down (like Ctrl+C) and wait for it
 */

/** @type {Set<ChildProcess>} */
const children = new Set();

/**
 * Starts `node <file> ...args` and resolves once it prints "listening on HOST:PORT".
 * @param {string} file program in this folder
 * @param {string[]} [args]
 * @param {{ timeoutMs?: number }} [options]
 * @returns {Promise<RunningServer>}
 */
export function startServer(file, args = [], { timeoutMs = 10_000 } = {}) {
	const child = spawnNode(file, args);
	return new Promise((resolve, reject) => {
		const timer = setTimeout(
			() => reject(new Error(`${file} did not say "listening on ..." within ${timeoutMs / 1000} s`)),
			timeoutMs
		);
		child.once('exit', (code) => {
			clearTimeout(timer);
			reject(new Error(`${file} exited with code ${code} before it was listening`));
		});
		/** @type {Set<(line: string) => void>} */
		const watchers = new Set();
		relayLines(child, (line) => {
			for (const watcher of watchers) watcher(line);
			const match = LISTENING.exec(line);
			if (!match || child.listenerCount('exit') === 0) return;
			clearTimeout(timer);
			child.removeAllListeners('exit');
			resolve({
				host: String(match[1]),
				port: Number(match[2]),
				type: (text) => child.stdin?.write(`${text}\n`),
				waitFor: (pattern, ms = 10_000) =>
					new Promise((found, fail) => {
						const watcher = (/** @type {string} */ text) => {
							if (!pattern.test(text)) return;
							clearTimeout(giveUp);
							watchers.delete(watcher);
							found(text);
						};
						const giveUp = setTimeout(() => {
							watchers.delete(watcher);
							fail(new Error(`${file} printed nothing matching ${pattern} within ${ms / 1000} s`));
						}, ms);
						watchers.add(watcher);
					}),
				stop: () => stop(child),
			});
		});
	});
}

/**
 * Runs `node <file> ...args` to the end and resolves with its exit code.
 * @param {string} file
 * @param {string[]} [args]
 * @param {{ timeoutMs?: number, onLine?: (line: string) => void }} [options]
 *   `onLine` sees every line the program prints on stdout, e.g. to pick up a measurement
 * @returns {Promise<number>}
 */
export function runProgram(file, args = [], { timeoutMs = 30_000, onLine = () => {} } = {}) {
	const child = spawnNode(file, args);
	relayLines(child, onLine);
	return new Promise((resolve) => {
		const timer = setTimeout(() => {
			console.error(`launch: ${file} did not finish within ${timeoutMs / 1000} s, stopping it`);
			child.kill('SIGKILL');
		}, timeoutMs);
		child.once('close', (code, signal) => {
			clearTimeout(timer);
			resolve(code ?? (signal ? 1 : 0));
		});
	});
}

/**
 * Runs `main`, then stops every program still running and exits with its result.
 * @param {() => Promise<number>} main resolves with the exit code
 */
export async function launch(main) {
	let code = 1;
	try {
		code = await main();
	} catch (error) {
		console.error(`launch: ${error instanceof Error ? error.message : error}`);
	}
	await Promise.all([...children].map(stop));
	process.exit(code);
}

/** @param {string} file @param {string[]} args */
function spawnNode(file, args) {
	const child = spawn(process.execPath, [join(here, file), ...args], {
		cwd: here,
		stdio: ['pipe', 'pipe', 'pipe'],
	});
	children.add(child);
	child.once('exit', () => children.delete(child));
	return child;
}

/** Copies a program's output through, line by line, and hands each stdout line to `onLine`. */
/** @param {ChildProcess} child @param {(line: string) => void} onLine */
function relayLines(child, onLine) {
	if (child.stdout) {
		createInterface({ input: child.stdout }).on('line', (line) => {
			console.log(line);
			onLine(line);
		});
	}
	if (child.stderr) createInterface({ input: child.stderr }).on('line', (line) => console.error(line));
}

/** Sends SIGTERM (what Ctrl+C does, near enough), waits up to 3 s, then forces it. */
/** @param {ChildProcess} child @returns {Promise<void>} */
function stop(child) {
	if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
	return new Promise((resolve) => {
		const force = setTimeout(() => child.kill('SIGKILL'), 3000);
		child.once('close', () => {
			clearTimeout(force);
			resolve();
		});
		child.kill('SIGTERM');
	});
}

for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM'])) {
	process.on(signal, () => {
		Promise.all([...children].map(stop)).then(() => process.exit(130));
	});
}
