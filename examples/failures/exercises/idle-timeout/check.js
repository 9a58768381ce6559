// @ts-check
/**
 * Check of "Say goodbye to an idle client" (Node.js): starts server.js with --idle-timeout 0.5
 * and makes two connections at once. The first sends one echo command, then nothing; the second
 * sends a second command 400 ms after its first. Each must get its echoes, then, once it has
 * sent nothing for 0.5 s (not sooner), the goodbye line and a normal close (FIN).
 * The checker's exchange() sends everything at once, so this check makes its own connections
 * (and always closes them in `finally`).
 */
import net from 'node:net';
import { performance } from 'node:perf_hooks';
import { CheckFailure, indent, show } from '../../check.js';

const IDLE_S = 0.5;
const ARGS = ['--port', '0', '--idle-timeout', String(IDLE_S)];
const GOODBYE = 'error: idle for too long, closing\n';
/** How long after its last command a connection waits for the goodbye. */
const WAIT_MS = IDLE_S * 1000 + 2500;

/**
 * @typedef {object} Talk
 * @property {string} received everything that came back
 * @property {'closed' | 'reset' | 'still open'} ended
 * @property {number} lastSentAt when the last command was sent
 * @property {number | undefined} afterEchoesAt when the first byte after the echoes came (or the close)
 */

/**
 * Connects, sends each [afterMs, text] at its time, and collects what comes back until the
 * server closes the connection or WAIT_MS after the last send.
 * @param {number} port
 * @param {[number, string][]} sends
 * @param {number} echoBytes how many bytes the echoes take
 * @param {Set<net.Socket>} open
 * @returns {Promise<Talk>}
 */
function talk(port, sends, echoBytes, open) {
	return new Promise((resolve) => {
		const socket = net.connect(port, '127.0.0.1');
		open.add(socket);
		let received = Buffer.alloc(0);
		let lastSentAt = 0;
		/** @type {number | undefined} */
		let afterEchoesAt;
		/** @type {ReturnType<typeof setTimeout> | undefined} */
		let giveUp;
		/** @param {Talk['ended']} ended */
		const finish = (ended) => {
			clearTimeout(giveUp);
			afterEchoesAt ??= ended === 'still open' ? undefined : performance.now();
			socket.destroy();
			resolve({ received: received.toString('utf8'), ended, lastSentAt, afterEchoesAt });
		};
		socket.on('connect', async () => {
			const start = performance.now();
			for (const [afterMs, text] of sends) {
				await new Promise((resolve) => setTimeout(resolve, Math.max(0, start + afterMs - performance.now())));
				socket.write(text);
				lastSentAt = performance.now();
			}
			giveUp = setTimeout(() => finish('still open'), WAIT_MS);
		});
		socket.on('data', (chunk) => {
			received = Buffer.concat([received, chunk]);
			if (afterEchoesAt === undefined && received.length > echoBytes) afterEchoesAt = performance.now();
		});
		socket.on('end', () => finish('closed'));
		socket.on('error', () => finish('reset'));
	});
}

/**
 * Keeps the lines of a failed start that say what went wrong, not the stack trace.
 * @param {string} message
 */
function whyNotStarted(message) {
	const printed = message.split('\n').slice(1).filter((line) => !/^\s+at /.test(line) && line.trim() !== '');
	const errors = printed.filter((line) => /error/i.test(line));
	return (errors.length > 0 ? errors : printed).slice(0, 6).join('\n') || '  (nothing)';
}

/** @param {typeof import('../../check.js').checker} t */
export default async function check(t) {
	/** @type {Awaited<ReturnType<typeof t.start>>} */
	let server;
	try {
		server = await t.start('server.js', ARGS);
	} catch (error) {
		if (!(error instanceof CheckFailure)) throw error;
		t.fail(
			[
				`Started: node server.js ${ARGS.join(' ')}`,
				`Expected the server to take --idle-timeout (in seconds) and print "listening on HOST:PORT".`,
				`It printed:`,
				whyNotStarted(error.message),
			].join('\n')
		);
	}
	/** @type {Set<net.Socket>} */
	const open = new Set();
	try {
		const cases = /** @type {const} */ ([
			{ sends: [[0, 'echo hi\n']], echoes: 'hi\n', told: 'Sent "echo hi\\n", then nothing.' },
			{ sends: [[0, 'echo one\n'], [400, 'echo two\n']], echoes: 'one\ntwo\n', told: 'Sent "echo one\\n", and 400 ms later "echo two\\n", then nothing.' },
		]);
		const talks = await Promise.all(cases.map(({ sends, echoes }) => talk(server.port, sends.map(([at, text]) => [at, text]), Buffer.byteLength(echoes), open)));
		for (const [i, { received, ended, lastSentAt, afterEchoesAt }] of talks.entries()) {
			const { echoes, told } = cases[i];
			const expected = echoes + GOODBYE;
			const serverSaid = `The server printed:\n${indent(server.output.stdout + server.output.stderr) || '  (nothing)'}`;
			if (received !== expected || ended === 'still open') {
				t.fail(
					[
						told,
						`Expected back: ${show(expected)}, then the server closes the connection.`,
						`Got back:      ${show(received)}${ended === 'still open' ? `, and the connection was still open ${WAIT_MS / 1000} s after the last command.` : ended === 'reset' ? ', then a reset.' : ', then a close.'}`,
						serverSaid,
					].join('\n')
				);
			}
			if (ended === 'reset') {
				t.fail([told, `Got back ${show(received)}, but then the connection was reset.`, `Expected a normal close (FIN) after the goodbye, so that the goodbye cannot be lost.`].join('\n'));
			}
			const waited = /** @type {number} */ (afterEchoesAt) - lastSentAt;
			if (waited < 0.8 * IDLE_S * 1000) {
				t.fail(
					[
						told,
						`The goodbye came ${Math.round(waited)} ms after the last command.`,
						`Expected it only after ${IDLE_S} s in which the client sent nothing: each command starts the wait again.`,
					].join('\n')
				);
			}
		}
	} finally {
		for (const socket of open) socket.destroy();
		await server.stop();
	}
}
