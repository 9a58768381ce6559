// @ts-check
/**
 * __EXAMPLE_TITLE__: the client. TODO: say what it sends and what it expects back.
 *
 * As scaffolded, it sends a few lines to the echo server and prints each reply.
 *
 * Run: node client.js [--host 127.0.0.1] [--port 7020] [line ...]
 */
import net from 'node:net';
import { parseArgs } from 'node:util';

const { values, positionals } = parseArgs({
	allowPositionals: true,
	options: {
		host: { type: 'string', default: '127.0.0.1' },
		port: { type: 'string', default: '7020' },
	},
});
// TODO: the requests your client sends.
const requests = positionals.length > 0 ? positionals : ['hello', 'one line, one reply'];

const socket = net.connect(Number(values.port), values.host);
let received = Buffer.alloc(0);
let answered = 0;

socket.on('connect', () => {
	console.log(`client: connected to ${values.host}:${values.port}`);
	for (const request of requests) {
		socket.write(`${request}\n`);
		console.log(`client: sent ${JSON.stringify(request)}`);
	}
});

socket.on('data', (chunk) => {
	received = Buffer.concat([received, chunk]);
	let newline;
	while ((newline = received.indexOf(0x0a)) !== -1) {
		const reply = received.subarray(0, newline).toString('utf8');
		received = received.subarray(newline + 1);
		// TODO: check the reply your protocol promises.
		console.log(`client: received ${JSON.stringify(reply)}`);
		answered += 1;
		if (answered === requests.length) {
			console.log('client: every request was answered, closing');
			socket.end();
		}
	}
});

socket.on('error', (error) => {
	if (/** @type {NodeJS.ErrnoException} */ (error).code === 'ECONNREFUSED') {
		console.error(`client: nothing is listening on ${values.host}:${values.port}. Start the server first: node server.js`);
	} else {
		console.error(`client: ${error.message}`);
	}
	process.exitCode = 1;
});

socket.on('close', () => {
	if (answered < requests.length && !process.exitCode) {
		console.error(`client: the server closed the connection after ${answered} of ${requests.length} replies`);
		process.exitCode = 1;
	}
});
