// @ts-check
/**
 * Seven things that happen to connections, six of them failures, each made to happen on
 * purpose, caught, and explained: what Node reports, what Python raises, and what it means.
 *   1. connection refused    nothing listens on the port           ECONNREFUSED  ConnectionRefusedError
 *   2. address in use        a second program listens on a port    EADDRINUSE    OSError (errno EADDRINUSE)
 *   3. timeout               the server never answers              (no code)     TimeoutError
 *   4. reset by peer         the server aborts the connection      ECONNRESET    ConnectionResetError
 *   5. unread data at close  a program closes without reading      ECONNRESET    ConnectionResetError
 *   6. peer killed           its OS closes the socket normally     'end', EPIPE  b"", BrokenPipeError
 *   7. half-close            we stop sending but keep listening    (no error)    (no error)
 *
 * The same calls in Python:
 *   net.connect(port, host)          sock = socket.create_connection((host, port))
 *   server.listen(port, host)        sock.bind((host, port)); sock.listen()
 *   socket.setTimeout(1000)          sock.settimeout(1.0)
 *   'error' event, error.code        except ConnectionResetError as e: e.errno
 *   socket.end()                     sock.shutdown(socket.SHUT_WR)
 *
 * Scenarios 2, 3, 4 and 7 need server.js running; 1, 5 and 6 make their own peer. Exits 0 if all
 * seven behaved as explained, else 1.
 *
 * Run: node client.js [--host 127.0.0.1] [--port 7013]
 */
import { spawn } from 'node:child_process';
import net from 'node:net';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

/** No scenario may take longer than this. */
const SCENARIO_LIMIT_MS = 5000;
/** How many times the client tries to reach the server before it gives up. */
const ATTEMPTS = 5;
/** The wait after the first refusal; it doubles after each one. */
const FIRST_DELAY_MS = 100;

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
 * @param {boolean} [allowHalfOpen] keep our sending side open when the other side closes its own
 * @returns {Promise<net.Socket | ErrnoException>}
 */
