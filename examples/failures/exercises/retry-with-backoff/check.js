// @ts-check
/**
 * Check of "Retry with backoff" (Node.js): runs client.js twice at once, each time with a
 * port where nothing listens. On the first port a stand-in server starts listening as soon as
 * the client has printed its third refusal, so the client must connect on its fourth attempt
 * and then run its scenarios. The second port stays closed, so the client must give up after
 * its fifth attempt. Compares the attempt lines and the time between them.
 * The checker's run() gives no time for each line, so this check starts the client itself
 * (and always stops it, and its stand-in server, in `finally`).
 */
import { spawn } from 'node:child_process';
import net from 'node:net';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { indent } from '../../check.js';

const folder = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** On Windows, a refused connection on 127.0.0.1 takes about 2 s by itself (it tries again). */
const SLOW_REFUSAL_MS = process.platform === 'win32' ? 2500 : 0;
/** How long one run of the client may take here. */
const DEADLINE_MS = 6000 + 5 * SLOW_REFUSAL_MS;

/** @param {number} n @param {number} delay */
const refused = (n, delay) => `client: attempt ${n} of 5: connection refused, trying again in ${delay} ms`;
const SERVER_APPEARS = [refused(1, 100), refused(2, 200), refused(3, 400), 'client: attempt 4 of 5: connected'];
const NEVER_THERE = [refused(1, 100), refused(2, 200), refused(3, 400), refused(4, 800), 'client: attempt 5 of 5: connection refused, giving up'];

/** Two ports where nothing listens: the OS gave them to us, and we gave them back. */
async function freePorts() {
	const borrowed = [net.createServer(), net.createServer()];
	await Promise.all(borrowed.map((server) => new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)))));
	const ports = borrowed.map((server) => /** @type {net.AddressInfo} */ (server.address()).port);
	await Promise.all(borrowed.map((server) => new Promise((resolve) => server.close(resolve))));
	return ports;
}

/**
 * Runs `node client.js --port <port>` and notes when each line arrives, until it exits, a line
 * makes `enough(line)` true, or DEADLINE_MS passes. `onLine` sees each line as it arrives.
 * @param {number} port
 * @param {(line: string) => void} onLine
 * @param {(line: string) => boolean} enough
 * @param {Set<import('node:child_process').ChildProcess>} running
 * @returns {Promise<{ lines: { text: string, at: number }[], code: number | null, stderr: string, timedOut: boolean }>}
 */
function watchClient(port, onLine, enough, running) {
	const child = spawn(process.execPath, ['client.js', '--port', String(port)], { cwd: folder, stdio: ['ignore', 'pipe', 'pipe'] });
	running.add(child);
	/** @type {{ text: string, at: number }[]} */
	const lines = [];
	let stderr = '';
	child.stderr.setEncoding('utf8');
	child.stderr.on('data', (text) => (stderr += text));
	const start = performance.now();
	return new Promise((resolve) => {
		/** @param {number | null} code */
		const finish = (code) => {
			clearTimeout(timer);
			child.kill('SIGKILL');
			resolve({ lines, code, stderr, timedOut: code === null && performance.now() - start >= DEADLINE_MS });
		};
		const timer = setTimeout(() => finish(null), DEADLINE_MS);
		createInterface({ input: child.stdout }).on('line', (text) => {
			lines.push({ text, at: performance.now() });
			onLine(text);
			if (enough(text)) finish(null);
		});
		child.once('close', (code) => finish(code));
	});
}

/** The first lines a client printed, for a message. @param {{ text: string }[]} lines @param {string} stderr */
function printed(lines, stderr) {
	// Lines on standard error are marked: only standard output's lines count as the attempts.
	const all = [...lines.map((line) => line.text), ...stderr.split('\n').filter((line) => line !== '').map((line) => `(stderr) ${line}`)].filter((line) => line !== '');
	if (all.length === 0) return '  (nothing)';
	return indent(all.slice(0, 12).join('\n')) + (all.length > 12 ? '\n  ...' : '');
}

