// @ts-check
/**
 * Checks your solution to an exercise: `node check.js <exercise>` runs the exercise's check
 * (exercises/<exercise>/check.js) against the Node.js code in this folder. It prints "passed",
 * or what was sent, what came back and what was expected, and exits 0 or 1.
 * `node check.js` (or `npm test`) checks every exercise and prints a table.
 * Each verdict is also kept in .check-results.json, where the course page reads it from the
 * browser sandbox to mark the exercise solved.
 * A check never needs the network (everything runs on 127.0.0.1), gives up after its time
 * limit, and stops every program it started. The Python twin is python/check.py.
 *
 * This file is the same in every example folder that has exercises.
 */
import { spawn } from 'node:child_process';
import dgram from 'node:dgram';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
/** How long one whole check may take. */
const CHECK_TIMEOUT_MS = 20_000;
/** At most this much of a program's output is kept. */
const MAX_OUTPUT = 64 * 1024;

/** A check's verdict that the code does not do what the exercise asks; its message says why. */
export class CheckFailure extends Error {}

/**
 * @typedef {object} Run
 * @property {string} stdout
 * @property {string} stderr
 * @property {number | null} code the exit code, null if it was stopped
 * @property {boolean} timedOut
 */

/** @type {Set<import('node:child_process').ChildProcess>} */
const children = new Set();
/** @type {Set<{ close(): void }>} */
const servers = new Set();

/**
 * Starts `node <file> ...args` in this folder.
 * @param {string} file
 * @param {string[]} args
 */
function startNode(file, args) {
	const child = spawn(process.execPath, [file, ...args], { cwd: here, stdio: ['ignore', 'pipe', 'pipe'] });
	children.add(child);
	const output = { stdout: '', stderr: '' };
	for (const stream of /** @type {const} */ (['stdout', 'stderr'])) {
		child[stream].setEncoding('utf8');
		child[stream].on('data', (text) => {
			if (output[stream].length < MAX_OUTPUT) output[stream] += text;
		});
	}
	const exited = new Promise((resolve) => child.once('close', (code) => resolve(code)));
	exited.then(() => children.delete(child));
	return { child, output, exited };
}

/** What a check gets: ways to run the student's programs and to talk to them. */
export const checker = {
	/**
	 * Runs `node <file> ...args` here until it exits, or stops it after `timeoutMs`.
	 * @param {string} file
	 * @param {string[]} [args]
	 * @param {{ timeoutMs?: number }} [options]
	 * @returns {Promise<Run>}
	 */
	async run(file, args = [], { timeoutMs = 5_000 } = {}) {
		const { child, output, exited } = startNode(file, args);
		let timedOut = false;
		const timer = setTimeout(() => {
			timedOut = true;
			child.kill('SIGKILL');
		}, timeoutMs);
		const code = await exited;
		clearTimeout(timer);
		return { ...output, code: timedOut ? null : /** @type {number | null} */ (code), timedOut };
	},

	/**
	 * Starts a server program here and resolves once it prints "listening on HOST:PORT".
	 * @param {string} file
	 * @param {string[]} [args]
	 * @returns {Promise<{ port: number, output: { stdout: string, stderr: string }, stop(): Promise<void> }>}
	 */
	async start(file, args = []) {
		const { child, output, exited } = startNode(file, args);
		const stop = async () => {
			child.kill('SIGKILL');
			await exited;
		};
		const deadline = Date.now() + 5_000;
		while (Date.now() < deadline) {
			const listening = /listening on (\S+):(\d+)/.exec(output.stdout);
			if (listening) return { port: Number(listening[2]), output, stop };
			if (child.exitCode !== null) break;
			await new Promise((resolve) => setTimeout(resolve, 20));
		}
		await stop();
		throw new CheckFailure(
			`node ${file} ${args.join(' ')} did not print "listening on HOST:PORT" within 5 s.\nIt printed:\n${indent(output.stdout + output.stderr) || '  (nothing)'}`
		);
	},

	/**
	 * A stand-in server on 127.0.0.1 with a free port: `onConnection` plays the other side.
	 * @param {(socket: net.Socket) => void} onConnection
	 * @returns {Promise<{ port: number, close(): void }>}
	 */
	async fakeServer(onConnection) {
		const server = net.createServer((socket) => {
			socket.on('error', () => {}); // the program under check may vanish: that is its verdict, not ours
			onConnection(socket);
		});
		servers.add(server);
		await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
		const { port } = /** @type {net.AddressInfo} */ (server.address());
		return { port, close: () => server.close() };
	},

	/**
	 * A stand-in UDP server on 127.0.0.1 with a free port: `onDatagram(message, reply)` is called
	 * for each datagram that arrives; `reply(data)` sends a datagram back to its sender.
	 * @param {(message: Buffer, reply: (data: string | Buffer) => void) => void} onDatagram
	 * @returns {Promise<{ port: number, close(): void }>}
	 */
	async fakeUdpServer(onDatagram) {
		const socket = dgram.createSocket('udp4');
		socket.on('message', (message, from) => onDatagram(message, (data) => socket.send(data, from.port, from.address)));
		socket.on('error', () => {});
		const close = () => socket.close();
		servers.add({ close });
		await new Promise((resolve) => socket.bind(0, '127.0.0.1', () => resolve(undefined)));
		return { port: socket.address().port, close };
	},

	/**
	 * Connects to `port`, sends each chunk, and collects what comes back until `untilLines`
	 * lines ("\n") have arrived, the program closes the connection, or `timeoutMs` passes.
	 * @param {number} port
	 * @param {(string | Buffer)[]} chunks
	 * @param {{ untilLines?: number, timeoutMs?: number }} [options]
	 * @returns {Promise<{ received: Buffer, closed: boolean }>}
	 */
	exchange(port, chunks, { untilLines = Infinity, timeoutMs = 3_000 } = {}) {
		return new Promise((resolve) => {
			const socket = net.connect(port, '127.0.0.1');
			/** @type {Buffer[]} */
			const parts = [];
			let closed = false;
			const finish = () => {
				clearTimeout(timer);
				socket.destroy();
				resolve({ received: Buffer.concat(parts), closed });
			};
			const timer = setTimeout(finish, timeoutMs);
			socket.on('connect', async () => {
				for (const chunk of chunks) {
					socket.write(chunk);
					await new Promise((resolve) => setTimeout(resolve, 20)); // separate pieces on the wire
				}
			});
			socket.on('data', (chunk) => {
				parts.push(chunk);
				if (Buffer.concat(parts).toString('latin1').split('\n').length - 1 >= untilLines) finish();
			});
			socket.on('error', () => {});
			socket.on('close', () => {
				closed = true;
				finish();
			});
		});
	},

	/**
	 * Ends the check with a failure.
	 * @param {string} message what was sent, what came back, what was expected
	 * @returns {never}
	 */
	fail(message) {
		throw new CheckFailure(message);
	},
};

