// @ts-check
/**
 * Check of "A chat room" (Node.js): starts server.js and connects clients A and B (and C, who
 * leaves at once). Each line one of them sends must reach every client, the sender too. The
 * checker's exchange() talks on one connection at a time, so this check opens its own
 * connections, and closes them all at the end.
 */
import net from 'node:net';
import { show } from '../../check.js';

/** How long to wait for the lines of one step. */
const WAIT_MS = 1_000;

/** @typedef {{ name: string, socket: net.Socket, received: () => string }} Client */

/**
 * Connects a client of the check; `received()` is everything that came back so far.
 * @param {number} port
 * @param {string} name
 * @param {Set<net.Socket>} sockets
 * @returns {Promise<Client>}
 */
function connect(port, name, sockets) {
	return new Promise((resolve) => {
		const socket = net.connect(port, '127.0.0.1');
		sockets.add(socket);
		let text = '';
		socket.setEncoding('utf8');
		socket.on('data', (chunk) => (text += chunk));
		socket.on('error', () => {});
		const client = { name, socket, received: () => text };
		socket.on('connect', () => resolve(client));
		socket.on('close', () => resolve(client)); // could not connect: received() stays ''
	});
}

/** @param {typeof import('../../check.js').checker} t */
export default async function check(t) {
	const server = await t.start('server.js', ['--port', '0']);
	/** @type {Set<net.Socket>} */
	const sockets = new Set();
	/** @type {string[]} what the check did so far, for the message */
	const story = [];
	/**
	 * Waits until each client got `expected[name]` (or WAIT_MS passed), and compares.
	 * @param {Client[]} clients
	 * @param {Record<string, string>} expected
	 */
	const expect = async (clients, expected) => {
		const deadline = Date.now() + WAIT_MS;
		const complete = () => clients.every((c) => c.received().length >= (expected[c.name] ?? '').length);
		while (!complete() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
		if (clients.every((c) => c.received() === expected[c.name])) return;
		t.fail(
			[
				...story,
				'Expected, in all, a chat room that sends each line to everyone, the sender too:',
				...clients.map((c) => `  ${c.name} gets ${show(expected[c.name] ?? '')}`),
				'Got:',
				...clients.map((c) => `  ${c.name} got  ${show(c.received())}`),
			].join('\n')
		);
	};
	try {
		const a = await connect(server.port, 'A', sockets);
		a.socket.write('hi from A\n');
		story.push('Client A connected and sent "hi from A\\n".');
		await expect([a], { A: 'hi from A\n' });

		const b = await connect(server.port, 'B', sockets);
		b.socket.write('hi from B\n');
		story.push('Then client B connected and sent "hi from B\\n".');
		await expect([a, b], { A: 'hi from A\nhi from B\n', B: 'hi from B\n' });

		const c = await connect(server.port, 'C', sockets);
		c.socket.destroy();
		b.socket.write('bye from B\n');
		story.push('Then client C connected and left at once, and B sent "bye from B\\n".');
		await expect([a, b], { A: 'hi from A\nhi from B\nbye from B\n', B: 'hi from B\nbye from B\n' });
	} finally {
		for (const socket of sockets) socket.destroy();
		await server.stop();
	}
}
