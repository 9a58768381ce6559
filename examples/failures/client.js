// @ts-check
/**
 * Five things that go wrong on a network, each made to happen on purpose, caught, and
 * explained: what Node reports, what Python raises, and what it means.
 *   1. connection refused    nothing listens on the port          ECONNREFUSED  ConnectionRefusedError
 *   2. address in use        a second program listens on a port   EADDRINUSE    OSError (errno EADDRINUSE)
 *   3. timeout               the server never answers             (no code)     TimeoutError
 *   4. reset by peer         the server aborts the connection     ECONNRESET    ConnectionResetError
 *   5. half-close            we stop sending but keep listening   (no error)    (no error)
 *
 * The same calls in Python:
 *   net.connect(port, host)          sock = socket.create_connection((host, port))
 *   server.listen(port, host)        sock.bind((host, port)); sock.listen()
 *   socket.setTimeout(1000)          sock.settimeout(1.0)
 *   'error' event, error.code        except ConnectionResetError as e: e.errno
 *   socket.end()                     sock.shutdown(socket.SHUT_WR)
 *
 * Scenarios 2 to 5 need server.js running. Exits 0 if all five behaved as explained, else 1.
 *
 * Run: node client.js [--host 127.0.0.1] [--port 7013]
 */
import net from 'node:net';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';

/** No scenario may take longer than this. */
const SCENARIO_LIMIT_MS = 5000;

const { values } = parseArgs({
	options: {
		host: { type: 'string', default: '127.0.0.1' },
		port: { type: 'string', default: '7013' },
	},
});
const host = values.host;
const port = Number(values.port);

/** @param {string} text */
const say = (text) => console.log(`client:   ${text}`);

/** @typedef {NodeJS.ErrnoException} ErrnoException */

/** Milliseconds since `start`, for printing. @param {number} start */
const since = (start) => `${(performance.now() - start).toFixed(1)} ms`;

/**
 * Connects; resolves with the socket, or with the error if the connection failed.
 * @param {number} toPort
 * @returns {Promise<net.Socket | ErrnoException>}
 */
function connect(toPort) {
	return new Promise((resolve) => {
		const socket = net.connect(toPort, host);
		socket.once('connect', () => {
			socket.removeAllListeners('error');
			resolve(socket);
		});
		socket.once('error', resolve);
	});
}

/**
 * Waits for the first thing that happens on a connected socket.
 * @param {net.Socket} socket
 * @returns {Promise<{ what: 'data', data: Buffer } | { what: 'timeout' | 'end' } | { what: 'error', error: ErrnoException }>}
 */
function firstEvent(socket) {
	return new Promise((resolve) => {
		socket.once('data', (data) => resolve({ what: 'data', data }));
		socket.once('timeout', () => resolve({ what: 'timeout' }));
		socket.once('end', () => resolve({ what: 'end' }));
		socket.once('error', (error) => resolve({ what: 'error', error }));
	});
}

/** @param {{ what: string, data?: Buffer, error?: ErrnoException }} event */
function describeEvent(event) {
	if (event.what === 'data') return `it answered ${JSON.stringify(String(event.data))}`;
	if (event.what === 'error') return `the socket failed with ${event.error?.code ?? event.error?.message}`;
	return event.what === 'end' ? 'the server closed the connection' : 'nothing happened';
}

/** @param {ErrnoException} error @param {string} code */
function expectCode(error, code) {
	if (error.code !== code) say(`NOT as explained: expected ${code}, got ${error.code ?? error.message}`);
	return error.code === code;
}

/** A server we cannot reach makes every later scenario fail: say why, once per scenario. */
/** @param {ErrnoException} error */
function cannotConnect(error) {
	if (error.code === 'ECONNREFUSED') say(`nothing is listening on ${host}:${port}. Start the server first: node server.js`);
	else say(`could not connect to ${host}:${port}: ${error.message}`);
	return false;
}

async function connectionRefused() {
	// Find a port where nothing listens, honestly: borrow a free one from the OS, give it back.
	const borrowed = net.createServer();
	await new Promise((resolve) => borrowed.listen(0, host, () => resolve(undefined)));
	const freePort = /** @type {net.AddressInfo} */ (borrowed.address()).port;
	await new Promise((resolve) => borrowed.close(resolve));
	say(`port ${freePort} was free a moment ago (we listened on it and closed it), so nothing listens there`);
	const start = performance.now();
	const result = await connect(freePort);
	if (result instanceof net.Socket) {
		say(`NOT as explained: the connection was accepted (another program took port ${freePort} meanwhile?)`);
		result.destroy();
		return false;
	}
	say(`connecting to ${host}:${freePort} failed after ${since(start)}`);
	say(`Node error code: ${result.code}`);
	say('Python: socket.create_connection() raises ConnectionRefusedError');
	say('what it means: the computer is there, but no program listens on that port, so its OS said no at once');
	return expectCode(result, 'ECONNREFUSED');
}

