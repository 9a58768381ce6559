// @ts-check
/**
 * Names and addresses: the server. It listens on both loopback addresses, 127.0.0.1 (IPv4)
 * and ::1 (IPv6), on the same port, with one listening socket for each, and answers the line
 * "whoami" with the address family and the client's address as the server sees them:
 * "AF_INET6 ::1 port 51514" or "AF_INET 127.0.0.1 port 51516". The line "lookup NAME" is
 * answered with the addresses the name lookup finds for NAME: "localhost: AF_INET 127.0.0.1".
 *
 * It does not listen on '::' (every address of the computer, IPv6 and IPv4 on one socket):
 * that would let other computers connect. Loopback only.
 *
 * The same calls in Python:
 *   net.createServer(); server.listen(port, '::1')   socket.create_server(("::1", port), family=AF_INET6)
 *   server.listen(port, '127.0.0.1')                 socket.create_server(("127.0.0.1", port))
 *   socket.remoteAddress, socket.remotePort          conn, (host, port, flowinfo, scope_id) = sock.accept()
 *
 * Run: node server.js [--listen 127.0.0.1 --listen ::1] [--port 7017]   (port 0 = any free port)
 */
import dns from 'node:dns';
import net from 'node:net';
import { parseArgs } from 'node:util';

/** A line may be at most 1 MiB; a longer one is refused so one client cannot fill our memory. */
const MAX_LINE_BYTES = 1024 * 1024;
/** A client that sends nothing for this long is disconnected. */
const IDLE_TIMEOUT_MS = 30_000;
const UNKNOWN_COMMAND = 'error: unknown command; the commands are whoami and lookup NAME\n';

const { values } = parseArgs({
	options: {
		listen: { type: 'string', multiple: true },
		port: { type: 'string', default: '7017' },
	},
});
const addresses = values.listen ?? ['127.0.0.1', '::1'];

/** `127.0.0.1:5000`, `[::1]:5000`: an IPv6 address goes in brackets, or its colons would run into the port's. */
const hostPort = (/** @type {string | undefined} */ host, /** @type {number | undefined} */ port) =>
	host !== undefined && net.isIPv6(host) ? `[${host}]:${port}` : `${host}:${port}`;

/**
 * The answer to "lookup NAME": each address the lookup finds, with its family, in the order
 * it returns them. dns.lookup() asks the operating system, as getaddrinfo() does in Python,
 * on a thread of libuv's: the answer comes later, in a callback.
 * @param {string} name
 * @returns {Promise<string>}
 */
function lookUp(name) {
	return new Promise((resolve) => {
		try {
			dns.lookup(name, { all: true }, (error, found) => {
				if (error) return resolve(`error: no address for ${name}\n`);
				resolve(`${name}: ${found.map(({ address, family }) => `${family === 6 ? 'AF_INET6' : 'AF_INET'} ${address}`).join(', ')}\n`);
			});
		} catch {
			// A name no lookup can take (a 0 byte in it) throws at once, with no callback.
			resolve(`error: no address for ${name}\n`);
		}
	});
}

