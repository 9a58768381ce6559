// @ts-check
/**
 * Echo server for many clients in one thread, the Node.js twin of python/server.py.
 *
 * The Python twin writes the event loop itself: non-blocking sockets, a selector, its own
 * write buffer for partial sends. Node.js has that loop built in (libuv: epoll on Linux,
 * kqueue on macOS) and turns what the selector reports into events:
 *
 *   Python (selectors)                          Node.js (net)
 *   sock.setblocking(False)                     every socket, always
 *   selector.select()                           the event loop, between your callbacks
 *   EVENT_READ on the listening socket; accept  'connection' event
 *   EVENT_READ; recv()                          'data' event
 *   send() takes part; keep the rest;           socket.write() keeps what the OS does not
 *     EVENT_WRITE until it is sent                take and sends it when the socket is writable
 *   write buffer over the limit:                write() returns false (over writableHighWaterMark):
 *     stop asking for EVENT_READ                  socket.pause()
 *   buffer small again: EVENT_READ again        'drain' event: socket.resume()
 *
 * Run: node server.js [--host 127.0.0.1] [--port 7030]   (port 0 = any free port)
 */
import net from 'node:net';
import { parseArgs } from 'node:util';

/** A line may be at most 1 MiB; a longer one is refused so one client cannot fill our memory. */
const MAX_LINE_BYTES = 1024 * 1024;
/** A client with no traffic either way for this long is disconnected. */
const IDLE_TIMEOUT_MS = 30_000;
/** After an error line: how long the client gets to read it before we close. */
const GOODBYE_MS = 2000;

const { values } = parseArgs({
	options: {
		host: { type: 'string', default: '127.0.0.1' },
		port: { type: 'string', default: '7030' },
	},
});

let open = 0;
/** The chat room: every connected client's socket, and the send() that writes to it. */
/** @type {Map<net.Socket, (data: Buffer) => void>} */
const members = new Map();

const server = net.createServer((socket) => {
	const peer = `${socket.remoteAddress}:${socket.remotePort}`;
	open += 1;
	console.log(`server: accepted a connection from ${peer} (${open} open)`);
	/** Bytes received since the last newline, in the pieces they came in. */
	/** @type {Buffer[]} */
	let pending = [];
	let pendingLength = 0;
	/** An error line was sent: what still comes is read and dropped, and the connection closes soon. */
	let closing = false;
	/** The client closed its sending side. */
	let clientDone = false;

	socket.setTimeout(IDLE_TIMEOUT_MS, () => {
		console.log(`server: ${peer} sent nothing for ${IDLE_TIMEOUT_MS / 1000} s, closing`);
		closing = true;
		socket.resume();
		socket.end('error: idle for too long, closing\n');
		setTimeout(() => socket.destroy(), GOODBYE_MS).unref();
	});

	/** Writes `data`; if Node now holds more than its limit for this client, stop reading from it. */
	const send = (/** @type {Buffer} */ data) => {
		const belowLimit = socket.write(data);
		if (!belowLimit && !socket.isPaused()) {
			console.log(
				`server: write() returned false: ${socket.writableLength} bytes wait in Node's buffer for ${peer}, ` +
					`over its writableHighWaterMark of ${socket.writableHighWaterMark}: not reading from it until 'drain'`
			);
			socket.pause();
		} else if (data.length > socket.writableHighWaterMark) {
			console.log(`server: write() of ${data.length} bytes to ${peer} returned ${belowLimit}: ${socket.writableLength === 0 ? 'the OS took them all at once' : `${socket.writableLength} bytes wait in Node's buffer`}`);
		}
	};

	members.set(socket, send);

	socket.on('drain', () => {
		if (closing || !socket.isPaused()) return;
		console.log(`server: 'drain': Node's buffer for ${peer} is empty again, reading from it again`);
		socket.resume();
	});

	socket.on('data', (chunk) => {
		if (closing) return; // keep reading, but drop it: the client has been told to stop
		let start = 0;
		let newline;
		while ((newline = chunk.indexOf(0x0a, start)) !== -1) {
			const line = Buffer.concat([...pending, chunk.subarray(start, newline + 1)]);
			pending = [];
			pendingLength = 0;
			start = newline + 1;
			// A chat room: the line goes to every client that still takes lines, the sender too.
			const receivers = [...members].filter(([other]) => other.writable);
			console.log(`server: sending ${line.length} bytes from ${peer} to ${receivers.length} clients`);
			for (const [, sendTo] of receivers) sendTo(line);
		}
		if (start < chunk.length) {
			pending.push(chunk.subarray(start));
			pendingLength += chunk.length - start;
		}
		if (pendingLength > MAX_LINE_BYTES) {
			closing = true;
			pending = [];
			pendingLength = 0;
			console.log(`server: ${peer} sent a line over ${MAX_LINE_BYTES} bytes, refusing it`);
			socket.resume(); // read and drop what still comes, so the client can read the error
			socket.end(`error: line longer than ${MAX_LINE_BYTES} bytes, closing\n`);
			setTimeout(() => socket.destroy(), GOODBYE_MS).unref();
		}
	});

	socket.on('end', () => {
		// The client closed its sending side. A last line without "\n" is still echoed.
		if (closing) return;
		clientDone = true;
		console.log(`server: ${peer} closed its sending side`);
		if (pendingLength > 0) socket.write(Buffer.concat(pending));
		socket.end(); // after everything written before it is sent
	});

	socket.on('finish', () => {
		// 'finish': everything we wrote, and our end (FIN), has been handed to the OS.
		if (clientDone) console.log(`server: ${peer} got every line back, closing the connection`);
	});

	// Without this handler, a client that vanishes (ECONNRESET) would crash the whole server.
	socket.on('error', (error) => console.log(`server: connection to ${peer} failed: ${error.message}`));
	socket.on('close', () => {
		members.delete(socket);
		open -= 1;
	});
});

server.on('error', (error) => {
	if (/** @type {NodeJS.ErrnoException} */ (error).code === 'EADDRINUSE') {
		console.error(`server: port ${values.port} on ${values.host} is already in use. Stop the other program or choose another port: node server.js --port 0`);
	} else {
		console.error(`server: ${error.message}`);
	}
	process.exit(1);
});

server.listen({ port: Number(values.port), host: values.host, backlog: 512 }, () => {
	const address = /** @type {net.AddressInfo} */ (server.address());
	console.log(`server: listening on ${address.address}:${address.port}`);
	console.log("server: one thread: Node's event loop watches every socket");
});

for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM'])) {
	process.on(signal, () => {
		console.log('server: stopping');
		server.close();
		process.exit(0);
	});
}
