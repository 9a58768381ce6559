// @ts-check
/**
 * HTTP by hand: a raw TCP client that writes the bytes of two HTTP/1.1 requests itself and
 * prints every byte of the responses, with each CR LF shown as \r\n. On one connection it
 * sends GET /, reads the whole response, then sends POST /echo with "Connection: close".
 *
 * To know where a response ends, the client does what every HTTP client does: read up to the
 * empty line (\r\n\r\n), find Content-Length in the headers, then read exactly that many
 * body bytes. TCP itself has no messages; HTTP's framing is the empty line + Content-Length,
 * or, with "Transfer-Encoding: chunked", a body sent in chunks that each give their length.
 * It prints each response's body, put together from its chunks, on a line of its own.
 *
 * The same calls in Python:
 *   net.connect(port, host)      sock = socket.create_connection((host, port))
 *   socket.write(request)        sock.sendall(request)
 *   'data' event                 sock.recv(65536)
 * Python's http.client does this framing for you (see client-http.js for Node's version):
 *   conn = http.client.HTTPConnection(host, port); conn.request("GET", "/")
 *   response = conn.getresponse(); response.status, response.getheaders(), response.read()
 *
 * Run: node client.js [--host 127.0.0.1] [--port 7011]
 */
import net from 'node:net';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
	options: {
		host: { type: 'string', default: '127.0.0.1' },
		port: { type: 'string', default: '7011' },
	},
});
const host = `${values.host}:${values.port}`;
const body = Buffer.from('Grüße, server!\n', 'utf8');

// The exact bytes of each request: request line, header lines, empty line, body.
const requests = [
	Buffer.from(`GET / HTTP/1.1\r\nHost: ${host}\r\n\r\n`, 'latin1'),
	Buffer.concat([
		Buffer.from(
			`POST /echo HTTP/1.1\r\nHost: ${host}\r\nContent-Type: text/plain; charset=utf-8\r\n` +
				`Content-Length: ${body.length}\r\nConnection: close\r\n\r\n`,
			'latin1'
		),
		body,
	]),
];

/**
 * Prints bytes one line per output line, with the line ends made visible.
 * @param {string} what @param {Buffer} bytes
 */
function show(what, bytes) {
	console.log(`raw client: ${what} ${bytes.length} bytes:`);
	for (const line of bytes.toString('utf8').split(/(?<=\n)/)) {
		console.log(`raw client:   ${line.replaceAll('\r', '\\r').replaceAll('\n', '\\n')}`);
	}
}

/**
 * How long the response at the start of `data` is, and its body, or undefined if it has not
 * all arrived.
 * @param {Buffer} data
 * @returns {{ length: number, body: Buffer } | undefined}
 */
function parseResponse(data) {
	const end = data.indexOf('\r\n\r\n');
	if (end === -1) return undefined; // the header section is not complete yet
	const head = data.subarray(0, end).toString('latin1');
	if (/\r\ntransfer-encoding: *chunked/i.test(head)) return chunkedBody(data, end + 4);
	const length = /\r\ncontent-length: *(\d+)/i.exec(head);
	const total = end + 4 + Number(length?.[1] ?? 0);
	return data.length >= total ? { length: total, body: data.subarray(end + 4, total) } : undefined;
}

/**
 * A chunked body, from `start` in `data`: chunks of "SIZE\r\n" (in hex), SIZE bytes, "\r\n",
 * until a chunk of size 0; then trailer lines (usually none) and an empty line.
 * @param {Buffer} data
 * @param {number} start
 * @returns {{ length: number, body: Buffer } | undefined}
 */
function chunkedBody(data, start) {
	/** @type {Buffer[]} */
	const chunks = [];
	for (;;) {
		const lineEnd = data.indexOf('\r\n', start);
		if (lineEnd === -1) return undefined; // the size line is not complete yet
		const size = parseInt(data.toString('latin1', start, lineEnd), 16); // "1a;name=value": parseInt stops at ";"
		if (Number.isNaN(size)) throw new Error(`a chunk size must be a hex number, not ${JSON.stringify(data.toString('latin1', start, lineEnd))}`);
		start = lineEnd + 2;
		if (size === 0) break;
		if (data.length < start + size + 2) return undefined; // the chunk is not complete yet
		chunks.push(data.subarray(start, start + size)); // bytes: a character may be split between two chunks
		start += size + 2; // the chunk and its "\r\n"
	}
	let lineEnd;
	while ((lineEnd = data.indexOf('\r\n', start)) !== start) {
		if (lineEnd === -1) return undefined; // the trailers are not complete yet
		start = lineEnd + 2; // a trailer line
	}
	return { length: start + 2, body: Buffer.concat(chunks) };
}

const socket = net.connect(Number(values.port), values.host);
let received = Buffer.alloc(0);
let answered = 0;

/** @param {number} index */
function send(index) {
	const request = /** @type {Buffer} */ (requests[index]);
	socket.write(request);
	show('sent', request);
}

socket.on('connect', () => {
	console.log(`raw client: connected to ${socket.remoteAddress}:${socket.remotePort} from local port ${socket.localPort}`);
	console.log(`raw client: the POST body is ${body.toString().length} characters but ${body.length} bytes; Content-Length counts bytes`);
	send(0);
});

socket.on('data', (chunk) => {
	received = Buffer.concat([received, chunk]);
	let response;
	for (;;) {
		try {
			response = parseResponse(received);
		} catch (error) {
			// A malformed response (a chunk size that is no hex number): say so and hang up.
			console.error(`raw client: ${/** @type {Error} */ (error).message}; closing`);
			process.exitCode = 1;
			socket.destroy();
			return;
		}
		if (response === undefined) break;
		show('received', received.subarray(0, response.length));
		console.log(`raw client: body ${response.body.length} bytes: ${JSON.stringify(response.body.toString('utf8'))}`);
		received = received.subarray(response.length);
		answered += 1;
		// The connection stays open after a response (HTTP/1.1 keep-alive): send the next request on it.
		if (answered < requests.length) send(answered);
	}
});

socket.on('end', () => {
	if (answered === requests.length) console.log('raw client: the server closed the connection');
});

socket.on('error', (error) => {
	const code = /** @type {NodeJS.ErrnoException} */ (error).code;
	if (code === 'ECONNREFUSED') {
		console.error(`raw client: nothing is listening on ${values.host}:${values.port}. Start the server first: node server.js`);
	} else {
		console.error(`raw client: ${error.message}`);
	}
	process.exitCode = 1;
});

socket.on('close', () => {
	if (answered < requests.length && !process.exitCode) {
		console.error(`raw client: the server closed the connection after ${answered} of ${requests.length} responses`);
		process.exitCode = 1;
	}
});
