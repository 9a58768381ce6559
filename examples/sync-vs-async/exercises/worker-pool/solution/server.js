// @ts-check
/**
 * A slow server, run in one of two ways. Every request takes --delay-ms of "work": a stand-in
 * for a slow disk or database, done here with setTimeout.
 *
 *   --mode sequential   serves one connection at a time. The others wait in a queue and are
 *                       not even read until their turn. Python: socketserver.TCPServer, whose
 *                       handle() must return before it accept()s the next connection.
 *   --workers N         (sequential mode) serves up to N connections at a time, the others
 *                       wait their turn in the queue. 1, the default, is one at a time.
 *   --mode concurrent   starts on every connection as soon as it arrives. Python:
 *                       socketserver.ThreadingTCPServer (a thread per connection), or
 *                       asyncio.start_server (a coroutine per connection that awaits
 *                       asyncio.sleep() instead of calling time.sleep()).
 *
 * The same calls in Python:
 *   net.createServer({ pauseOnConnect: true })  conn, addr = sock.accept(), then not reading yet
 *   socket.resume() and 'data' events           conn.recv(4096)
 *   setTimeout(reply, delayMs)                  time.sleep(delay), or await asyncio.sleep(delay)
 *   socket.end('done: ...\n')                   conn.sendall(b'done: ...\n'); conn.close()
 *
 * Run: node server.js [--mode sequential|concurrent] [--workers 1] [--delay-ms 200] [--host 127.0.0.1] [--port P]
 *      (default port 7014 for sequential, 7015 for concurrent; 0 = any free port)
 */
import net from 'node:net';
import { parseArgs } from 'node:util';

/** A request line may be at most 1 MiB (without its \n); a longer one is refused. */
const MAX_LINE_BYTES = 1024 * 1024;
/** A client whose turn has come but that sends nothing for this long is disconnected. */
const IDLE_TIMEOUT_MS = 30_000;

const { values } = parseArgs({
	options: {
		mode: { type: 'string', default: 'concurrent' },
		workers: { type: 'string', default: '1' },
		'delay-ms': { type: 'string', default: '200' },
		host: { type: 'string', default: '127.0.0.1' },
		port: { type: 'string' },
	},
});
const mode = String(values.mode);
const delayMs = Number(values['delay-ms']);
const workers = Number(values.workers);
if (mode !== 'sequential' && mode !== 'concurrent') {
	console.error(`server: --mode must be sequential or concurrent, not ${JSON.stringify(mode)}`);
	process.exit(1);
}
if (!Number.isFinite(delayMs) || delayMs < 0) {
	console.error(`server: --delay-ms must be a number of milliseconds, 0 or more, not ${JSON.stringify(values['delay-ms'])}`);
	process.exit(1);
}
if (!Number.isInteger(workers) || workers < 1) {
	console.error(`server: --workers must be a whole number, 1 or more, not ${JSON.stringify(values.workers)}`);
	process.exit(1);
}
const port = values.port ?? (mode === 'sequential' ? '7014' : '7015');
/** Every line starts with this label, so the two servers' output can be told apart. */
const label = `${mode} server:`;

/** @typedef {{ socket: net.Socket, peer: string, arrivedAt: number }} Connection */

