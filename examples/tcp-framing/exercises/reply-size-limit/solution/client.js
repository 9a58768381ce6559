// @ts-check
/**
 * Length-prefix framing client: shows that TCP moves bytes, not messages, in three cases.
 *   (a) three small frames written with three back-to-back write() calls: they usually
 *       arrive at the server in ONE read (the writes coalesce);
 *   (b) one 200 kB frame written with one write(): it arrives in SEVERAL reads (it is split);
 *   (c) one frame written in two parts, pausing 300 ms in the middle of its 4-byte length
 *       header: the server waits for the rest before it does anything.
 * In every case the replies are put back together by this client's own frame parser.
 *
 * The same calls in Python:
 *   net.connect(port, host)         sock = socket.create_connection((host, port))
 *   socket.write(bytes)             sock.sendall(bytes)
 *   'data' event (one chunk)        chunk = sock.recv(65536)
 *   header.writeUInt32BE(length)    header = struct.pack('>I', length)
 *
 * Run: node client.js [--host 127.0.0.1] [--port 7009]
 */
import { once } from 'node:events';
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';

const HEADER_BYTES = 4;
/** A reply may carry at most 1 MiB; a bigger one is refused from its header, before its payload arrives. */
const MAX_FRAME_BYTES = 1024 * 1024;
const REPLY_TIMEOUT_MS = 5000;

const { values } = parseArgs({
	options: {
		host: { type: 'string', default: '127.0.0.1' },
		port: { type: 'string', default: '7009' },
	},
});

/** A frame: the payload's length as 4 bytes, big-endian, then the payload. @param {Buffer} payload */
function frame(payload) {
	const header = Buffer.alloc(HEADER_BYTES);
	header.writeUInt32BE(payload.length);
	return Buffer.concat([header, payload]);
}

/**
 * Our frame parser: feed it every chunk that arrives; it returns the payloads of the frames
 * completed so far and keeps any unfinished frame for the next chunk. It throws an error as
 * soon as a header announces more than MAX_FRAME_BYTES.
 */
function createFrameParser() {
	let pending = Buffer.alloc(0);
	/** @param {Buffer} chunk @returns {Buffer[]} */
	return (chunk) => {
		pending = Buffer.concat([pending, chunk]);
		const payloads = [];
		while (pending.length >= HEADER_BYTES) {
			const length = pending.readUInt32BE(0);
			if (length > MAX_FRAME_BYTES) throw new Error(`a reply announces ${length} bytes, over the ${MAX_FRAME_BYTES}-byte limit`);
			if (pending.length < HEADER_BYTES + length) break; // the rest of this frame has not arrived yet
			const end = HEADER_BYTES + length;
			payloads.push(pending.subarray(HEADER_BYTES, end));
			pending = pending.subarray(end);
		}
		return payloads;
	};
}

/** Shows a payload as text, shortened if long. @param {Buffer} payload */
const show = (payload) => JSON.stringify(payload.length > 60 ? `${payload.toString('utf8', 0, 60)}...` : payload.toString('utf8'));

const socket = net.connect(Number(values.port), values.host);
const parse = createFrameParser();
/** @type {Buffer[]} */
const replies = [];
let reads = 0;
let replyArrived = () => {};

socket.on('data', (chunk) => {
	reads += 1;
	/** @type {Buffer[]} */
	let completed;
	try {
		completed = parse(chunk);
	} catch (error) {
		// Refused from its header: do not wait for (or store) the payload.
		console.error(`client: ${error instanceof Error ? error.message : error}; closing`);
		process.exit(1);
	}
	const frames = completed.length === 1 ? '1 frame' : `${completed.length} frames`;
	console.log(`client: read ${chunk.length} ${chunk.length === 1 ? 'byte' : 'bytes'} in one chunk${completed.length > 0 ? `, completing ${frames}` : ''}`);
	replies.push(...completed);
	replyArrived();
});

socket.on('close', () => {
	console.error('client: the server closed the connection before all replies came');
	process.exit(1);
});

/** Resolves with the next `count` replies, counting the reads they took. @param {number} count */
async function nextReplies(count) {
	reads = 0;
	const timer = setTimeout(() => {
		console.error(`client: no complete reply within ${REPLY_TIMEOUT_MS / 1000} s`);
		process.exit(1);
	}, REPLY_TIMEOUT_MS);
	while (replies.length < count) await new Promise((resolve) => (replyArrived = () => resolve(undefined)));
	clearTimeout(timer);
	return replies.splice(0, count);
}

socket.on('error', (error) => {
	const code = /** @type {NodeJS.ErrnoException} */ (error).code;
	if (code === 'ECONNREFUSED') {
		console.error(`client: nothing is listening on ${values.host}:${values.port}. Start the server first: node server.js`);
	} else {
		console.error(`client: ${error.message}`);
	}
	process.exit(1);
});

await once(socket, 'connect');
console.log(`client: connected to ${socket.remoteAddress}:${socket.remotePort} from local port ${socket.localPort}`);

console.log('client: (a) three small frames, written with three write() calls back to back');
const small = ['hello', 'framing', 'keeps messages apart'].map((text) => Buffer.from(text));
const framesA = small.map(frame); // built first, so that nothing slows down the three writes
for (const bytes of framesA) socket.write(bytes);
for (const payload of small) {
	console.log(`client: (a) wrote ${HEADER_BYTES + payload.length} bytes: a 4-byte header saying ${payload.length}, then ${show(payload)}`);
}
const repliesA = await nextReplies(small.length);
for (const [i, payload] of repliesA.entries()) console.log(`client: (a) reply ${i + 1}: ${payload.length} bytes ${show(payload)}`);
console.log(`client: (a) the 3 replies came in ${reads} ${reads === 1 ? 'read' : 'reads'}`);

console.log('client: (b) one frame of 200000 bytes, written with one write()');
const big = Buffer.alloc(200_000, 'abcdefghijklmnopqrstuvwxyz');
socket.write(frame(big));
console.log(`client: (b) wrote ${HEADER_BYTES + big.length} bytes`);
const [replyB] = await nextReplies(1);
const same = replyB?.equals(big) ? 'the same bytes as sent' : `NOT the bytes we sent: ${replyB ? show(replyB) : ''}`;
console.log(`client: (b) reply: ${replyB?.length} bytes, ${same}, put together from ${reads} ${reads === 1 ? 'read' : 'reads'}`);

console.log('client: (c) one frame written in two parts, pausing 300 ms inside its 4-byte header');
const framed = frame(Buffer.from('sent in two parts'));
socket.write(framed.subarray(0, 2));
console.log('client: (c) wrote 2 bytes (half of the header), now waiting 300 ms');
await sleep(300);
socket.write(framed.subarray(2));
console.log(`client: (c) wrote the other ${framed.length - 2} bytes`);
const [replyC] = await nextReplies(1);
console.log(`client: (c) reply: ${replyC?.length} bytes ${replyC ? show(replyC) : ''}`);

console.log('client: done, closing');
socket.removeAllListeners('close'); // from now on, the connection closing is expected
socket.end();
