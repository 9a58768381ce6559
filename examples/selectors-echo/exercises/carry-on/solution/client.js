// @ts-check
/**
 * Echo client with several connections at once, all in one thread: the Node.js twin of
 * python/client.py.
 *
 * It opens 4 connections at the same moment. Connections 1 to 3 each send two short lines;
 * connection 4 sends one line of 1,000,000 bytes (plus "\n"), under the server's 1 MiB limit.
 * It reads every answer back, checks it, and exits 0 when all were right. A connection that
 * fails is reported, and the others go on.
 *
 * The Python twin does by hand what Node.js does for us here:
 *   Python (selectors)                                  Node.js (net)
 *   connect() raises BlockingIOError (EINPROGRESS);     net.connect() returns at once;
 *     writable + getsockopt(SO_ERROR) == 0                'connect' event
 *   EVENT_READ; recv()                                  'data' event
 *   send() takes part; EVENT_WRITE for the rest         socket.write() keeps the rest itself
 *
 * Run: node client.js [--host 127.0.0.1] [--port 7030] [--connections 3] [--big 1000000] [line ...]
 */
import net from 'node:net';
import { parseArgs } from 'node:util';

const { values, positionals } = parseArgs({
	allowPositionals: true,
	options: {
		host: { type: 'string', default: '127.0.0.1' },
		port: { type: 'string', default: '7030' },
		connections: { type: 'string', default: '3' }, // connections that send short lines
		big: { type: 'string', default: '1000000' }, // bytes of the long line on the last connection (0: none)
	},
});
const port = Number(values.port);
const big = Number(values.big);

/** @typedef {{ number: number, name: string, lines: Buffer[], expected: Buffer }} Plan */

/** @type {Plan[]} */
const plans = [];
for (let number = 1; number <= Number(values.connections); number++) {
	const texts = positionals.length > 0 ? positionals : [`hello from connection ${number}`, `connection ${number}: ü is 2 bytes in UTF-8`];
	const lines = texts.map((text) => Buffer.from(`${text}\n`, 'utf8'));
	plans.push({ number, name: `connection ${number}`, lines, expected: Buffer.concat(lines) });
}
if (big > 0) {
	const line = Buffer.concat([Buffer.from('0123456789'.repeat(Math.ceil(big / 10)).slice(0, big)), Buffer.from('\n')]);
	const number = plans.length + 1;
	plans.push({ number, name: `connection ${number}`, lines: [line], expected: line });
}

const show = (/** @type {Buffer} */ line) => JSON.stringify(line.toString('utf8'));
let finished = 0;
let wrong = 0;
/** Connections whose lines all came back, the same bytes as sent. */
let right = 0;

console.log(`client: opening ${plans.length} connection${plans.length === 1 ? '' : 's'} to ${values.host}:${port} at once, from one thread`);
for (const plan of plans) talk(plan);

/** One connection: send its lines, read them back, check them. @param {Plan} plan */
function talk(plan) {
	const socket = net.connect(port, values.host); // returns at once; 'connect' comes later
	const isBig = plan.expected.length > 200;
	let received = Buffer.alloc(0);
	let checked = 0; // bytes of `received` already checked, up to a "\n"
	let dataEvents = 0;
	let done = false;
	let failed = false; // an 'error' came, and was reported

	socket.on('connect', () => {
		console.log(`client: ${plan.name} connected to ${socket.remoteAddress}:${socket.remotePort} from local port ${socket.localPort}`);
		for (const line of plan.lines) {
			console.log(isBig ? `client: ${plan.name} sends one line of ${line.length} bytes` : `client: ${plan.name} sends ${line.length} bytes: ${show(line)}`);
			if (!socket.write(line)) {
				console.log(`client: ${plan.name}: write() returned false, ${socket.writableLength} bytes wait in Node's buffer until the socket is writable`);
			}
		}
	});

	socket.on('data', (chunk) => {
		if (done) return;
		dataEvents += 1;
		received = Buffer.concat([received, chunk]);
		if (!isBig) {
			let newline;
			while ((newline = received.indexOf(0x0a, checked)) !== -1) {
				const got = received.subarray(checked, newline + 1);
				const index = received.subarray(0, checked).reduce((n, byte) => n + (byte === 0x0a ? 1 : 0), 0);
				const line = plan.lines[index] ?? Buffer.alloc(0);
				const right = got.equals(line);
				if (!right) wrong += 1;
				console.log(`client: ${plan.name} received ${got.length} bytes: ${show(got)}${right ? '' : `, expected ${show(line)}`}`);
				checked = newline + 1;
			}
		}
		if (received.length >= plan.expected.length) {
			if (isBig) {
				const same = received.equals(plan.expected);
				if (!same) wrong += 1;
				console.log(`client: ${plan.name} received its ${received.length} bytes back in ${dataEvents} 'data' events, ${same ? 'the same bytes as sent' : 'NOT the bytes sent'}`);
			}
			if (received.equals(plan.expected)) right += 1;
			console.log(`client: ${plan.name} got every line back, closing it`);
			done = true;
			socket.end(); // "I will send nothing more"
			finished += 1;
			if (finished === plans.length) report();
		}
	});

	socket.on('error', (error) => {
		failed = true;
		const code = /** @type {NodeJS.ErrnoException} */ (error).code;
		if (code === 'ECONNREFUSED') {
			if (!process.exitCode) console.error(`client: nothing is listening on ${values.host}:${port}. Start the server first: node server.js`);
		} else {
			console.error(`client: ${plan.name}: ${error.message}`);
		}
		process.exitCode = 1;
	});

	socket.on('close', () => {
		if (done) return;
		if (!failed) {
			console.error(`client: the server closed ${plan.name} after sending ${received.length} of ${plan.expected.length} bytes: ${show(received.subarray(-200))}`);
		}
		process.exitCode = 1;
		finished += 1; // this connection is over too; the others go on
		if (finished === plans.length) report();
	});
}

function report() {
	if (wrong > 0) console.error(`client: ${wrong} answers were wrong`);
	if (right < plans.length) {
		console.error(`client: ${right} of ${plans.length} connections came back right`);
		process.exitCode = 1;
	} else {
		console.log(`client: every answer was right: ${plans.length} connection${plans.length === 1 ? '' : 's'}, one thread, Node's event loop`);
	}
}
