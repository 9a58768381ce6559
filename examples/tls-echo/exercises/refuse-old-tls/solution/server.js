// @ts-check
/**
 * TLS echo server: every line a client sends comes straight back, encrypted. It is the
 * tcp-echo server with TLS between TCP and the lines: the program reads and writes plain
 * lines, and TLS turns them into encrypted records on the wire.
 *
 * The same calls in Python (python/server.py, with asyncio):
 *   tls.createServer({ key, cert })   ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
 *                                     ctx.load_cert_chain(certfile, keyfile)
 *   server.listen(port, host)         await asyncio.start_server(handle, host, port, ssl=ctx)
 *   'secureConnection' event          handle(reader, writer) runs once the handshake is done
 *   'tlsClientError' event            (none: asyncio drops a failed handshake without a word)
 *   socket.getProtocol()              writer.get_extra_info("ssl_object").version()
 *
 * Run: node server.js [--host 127.0.0.1] [--port 7443]   (port 0 = any free port)
 */
import { readFileSync } from 'node:fs';
import tls from 'node:tls';
import { parseArgs } from 'node:util';

/** A line may be at most 1 MiB; a longer one is refused so one client cannot fill our memory. */
const MAX_LINE_BYTES = 1024 * 1024;
/** A client that sends nothing for this long is disconnected. */
const IDLE_TIMEOUT_MS = 30_000;
/** A client must finish the TLS handshake this soon after connecting (Node's default is 120 s). */
const HANDSHAKE_TIMEOUT_MS = 10_000;

const { values } = parseArgs({
	options: {
		host: { type: 'string', default: '127.0.0.1' },
		port: { type: 'string', default: '7443' },
	},
});

/** The server's certificate for "localhost", signed by the course's test CA, and its private key. */
const certificate = readFileSync(new URL('certs/server.crt', import.meta.url));
const privateKey = readFileSync(new URL('certs/server.key', import.meta.url));

// minVersion: a client that cannot speak TLS 1.3 fails the handshake (alert "protocol version").
const server = tls.createServer({ cert: certificate, key: privateKey, handshakeTimeout: HANDSHAKE_TIMEOUT_MS, minVersion: 'TLSv1.3' }, (socket) => {
	const peer = `${socket.remoteAddress}:${socket.remotePort}`;
	console.log(`server: TLS handshake done with ${peer}: ${socket.getProtocol()}, ${socket.getCipher().standardName}`);
	/** Bytes received since the last newline, already decrypted. */
	let pending = Buffer.alloc(0);
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
			socket.write(line);
			console.log(`server: echoed ${line.length} bytes to ${peer}`);
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
		// The client is done: we close too. A last line without "\n" gets no answer (as in
		// Python's asyncio, which closes a TLS connection as soon as the client closes its side).
		socket.end();
		console.log(`server: ${peer} closed the connection`);
	});

	// Without this handler, a client that vanishes (ECONNRESET) would crash the whole server.
	socket.on('error', (error) => console.log(`server: connection to ${peer} failed: ${error.message}`));
});

// A client that is not speaking TLS, that refuses our certificate or that vanishes mid-handshake
// never reaches the handler above: it ends here, and the server goes on.
// (The socket is closed by then, so its address is gone.)
server.on('tlsClientError', (error) => {
	// OpenSSL's errors carry a short reason ("tlsv1 alert unknown ca") besides a long message.
	const { code, reason } = /** @type {NodeJS.ErrnoException & { reason?: string }} */ (error);
	console.log(`server: a TLS handshake failed: ${reason ?? error.message}${code ? ` (${code})` : ''}`);
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
	const address = /** @type {import('node:net').AddressInfo} */ (server.address());
	console.log(`server: listening on ${address.address}:${address.port} with the certificate for localhost`);
});

for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM'])) {
	process.on(signal, () => {
		console.log('server: stopping');
		server.close();
		process.exit(0);
	});
}
