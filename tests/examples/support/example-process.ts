import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export const examplesDir = fileURLToPath(new URL('../../../examples/', import.meta.url));

const LISTENING = /listening on (\S+):(\d+)/;

/** A started example server (or peer), running as its own process. */
export interface ExampleServer {
	host: string;
	port: number;
	/** Every line the program printed so far (stdout and stderr). */
	output: string[];
	child: ChildProcess;
	/** Resident memory of the process in bytes (Linux /proc), or undefined elsewhere. */
	rss(): number | undefined;
	/** True while the process runs. */
	alive(): boolean;
	/** SIGTERM, then waits for exit; returns the exit code. */
	stop(): Promise<number | null>;
	/** Types a line into the program's stdin, as if at its keyboard. */
	type(line: string): void;
	/**
	 * Resolves with the first output line, at index `from` or later (default: lines printed
	 * from now on), that matches `pattern`; rejects after `timeoutMs`.
	 */
	waitFor(pattern: RegExp, options?: { from?: number; timeoutMs?: number }): Promise<string>;
}

/**
 * Starts `node examples/<example>/<file> --port 0 ...args` (or another `command`, such as a
 * Python interpreter, and other `portArgs` for a program that takes its port otherwise) as
 * its own process, with stdin open, and resolves once it prints "listening on HOST:PORT".
 */
export function startExampleServer(
	example: string,
	file = 'server.js',
	args: string[] = [],
	{
		command = process.execPath,
		timeoutMs = 10_000,
		portArgs = ['--port', '0'],
		env = process.env,
	}: { command?: string; timeoutMs?: number; portArgs?: string[]; env?: NodeJS.ProcessEnv } = {}
): Promise<ExampleServer> {
	const child = spawn(command, [file, ...portArgs, ...args], {
		cwd: join(examplesDir, example),
		env,
		stdio: ['pipe', 'pipe', 'pipe'],
	});
	const output: string[] = [];
	const watchers = new Set<() => void>();
	const onLine = (line: string) => {
		output.push(line);
		for (const watcher of watchers) watcher();
	};
	createInterface({ input: child.stderr! }).on('line', onLine);
	createInterface({ input: child.stdout! }).on('line', onLine);
	child.stdin!.on('error', () => {}); // typing into a program that has exited is not our test's failure
	const alive = () => child.exitCode === null && child.signalCode === null;

	const waitFor = (pattern: RegExp, { from = output.length, timeoutMs: ms = 10_000 } = {}) =>
		new Promise<string>((resolve, reject) => {
			let next = from;
			const check = () => {
				for (; next < output.length; next++) {
					if (!pattern.test(output[next]!)) continue;
					done();
					resolve(output[next]!);
					return;
				}
			};
			const done = () => {
				clearTimeout(timer);
				watchers.delete(check);
			};
			const timer = setTimeout(() => {
				done();
				reject(new Error(`${example}/${file}: no line matching ${pattern} within ${ms} ms in:\n${output.join('\n')}`));
			}, ms);
			timer.unref(); // a program that has exited must not keep the test process waiting
			watchers.add(check);
			check();
		});

	return new Promise((resolve, reject) => {
		const fail = (message: string) => {
			clearTimeout(timer);
			child.kill('SIGKILL');
			reject(new Error(`${example}/${file}: ${message}\n${output.join('\n')}`));
		};
		const timer = setTimeout(() => fail(`not listening after ${timeoutMs} ms`), timeoutMs);
		child.once('exit', (code) => fail(`exited with code ${code} before listening`));
		waitFor(LISTENING, { from: 0, timeoutMs: timeoutMs + 1000 }).then(
			(line) => {
				if (!alive()) return;
				clearTimeout(timer);
				child.removeAllListeners('exit');
				const match = LISTENING.exec(line)!;
				resolve({
					host: match[1]!,
					port: Number(match[2]),
					output,
					child,
					rss: () => residentBytes(child.pid),
					alive,
					type: (line) => void child.stdin!.write(`${line}\n`),
					waitFor,
					stop: () =>
						new Promise((done) => {
							if (!alive()) return done(child.exitCode);
							child.once('exit', (code) => done(code));
							child.kill('SIGTERM');
						}),
				});
			},
			() => {}
		);
	});
}

function residentBytes(pid: number | undefined): number | undefined {
	try {
		const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
		return kb ? Number(kb) * 1024 : undefined;
	} catch {
		return undefined;
	}
}
