// @ts-check
/**
 * Check of "Count per sender" (Node.js): starts server.js and sends datagrams to it from two
 * sockets of its own (two "clients", each with its own port), taking turns, one at a time.
 */
import dgram from 'node:dgram';
import { indent, show } from '../../check.js';

/** Which client sends what, in this order, and the reply each one should get. */
const TURNS = /** @type {const} */ ([
	['A', 'hello', '1: hello'],
	['B', 'Grüße', '1: Grüße'],
	['A', '', '2: '],
	['A', 'again', '3: again'],
	['B', 'bye', '2: bye'],
]);

/** @param {typeof import('../../check.js').checker} t */
export default async function check(t) {
	const server = await t.start('server.js', ['--port', '0']);
	/** @type {Record<string, dgram.Socket>} */
	const clients = {};
	try {
		for (const name of ['A', 'B']) {
			const socket = dgram.createSocket('udp4');
			socket.on('error', () => {});
			clients[name] = socket;
			await new Promise((resolve) => socket.bind(0, '127.0.0.1', () => resolve(undefined)));
		}
		/** @type {string[]} */
		const story = [];
		for (const [name, text, expected] of TURNS) {
			const socket = /** @type {dgram.Socket} */ (clients[name]);
			/** @type {Buffer | undefined} */
			const reply = await new Promise((resolve) => {
				const timer = setTimeout(() => resolve(undefined), 1000);
				socket.once('message', (message) => {
					clearTimeout(timer);
					resolve(message);
				});
				socket.send(text, server.port, '127.0.0.1');
			});
			const sent = `${name} (port ${socket.address().port}) sent ${show(text)}`;
			if (reply === undefined || reply.toString() !== expected) {
				t.fail(
					[
						`The check sent datagrams from two sockets of its own, A and B, one at a time:`,
						indent([...story, sent].join('\n')),
						`Expected back: ${show(expected)} (this is datagram ${expected.split(':')[0]} from ${name})`,
						`Got back:      ${reply === undefined ? 'nothing within 1 s' : show(reply)}`,
						`The server printed:\n${indent(server.output.stdout + server.output.stderr) || '  (nothing)'}`,
					].join('\n')
				);
			}
			story.push(`${sent}, got back ${show(reply)}`);
		}
	} finally {
		for (const socket of Object.values(clients)) socket.close();
		await server.stop();
	}
}