/** @param {string} text */
export function indent(text) {
	return text
		.trimEnd()
		.split('\n')
		.filter((line) => line !== '')
		.map((line) => `  ${line}`)
		.join('\n');
}

/** @param {string | Buffer} bytes */
export function show(bytes) {
	return JSON.stringify(bytes.toString());
}

/** Where the verdicts are kept: `{ format: 1, results: { <exercise>: { result, checkedAt } } }`. */
const RESULTS_FILE = join(here, '.check-results.json');

/**
 * Keeps these verdicts in RESULTS_FILE, beside those of the other exercises checked before.
 * @param {{ name: string, problem: string | undefined }[]} verdicts
 * @param {string[]} names the exercises there are
 */
function keepResults(verdicts, names) {
	/** @type {Record<string, { result: string, checkedAt: string }>} */
	const results = {};
	try {
		const before = JSON.parse(readFileSync(RESULTS_FILE, 'utf8'));
		for (const name of names) if (before?.results?.[name]) results[name] = before.results[name];
	} catch {
		// No results yet, or unreadable ones: start afresh.
	}
	const checkedAt = new Date().toISOString();
	for (const { name, problem } of verdicts) results[name] = { result: problem === undefined ? 'passed' : 'not yet', checkedAt };
	try {
		writeFileSync(RESULTS_FILE, `${JSON.stringify({ format: 1, results }, null, 2)}\n`);
	} catch {
		// A folder we may not write to: the verdict printed above is what counts.
	}
}

/** The exercises of this folder: each folder under exercises/ with a check.js. */
function exerciseNames() {
	const dir = join(here, 'exercises');
	if (!existsSync(dir)) return [];
	return readdirSync(dir, { withFileTypes: true })
		.filter((entry) => entry.isDirectory() && existsSync(join(dir, entry.name, 'check.js')))
		.map((entry) => entry.name)
		.sort();
}

/**
 * Runs one exercise's check; resolves with undefined if it passed, else with why not.
 * @param {string} name
 * @returns {Promise<string | undefined>}
 */
async function checkExercise(name) {
	/** @type {ReturnType<typeof setTimeout> | undefined} */
	let timer;
	try {
		const { default: check } = await import(pathToFileURL(join(here, 'exercises', name, 'check.js')).href);
		const timeout = new Promise((_, reject) => {
			timer = setTimeout(() => reject(new CheckFailure(`the check did not finish within ${CHECK_TIMEOUT_MS / 1000} s: a program it started may be waiting for ever`)), CHECK_TIMEOUT_MS);
		});
		await Promise.race([check(checker), timeout]);
		return undefined;
	} catch (error) {
		if (error instanceof CheckFailure) return error.message;
		throw error; // a bug in the check itself, not in the student's code
	} finally {
		clearTimeout(timer);
		for (const child of children) child.kill('SIGKILL');
		for (const server of servers) {
			try {
				server.close();
			} catch {
				// already closed by the check
			}
		}
		servers.clear();
	}
}

async function main() {
	const names = exerciseNames();
	const asked = process.argv[2];
	if (asked !== undefined && !names.includes(asked)) {
		console.error(`check: no exercise "${asked}" here. The exercises are: ${names.join(', ') || '(none)'}`);
		process.exit(2);
	}
	if (asked !== undefined) {
		const problem = await checkExercise(asked);
		keepResults([{ name: asked, problem }], names);
		console.log(problem === undefined ? `check ${asked}: passed` : `check ${asked}: not yet\n${problem}`);
		process.exit(problem === undefined ? 0 : 1);
	}
	const results = [];
	for (const name of names) results.push({ name, problem: await checkExercise(name) });
	keepResults(results, names);
	const width = Math.max(8, ...names.map((name) => name.length));
	console.log(`${'exercise'.padEnd(width)}  result`);
	for (const { name, problem } of results) console.log(`${name.padEnd(width)}  ${problem === undefined ? 'passed' : 'not yet'}`);
	console.log(`\nFor what is missing: node check.js <exercise>`);
	process.exit(results.every((result) => result.problem === undefined) ? 0 : 1);
}

// Not awaited: the exercises' checks import this module, which must finish loading first.
if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
	main().catch((error) => {
		console.error(`check: the check itself failed (a bug in the check, not in your code): ${error?.stack ?? error}`);
		process.exit(2);
	});
}
