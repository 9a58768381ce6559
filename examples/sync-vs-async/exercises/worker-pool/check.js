// @ts-check
/**
 * Check of "A pool of workers" (Node.js): starts server.js in sequential mode with 3 workers and
 * 300 ms of work per request, connects 6 clients at the same moment, and times each answer.
 * With 3 workers the answers come in 2 waves of 3, about 300 ms apart. (The checker has no
 * "many clients at once", so this check opens its own connections and closes them all.)
 */
import net from 'node:net';
import { indent, show } from '../../check.js';

const WORKERS = 3;
const CLIENTS = 6;
const DELAY_MS = 300;
/** Answers less than this far apart belong to the same wave; a wave is DELAY_MS after the one before. */
const SAME_WAVE_MS = DELAY_MS / 2;
/** How long a client waits for its answer (one at a time would take 6 x 300 ms = 1.8 s). */
const WAIT_MS = 3_000;

/**
 * One client: sends its request line and resolves with the answer and when it was complete.
 * @param {number} port
 * @param {number} id
 * @param {number} startedAt
 * @param {Set<net.Socket>} sockets
 * @returns {Promise<{ id: number, answer: string, ms: number | undefined }>}
 */
function ask(port, id, startedAt, sockets) {
	return new Promise((resolve) => {
		const socket = net.connect(port, '127.0.0.1');
		sockets.add(socket);
		/** @type {Buffer[]} */
		const parts = [];
		const timer = setTimeout(() => socket.destroy(), WAIT_MS);
		let ms = /** @type {number | undefined} */ (undefined);
		socket.on('connect', () => socket.write(`request from client ${id}\n`));
		socket.on('data', (chunk) => parts.push(chunk));
		socket.on('end', () => {
			ms = performance.now() - startedAt; // the server closes after its answer
			socket.end();
		});
		socket.on('error', () => {});
		socket.on('close', () => {
			clearTimeout(timer);
			resolve({ id, answer: Buffer.concat(parts).toString('utf8'), ms });
		});
	});
}

/** @param {number[]} times sorted @returns {number[]} how many answers came in each wave */
function waves(times) {
	/** @type {number[]} */
	const sizes = [];
	times.forEach((ms, i) => {
		if (i === 0 || ms - /** @type {number} */ (times[i - 1]) > SAME_WAVE_MS) sizes.push(1);
		else sizes[sizes.length - 1] += 1;
	});
	return sizes;
}

/** @param {typeof import('../../check.js').checker} t */
export default async function check(t) {
	const args = ['--mode', 'sequential', '--workers', String(WORKERS), '--delay-ms', String(DELAY_MS), '--port', '0'];
	const command = `node server.js ${args.join(' ')}`;
	/** @type {Awaited<ReturnType<typeof t.start>>} */
	let server;
	try {
		server = await t.start('server.js', args);
	} catch (error) {
		const message = /** @type {Error} */ (error).message;
		// The line that says why it stopped, without the stack trace around it.
		const why = message.split('\n').find((line) => /error/i.test(line) && !/^\s*at /.test(line));
		t.fail(
			why === undefined
				? `Started: ${command}\nExpected it to print "listening on HOST:PORT".\n${message}`
				: `Started: ${command}\nExpected it to print "listening on HOST:PORT", but it stopped with:\n  ${why.trim()}\nDoes your server know the --workers option?`
		);
	}
	/** @type {Set<net.Socket>} */
	const sockets = new Set();
	try {
		const startedAt = performance.now();
		const results = await Promise.all(Array.from({ length: CLIENTS }, (_, i) => ask(server.port, i + 1, startedAt, sockets)));
		const report = results
			.map(({ id, answer, ms }) => `client ${id}: ${ms === undefined ? `no answer within ${WAIT_MS / 1000} s` : `${show(answer)} after ${(ms / 1000).toFixed(2)} s`}`)
			.join('\n');
		const told = [
			`Started: ${command}`,
			`Then ${CLIENTS} clients connected at the same moment; client N sent "request from client N\\n".`,
			`Expected the answers in 2 waves of ${WORKERS}: ${WORKERS} after about ${DELAY_MS / 1000} s, then ${WORKERS} after about ${(2 * DELAY_MS) / 1000} s.`,
		];
		const wrong = results.filter(({ id, answer, ms }) => ms === undefined || answer !== `done: request from client ${id}\n`);
		if (wrong.length > 0) {
			t.fail([...told, `Expected client N to get "done: request from client N\\n". What came back:`, indent(report), `The server printed:\n${indent(server.output.stdout + server.output.stderr) || '  (nothing)'}`].join('\n'));
		}
		const sizes = waves(results.map(({ ms }) => /** @type {number} */ (ms)).sort((a, b) => a - b));
		if (sizes.length !== 2 || sizes.some((size) => size !== WORKERS)) {
			const seen = sizes.length === 1 ? `all ${CLIENTS} at once, in one wave` : sizes.every((size) => size === 1) ? 'one at a time' : `in ${sizes.length} waves, of ${sizes.join(', ')}`;
			t.fail([...told, `Your server answered ${seen}:`, indent(report)].join('\n'));
		}
	} finally {
		for (const socket of sockets) socket.destroy();
		await server.stop();
	}
}
