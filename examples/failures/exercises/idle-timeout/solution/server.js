// @ts-check
/**
 * A deliberately misbehaving server, so that client.js can show what goes wrong on a
 * network. A client sends one command per line:
 *   echo TEXT     answers TEXT and a newline; the connection stays open for more commands
 *   silent        reads everything, answers nothing ever again    (the client must time out)
 *   reset         aborts the connection at once with a TCP reset  (the client sees ECONNRESET)
 *   half-close    waits until the client has closed its sending side, then answers and closes
 * Anything else gets `error: unknown command "..."`. README.md lists every byte.
 *
 * The same calls in Python:
 *   net.createServer({ allowHalfOpen: true })   srv = socket.socket(); srv.bind(...); srv.listen()
 *   'connection' event                          conn, addr = srv.accept()
 *   'data' event                                conn.recv(4096)
 *   'end' event (the client closed its side)    conn.recv(4096) returns b""
 *   socket.write(data)                          conn.sendall(data)
 *   socket.end()                                conn.shutdown(socket.SHUT_WR); conn.close()
 *   socket.resetAndDestroy()                    conn.setsockopt(SOL_SOCKET, SO_LINGER, struct.pack("ii", 1, 0)); conn.close()
 *
 * Run: node server.js [--host 127.0.0.1] [--port 7013] [--idle-timeout 30]   (port 0 = any free port)
 */
import net from 'node:net';
import { parseArgs } from 'node:util';

/** A command line may be at most 1 MiB; a longer one is refused so one client cannot fill our memory. */
const MAX_LINE_BYTES = 1024 * 1024;
/** A client that sends nothing for this long is disconnected (also a "silent" one). */
const IDLE_TIMEOUT_MS = 30_000;

const { values } = parseArgs({
	options: {
		host: { type: 'string', default: '127.0.0.1' },
		port: { type: 'string', default: '7013' },
		'idle-timeout': { type: 'string', default: String(IDLE_TIMEOUT_MS / 1000) },
	},
});
/** How long a client may send nothing: --idle-timeout, in seconds. */
const idleTimeoutMs = Number(values['idle-timeout']) * 1000;

/**
 * What a connection is doing: reading commands, ignoring everything (silent), counting bytes
 * until the client closes its side (half-close), or finished (reset, or a line too long).
 * @typedef {'commands' | 'silent' | 'half-close' | 'finished'} State
 */

// Bytes that are not UTF-8 become U+FFFD, like Python's errors="replace". ignoreBOM: a leading
// byte order mark stays part of the line (by default TextDecoder would drop it silently).
const utf8 = new TextDecoder('utf-8', { ignoreBOM: true });

// allowHalfOpen: when the client closes its sending side, Node must NOT close ours for us,
// so that "half-close" can still answer. In return we must call socket.end() ourselves.
const server = net.createServer({ allowHalfOpen: true }, (socket) => {
	const peer = `${socket.remoteAddress}:${socket.remotePort}`;
	console.log(`server: accepted a connection from ${peer}`);
	/** @type {State} */
	let state = 'commands';
	/** Bytes received since the last newline. */
	let pending = Buffer.alloc(0);
	/** Bytes received after a "half-close" command. */
	let counted = 0;

	/**
	 * Runs one command and returns what the connection does next.
	 * @param {Buffer} line the bytes before "\n"
	 * @returns {State}
	 */
	const run = (line) => {
		if (line.at(-1) === 0x0d) line = line.subarray(0, -1); // "\r\n" line ends (telnet) are fine too
		const text = utf8.decode(line);
		if (text === 'echo' || text.startsWith('echo ')) {
			const answer = Buffer.concat([line.subarray(5), Buffer.from('\n')]); // the bytes after "echo "
			socket.write(answer);
			console.log(`server: echoed ${answer.length} bytes to ${peer}`);
			return 'commands';
		}
		if (text === 'silent') {
			console.log(`server: ${peer} asked for silence: reading, never answering`);
			return 'silent';
		}
		if (text === 'reset') {
			console.log(`server: ${peer} asked for a reset: aborting the connection`);
			socket.resetAndDestroy(); // sends a TCP RST instead of the normal goodbye (FIN)
			return 'finished';
		}
		if (text === 'half-close') {
			console.log(`server: ${peer} asked for half-close: waiting until it closes its sending side`);
			return 'half-close';
		}
		socket.write(`error: unknown command ${JSON.stringify(text)}\n`);
		console.log(`server: ${peer} sent an unknown command (${line.length} bytes)`);
		return 'commands';
	};

	socket.setTimeout(idleTimeoutMs, () => {
		console.log(`server: ${peer} sent nothing for ${idleTimeoutMs / 1000} s, closing`);
		state = 'finished'; // from now on, read and drop
		socket.end('error: idle for too long, closing\n'); // the goodbye, then our FIN
		setTimeout(() => socket.destroy(), 2000).unref(); // time to read the goodbye, then drop it
	});

	socket.on('data', (chunk) => {
		if (state === 'half-close') counted += chunk.length; // only counted, never stored
		if (state !== 'commands') return; // silent or finished: read it, drop it
		pending = Buffer.concat([pending, chunk]);
		let newline;
		while (state === 'commands' && (newline = pending.indexOf(0x0a)) !== -1 && newline <= MAX_LINE_BYTES) {
			const line = pending.subarray(0, newline);
			pending = pending.subarray(newline + 1);
			state = run(line);
		}
		if (state === 'half-close') counted += pending.length; // bytes that came with the command
		if (state !== 'commands') {
			pending = Buffer.alloc(0);
		} else if (pending.length > MAX_LINE_BYTES) {
			state = 'finished';
			pending = Buffer.alloc(0);
			console.log(`server: ${peer} sent a line over ${MAX_LINE_BYTES} bytes, refusing it`);
			socket.end(`error: line longer than ${MAX_LINE_BYTES} bytes, closing\n`);
			// Give the client a moment to read the error, then drop the connection.
			setTimeout(() => socket.destroy(), 2000).unref();
		} else if (socket.writableNeedDrain) {
			// The client sends faster than it reads our answers: stop reading until they have gone out.
			socket.pause();
			socket.once('drain', () => socket.resume());
		}
	});

	socket.on('end', () => {
		// The client closed its sending side (Python: recv() returned b""). Ours is still open.
		if (state === 'half-close') {
			console.log(`server: ${peer} closed its sending side after ${counted} more bytes; answering on mine`);
			socket.end(`you sent ${counted} bytes and then closed your side; my side is still open, so here is my answer\n`);
			return;
		}
		socket.end(); // any other time: close ours too (an unfinished last line is dropped)
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
