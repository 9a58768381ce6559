// @ts-check
/**
 * Names and addresses: the client. Three steps:
 *   1. looks up a host name ("localhost") and prints every address it got, and how long it took;
 *   2. tries a list of addresses ("::1", then "127.0.0.1") one at a time until one accepts the
 *      connection and answers "whoami" within ANSWER_TIMEOUT_MS, and prints the answer; an
 *      address that accepts but closes, or stays silent, counts as failed;
 *   3. connects to the host name with net.connect() and autoSelectFamily, which looks the name
 *      up and tries its addresses itself, and asks "whoami" again.
 * With --only-try it does step 2 only.
 *
 * The same calls in Python:
 *   dns.lookup(name, { all: true })                 socket.getaddrinfo(name, port, type=SOCK_STREAM)
 *   net.connect(port, '::1')                        socket.socket(AF_INET6).connect(("::1", port, 0, 0))
 *   net.connect({ host, port, autoSelectFamily })   socket.create_connection((host, port))
 *
 * Run: node client.js [--host localhost] [--port 7017] [--try ::1,127.0.0.1] [--only-try]
 */
import dns from 'node:dns';
import net from 'node:net';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';

/** No step waits longer than this for the server. */
const TIMEOUT_MS = 10_000;
/** In step 2, an address whose server has not answered by then counts as failed. */
const ANSWER_TIMEOUT_MS = 1000;

const { values } = parseArgs({
	options: {
		host: { type: 'string', default: 'localhost' },
		port: { type: 'string', default: '7017' },
		try: { type: 'string', default: '::1,127.0.0.1' },
		'only-try': { type: 'boolean', default: false },
	},
});
const port = Number(values.port);
const candidates = values.try.split(',').filter(Boolean);

/** `127.0.0.1:5000`, `[::1]:5000`: an IPv6 address goes in brackets, or its colons would run into the port's. */
const hostPort = (/** @type {string | undefined} */ host, /** @type {number | undefined} */ p) =>
	host !== undefined && net.isIPv6(host) ? `[${host}]:${p}` : `${host}:${p}`;

/**
 * Step 1: the name lookup, as the operating system does it (getaddrinfo(), on one of libuv's
 * threads: this program's JavaScript goes on meanwhile, and the callback brings the answer).
 * @param {string} name
 * @returns {Promise<dns.LookupAddress[]>}
 */
function lookUp(name) {
	const started = performance.now();
	return new Promise((resolve, reject) => {
		dns.lookup(name, { all: true }, (error, addresses) => {
			if (error) return reject(error);
			const ms = (performance.now() - started).toFixed(2);
			console.log(`client: dns.lookup("${name}", { all: true }) answered after ${ms} ms with ${addresses.length} address${addresses.length === 1 ? '' : 'es'}:`);
			for (const { address, family } of addresses) console.log(`client:   ${address} (family ${family})`);
			resolve(addresses);
		});
	});
}

/**
 * Resolves with the connected socket, or rejects with the error of the failed connect.
 * @param {net.NetConnectOpts} options
 * @returns {Promise<net.Socket>}
 */
function connect(options) {
	return new Promise((resolve, reject) => {
		const socket = net.connect(options);
		socket.setTimeout(TIMEOUT_MS, () => socket.destroy(new Error(`no answer within ${(socket.timeout ?? TIMEOUT_MS) / 1000} s`)));
		socket.once('error', reject);
		socket.once('connect', () => {
			socket.off('error', reject);
			console.log(`client: connected to ${hostPort(socket.remoteAddress, socket.remotePort)} from local port ${socket.localPort}`);
			console.log(`client:   remoteAddress "${socket.remoteAddress}", remoteFamily "${socket.remoteFamily}", remotePort ${socket.remotePort}`);
			resolve(socket);
		});
	});
}

/** @param {unknown} error */
function explain(error) {
	const code = /** @type {NodeJS.ErrnoException} */ (error).code;
	if (code === 'ECONNREFUSED') return 'ECONNREFUSED (nothing listens there)';
	return code ?? (error instanceof Error ? error.message : String(error));
}

/**
 * Step 2: what a client does with the list of addresses a lookup returned: try them one at a
 * time, in order, until one accepts the connection (Python's create_connection() does so) and
 * answers "whoami". A server that accepted but closed, or did not answer in time, is a failure too.
 * @param {string[]} hosts
 * @returns {Promise<void>}
 */
async function connectInTurn(hosts) {
	console.log(`client: trying ${hosts.join(', then ')}, one at a time`);
	let lastError;
	for (const [i, host] of hosts.entries()) {
		const next = i + 1 < hosts.length ? '; trying the next address' : '';
		let socket;
		try {
			socket = await connect({ host, port });
		} catch (error) {
			lastError = error;
			console.log(`client: connecting to ${hostPort(host, port)} failed: ${explain(error)}${next}`);
			continue;
		}
		socket.setTimeout(ANSWER_TIMEOUT_MS); // from now on, wait this long for the answer
		try {
			return await whoami(socket);
		} catch (error) {
			socket.destroy();
			lastError = error;
			console.log(`client: ${hostPort(host, port)} did not answer: ${explain(error)}${next}`);
		}
	}
	throw lastError ?? new Error('no address to try');
}

/**
 * Sends "whoami", prints the server's answer line, closes our side.
 * @param {net.Socket} socket
 * @returns {Promise<void>}
 */
function whoami(socket) {
	return new Promise((resolve, reject) => {
		let received = Buffer.alloc(0);
		socket.on('data', (chunk) => {
			received = Buffer.concat([received, chunk]);
			const newline = received.indexOf(0x0a);
			if (newline === -1) return;
			console.log(`client: the server says "${received.subarray(0, newline).toString('utf8')}"`);
			socket.end();
			resolve();
		});
		socket.once('error', reject);
		socket.once('close', () => reject(new Error('the server closed the connection without an answer')));
		socket.write('whoami\n');
		console.log('client: sent 7 bytes: "whoami\\n"');
	});
}

/** A step that failed, with the one line the client prints about it. */
class StepFailed extends Error {}
/** @param {(error: unknown) => string} say @returns {(error: unknown) => never} */
const failWith = (say) => (error) => {
	throw new StepFailed(say(error));
};

async function main() {
	if (!values['only-try']) {
		await lookUp(values.host).catch(failWith((error) => `the name "${values.host}" was not found (${explain(error)})`));
	}
	const refused = `nothing is listening on port ${port} at ${candidates.join(' or ')}. Start the server first: node server.js`;
	await connectInTurn(candidates).catch(
		failWith((error) => (/** @type {NodeJS.ErrnoException} */ (error).code === 'ECONNREFUSED' ? refused : explain(error)))
	);
	if (values['only-try']) return;

	const options = `{ host: "${values.host}", port: ${port}, autoSelectFamily: true }`;
	console.log(`client: net.connect(${options}) tries the addresses of "${values.host}" itself`);
	// With several addresses, the error is an AggregateError that holds every attempt's error.
	const second = await connect({ host: values.host, port, autoSelectFamily: true }).catch(
		failWith((error) => `net.connect(${options}) failed: ${explain(error)}`)
	);
	await whoami(second);
}

main().catch((error) => {
	console.error(`client: ${error instanceof StepFailed ? error.message : explain(error)}`);
	process.exitCode = 1;
});
