// @ts-check
/**
 * Length-prefix framing over TCP, with a type in every frame: the server reads frames (a 1-byte
 * type, a 4-byte length, then that many bytes) and answers each one with a frame holding the
 * same payload: a DATA frame for a DATA frame, a PONG frame for a PING frame.
 *
 * TCP delivers a stream of bytes, not messages: the bytes of several write() calls can
 * arrive in one read, and the bytes of one write() can arrive in several reads. So the server
 * prints the size of every read, keeps what it has received in a buffer, and takes a frame
 * out only once all of its bytes are there.
 *
 * The same calls in Python:
 *   net.createServer(), listen()    sock = socket.socket(); sock.bind(...); sock.listen()
 *   'connection' event              conn, addr = sock.accept()
 *   'data' event (one chunk)        chunk = conn.recv(65536)   (any size from 1 byte up)
 *   buffer.readUInt32BE(0)          (length,) = struct.unpack('>I', buffer[:4])
 *   header.writeUInt32BE(length)    header = struct.pack('>I', length)
 *   socket.write(frame)             conn.sendall(frame)
 *
 * Run: node server.js [--host 127.0.0.1] [--port 7009]   (port 0 = any free port)
 */
import net from 'node:net';
import { parseArgs } from 'node:util';

/** A frame's header: 1 byte for its type, then 4 bytes for the payload's length. */
const HEADER_BYTES = 5;
// The frame types: the first byte of every frame.
const DATA = 1; // answered with a DATA frame holding the same payload
const PING = 2; // answered with a PONG frame holding the same payload
const PONG = 3;
const ERROR = 4; // the server's error messages
/** A frame may carry at most 1 MiB; a bigger one is refused before we read its payload. */
const MAX_FRAME_BYTES = 1024 * 1024;
/** A client that sends nothing for this long is disconnected. */
const IDLE_TIMEOUT_MS = 30_000;

const { values } = parseArgs({
	options: {
		host: { type: 'string', default: '127.0.0.1' },
		port: { type: 'string', default: '7009' },
	},
});

/** A frame: its type in 1 byte, the payload's length as 4 bytes, big-endian (most significant byte first), then the payload. */
/** @param {number} type @param {Buffer} payload */
function frame(type, payload) {
	const header = Buffer.alloc(HEADER_BYTES);
	header.writeUInt8(type, 0);
	header.writeUInt32BE(payload.length, 1);
	return Buffer.concat([header, payload]);
}

const server = net.createServer((socket) => {
	const peer = `${socket.remoteAddress}:${socket.remotePort}`;
	console.log(`server: accepted a connection from ${peer}`);
	/** Bytes received that do not yet make a complete frame. */
	let pending = Buffer.alloc(0);
	let frames = 0;
	let refused = false;

	socket.setTimeout(IDLE_TIMEOUT_MS, () => {
		console.log(`server: ${peer} sent nothing for ${IDLE_TIMEOUT_MS / 1000} s, closing`);
		socket.end(frame(ERROR, Buffer.from('error: idle for too long, closing')));
	});

	socket.on('data', (chunk) => {
		if (refused) return; // keep reading, but drop it: the client has been told to stop
		console.log(`server: read ${chunk.length} ${chunk.length === 1 ? 'byte' : 'bytes'} in one chunk`);
		pending = Buffer.concat([pending, chunk]);
		// Take out every complete frame; leave an incomplete one in `pending` for the next read.
		while (pending.length >= HEADER_BYTES) {
			const type = pending[0];
			const length = pending.readUInt32BE(1);
			if (type !== DATA && type !== PING) {
				// A type we do not know: we cannot know what its payload means, so refuse it now.
				refused = true;
				pending = Buffer.alloc(0);
				console.log(`server: frame #${frames + 1} has the unknown type ${type}; refusing it and closing`);
				socket.end(frame(ERROR, Buffer.from(`error: unknown frame type ${type}`)));
				setTimeout(() => socket.destroy(), 2000).unref();
				return;
			}
			if (length > MAX_FRAME_BYTES) {
				// Refuse now, from the header alone: never wait for (or store) the huge payload.
				refused = true;
				pending = Buffer.alloc(0);
				console.log(`server: frame #${frames + 1} announces ${length} bytes, over the ${MAX_FRAME_BYTES}-byte limit; refusing it and closing`);
				socket.end(frame(ERROR, Buffer.from(`error: frame of ${length} bytes is over the ${MAX_FRAME_BYTES}-byte limit`)));
				// Give the client a moment to read the error, then drop the connection.
				setTimeout(() => socket.destroy(), 2000).unref();
				return;
			}
			if (pending.length < HEADER_BYTES + length) break; // the rest has not arrived yet
			const payload = pending.subarray(HEADER_BYTES, HEADER_BYTES + length);
			pending = pending.subarray(HEADER_BYTES + length);
			frames += 1;
			console.log(`server: frame #${frames} complete: ${length} bytes`);
			// If the client does not read our replies, stop reading its frames until they have
			// gone out; otherwise the replies would pile up in our memory.
			if (!socket.write(frame(type === PING ? PONG : DATA, payload)) && !socket.isPaused()) {
				socket.pause();
				socket.once('drain', () => socket.resume());
			}
		}
	});

	socket.on('end', () => {
		// The client closed its sending side. An unfinished frame can never be completed now.
		if (pending.length > 0 && !refused) {
			console.log(`server: ${peer} closed in the middle of a frame, dropping its ${pending.length} bytes`);
		}
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
