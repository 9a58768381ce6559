// @ts-check
/**
 * Opens N connections to the slow server at the same moment. Each sends one request line and
 * measures how long its answer took, counted from the moment all of them started.
 *
 * The same calls in Python:
 *   net.connect(port, host)         sock = socket.create_connection((host, port))
 *   socket.write(line)              sock.sendall(line)
 *   'data' events until 'end'       recv() until it returns b''
 *   performance.now()               time.perf_counter()
 * (In Python, opening N connections "at the same moment" needs N threads or asyncio.)
 *
 * Run: node client.js [--clients 5] [--timeout-ms T] [--host 127.0.0.1] [--port 7015]
 */
import net from 'node:net';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
	options: {
		host: { type: 'string', default: '127.0.0.1' },
		port: { type: 'string', default: '7015' },
		clients: { type: 'string', default: '5' },
		'timeout-ms': { type: 'string' }, // none: wait as long as it takes
	},
});
const count = Number(values.clients);
if (!Number.isInteger(count) || count < 1 || count > 1000) {
	console.error(`client: --clients must be a whole number from 1 to 1000, not ${JSON.stringify(values.clients)}`);
	process.exit(1);
}

const timeoutMs = values['timeout-ms'] === undefined ? undefined : Number(values['timeout-ms']);
if (timeoutMs !== undefined && !(timeoutMs > 0)) {
	console.error(`client: --timeout-ms must be a number of milliseconds, more than 0, not ${JSON.stringify(values['timeout-ms'])}`);
	process.exit(1);
}

let refused = false;

/**
 * One client: connects, sends its request line, and resolves with the seconds until the whole
 * answer had arrived, or undefined if it failed.
 * @param {number} id
 * @param {number} startedAt
 * @returns {Promise<number | undefined>}
 */
function ask(id, startedAt) {
	const request = `request from client ${id}`;
	return new Promise((resolve) => {
		const socket = net.connect(Number(values.port), values.host);
		/** @type {Buffer[]} */
		const chunks = [];
		/** @type {ReturnType<typeof setTimeout> | undefined} */
		let timer;
		socket.on('connect', () => {
			socket.write(`${request}\n`);
			if (timeoutMs === undefined) return;
			// The time limit: if the whole answer has not come by then, this client gives up.
			timer = setTimeout(() => {
				console.error(`client ${id}: no answer within ${(timeoutMs / 1000).toFixed(2)} s`);
				socket.destroy(); // close the connection: we no longer wait for it
				resolve(undefined);
			}, timeoutMs);
		});
		socket.on('data', (chunk) => chunks.push(chunk));
		socket.on('end', () => {
			clearTimeout(timer);
			// The server closes the connection after its answer, so 'end' means the answer is complete.
			const elapsed = (performance.now() - startedAt) / 1000;
			const answer = Buffer.concat(chunks).toString('utf8');
			if (answer === `done: ${request}\n`) {
				console.log(`client ${id}: answered after ${elapsed.toFixed(2)} s`);
				resolve(elapsed);
			} else {
				console.error(`client ${id}: unexpected answer ${JSON.stringify(answer)} after ${elapsed.toFixed(2)} s`);
				resolve(undefined);
			}
		});
		socket.on('error', (error) => {
			clearTimeout(timer);
			const code = /** @type {NodeJS.ErrnoException} */ (error).code;
			if (code !== 'ECONNREFUSED') {
				console.error(`client ${id}: ${error.message}`);
			} else if (!refused) {
				refused = true;
				console.error(`client: nothing is listening on ${values.host}:${values.port}. Start the server first: node server.js`);
			}
			resolve(undefined);
		});
	});
}

console.log(`client: opening ${count} connections to ${values.host}:${values.port} at the same moment`);
const startedAt = performance.now();
const answers = await Promise.all(Array.from({ length: count }, (_, i) => ask(i + 1, startedAt)));
const times = answers.filter((t) => t !== undefined).sort((a, b) => a - b);

if (times.length === count) {
	console.log(`client: ${count} clients, first answer after ${times[0]?.toFixed(2)} s, last after ${times[count - 1]?.toFixed(2)} s`);
} else {
	console.error(`client: only ${times.length} of ${count} clients got their answer`);
	process.exitCode = 1;
}
