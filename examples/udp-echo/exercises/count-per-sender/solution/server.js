// @ts-check
/**
 * UDP echo server: sends every datagram it receives straight back to the address and port it
 * came from.
 *
 * UDP has no connection: there is no listen() and no accept(). The server binds one socket
 * to a port and every client's datagrams arrive on that same socket, each labelled with the
 * sender's address. Each datagram arrives whole or not at all, so its boundaries are kept,
 * but datagrams may be lost, duplicated or arrive out of order: nobody resends them for us.
 *
 * The same calls in Python:
 *   dgram.createSocket('udp4')      sock = socket.socket(AF_INET, SOCK_DGRAM)
 *   socket.bind(port, host)         sock.bind((host, port))
 *   'message' event (msg, rinfo)    data, addr = sock.recvfrom(65535)
 *   socket.send(msg, port, addr)    sock.sendto(data, addr)
 *   socket.close()                  sock.close()
 *
 * Run: node server.js [--host 127.0.0.1] [--port 7008]   (port 0 = any free port)
 */
import dgram from 'node:dgram';
import { parseArgs } from 'node:util';

/** Datagrams up to this size are echoed; a bigger one gets an error reply instead. */
const MAX_DATAGRAM_BYTES = 8192;
const TOO_LARGE = Buffer.from(`error: datagram larger than ${MAX_DATAGRAM_BYTES} bytes`, 'ascii');

const { values } = parseArgs({
	options: {
		host: { type: 'string', default: '127.0.0.1' },
		port: { type: 'string', default: '7008' },
	},
});

const socket = dgram.createSocket('udp4');
let bound = false;
/** Datagrams received from each sender, "ADDR:PORT": with no connections, that is who a client is. @type {Map<string, number>} */
const counts = new Map();

socket.on('message', (message, sender) => {
	const peer = `${sender.address}:${sender.port}`;
	console.log(`server: received ${message.length} bytes from ${peer}`);
	// Each 'message' is exactly one datagram, as the client sent it: no need to look for line
	// ends or lengths, as a TCP server must.
	if (message.length > MAX_DATAGRAM_BYTES) {
		socket.send(TOO_LARGE, sender.port, sender.address, (error) => {
			if (error) console.log(`server: could not send the error reply to ${peer}: ${error.message}`);
			else console.log(`server: ${message.length} bytes is over the ${MAX_DATAGRAM_BYTES}-byte limit, sent an error reply to ${peer}`);
		});
		return;
	}
	const count = (counts.get(peer) ?? 0) + 1;
	counts.set(peer, count);
	const reply = Buffer.concat([Buffer.from(`${count}: `), message]);
	// The callback runs once the datagram has been handed to the operating system. That does
	// not mean it arrived: UDP never tells us.
	socket.send(reply, sender.port, sender.address, (error) => {
		if (error) console.log(`server: could not echo to ${peer}: ${error.message}`);
		else console.log(`server: echoed ${message.length} bytes to ${peer}, numbered ${count}`);
	});
});

socket.on('error', (error) => {
	if (!bound && /** @type {NodeJS.ErrnoException} */ (error).code === 'EADDRINUSE') {
		console.error(`server: UDP port ${values.port} on ${values.host} is already in use. Stop the other program or choose another port: node server.js --port 0`);
		process.exit(1);
	}
	console.error(`server: ${error.message}`);
	if (!bound) process.exit(1);
	// Once bound, one failed datagram must not stop the server for everybody else.
});

socket.on('listening', () => {
	bound = true;
	const address = socket.address();
	console.log(`server: listening on ${address.address}:${address.port}`);
});

socket.bind(Number(values.port), values.host);

for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM'])) {
	process.on(signal, () => {
		console.log('server: stopping');
		socket.close();
		process.exit(0);
	});
}
