// @ts-check
/**
 * TCP echo server: sends every line it receives straight back to the client that sent it.
 *
 * The same calls in Python:
 *   net.createServer()            socket.socket(AF_INET, SOCK_STREAM)
 *   server.listen(port, host)     sock.bind((host, port)); sock.listen()
 *   'connection' event            conn, addr = sock.accept()
 *   'data' event                  conn.recv(4096)
 *   socket.write()                conn.sendall(data)
 *   socket.end()                  conn.close()
 *
 * Run: node server.js [--host 127.0.0.1] [--port 7007]   (port 0 = any free port)
 */
import net from 'node:net';
import { parseArgs } from 'node:util';

/** A line may be at most 1 MiB; a longer one is refused so one client cannot fill our memory. */
const MAX_LINE_BYTES = 1024 * 1024;
/** A client that sends nothing for this long is disconnected. */
const IDLE_TIMEOUT_MS = 30_000;

const { values } = parseArgs({
	options: {
		host: { type: 'string', default: '127.0.0.1' },
		port: { type: 'string', default: '7007' },
	},
});

const server = net.createServer((socket) => {
	const peer = `${socket.remoteAddress}:${socket.remotePort}`;
	console.log(`server: accepted a connection from ${peer}`);
	/** Bytes received since the last newline. */
	let pending = Buffer.alloc(0);
	/** Lines answered on this connection: each connection counts on its own. */
	let lineNumber = 0;
	let refused = false;

	socket.setTimeout(IDLE_TIMEOUT_MS, () => {
		console.log(`server: ${peer} sent nothing for ${IDLE_TIMEOUT_MS / 1000} s, closing`);
		socket.end('error: idle for too long, closing\n');
	});

	socket.on('data', (chunk) => {
		if (refused) return; // keep reading, but drop it: the client has been told to stop
		pending = Buffer.concat([pending, chunk]);
		let newline;
		while ((newline = pending.indexOf(0x0a)) !== -1) {
			const line = pending.subarray(0, newline + 1);
			pending = pending.subarray(newline + 1);
			lineNumber += 1;
			socket.write(Buffer.concat([Buffer.from(`${lineNumber}: `), line]));
			console.log(`server: echoed ${line.length} bytes to ${peer}`);
		}
		if (pending.length > MAX_LINE_BYTES) {
			refused = true;
			pending = Buffer.alloc(0);
			console.log(`server: ${peer} sent a line over ${MAX_LINE_BYTES} bytes, refusing it`);
			socket.end(`error: line longer than ${MAX_LINE_BYTES} bytes, closing\n`);
			// Give the client a moment to read the error, then drop the connection.
			setTimeout(() => socket.destroy(), 2000).unref();
		}
	});

	socket.on('end', () => {
		// The client closed its sending side. A last line without "\n" is still echoed.
		if (pending.length > 0 && !refused) socket.write(pending);
		socket.end();
		console.log(`server: ${peer} closed the connection`);
	});

	// Without this handler, a client that vanishes (ECONNRESET) would crash the whole server.
	socket.on('error', (error) => console.log(`server: connection to ${peer} failed: ${error.message}`));
});

server.on('error', (error) => {
	if (/** @type {NodeJS.ErrnoException} */ (error).code === 'EADDRINUSE') {
		console.error(`server: port ${values.port} on ${values.host} is already in use. Stop the other program or choose another port: node server.js --port 0`);
	} else {
		console.error(`server: ${error.message}`);
	}
	process.exit(1);
});

server.listen(Number(values.port), values.host, () => {
	const address = /** @type {net.AddressInfo} */ (server.address());
	console.log(`server: listening on ${address.address}:${address.port}`);
});

for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM'])) {
	process.on(signal, () => {
		console.log('server: stopping');
		server.close();
		process.exit(0);
	});
}