/** @param {typeof import('../../check.js').checker} t */
export default async function check(t) {
	const [appearsPort, neverPort] = await freePorts();
	/** @type {Set<import('node:child_process').ChildProcess>} */
	const running = new Set();
	/** @type {net.Socket[]} */
	const accepted = [];
	const standIn = net.createServer((socket) => {
		socket.on('error', () => {});
		accepted.push(socket);
	});
	let standInStarted = false;
	try {
		const [appears, never] = await Promise.all([
			watchClient(
				appearsPort,
				(line) => {
					if (!standInStarted && /^client: attempt 3 of \d+: connection refused/.test(line)) {
						standInStarted = true;
						standIn.listen(appearsPort, '127.0.0.1');
					}
				},
				(line) => line.startsWith('client: [2/7]'),
				running
			),
			watchClient(neverPort, () => {}, () => false, running),
		]);

		for (const [run, expected, story] of /** @type {const} */ ([
			[appears, SERVER_APPEARS, 'where nothing listened yet.\nThe check started a server there once your client had printed its third refused attempt.'],
			[never, NEVER_THERE, 'where nothing listened.\nNothing ever started there.'],
		])) {
			const port = run === appears ? appearsPort : neverPort;
			const scenariosStart = run.lines.findIndex((line) => line.text.startsWith('client: [1/7]'));
			const beforeScenarios = scenariosStart === -1 ? run.lines : run.lines.slice(0, scenariosStart);
			const attempts = beforeScenarios.filter((line) => line.text.startsWith('client: attempt '));
			const got = attempts.map((line) => line.text);
			if (got.join('\n') !== expected.join('\n')) {
				t.fail(
					[
						`Your client was started with --port ${port}, ${story}`,
						`Expected your client to print first:`,
						indent(expected.join('\n')),
						`Your client printed:`,
						printed(run.lines, run.stderr),
						...(run.timedOut ? [`and it was still running after ${DEADLINE_MS / 1000} s.`] : []),
					].join('\n')
				);
			}
			// The time between one attempt line and the next is the client's wait. A line that
			// reaches us late makes the wait after it look shorter: the lower limit is on the sum.
			const announced = got.map((text) => Number(/trying again in (\d+) ms$/.exec(text)?.[1] ?? 0));
			for (let i = 0; i + 1 < attempts.length; i += 1) {
				const waited = attempts[i + 1].at - attempts[i].at;
				const most = 3 * announced[i] + 1000 + SLOW_REFUSAL_MS;
				if (waited > most) {
					t.fail(
						[
							`Your client printed:\n  ${got[i]}`,
							`and ${Math.round(waited)} ms later:\n  ${got[i + 1]}`,
							`Expected it to wait about ${announced[i]} ms before trying again (the check accepts up to ${most} ms).`,
						].join('\n')
					);
				}
			}
			const total = announced.reduce((sum, ms) => sum + ms, 0);
			const waitedInAll = attempts[attempts.length - 1].at - attempts[0].at;
			if (waitedInAll < total / 2) {
				t.fail(
					[
						`Your client printed:\n  ${got[0]}`,
						`and ${Math.round(waitedInAll)} ms later:\n  ${got[got.length - 1]}`,
						`Expected it to wait ${announced.filter((ms) => ms > 0).join(' + ')} = ${total} ms in between (the check accepts ${total / 2} ms or more).`,
					].join('\n')
				);
			}
		}

		// After it connected, the scenarios run as before: scenario 1 still sees its refusal at once.
		const texts = appears.lines.map((line) => line.text);
		const first = texts.indexOf('client: [1/7] connection refused');
		const second = texts.findIndex((text) => text.startsWith('client: [2/7]'));
		if (first === -1 || second === -1) {
			t.fail(
				[
					`Your client connected on its 4th attempt. Expected it to go on with its scenarios then,`,
					`starting with "client: [1/7] connection refused" and "client: [2/7] ...".`,
					`Your client printed:`,
					printed(appears.lines, appears.stderr),
				].join('\n')
			);
		}
		const retriedInScenario1 = texts.slice(first, second).find((text) => /^client: .*attempt \d/.test(text));
		if (retriedInScenario1 !== undefined) {
			t.fail(
				[
					`In scenario 1, your client printed:\n  ${retriedInScenario1}`,
					`Expected scenario 1 to connect once and show the refusal at once, as before:`,
					`only the wait for the server, before the scenarios, tries again.`,
				].join('\n')
			);
		}
		if (never.code === null || never.code === 0 || never.lines.some((line) => line.text.startsWith('client: [1/7]'))) {
			t.fail(
				[
					`Your client gave up after its 5th attempt. Expected it to stop then, with exit code 1,`,
					`without running the scenarios. ${never.code === null ? 'It was still running.' : `It exited with code ${never.code}.`}`,
					`Your client printed:`,
					printed(never.lines, never.stderr),
				].join('\n')
			);
		}
	} finally {
		for (const child of running) child.kill('SIGKILL');
		for (const socket of accepted) socket.destroy();
		standIn.close();
	}
}