function connect(toPort, allowHalfOpen = false) {
	return new Promise((resolve) => {
		const socket = net.connect({ port: toPort, host, allowHalfOpen });
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
	return event.what === 'end' ? 'the other side closed the connection normally' : 'nothing happened';
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
	say('what it means: the computer is there, but no program listens on that port, so its OS said no (at once on Linux and macOS; Windows tries again for about 2 s)');
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
	say('what it means: the other side aborted the connection instead of closing it (this server on purpose, with SO_LINGER 0), and anything still on the way is lost');
	return expectCode(event.error, 'ECONNRESET');
}

/**
 * Listens on a free port for one connection that is never read from (`pauseOnConnect`: the
 * bytes stay in the operating system's receive buffer), connects to it, and resolves with both ends.
 * @returns {Promise<{ listener: net.Server, ours: net.Socket, theirs: net.Socket }>}
 */
async function connectToNonReader() {
	const listener = net.createServer({ pauseOnConnect: true });
	await new Promise((resolve) => listener.listen(0, host, () => resolve(undefined)));
	/** @type {Promise<net.Socket>} */
	const accepted = new Promise((resolve) => listener.once('connection', resolve));
	const ours = await connect(/** @type {net.AddressInfo} */ (listener.address()).port);
	if (!(ours instanceof net.Socket)) throw ours;
	return { listener, ours, theirs: await accepted };
}

async function closedWithUnreadData() {
	const { listener, ours, theirs } = await connectToNonReader();
	const request = 'bytes that nobody will read\n';
	await new Promise((resolve) => ours.write(request, resolve));
	say(`connected to a listener of our own that never reads, and sent it ${Buffer.byteLength(request)} bytes`);
	await new Promise((resolve) => setTimeout(resolve, 100)); // time for them to arrive in its receive buffer
	theirs.destroy(); // close() while unread bytes wait: the OS answers with a reset, not a FIN
	say('the listener closed its end with our bytes still unread in its receive buffer');
	const start = performance.now();
	const event = await firstEvent(ours);
	ours.destroy();
	listener.close();
	if (event.what !== 'error') {
		say(`NOT as explained: ${describeEvent(event)}`);
		return false;
	}
	say(`our connection failed ${since(start)} after that close`);
	say(`Node error code: ${event.error.code}`);
	say('Python: sock.recv() raises ConnectionResetError');
	say('what it means: closing a socket with data still unread tells the sender "your bytes were thrown away": a reset, not a normal close');
	return expectCode(event.error, 'ECONNRESET');
}

/**
 * Starts peer.js, a second program that prints its port, accepts one connection, prints
 * "accepted" and then does nothing. Returns it and a function that waits for its next line.
 * @returns {{ peer: import('node:child_process').ChildProcess, nextLine: () => Promise<string> }}
 */
function startPeerProgram() {
	const file = fileURLToPath(new URL('peer.js', import.meta.url));
	const peer = spawn(process.execPath, [file, '--host', host], { stdio: ['ignore', 'pipe', 'inherit'] });
	process.once('exit', () => peer.kill('SIGKILL')); // never leave it running, whatever happens here
	/** @type {string[]} */
	const lines = [];
	/** @type {(() => void) | undefined} */
	let wake;
	peer.stdout?.on('data', (chunk) => {
		lines.push(...String(chunk).split('\n').filter(Boolean));
		wake?.();
	});
	/** @returns {Promise<string>} */
	const nextLine = async () => {
		while (lines.length === 0) await new Promise((resolve) => (wake = () => resolve(undefined)));
		return /** @type {string} */ (lines.shift());
	};
	return { peer, nextLine };
}

async function peerKilled() {
	const { peer, nextLine } = startPeerProgram();
	const peerPort = Number(await nextLine());
	// allowHalfOpen: when the peer's FIN arrives, Node must not close our side, so we can still send.
	const ours = await connect(peerPort, true);
	if (!(ours instanceof net.Socket)) {
		peer.kill('SIGKILL');
		say(`NOT as explained: could not connect to the other program: ${ours.message}`);
		return false;
	}
	await nextLine(); // "accepted": the connection is the program's own now, not waiting in its queue
	say(`connected to another program (process ${peer.pid}), then killed it with SIGKILL: it could not run a line of its own`);
	peer.kill('SIGKILL');
	const first = await firstEvent(ours);
	if (first.what !== 'end') {
		ours.destroy();
		say(`NOT as explained: ${describeEvent(first)}`);
		return false;
	}
	say("its operating system closed the killed program's socket normally: we got 'end' (Python: recv() returns b\"\")");
	/** @param {string} text @returns {Promise<ErrnoException | null | undefined>} */
	const send = (text) => new Promise((resolve) => ours.write(text, resolve));
	ours.on('error', () => {}); // the write callback below reports the failure
	const firstSend = await send('first message\n');
	await new Promise((resolve) => setTimeout(resolve, 100)); // time for the peer's answer to that send
	const secondSend = await send('second message\n');
	ours.destroy();
	if (firstSend || !secondSend) {
		say(`NOT as explained: the first send ${firstSend ? `failed with ${firstSend.code}` : 'worked'}, the second ${secondSend ? `failed with ${secondSend.code}` : 'worked'}`);
		return false;
	}
	say('the first send still "worked": the bytes left, and the peer\'s OS answered them with a reset');
	say(`the second send failed: Node error code: ${secondSend.code}`);
	say('Python: the first sock.sendall() returns, the second raises BrokenPipeError');
	say('what it means: when a program dies, even by SIGKILL, its OS closes its sockets as close() would: normally, unless bytes were left unread. A send that returns only means the bytes left, not that anyone read them');
	// Linux says EPIPE; Windows (and some other systems) report the peer's reset instead.
	return process.platform === 'linux' || secondSend.code !== 'ECONNRESET' ? expectCode(secondSend, 'EPIPE') : true;
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
	['closed with unread data', closedWithUnreadData],
	['peer killed', peerKilled],
	['half-close', halfClose],
];

/**
 * Waits for the server: connects, and while the connection is refused, tries again after a
 * wait that doubles each time (100, 200, 400, 800 ms). Resolves with true once it connected.
 */
async function waitForServer() {
	let delayMs = FIRST_DELAY_MS;
	for (let attempt = 1; attempt <= ATTEMPTS; attempt += 1) {
		const result = await connect(port);
		if (result instanceof net.Socket) {
			console.log(`client: attempt ${attempt} of ${ATTEMPTS}: connected`);
			result.destroy(); // it only had to be there: each scenario makes its own connection
			return true;
		}
		if (result.code !== 'ECONNREFUSED') {
			console.log(`client: attempt ${attempt} of ${ATTEMPTS}: ${result.message}, giving up`);
			return false;
		}
		if (attempt === ATTEMPTS) {
			console.log(`client: attempt ${attempt} of ${ATTEMPTS}: connection refused, giving up`);
			return false;
		}
		console.log(`client: attempt ${attempt} of ${ATTEMPTS}: connection refused, trying again in ${delayMs} ms`);
		await new Promise((resolve) => setTimeout(resolve, delayMs));
		delayMs *= 2;
	}
	return false;
}

if (!(await waitForServer())) {
	console.log(`client: nothing is listening on ${host}:${port}. Start the server first: node server.js`);
	process.exit(1);
}

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