async function addressInUse() {
	const second = net.createServer();
	/** @type {ErrnoException | undefined} */
	const error = await new Promise((resolve) => {
		second.once('error', resolve);
		second.listen(port, host, () => resolve(undefined));
	});
	if (error === undefined) {
		second.close();
		say(`NOT as explained: listening on ${host}:${port} worked, so the server is not running. Start it first: node server.js`);
		return false;
	}
	say(`listening on ${host}:${port}, the port the server already listens on, failed`);
	say(`Node error code: ${error.code}`);
	say('Python: sock.bind() raises OSError with errno EADDRINUSE ("Address already in use")');
	say('what it means: one port, one listening program; SO_REUSEADDR only lets a restarted server reuse a port that old, closed connections still hold, not steal a live one');
	return expectCode(error, 'EADDRINUSE');
}

async function timeout() {
	const socket = await connect(port);
	if (!(socket instanceof net.Socket)) return cannotConnect(socket);
	socket.write('silent\n');
	say('sent "silent\\n": the server reads it and will never answer');
	const start = performance.now();
	socket.setTimeout(1000); // emits 'timeout' after 1 s in which nothing was sent or received
	const event = await firstEvent(socket);
	socket.destroy(); // a timeout closes nothing by itself: giving up is our decision
	if (event.what !== 'timeout') {
		say(`NOT as explained: ${describeEvent(event)}`);
		return false;
	}
	say(`no answer; after ${since(start)} of silence our timeout fired, and we gave up and closed the connection`);
	say("Node error code: none: setTimeout() only emits 'timeout' (a connect that the OS gives up on is ETIMEDOUT)");
	say('Python: after sock.settimeout(1.0), sock.recv() raises TimeoutError (socket.timeout before Python 3.10)');
	say('what it means: a stuck server, a lost packet and an unplugged cable all look like silence, so every wait needs a limit');
	return true;
}

async function resetByPeer() {
	const socket = await connect(port);
	if (!(socket instanceof net.Socket)) return cannotConnect(socket);
	socket.write('reset\n');
	say('sent "reset\\n": the server will abort the connection with a TCP reset (RST) instead of closing it');
	const start = performance.now();
	socket.setTimeout(SCENARIO_LIMIT_MS);
	const event = await firstEvent(socket);
	socket.destroy();
	if (event.what !== 'error') {
		say(`NOT as explained: ${describeEvent(event)}`);
		return false;
	}
	say(`the connection failed ${since(start)} after we sent the command`);
	say(`Node error code: ${event.error.code}`);
	say('Python: sock.recv() raises ConnectionResetError');
	say('what it means: the other side aborted (it crashed, was killed or gave up), and anything still on the way is lost');
	return expectCode(event.error, 'ECONNRESET');
}

async function halfClose() {
	const socket = await connect(port);
	if (!(socket instanceof net.Socket)) return cannotConnect(socket);
	const body = 'these bytes are the whole request\n';
	socket.write('half-close\n');
	socket.end(body); // sends the body, then FIN: "I have nothing more to send"
	say(`sent "half-close\\n", then ${Buffer.byteLength(body)} more bytes, then called end(): our sending side is closed, our receiving side is open`);
	socket.setTimeout(SCENARIO_LIMIT_MS);
	/** @type {Buffer[]} */
	const parts = [];
	socket.on('data', (data) => parts.push(data));
	const ended = await new Promise((resolve) => {
		socket.once('end', () => resolve('end'));
		socket.once('timeout', () => resolve('timeout'));
		socket.once('error', (error) => resolve(/** @type {ErrnoException} */ (error).code));
	});
	socket.destroy();
	const answer = Buffer.concat(parts).toString('utf8');
	const expected = `you sent ${Buffer.byteLength(body)} bytes and then closed your side; my side is still open, so here is my answer\n`;
	if (ended !== 'end' || answer !== expected) {
		say(`NOT as explained: got ${JSON.stringify(answer)}, then ${ended}`);
		return false;
	}
	say(`after closing our side we still received ${Buffer.byteLength(answer)} bytes: ${JSON.stringify(answer)}`);
	say('Node error code: none: end() is no error, and the server then closed its side too (the \'end\' event)');
	say('Python: no exception: sock.shutdown(socket.SHUT_WR), then sock.recv() still returns the answer, then b""');
	say('what it means: a TCP connection has two directions that close separately, so "I am done sending" is itself a message');
	return true;
}

/** @type {[string, () => Promise<boolean>][]} */
const scenarios = [
	['connection refused', connectionRefused],
	['address already in use', addressInUse],
	['timeout', timeout],
	['connection reset by peer', resetByPeer],
	['half-close', halfClose],
];

let failed = 0;
for (const [index, [title, scenario]] of scenarios.entries()) {
	console.log(`client: [${index + 1}/${scenarios.length}] ${title}`);
	/** @type {NodeJS.Timeout | undefined} */
	let timer;
	const tooSlow = new Promise((resolve) => {
		timer = setTimeout(() => {
			say(`NOT as explained: nothing decided within ${SCENARIO_LIMIT_MS / 1000} s`);
			resolve(false);
		}, SCENARIO_LIMIT_MS);
	});
	const behaved = await Promise.race([scenario(), tooSlow]);
	clearTimeout(timer);
	if (!behaved) failed += 1;
}

if (failed === 0) {
	console.log(`client: all ${scenarios.length} scenarios behaved as explained`);
} else {
	console.log(`client: ${failed} of ${scenarios.length} scenarios did not behave as explained`);
}
process.exitCode = failed === 0 ? 0 : 1;
// Everything is closed, so Node ends by itself; if a scenario still hangs, stop anyway.
setTimeout(() => process.exit(), 1000).unref();
