// @ts-check
/**
 * HTTP by hand: a raw TCP client that writes the bytes of two HTTP/1.1 requests itself and
 * prints every byte of the responses, with each CR LF shown as \r\n. On one connection it
 * sends GET /, reads the whole response, then sends POST /echo with "Connection: close".
 *
 * To know where a response ends, the client does what every HTTP client does: read up to the
 * empty line (\r\n\r\n), find Content-Length in the headers, then read exactly that many
 * body bytes. TCP itself has no messages; HTTP's framing is the empty line + Content-Length.
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
 * How long the response at the start of `data` is, or undefined if it has not all arrived.
 * @param {Buffer} data
 */
function responseLength(data) {
	const end = data.indexOf('\r\n\r\n');
	if (end === -1) return undefined; // the header section is not complete yet
	const head = data.subarray(0, end).toString('latin1');
	const length = /\r\ncontent-length: *(\d+)/i.exec(head);
	const total = end + 4 + Number(length?.[1] ?? 0);
	return data.length >= total ? total : undefined;
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
	let length;
	while ((length = responseLength(received)) !== undefined) {
		show('received', received.subarray(0, length));
		received = received.subarray(length);
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
