// @ts-check
/**
 * __EXAMPLE_TITLE__: the server. TODO: say what it does and which socket calls it shows.
 *
 * As scaffolded, a TCP line echo: every line a client sends comes straight back.
 *
 * Run: node server.js [--host 127.0.0.1] [--port 7020]   (port 0 = any free port)
 */
import net from 'node:net';
import { parseArgs } from 'node:util';

/** A line may be at most 64 KiB; a longer one is refused so one client cannot fill our memory. */
const MAX_LINE_BYTES = 64 * 1024;

const { values } = parseArgs({
	options: {
		host: { type: 'string', default: '127.0.0.1' },
		port: { type: 'string', default: '7020' },
	},
});

/**
 * TODO: your protocol. The reply to one request line (without its "\n").
 * @param {string} line
 * @returns {string}
 */
function answer(line) {
	return line.toUpperCase();
}

const server = net.createServer((socket) => {
	const peer = `${socket.remoteAddress}:${socket.remotePort}`;
	console.log(`server: accepted a connection from ${peer}`);
	/** Bytes received since the last newline. */
	let pending = Buffer.alloc(0);
	let refused = false;

	socket.on('data', (chunk) => {
		if (refused) return; // keep reading, but drop it: the client has been told to stop
		pending = Buffer.concat([pending, chunk]);
		let newline;
		while ((newline = pending.indexOf(0x0a)) !== -1) {
			const line = pending.subarray(0, newline).toString('utf8');
			pending = pending.subarray(newline + 1);
			const reply = answer(line);
			socket.write(`${reply}\n`);
			console.log(`server: answered ${JSON.stringify(line)} with ${JSON.stringify(reply)}`);
		}
		if (pending.length > MAX_LINE_BYTES) {
			refused = true;
			pending = Buffer.alloc(0);
			console.log(`server: ${peer} sent a line over ${MAX_LINE_BYTES} bytes, refusing it`);
			socket.end(`error: line longer than ${MAX_LINE_BYTES} bytes, closing\n`);
			setTimeout(() => socket.destroy(), 2000).unref(); // time to read the error, then drop it
		}
	});

	socket.on('end', () => {
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
