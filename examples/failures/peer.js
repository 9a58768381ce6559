// @ts-check
/**
 * A program that client.js kills on purpose (scenario 6, "peer killed"): it listens on a free
 * port, prints the port, accepts one connection, prints "accepted", and then does nothing until
 * it is killed. Its operating system then closes its socket, as it does for every program
 * that ends, however it ends.
 *
 * The same calls in Python (python/peer.py):
 *   net.createServer(...).listen(0, host)   listener = socket.create_server((host, 0))
 *   'connection' event                      conn, addr = listener.accept()
 *
 * Run: node peer.js [--host 127.0.0.1]
 */
import net from 'node:net';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { host: { type: 'string', default: '127.0.0.1' } } });

/** @type {net.Socket[]} kept, so that the connection stays open until we are killed */
const connections = [];
const listener = net.createServer((socket) => {
	connections.push(socket);
	socket.on('error', () => {}); // the other side's later reset is no concern of a program about to die
	console.log('accepted');
});
listener.listen(0, values.host, () => console.log(/** @type {net.AddressInfo} */ (listener.address()).port));