/** @param {net.Socket} socket */
function serveClient(socket) {
	const host = socket.remoteAddress;
	const port = socket.remotePort;
	// The listening socket it came in on decides the family: one for IPv6, one for IPv4.
	const family = host !== undefined && net.isIPv6(host) ? 'AF_INET6' : 'AF_INET';
	const peer = hostPort(host, port);
	console.log(`server: accepted a connection from ${peer} (${family})`);
	/** Bytes received since the last newline. */
	let pending = Buffer.alloc(0);
	let refused = false;
	/** The answers not yet sent, in order: an answer waits for the ones before it (a lookup takes time). */
	let answers = Promise.resolve();
	/** @param {string | Promise<string>} answer */
	const send = (answer) => {
		answers = answers.then(() => answer).then((text) => {
			if (socket.writable) socket.write(text); // (not after the connection ended)
		});
	};

	socket.setTimeout(IDLE_TIMEOUT_MS, () => {
		console.log(`server: ${peer} sent nothing for ${IDLE_TIMEOUT_MS / 1000} s, closing`);
		socket.end('error: idle for too long, closing\n');
	});

	const refuse = () => {
		refused = true;
		pending = Buffer.alloc(0);
		console.log(`server: ${peer} sent a line over ${MAX_LINE_BYTES} bytes, refusing it`);
		send(`error: line longer than ${MAX_LINE_BYTES} bytes, closing\n`);
		answers = answers.then(() => {
			socket.end();
			// Give the client a moment to read the error, then drop the connection.
			setTimeout(() => socket.destroy(), 2000).unref();
		});
	};

	socket.on('data', (chunk) => {
		if (refused) return; // keep reading, but drop it: the client has been told to stop
		pending = Buffer.concat([pending, chunk]);
		let newline;
		while ((newline = pending.indexOf(0x0a)) !== -1) {
			let line = pending.subarray(0, newline);
			pending = pending.subarray(newline + 1);
			if (line.length > MAX_LINE_BYTES) return refuse();
			if (line.at(-1) === 0x0d) line = line.subarray(0, -1); // "whoami\r\n" from telnet or Windows
			const text = line.toString('latin1');
			if (text === 'whoami') {
				const answer = `${family} ${host} port ${port}`;
				send(`${answer}\n`);
				console.log(`server: told ${peer} "${answer}"`);
			} else if (text.startsWith('lookup ') && text.length > 'lookup '.length) {
				send(lookUp(text.slice('lookup '.length)));
				console.log(`server: ${peer} asked for the addresses of "${text.slice('lookup '.length)}"`);
			} else {
				send(UNKNOWN_COMMAND);
				console.log(`server: ${peer} sent an unknown command of ${line.length} bytes`);
			}
		}
		if (pending.length > MAX_LINE_BYTES) refuse();
	});

	socket.on('end', () => {
		// The client closed its sending side. A last line without "\n" is not a command: dropped.
		answers = answers.then(() => {
			socket.end(); // after the answers still on their way
		});
		console.log(`server: ${peer} closed the connection`);
	});

	// Without this handler, a client that vanishes (ECONNRESET) would crash the whole server.
	socket.on('error', (error) => console.log(`server: connection to ${peer} failed: ${error.message}`));
}

/**
 * One listening socket on `host`:`port`; resolves once it listens.
 * @param {string} host
 * @param {number} port
 * @returns {Promise<net.Server>}
 */
function listenOn(host, port) {
	return new Promise((resolve, reject) => {
		const server = net.createServer(serveClient);
		server.once('error', reject);
		server.listen(port, host, () => {
			server.off('error', reject);
			server.on('error', (error) => console.log(`server: ${error.message}`));
			resolve(server);
		});
	});
}

/**
 * Listens on every address, on one port: the first gets `port` (0: any free one), the others
 * the port it got. Should that port be taken on another address, it starts again with a new one.
 * @returns {Promise<net.Server[]>}
 */
async function listenOnAll() {
	const wanted = Number(values.port);
	for (let attempt = 1; ; attempt++) {
		/** @type {net.Server[]} */
		const servers = [];
		let port = wanted;
		try {
			for (const host of addresses) {
				try {
					const server = await listenOn(host, port);
					servers.push(server);
					port = /** @type {net.AddressInfo} */ (server.address()).port;
				} catch (error) {
					const code = /** @type {NodeJS.ErrnoException} */ (error).code;
					if (code === 'EADDRINUSE') throw Object.assign(/** @type {Error} */ (error), { host, port });
					// E.g. EADDRNOTAVAIL for ::1 on a computer without IPv6: go on with the other address.
					console.log(`server: cannot listen on ${hostPort(host, port)} (${code ?? /** @type {Error} */ (error).message}), going on without it`);
				}
			}
			if (servers.length === 0) {
				console.error('server: could not listen on any address');
				process.exit(1);
			}
			return servers;
		} catch (error) {
			for (const server of servers) server.close();
			const { host, port: taken } = /** @type {Error & { host: string, port: number }} */ (error);
			if (wanted === 0 && attempt < 10) continue; // a free port on one address, taken on another: try another
			console.error(`server: port ${taken} on ${host} is already in use. Stop the other program or choose another port: node server.js --port 0`);
			process.exit(1);
		}
	}
}

const servers = await listenOnAll();
for (const server of servers) {
	const address = /** @type {net.AddressInfo} */ (server.address());
	console.log(`server: listening on ${hostPort(address.address, address.port)}`);
}

for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM'])) {
	process.on(signal, () => {
		console.log('server: stopping');
		for (const server of servers) server.close();
		process.exit(0);
	});
}