/** Shows a request line, shortened if long. @param {string} text */
const show = (text) => JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}...` : text);
/** @param {number} ms */
const seconds = (ms) => `${(ms / 1000).toFixed(2)} s`;

/**
 * Serves one connection: reads its request line, does the slow work, replies and closes.
 * Resolves when this connection is finished with (answered, refused or gone).
 * @param {Connection} connection
 * @returns {Promise<void>}
 */
function serve({ socket, peer, arrivedAt }) {
	return new Promise((finished) => {
		/** @type {'reading' | 'working' | 'done'} */
		let state = 'reading';
		let pending = Buffer.alloc(0);
		const finish = () => {
			state = 'done';
			finished();
		};

		/** Sends an error line, closes, and drops the connection if the client keeps sending. @param {string} message */
		const refuse = (message) => {
			console.log(`${label} ${peer}: ${message}, refusing it`);
			socket.end(`error: ${message}\n`);
			setTimeout(() => socket.destroy(), 2000).unref();
			finish();
		};

		socket.setTimeout(IDLE_TIMEOUT_MS, () => {
			if (state === 'done') socket.destroy(); // answered long ago, but the client never closed its side
			if (state !== 'reading') return;
			console.log(`${label} ${peer} sent no request line within ${IDLE_TIMEOUT_MS / 1000} s, closing`);
			socket.end('error: idle for too long, closing\n');
			finish();
		});

		socket.on('data', (chunk) => {
			if (state !== 'reading') return; // anything after the request line is read and ignored
			pending = Buffer.concat([pending, chunk]);
			const newline = pending.indexOf(0x0a);
			if (newline === -1 ? pending.length > MAX_LINE_BYTES : newline > MAX_LINE_BYTES) {
				pending = Buffer.alloc(0);
				refuse(`request line longer than ${MAX_LINE_BYTES} bytes`);
				return;
			}
			if (newline === -1) return; // the rest of the line has not arrived yet
			const line = pending.subarray(0, newline);
			pending = Buffer.alloc(0);
			// Decoding turns bytes that are not UTF-8 into U+FFFD, so if encoding the text again
			// does not give the same bytes back, the line was not valid UTF-8 text.
			const text = line.toString('utf8');
			if (!Buffer.from(text, 'utf8').equals(line)) {
				refuse('request line is not valid UTF-8');
				return;
			}
			state = 'working';
			const startedAt = performance.now();
			// The slow work. In concurrent mode other connections are served meanwhile; in
			// sequential mode they wait in the queue.
			setTimeout(() => {
				const now = performance.now();
				if (socket.destroyed) {
					console.log(`${label} ${peer} left before its answer was ready`);
				} else {
					socket.end(`done: ${text}\n`);
					console.log(`${label} answered ${show(text)} after ${seconds(now - arrivedAt)} (${seconds(startedAt - arrivedAt)} waiting, then ${seconds(now - startedAt)} of work)`);
				}
				finish();
			}, delayMs);
		});

		socket.on('end', () => {
			if (state !== 'reading') return;
			console.log(`${label} ${peer} closed without sending a whole request line`);
			socket.end();
			finish();
		});

		socket.on('close', () => {
			if (state !== 'reading') return; // while working, the timer above finishes the job
			console.log(`${label} ${peer} left without sending a whole request line, skipping it`);
			finish();
		});

		socket.resume(); // start reading: it is this connection's turn
	});
}

/** @type {Connection[]} */
const queue = [];
/** How many connections are being served right now: at most `workers`. */
let busy = 0;

/** Sequential mode: serve the waiting connections, oldest first, up to `workers` at a time. */
function serveQueue() {
	while (busy < workers && queue.length > 0) {
		busy += 1;
		serve(/** @type {Connection} */ (queue.shift())).then(() => {
			busy -= 1; // this worker is free: give it the next connection in the queue
			serveQueue();
		});
	}
}

// pauseOnConnect: Node accepts every connection at once, but reads nothing from it until
// socket.resume() is called. (Python's blocking TCPServer does not accept() it at all until
// its turn: it waits in the operating system's listen backlog instead of in our queue.)
const server = net.createServer({ pauseOnConnect: true }, (socket) => {
	const connection = { socket, peer: `${socket.remoteAddress}:${socket.remotePort}`, arrivedAt: performance.now() };
	// Without this handler, a client that vanishes (ECONNRESET) would crash the whole server.
	socket.on('error', (error) => console.log(`${label} connection to ${connection.peer} failed: ${error.message}`));
	if (mode === 'concurrent') {
		serve(connection);
	} else {
		queue.push(connection);
		serveQueue();
	}
});

server.on('error', (error) => {
	if (/** @type {NodeJS.ErrnoException} */ (error).code === 'EADDRINUSE') {
		console.error(`${label} port ${port} on ${values.host} is already in use. Stop the other program or choose another port: node server.js --port 0`);
	} else {
		console.error(`${label} ${error.message}`);
	}
	process.exit(1);
});

const one = workers === 1 ? 'one connection at a time' : `at most ${workers} connections at a time`;
const how = mode === 'sequential' ? one : 'every connection as soon as it arrives';
console.log(`${label} serves ${how}, with ${delayMs} ms of work per request`);
server.listen(Number(port), values.host, () => {
	const address = /** @type {net.AddressInfo} */ (server.address());
	console.log(`${label} listening on ${address.address}:${address.port}`);
});

for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM'])) {
	process.on(signal, () => {
		console.log(`${label} stopping`);
		server.close();
		process.exit(0);
	});
}
