// @ts-check
/**
 * TCP echo client: connects to the echo server, sends a few lines and prints what comes back.
 *
 * The same calls in Python:
 *   net.connect(port, host)      sock = socket.create_connection((host, port))
 *   socket.write(line)           sock.sendall(line)
 *   'data' event                 sock.recv(4096)
 *   socket.end()                 sock.shutdown(SHUT_WR); sock.close()
 *
 * Run: node client.js [--host 127.0.0.1] [--port 7007] [message ...]
 */
import net from 'node:net';
import { parseArgs } from 'node:util';

const { values, positionals } = parseArgs({
	allowPositionals: true,
	options: {
		host: { type: 'string', default: '127.0.0.1' },
		port: { type: 'string', default: '7007' },
	},
});
const messages = positionals.length > 0 ? positionals : ['hello', 'TCP keeps bytes in order', 'Grüße: ü is 2 bytes in UTF-8'];

const socket = net.connect(Number(values.port), values.host);
let received = Buffer.alloc(0);
let echoed = 0;

socket.on('connect', () => {
	console.log(`client: connected to ${socket.remoteAddress}:${socket.remotePort} from local port ${socket.localPort}`);
	for (const message of messages) {
		const line = Buffer.from(`${message}\n`, 'utf8');
		socket.write(line);
		console.log(`client: sent ${line.length} bytes: ${JSON.stringify(`${message}\n`)}`);
	}
});

socket.on('data', (chunk) => {
	received = Buffer.concat([received, chunk]);
	let newline;
	while ((newline = received.indexOf(0x0a)) !== -1) {
		const line = received.subarray(0, newline + 1);
		received = received.subarray(newline + 1);
		console.log(`client: received ${line.length} bytes: ${JSON.stringify(line.toString('utf8'))}`);
		echoed += 1;
		if (echoed === messages.length) {
			console.log('client: every line came back, closing');
			socket.end();
		}
	}
});

// The server closed its side: nothing more will come. Bytes after the last "\n" are its last word.
socket.on('end', () => {
	if (received.length > 0) {
		console.log(`client: received ${received.length} bytes (no newline at the end): ${JSON.stringify(received.toString('utf8'))}`);
		received = Buffer.alloc(0);
	}
});

socket.on('error', (error) => {
	const code = /** @type {NodeJS.ErrnoException} */ (error).code;
	if (code === 'ECONNREFUSED') {
		console.error(`client: nothing is listening on ${values.host}:${values.port}. Start the server first: node server.js`);
	} else {
		console.error(`client: ${error.message}`);
	}
	process.exitCode = 1;
});

socket.on('close', () => {
	if (echoed < messages.length && !process.exitCode) {
		console.error(`client: the server closed the connection after ${echoed} of ${messages.length} lines`);
		process.exitCode = 1;
	}
});
